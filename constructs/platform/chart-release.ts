/**
 * One Helm release with the settings every release here shares: the exact
 * chart version from config/versions.ts, values as one JSON document (so the
 * synthesized JSON can be checked key by key), atomic installs that roll back
 * on failure, a bounded release history, and the environment's own values for
 * the component merged over the project's last.
 */
import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { mergeValues } from '../../config/components';
import type { ChartPin } from '../../config/versions';

export interface ChartReleaseProps {
  /** No repository for a chart directory shipped with the stack (ClusterObjects). */
  readonly pin: Pick<ChartPin, 'chart' | 'version'> & { readonly repository?: string };
  readonly namespace: string;
  readonly values: object;
  /** The environment's `<layer>.components.<name>.values`, merged over `values` last (config/components.ts mergeValues). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Release name; defaults to the chart name. */
  readonly name?: string;
  readonly dependsOn?: ITerraformDependable[];
  /** Seconds to wait for every resource to be ready; large charts with volumes need more. */
  readonly timeoutSeconds?: number;
  /** Adopt existing objects the chart also renders (a namespace we create with Pod Security labels). */
  readonly takeOwnership?: boolean;
  /** The chart's crds/ are installed and upgraded by a ChartCrds release instead (chart-crds.ts). */
  readonly skipCrds?: boolean;
}

export function chartRelease(scope: Construct, id: string, props: ChartReleaseProps): Release {
  const { pin } = props;
  return new Release(scope, id, {
    name: props.name ?? pin.chart,
    repository: pin.repository,
    chart: pin.chart,
    version: pin.version,
    namespace: props.namespace,
    // Namespaces are created with their Pod Security labels by PlatformNamespaces.
    createNamespace: false,
    atomic: true,
    cleanupOnFail: true,
    wait: true,
    waitForJobs: true,
    timeout: props.timeoutSeconds ?? 600,
    maxHistory: 10,
    values: [JSON.stringify(props.overrides ? mergeValues(props.values as Record<string, unknown>, props.overrides) : props.values)],
    dependsOn: props.dependsOn,
    takeOwnership: props.takeOwnership,
    skipCrds: props.skipCrds,
  });
}
