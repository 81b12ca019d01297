/**
 * Custom resources whose CRDs come from a chart installed in the same apply
 * (ClusterIssuers after cert-manager). kubernetes_manifest cannot do this: it
 * reads the CRD at plan time, before the chart exists. A Helm release of the
 * project's own `charts/cluster-objects` chart is planned without the cluster
 * and applied after its dependencies, so one `cdktf deploy` works on an empty
 * cluster. The chart travels inside cdktf.out as an asset.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { ProjectAsset } from '../project-asset';
import { chartRelease } from './chart-release';

const CHART_DIR = path.join(__dirname, '..', '..', 'charts', 'cluster-objects');

/** charts/cluster-objects/Chart.yaml `version`. */
const CHART_VERSION = '1.0.0';

export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly finalizers?: string[];
  };
  readonly spec?: object;
}

export class ClusterObjects extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { name: string; namespace: string; objects: KubernetesObject[]; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const chart = new ProjectAsset(this, 'chart', { path: CHART_DIR, type: AssetType.DIRECTORY });
    this.release = chartRelease(this, 'release', {
      name: props.name,
      pin: { chart: chart.path, version: CHART_VERSION },
      namespace: props.namespace,
      values: { objects: props.objects },
      dependsOn: props.dependsOn,
    });
  }
}
