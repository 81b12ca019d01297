/**
 * CRDs follow their chart (issue 16, item 4; issue 26, item 5). psmdb-operator,
 * aws-load-balancer-controller and kube-prometheus-stack (in three parts, for Helm's release size):
 * a release of the vendored charts/crds/<name> applies and upgrades their CRDs before the chart,
 * which skips them; a rollback of the chart never touches them. Asserted on the synthesized
 * releases and the rendered manifests of every environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crdChartDir } from '../constructs/platform/chart-crds';
import { VENDORED_CRD_CHARTS, vendoredCrdChart, withKeepPolicy } from '../scripts/crds-vendor';
import { examplesOutdir, release, releaseRef, renderedExamples, renderedObjectsOf, synthExamples, valuesOf } from './support';

const PLATFORMS = Object.keys(synthExamples().stacks).filter((s) => s.endsWith('-platform'));

const KPS_PARTS = ['kube-prometheus-stack-alertmanager', 'kube-prometheus-stack-monitors', 'kube-prometheus-stack-prometheus'];

describe.each(PLATFORMS)('%s: kube-prometheus-stack CRDs from releases of their own', (stack) => {
  it('the stack installs no CRD and runs no CRD job (no pre-rollback downgrade, no unpinned images)', () => {
    const release = releaseNamed(stack, 'kube-prometheus-stack');
    expect([release.skip_crds, valuesOf(release).crds]).toEqual([true, { enabled: false }]);
    const objects = renderedObjectsOf(stack, 'kube-prometheus-stack');
    expect(objects.filter((o) => o.kind === CRD || (o.kind === 'Job' && o.metadata.name.includes('crds'))).map((o) => o.metadata.name)).toEqual([]);
  });
  it('is applied after the three CRD releases', () => {
    const release = releaseNamed(stack, 'kube-prometheus-stack');
    for (const part of KPS_PARTS) expect(release.depends_on).toContain(refOf(stack, `${part}-crds`));
  });
  it('the three CRD releases hold every monitoring.coreos.com CRD of the pinned chart, kept on uninstall', () => {
    const names = KPS_PARTS.flatMap((p) => renderedObjectsOf(stack, `${p}-crds`)).filter((o) => o.kind === CRD);
    expect(names.map((o) => o.metadata.name).sort()).toEqual(
      ['alertmanagerconfigs', 'alertmanagers', 'podmonitors', 'probes', 'prometheusagents', 'prometheuses', 'prometheusrules', 'scrapeconfigs',
        'servicemonitors', 'thanosrulers'].map((n) => `${n}.monitoring.coreos.com`),
    );
    for (const o of names) expect(o.metadata.annotations['helm.sh/resource-policy'], o.metadata.name).toBe('keep');
  });
});

/**
 * The Secret Helm stores a release revision in (helm/pkg/storage/driver: the release as JSON,
 * gzipped, base64) must fit the API server's 1 MiB object limit. The release holds the chart's
 * files and templates and the rendered manifest: for a CRD chart, each CRD twice.
 */
function releaseSecretBytes(dir: string): number {
  const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
  const files = filesUnder(dir).map((f) => ({ name: relative(dir, f), data: readFileSync(f) }));
  const manifest = files.filter((f) => f.name.startsWith('files/')).map((f) => `---\n${f.data.toString()}`).join('\n');
  const release = { chart: { files: files.map((f) => ({ name: f.name, data: b64(f.data) })) }, manifest };
  return b64(gzipSync(JSON.stringify(release), { level: 9 })).length;
}

describe('Helm release size', () => {
  it.each(VENDORED_CRD_CHARTS.map((c) => [c.name, c] as const))('%s: its release Secret stays under 1 MiB with room to grow', (_, chart) => {
    expect(releaseSecretBytes(crdChartDir(chart))).toBeLessThan(0.75 * 1024 * 1024);
  });
  it('all monitoring.coreos.com CRDs in one release would not fit (why there are three)', () => {
    const all = KPS_PARTS.map((p) => releaseSecretBytes(crdChartDir({ name: p }))).reduce((a, b) => a + b, 0);
    expect(all).toBeGreaterThan(1024 * 1024);
  });
});

const CRD = 'CustomResourceDefinition';
const releaseNamed = (stack: string, name: string) => release(synthExamples().stacks[stack]!, name);
const refOf = (stack: string, name: string) => releaseRef(synthExamples().stacks[stack]!, name);
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('vendored CRD charts (npm run crds:vendor)', () => {
  it('vendors psmdb-operator, aws-load-balancer-controller and kube-prometheus-stack in three parts', () => {
    expect(VENDORED_CRD_CHARTS.map((c) => `${c.name} ${c.pin.chart} ${c.pin.version}`)).toEqual(['psmdb-operator psmdb-operator 1.22.0',
      'aws-load-balancer-controller aws-load-balancer-controller 3.5.0', 'kube-prometheus-stack-prometheus kube-prometheus-stack 88.5.3',
      'kube-prometheus-stack-alertmanager kube-prometheus-stack 88.5.3', 'kube-prometheus-stack-monitors kube-prometheus-stack 88.5.3']);
    expect(readdirSync(join(crdChartDir({ name: 'x' }), '..')).sort()).toEqual(['aws-load-balancer-controller', ...KPS_PARTS, 'psmdb-operator']);
  });

  it.each(VENDORED_CRD_CHARTS.map((c) => [c.name, c] as const))('%s: charts/crds/ equals the pinned package\'s CRD files plus the keep policy', (_, chart) => {
    const dir = crdChartDir(chart);
    const expected = vendoredCrdChart(chart);
    expect(filesUnder(dir).map((f) => relative(dir, f)).sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(content);
    expect(expected.get('Chart.yaml')).toContain(`version: ${chart.pin.version}\n`);
  });

  it('adds helm.sh/resource-policy: keep to each CRD and refuses anything that is not a CRD', () => {
    const crd = (meta: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n${meta}spec:\n  group: x.io\n`;
    expect(withKeepPolicy(crd('  annotations:\n    a: b\n  name: xs.x.io\n'), 'f')).toBe(crd('  annotations:\n    helm.sh/resource-policy: keep\n    a: ' +
      'b\n  name: xs.x.io\n'));
    expect(withKeepPolicy(`---\n${crd('  name: xs.x.io\n')}`, 'f')).toBe(`---\n${crd('  annotations:\n    helm.sh/resource-policy: keep\n  name: xs.x.io\n')}`);
    expect(() => withKeepPolicy('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'f.yaml')).toThrow('f.yaml: document 0 is not an annotated CRD');
  });
});

describe.each(PLATFORMS)('%s: CRDs applied before their charts', (stack) => {
  const charts = stack.startsWith('aws-') ? [['psmdb-operator', '1.22.0'], ['aws-load-balancer-controller', '3.5.0']] : [['psmdb-operator', '1.22.0']];

  it.each(charts)('%s: a <chart>-crds release of the vendored chart, then the chart without its crds/', (chart, version) => {
    const crds = releaseNamed(stack, `${chart}-crds`);
    // The asset path carries the content hash: a re-vendored chart is a new path, so the release upgrades.
    expect(crds.chart).toMatch(/^assets\/[^/]+\/[0-9A-F]{32}$/);
    expect(readFileSync(join(examplesOutdir(), 'stacks', stack, crds.chart, 'Chart.yaml'), 'utf8')).toContain(`name: ${chart}-crds\n`);
    expect(crds.version).toBe(version);
    expect(crds.take_ownership).toBe(true);
    const release = releaseNamed(stack, chart);
    expect(release.skip_crds).toBe(true);
    expect(release.depends_on).toContain(refOf(stack, `${chart}-crds`));
  });

  it('installs external-dns without its DNSEndpoint CRD (no crd source)', () => {
    expect(releaseNamed(stack, 'external-dns').skip_crds).toBe(true);
  });

  it('renders CRDs only from the *-crds releases and cert-manager, every vendored one kept on uninstall', () => {
    const withCrds = renderedExamples().releases.filter((r) => r.stack === stack && r.objects.some((o) => o.object.kind === CRD));
    expect(withCrds.map((r) => r.name).sort()).toEqual([...charts.map(([c]) => `${c}-crds`), ...KPS_PARTS.map((p) => `${p}-crds`), 'cert-manager'].sort());
    const psmdb = renderedObjectsOf(stack, 'psmdb-operator-crds').filter((o) => o.kind === CRD);
    expect(psmdb.map((o) => o.metadata.name).sort()).toEqual(['perconaservermongodbbackups.psmdb.percona.com',
      'perconaservermongodbrestores.psmdb.percona.com', 'perconaservermongodbs.psmdb.percona.com']);
    for (const [chart] of charts) {
      for (const o of renderedObjectsOf(stack, `${chart}-crds`)) expect(o.metadata.annotations['helm.sh/resource-policy'], o.metadata.name).toBe('keep');
    }
  });
});
