/**
 * Namespace budgets (issue 16, item 8): a ResourceQuota and a LimitRange in each app namespace,
 * sized from config at the largest planned scale with 25% headroom. The render audit
 * (__tests__/render.test.ts, rule `quota`) holds them to the rendered pods.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { projectDaemonSetRequests } from '../config/rules-capacity';
import { podNeeds } from '../scripts/render/audit';
import { renderedExamples, resources, synthExamples, type Json } from './support';

const { stacks } = synthExamples();
const quota = (stack: string, namespace: string) => resources(stacks[stack]!, 'kubernetes_resource_quota_v1').find((q) => q.metadata.namespace === namespace);
const limitRange = (stack: string, namespace: string) => resources(stacks[stack]!, 'kubernetes_limit_range_v1').find((l) => l.metadata.namespace === namespace);

describe('namespace budgets', () => {
  it('bound Rocket.Chat in aws-prod by the autoscaler maximum plus a surge starting while the one before terminates: (9 + 3 + 3) pods of 500m / 1536Mi / ' +
    '3Gi, +25%', () => {
    expect(quota('aws-prod-app', 'rocketchat')).toEqual({
      metadata: { name: 'budget', namespace: 'rocketchat' },
      spec: { hard: { pods: '19', 'requests.cpu': '9375m', 'requests.memory': '28800Mi', 'limits.memory': '57600Mi' } },
      depends_on: ['kubernetes_namespace_v1.namespace-rocketchat'],
    });
  });

  it('bound MongoDB in aws-prod by its 3 members (mongod, backup agent, exporter) and the operator with its surge, +25%', () => {
    // Per member: mongod 2 CPU / 16Gi (request = limit), backup agent 300m / 1Gi / 1536Mi, exporter 20m / 64Mi / 128Mi.
    // Operator: 50m / 128Mi / 256Mi, two pods while it rolls.
    expect(quota('aws-prod-app', 'mongodb')?.spec.hard).toEqual({ pods: '7', 'requests.cpu': '8825m', 'requests.memory': '65840Mi',
      'limits.memory': '68320Mi' });
  });

  it('leaves CPU limits out of every quota: mongod and the backup agent run without them on purpose', () => {
    for (const stack of ['aws-dev-app', 'aws-prod-app', 'azure-dev-app', 'azure-prod-app']) {
      for (const ns of ['rocketchat', 'mongodb']) expect(Object.keys(quota(stack, ns)!.spec.hard), `${stack} ${ns}`).not.toContain('limits.cpu');
    }
  });

  it('gives containers that state no resources small defaults, which the quota requires', () => {
    for (const stack of ['aws-dev-app', 'azure-prod-app']) {
      for (const ns of ['rocketchat', 'mongodb']) {
        expect(limitRange(stack, ns)?.spec.limit, `${stack} ${ns}`).toEqual([{ type: 'Container', default_request: { cpu: '50m', memory: '64Mi' },
          default: { memory: '256Mi' } }]);
      }
    }
  });
});

describe('DaemonSets in the node capacity rules (config/rules-capacity.ts)', () => {
  const rendered = (env: string): { names: string[]; cpu: number; memory: number } => {
    const sets = renderedExamples()
      .releases.filter((r) => r.stack === `${env}-platform`)
      .flatMap((r) => r.objects.map((o) => o.object as Json))
      .filter((o) => o.kind === 'DaemonSet');
    // Each pod's requests by the scheduler's rule, as the render audit's quota check counts them.
    const needs = sets.map((d) => podNeeds(d.spec.template.spec, undefined));
    return {
      names: sets.map((d) => d.metadata.name as string).sort(),
      cpu: needs.reduce((a, n) => a + n.cpu, 0),
      memory: needs.reduce((a, n) => a + n.memory, 0),
    };
  };

  it('aws-prod: Alloy 100m / 256Mi, its config reloader 10m / 64Mi and node-exporter 50m / 64Mi on every node', () => {
    const [env] = loadEnvironments({ 'aws-prod': ENVIRONMENTS['aws-prod'] }, undefined);
    expect(projectDaemonSetRequests(env!)).toEqual({ cpu: 160, memory: 384 * 1024 ** 2 });
  });

  it.each(Object.keys(ENVIRONMENTS))('%s: counts exactly what the platform renders as DaemonSets', (name) => {
    const [env] = loadEnvironments({ [name]: ENVIRONMENTS[name] }, undefined);
    const actual = rendered(name);
    expect(actual.names).toEqual(['alloy', 'kube-prometheus-stack-prometheus-node-exporter']);
    expect(projectDaemonSetRequests(env!)).toEqual({ cpu: actual.cpu, memory: actual.memory });
  });
});
