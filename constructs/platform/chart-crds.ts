/**
 * The CRDs of a chart that ships them in `crds/`, installed and upgraded by a release of their own.
 * Helm installs a chart's `crds/` once and never upgrades it, so a chart bump that needs new CRD
 * fields would fail or roll back. `npm run crds:vendor` copies the pinned package's `crds/` into
 * charts/crds/<chart>/ as templates (versioned like the chart, each CRD annotated
 * `helm.sh/resource-policy: keep` so an uninstall never deletes the custom resources with them);
 * this release applies them before the chart, whose own release then skips its `crds/`.
 * A chart bump is the pin in config/versions.ts plus `npm run crds:vendor`, in one change; the
 * chart's version must equal the pin's, so a forgotten re-vendor fails the plan (and the tests).
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { CHARTS, type ChartPin } from '../../config/versions';
import { ProjectAsset } from '../project-asset';
import { chartRelease } from './chart-release';

/**
 * One vendored CRD chart: CRD files of a pinned package, under charts/crds/<name>, released as
 * `<name>-crds`. Most charts ship theirs in `crds/`; kube-prometheus-stack in its `crds`
 * subchart, and as one release its 4.4 MB of CRDs are a 1.6 MiB Helm release Secret, over the
 * API server's 1 MiB: so three parts (sizes measured in docs/platform.md).
 */
export interface CrdChart {
  readonly pin: ChartPin;
  readonly name: string;
  /** Directory of the CRD files inside the package; `<chart>/crds` by default. */
  readonly path?: string;
  /** The files of that directory this chart carries; all by default. */
  readonly files?: readonly string[];
}

const KPS_CRDS = 'kube-prometheus-stack/charts/crds/crds';

export const CRD_CHARTS = {
  psmdbOperator: { pin: CHARTS.psmdbOperator, name: 'psmdb-operator' },
  awsLoadBalancerController: { pin: CHARTS.awsLoadBalancerController, name: 'aws-load-balancer-controller' },
  /** monitoring.coreos.com, in three releases of 680, 447 and 532 KiB. */
  prometheusOperator: [
    { pin: CHARTS.kubePrometheusStack, name: 'kube-prometheus-stack-prometheus', path: KPS_CRDS, files: ['crd-prometheusagents.yaml', 'crd-prometheuses.yaml'] },
    { pin: CHARTS.kubePrometheusStack, name: 'kube-prometheus-stack-alertmanager', path: KPS_CRDS, files: ['crd-alertmanagerconfigs.yaml', 'crd-alertmanagers.yaml'] },
    {
      pin: CHARTS.kubePrometheusStack,
      name: 'kube-prometheus-stack-monitors',
      path: KPS_CRDS,
      files: ['crd-podmonitors.yaml', 'crd-probes.yaml', 'crd-prometheusrules.yaml', 'crd-scrapeconfigs.yaml', 'crd-servicemonitors.yaml', 'crd-thanosrulers.yaml'],
    },
  ],
} as const satisfies Record<string, CrdChart | readonly CrdChart[]>;

/** Where `npm run crds:vendor` writes a CRD chart. */
export function crdChartDir(chart: Pick<CrdChart, 'name'>): string {
  return path.join(__dirname, '..', '..', 'charts', 'crds', chart.name);
}

export class ChartCrds extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { chart: CrdChart; namespace: string; dependsOn?: ITerraformDependable[] }) {
    super(scope, id);
    const chart = new ProjectAsset(this, 'chart', { path: crdChartDir(props.chart), type: AssetType.DIRECTORY });
    this.release = chartRelease(this, 'release', {
      name: `${props.chart.name}-crds`,
      pin: { chart: chart.path, version: props.chart.pin.version },
      namespace: props.namespace,
      values: {},
      dependsOn: props.dependsOn,
      // Clusters installed before this release hold the same CRDs from the chart's crds/, unowned.
      takeOwnership: true,
    });
  }
}
