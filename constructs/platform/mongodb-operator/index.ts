/**
 * The Percona Operator for MongoDB, installed here rather than in the app
 * layer: the PerconaServerMongoDB CRDs (applied and upgraded by its ChartCrds
 * release, before the operator) must exist before the app stack's replica set
 * (rendered by its cluster-objects chart) is installed, and stay when the app
 * stack is destroyed. Installed once per
 * cluster, namespace-scoped: it watches only the `mongodb` namespace with a
 * Role, not a ClusterRole.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { ChartCrds, CRD_CHARTS } from '../chart-crds';
import { chartRelease } from '../chart-release';
import { podBudget, type PodBudget } from '../../../config/sizing';
import { NAMESPACES } from '../../../config/names';
import { resourcesFor } from '../../../config/sizing';
import { componentValues } from '../../../config/components';

/** The operator's share of the mongodb namespace's budget: one replica, and one more while it rolls. */
export function operatorPodBudget(env: Environment): PodBudget {
  return podBudget('psmdb-operator', 2, [resourcesFor(env, 'controller')]);
}

export class MongoDbOperator extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { env: Environment; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const crds = new ChartCrds(this, 'crds', { chart: CRD_CHARTS.psmdbOperator, namespace: NAMESPACES.mongodb, dependsOn: props.dependsOn });
    this.release = chartRelease(this, 'release', {
      pin: CHARTS.psmdbOperator,
      overrides: componentValues(props.env, 'mongodbOperator'),
      namespace: NAMESPACES.mongodb,
      values: {
        // One replica: a restart pauses reconciliation for seconds; the databases keep running.
        replicaCount: 1,
        // The operator otherwise reports cluster details to Percona.
        disableTelemetry: true,
        // The image runs as UID 2; restricted Pod Security asks for the rest.
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: resourcesFor(props.env, 'controller'),
        logStructured: true,
      },
      dependsOn: [...props.dependsOn, crds.release],
      skipCrds: true,
    });
  }
}
