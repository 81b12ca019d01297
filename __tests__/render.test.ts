/**
 * Every helm_release of every example stack rendered with the real Helm binary
 * and the pinned chart packages, then audited (scripts/render/audit.ts): what
 * the helm provider would install must render, validate, fit its namespace's
 * Pod Security level, carry requests and limits and pinned images, and be
 * matched by the selectors that point at it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { auditRendered, formatAuditFinding, type AuditReport } from '../scripts/render/audit';
import { skippedCharts } from '../scripts/render/charts';
import { helmBinary } from '../scripts/render/helm-binary';
import { kubeVersionsOf, renderStacks, type RenderedRelease } from '../scripts/render/render';
import { clone, editValues, examplesOutdir, type Json, readOutdir, renderedExamples, type Synthesized } from './support';

const kubeVersions = kubeVersionsOf(loadEnvironments(ENVIRONMENTS, undefined));

describe('rendered Helm releases', () => {
  let synth: Synthesized;
  let releases: RenderedRelease[];
  let report: AuditReport;

  beforeAll(async () => {
    synth = readOutdir(examplesOutdir());
    const render = renderedExamples();
    releases = render.releases;
    const started = Date.now();
    report = await auditRendered(synth, releases);
    const lines = [
      `render: ${releases.length} releases with ${helmBinary().version} in ${render.seconds.toFixed(1)} s (global setup); audit ${((Date
        .now() - started) / 1000).toFixed(1)} s`,
      ...report.notes.map((n) => `  not checked: ${n}`),
      ...report.waived.map((w) => `  waived: ${formatAuditFinding(w)} [${w.reason}]`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }, 180_000);

  it('renders every helm_release of every example stack, leaving out only the charts RENDER_SKIP_CHARTS names', () => {
    const declared = Object.entries(synth.stacks).flatMap(([stack, json]) => Object.keys(json.resource?.helm_release ?? {}).map((id) => `${stack}/${id}`));
    expect(releases.map((r) => `${r.stack}/${r.id}`).sort()).toEqual(declared.sort());
    // Only alb-controller may be skipped (no offline copy of the MCR chart), and only where .ci/run says so.
    expect([...new Set(releases.filter((r) => r.skipped).map((r) => r.chart))]).toEqual(skippedCharts().has('alb-controller') ? ['alb-controller 1.13.0'] : []);
    expect([...skippedCharts()].filter((c) => c !== 'alb-controller')).toEqual([]);
    for (const r of releases.filter((r) => !r.skipped && !r.error)) expect(r.objects.length, `${r.stack}/${r.name}`).toBeGreaterThan(0);
  });

  it('finds nothing the reviewed waivers do not cover, and every waiver still matches a finding', () => {
    expect(report.findings.map(formatAuditFinding)).toEqual([]);
    expect(report.unusedWaivers).toEqual([]);
  });

  it('renders the custom resources and pods it audits in every environment, operator-built pods included', () => {
    for (const env of Object.keys(kubeVersions)) {
      const kinds = new Set(releases.filter((r) => r.stack.startsWith(`${env}-`)).flatMap((r) => r.objects.map((o) => o.object.kind)));
      for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CustomResourceDefinition', 'Prometheus', 'Alertmanager', 'PerconaServerMongoDB',
        'ClusterIssuer', 'Service']) {
        expect(kinds.has(kind), `${env}: ${kind}`).toBe(true);
      }
    }
  });

  it('gives capability-gated templates the CRDs the platform installs (ServiceMonitors render)', () => {
    const monitors = releases.filter((r) => r.stack === 'aws-prod-platform').flatMap((r) => r.objects.filter((o) => o.object.kind === 'ServiceMonitor'));
    expect(monitors.length).toBeGreaterThan(5);
  });
});

describe('the render audit catches', () => {
  let base: Synthesized;
  beforeAll(() => {
    base = readOutdir(examplesOutdir());
  });

  /** Renders and audits one release of one stack after `mutate` changed the synthesized stack. */
  async function findingsAfter(stack: string, release: (id: string) => boolean, mutate: (stack: Json) => void): Promise<string[]> {
    const synth: Synthesized = { manifest: base.manifest, stacks: { ...base.stacks, [stack]: clone(base.stacks[stack]!) } };
    mutate(synth.stacks[stack]!);
    const releases = await renderStacks(synth, { kubeVersions, outdir: examplesOutdir(), only: [stack], filter: (_s, id) => release(id) });
    return (await auditRendered(synth, releases, [])).findings.map(formatAuditFinding);
  }
  /** The same for a change to one chart's values: only its release is rendered. */
  const afterValues = (stack: string, chart: string, edit: (values: Json) => void): Promise<string[]> =>
    findingsAfter(stack, (id) => id.startsWith(`${chart}_`), (s) => editValues(s, chart, edit));

  it('a value that breaks a chart template', async () => {
    const findings = await afterValues('aws-dev-platform', 'external-dns', (v) => (v.extraArgs = 'not-a-list'));
    expect(findings).toEqual(expect.arrayContaining([expect
      .stringMatching(/^aws-dev-platform \/ external-dns \/ helm_release \/ external-dns_\w+ \/ chart: Error: .* \[render\]$/)]));
  });

  it('a custom resource field its CRD does not declare, and a built-in object of the wrong shape', async () => {
    const findings = await findingsAfter('aws-dev-platform', (id) => id.startsWith('cert-manager'), (s) => {
      editValues(s, 'cluster-issuers', (v) => (v.objects[0].spec.acmee = { server: 'https://acme.example' }));
      s.resource.kubernetes_network_policy_v1['netpol-cert-manager-default-deny-ingress'].spec.policy_types = 'Ingress';
    });
    expect(findings).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp('^aws-dev-platform / cluster-issuers / ClusterIssuer / \\S+ / spec\\.acmee: is not in the CRD schema \\(the API ' +
        'server would drop it\\) \\[schema\\]$')),
      expect.stringMatching(/^aws-dev-platform \/ terraform \/ NetworkPolicy \/ cert-manager\/default-deny-ingress \/ -: .*policyTypes.* \[schema\]$/),
    ]));
  });

  it('a collector whose ClusterRole reads every Secret (Alloy with its chart\'s default RBAC)', async () => {
    const findings = await afterValues('aws-dev-platform', 'alloy', (v) => { delete v.rbac; });
    expect(findings).toEqual(expect.arrayContaining([expect
      .stringMatching(/^aws-dev-platform \/ alloy \/ ClusterRole \/ alloy \/ rules\[\d+\]: grants get, list, watch on secrets in every namespace \[rbac\]$/)]));
  });

  it('a prod workload of several replicas with no zone spread and no disruption budget (Loki as before issue 26)', async () => {
    const findings = await afterValues('aws-prod-platform', 'loki', (v) => {
      delete v.singleBinary.topologySpreadConstraints;
      v.singleBinary.podDisruptionBudget = { enabled: false };
    });
    expect(findings).toEqual(expect.arrayContaining([
      'aws-prod-platform / loki / StatefulSet / monitoring/loki / spec.affinity: 3 replicas with neither pod anti-affinity nor a topology spread ' +
        'across topology.kubernetes.io/zone that selects them: one zone can hold them all [availability]',
      'aws-prod-platform / loki / StatefulSet / monitoring/loki / metadata.labels: 3 replicas and no PodDisruptionBudget selects them: a drain may ' +
        'evict them all at once [availability]',
    ]));
  });

  it('a container without requests and a memory limit', async () => {
    const findings = await afterValues('aws-dev-platform', 'external-dns', (v) => (v.resources = {}));
    expect(findings).toContain('aws-dev-platform / external-dns / Deployment / external-dns/external-dns / spec.containers[external-dns].resources: ' +
      'missing requests.cpu, requests.memory, limits.memory [resources]');
  });

  it('a privileged pod in a restricted namespace', async () => {
    const findings = await afterValues('aws-dev-platform', 'external-dns', (v) => (v.securityContext = { ...v.securityContext, privileged: true }));
    expect(findings).toContain('aws-dev-platform / external-dns / Deployment / external-dns/external-dns / spec.containers[external-dns].securityContext' +
      '.privileged: privileged container (Pod Security baseline); namespace external-dns enforces restricted [pod-security]');
  });

  it('a NetworkPolicy whose pod selector matches no rendered pod (a label typo)', async () => {
    const findings = await findingsAfter('aws-dev-platform', (id) => id.startsWith('cert-manager_'), (s) => {
      s.resource.kubernetes_network_policy_v1['netpol-cert-manager-webhook-from-api-server'].spec.pod_selector
        .match_labels['app.kubernetes.io/name'] = 'webhok';
    });
    expect(findings).toContain('aws-dev-platform / terraform / NetworkPolicy / cert-manager/webhook-from-api-server / spec.podSelector: ' +
      '{"matchLabels":{"app.kubernetes.io/component":"webhook","app.kubernetes.io/name":"webhok"}} selects no rendered pod in cert-manager [network-policy]');
  });

  it('a pod in a project namespace that no allow policy selects', async () => {
    const findings = await findingsAfter('aws-dev-platform', (id) => id.startsWith('external-dns'), (s) => delete s.resource
      .kubernetes_network_policy_v1['netpol-external-dns-metrics-from-prometheus']);
    expect(findings).toContain('aws-dev-platform / external-dns / Deployment / external-dns/external-dns / metadata.labels: no NetworkPolicy in ' +
      'external-dns allows it any traffic beyond DNS (selected by: default-deny-ingress) [network-policy]');
  });

  it('a Service published past the HTTPS edge (a LoadBalancer from a chart value)', async () => {
    const findings = await afterValues('aws-prod-platform', 'tempo', (v) => (v.service = { ...v.service, type: 'LoadBalancer' }));
    expect(findings).toContain('aws-prod-platform / tempo / Service / monitoring/tempo / spec.type: LoadBalancer publishes monitoring/tempo outside the ' +
      'cluster, past the HTTPS edge and its firewall [exposure]');
  });

  it('an image without a pinned tag', async () => {
    const findings = await afterValues('aws-dev-platform', 'external-dns', (v) => (v.image = { ...v.image, tag: 'latest' }));
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp('^aws-dev-platform / external-dns / Deployment / ' +
      'external-dns/external-dns / spec\\.containers\\[external-dns\\]\\.image: \\S+:latest has no pinned tag or digest \\[image\\]$'))]));
  });

  it('a namespace budget smaller than what its pods ask for at their largest scale', async () => {
    const findings = await findingsAfter('aws-prod-app', (id) => id.startsWith('rocketchat_release'), (s) => {
      s.resource.kubernetes_resource_quota_v1 = { small: { metadata: { name: 'budget', namespace: 'rocketchat' }, spec: { hard: { 'requests.memory': '4Gi',
        pods: '5' } } } };
    });
    // aws-prod: the autoscaler's 9 replicas plus a surge of 25% (3), 1536Mi requested each.
    expect(findings).toEqual(expect.arrayContaining([
      'aws-prod-app / terraform / ResourceQuota / rocketchat/budget / spec.hard.requests.memory: the rendered pods need 18Gi at their largest scale ' +
        '(rocketchat-rocketchat x12), above the quota\'s 4Gi [quota]',
      'aws-prod-app / terraform / ResourceQuota / rocketchat/budget / spec.hard.pods: the rendered pods need 12 at their largest scale ' +
        '(rocketchat-rocketchat x12), above the quota\'s 5 [quota]',
    ]));
  });

  it('an autoscaler whose target is not rendered', async () => {
    const findings = await findingsAfter('aws-prod-app', (id) => id.startsWith('rocketchat_release'), (s) => {
      const hpa = Object.values<Json>(s.resource.kubernetes_horizontal_pod_autoscaler_v2)[0]!;
      hpa.spec.scale_target_ref.name = 'rocketchat-typo';
    });
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp('^aws-prod-app / terraform / HorizontalPodAutoscaler / ' +
      'rocketchat/\\S+ / spec\\.scaleTargetRef: Deployment rocketchat/rocketchat-typo is not rendered \\[reference\\]$'))]));
  });
});
