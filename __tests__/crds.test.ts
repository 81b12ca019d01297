/**
 * CRDs follow their chart (issue 16, item 4). kube-prometheus-stack: the chart's pre-upgrade hook
 * job applies the monitoring.coreos.com CRDs of the pinned chart version, with pinned images and a
 * ClusterRole limited to those CRDs. psmdb-operator and aws-load-balancer-controller: a release of
 * the vendored charts/crds/<chart> applies and upgrades their crds/ before the chart, which skips
 * them. Asserted on the synthesized releases and the rendered manifests of every environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdChartDir } from '../constructs/platform/chart-crds';
import { VENDORED_CRD_CHARTS, vendoredCrdChart, withKeepPolicy } from '../scripts/crds-vendor';
import { examplesOutdir, renderedExamples, renderedObjectsOf, resources, synthExamples, type Json } from './helpers';

const PLATFORMS = Object.keys(synthExamples().stacks).filter((s) => s.endsWith('-platform'));
const named = (objects: Json[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each(PLATFORMS)('%s: kube-prometheus-stack CRD upgrade job', (stack) => {
  const objects = () => renderedObjectsOf(stack, 'kube-prometheus-stack');

  it('runs before install, upgrade and rollback, and is deleted once it succeeded', () => {
    expect(named(objects(), 'Job', 'kube-prometheus-stack-crds-upgrade')?.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade,pre-rollback',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
  });

  it('applies the packaged CRDs server-side, taking ownership, with pinned images', () => {
    const pod = named(objects(), 'Job', 'kube-prometheus-stack-crds-upgrade')!.spec.template.spec;
    expect(pod.initContainers[0].image).toBe('docker.io/busybox:1.37.0');
    expect(pod.containers[0].image).toBe('registry.k8s.io/kubectl:v1.35.0');
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['apply', '--server-side', '--force-conflicts']));
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(Object.keys(named(objects(), 'ConfigMap', 'kube-prometheus-stack-crds-upgrade')!.binaryData)).toEqual(['crds.bz2']);
  });

  it('may change only the monitoring.coreos.com CRDs', () => {
    const rules = named(objects(), 'ClusterRole', 'kube-prometheus-stack-crds-upgrade')!.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0].resources).toEqual(['customresourcedefinitions']);
    expect(rules[0].resourceNames).toEqual(expect.arrayContaining(['prometheuses.monitoring.coreos.com', 'alertmanagers.monitoring.coreos.com', 'servicemonitors.monitoring.coreos.com']));
    expect(rules[0].resourceNames.every((n: string) => n.endsWith('.monitoring.coreos.com'))).toBe(true);
  });
});

const CRD = 'CustomResourceDefinition';
const releaseNamed = (stack: string, name: string) => resources(synthExamples().stacks[stack]!, 'helm_release').find((r) => r.name === name);
const idOf = (stack: string, name: string) =>
  Object.entries<Json>(synthExamples().stacks[stack]!.resource.helm_release).find(([, r]) => r.name === name)![0];
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('vendored CRD charts (npm run crds:vendor)', () => {
  it('vendors exactly psmdb-operator and aws-load-balancer-controller', () => {
    expect(VENDORED_CRD_CHARTS.map((p) => `${p.chart} ${p.version}`)).toEqual(['psmdb-operator 1.22.0', 'aws-load-balancer-controller 3.5.0']);
    expect(readdirSync(join(crdChartDir({ chart: 'x' }), '..')).sort()).toEqual(['aws-load-balancer-controller', 'psmdb-operator']);
  });

  it.each(VENDORED_CRD_CHARTS.map((p) => [p.chart, p] as const))('%s: charts/crds/ equals the pinned package\'s crds/ plus the keep policy', (_, pin) => {
    const dir = crdChartDir(pin);
    const expected = vendoredCrdChart(pin);
    expect(filesUnder(dir).map((f) => relative(dir, f)).sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(content);
    expect(expected.get('Chart.yaml')).toContain(`version: ${pin.version}\n`);
  });

  it('adds helm.sh/resource-policy: keep to each CRD and refuses anything that is not a CRD', () => {
    const crd = (meta: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n${meta}spec:\n  group: x.io\n`;
    expect(withKeepPolicy(crd('  annotations:\n    a: b\n  name: xs.x.io\n'), 'f')).toBe(crd('  annotations:\n    helm.sh/resource-policy: keep\n    a: b\n  name: xs.x.io\n'));
    expect(withKeepPolicy(`---\n${crd('  name: xs.x.io\n')}`, 'f')).toBe(`---\n${crd('  annotations:\n    helm.sh/resource-policy: keep\n  name: xs.x.io\n')}`);
    expect(() => withKeepPolicy('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'f.yaml')).toThrow('f.yaml: document 0 is not an annotated CRD');
  });
});

describe.each(PLATFORMS)('%s: CRDs applied before their charts', (stack) => {
  const charts = stack.startsWith('aws-') ? [['psmdb-operator', '1.22.0'], ['aws-load-balancer-controller', '3.5.0']] : [['psmdb-operator', '1.22.0']];

  it.each(charts)('%s: a <chart>-crds release of the vendored chart, then the chart without its crds/', (chart, version) => {
    const crds = releaseNamed(stack, `${chart}-crds`)!;
    // The asset path carries the content hash: a re-vendored chart is a new path, so the release upgrades.
    expect(crds.chart).toMatch(/^assets\/[^/]+\/[0-9A-F]{32}$/);
    expect(readFileSync(join(examplesOutdir(), 'stacks', stack, crds.chart, 'Chart.yaml'), 'utf8')).toContain(`name: ${chart}-crds\n`);
    expect(crds.version).toBe(version);
    expect(crds.take_ownership).toBe(true);
    const release = releaseNamed(stack, chart)!;
    expect(release.skip_crds).toBe(true);
    expect(release.depends_on).toContain(`helm_release.${idOf(stack, `${chart}-crds`)}`);
  });

  it('installs external-dns without its DNSEndpoint CRD (no crd source)', () => {
    expect(releaseNamed(stack, 'external-dns')!.skip_crds).toBe(true);
  });

  it('renders CRDs only from the *-crds releases, cert-manager and kube-prometheus-stack, every vendored one kept on uninstall', () => {
    const withCrds = renderedExamples().releases.filter((r) => r.stack === stack && r.objects.some((o) => o.object.kind === CRD));
    expect(withCrds.map((r) => r.name).sort()).toEqual([...charts.map(([c]) => `${c}-crds`), 'cert-manager', 'kube-prometheus-stack'].sort());
    const psmdb = renderedObjectsOf(stack, 'psmdb-operator-crds').filter((o) => o.kind === CRD);
    expect(psmdb.map((o) => o.metadata.name).sort()).toEqual(['perconaservermongodbbackups.psmdb.percona.com', 'perconaservermongodbrestores.psmdb.percona.com', 'perconaservermongodbs.psmdb.percona.com']);
    for (const [chart] of charts) {
      for (const o of renderedObjectsOf(stack, `${chart}-crds`)) expect(o.metadata.annotations['helm.sh/resource-policy'], o.metadata.name).toBe('keep');
    }
  });
});
