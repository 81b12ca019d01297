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
import type { ChartPin } from '../../config/versions';
import { ProjectAsset } from '../project-asset';
import { chartRelease } from './chart-release';

/** Where `npm run crds:vendor` writes a chart's CRD chart. */
export function crdChartDir(pin: Pick<ChartPin, 'chart'>): string {
  return path.join(__dirname, '..', '..', 'charts', 'crds', pin.chart);
}

export class ChartCrds extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { pin: ChartPin; namespace: string; dependsOn?: ITerraformDependable[] }) {
    super(scope, id);
    const chart = new ProjectAsset(this, 'chart', { path: crdChartDir(props.pin), type: AssetType.DIRECTORY });
    this.release = chartRelease(this, 'release', {
      name: `${props.pin.chart}-crds`,
      pin: { chart: chart.path, version: props.pin.version },
      namespace: props.namespace,
      values: {},
      dependsOn: props.dependsOn,
      // Clusters installed before this release hold the same CRDs from the chart's crds/, unowned.
      takeOwnership: true,
    });
  }
}
