import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { collectObjects, objectProblem, synthExamples, type FoundObject } from './support';

describe('Kubernetes objects written in code', () => {
  let found: FoundObject[] = [];
  beforeAll(() => {
    found = collectObjects(synthExamples().stacks);
  });

  it('finds the objects each layer writes, so the validation below cannot pass on nothing', () => {
    const kinds = (stack: string) => [...new Set(found.filter((f) => f.where.startsWith(`${stack} `)).map((f) => `${f.object.apiVersion} ${f.object.kind}`))];
    const platform = ['cert-manager.io/v1 Certificate', 'cert-manager.io/v1 ClusterIssuer'];
    const app = ['cert-manager.io/v1 Certificate', 'monitoring.coreos.com/v1 PodMonitor', 'psmdb.percona.com/v1 PerconaServerMongoDB'];
    const agcEdge = ['alb.networking.azure.io/v1 HealthCheckPolicy', 'alb.networking.azure.io/v1 WebApplicationFirewallPolicy',
      'gateway.networking.k8s.io/v1 HTTPRoute'];
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(kinds(`${env}-platform`), `${env}-platform`).toEqual(expect.arrayContaining(platform));
      expect(kinds(`${env}-app`), `${env}-app`).toEqual(expect.arrayContaining(env.startsWith('azure-') ? [...app, ...agcEdge] : app));
    }
    // At least: a ClusterIssuer per platform stack, a Certificate per platform and app stack, two more per app, four for the AGC edge (two routes, their
    // WAF policies, the probe).
    expect(found.length).toBeGreaterThanOrEqual(4 + 8 + 4 * 2 + 2 * 5);
  });

  it('all validate against their models in every example stack', async () => {
    expect(found.length).toBeGreaterThan(0);
    const problems = (await Promise.all(found.map(objectProblem))).filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('finds objects in kubernetes_manifest resources and in Helm values', () => {
    const stacks = {
      s: {
        resource: {
          kubernetes_manifest: { issuer: { manifest: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca' }, spec: { ca: {
            secretName: 'root' } } } } },
          helm_release: { grafana: { values: [JSON.stringify({ extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dash' } }] })] } },
        },
      },
    };
    expect(collectObjects(stacks).map((f) => `${f.where} ${f.object.kind}`)).toEqual(['s kubernetes_manifest.issuer ClusterIssuer',
      's helm_release.grafana.values[0].extraObjects[0] ConfigMap']);
  });

  it('accepts a valid object and rejects a missing required field, a wrong type and an unmodelled kind', async () => {
    const check = (object: Record<string, unknown>) => objectProblem({ where: 'x', object });
    expect(await check({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }))
      .toBeUndefined();
    expect(await check({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls' }, spec: { dnsNames: ['a.example.com'],
      issuerRef: { name: 'ca' } } })).toMatch(/^x: Certificate tls .*secretName/);
    expect(await check({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {},
      policyTypes: 'Ingress' } })).toMatch(
      /^x: NetworkPolicy deny .*policyTypes/,
    );
    expect(await check({ apiVersion: 'example.com/v1', kind: 'Widget' })).toBe('x: no model for example.com/v1 Widget');
  });
});
