/**
 * Loki in monolithic mode (one binary: ingest, query, compaction) with chunks
 * and index in object storage reached through workload identity, so pods hold
 * no storage keys. Retention is enforced by the compactor. Single tenant
 * (auth_enabled false): only pods in `monitoring` (Alloy, Grafana) may connect
 * to it, by the platform's ingress policies (monitoring/network-policy.ts).
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { chartRelease } from '../chart-release';
import { NAMESPACES, STORAGE_CLASSES } from '../../../config/names';
import type { BucketLocation, ObjectStore } from '../platform-cloud';
import { resourcesFor } from '../../../config/sizing';
import { componentValues } from '../../../config/components';

export const LOKI_SERVICE_ACCOUNT = { namespace: NAMESPACES.monitoring, name: 'loki' } as const;

function storageValues(location: BucketLocation): { type: string; bucket: string; settings: object } {
  switch (location.backend) {
    case 's3':
      return { type: 's3', bucket: location.bucket, settings: { s3: { region: location.region } } };
    case 'azure':
      return { type: 'azure', bucket: location.container, settings: { azure: { accountName: location.accountName, useFederatedToken: true } } };
  }
}

export class Loki extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { env: Environment; store: ObjectStore; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env } = props;
    const { location, identity } = props.store.bucket('loki', LOKI_SERVICE_ACCOUNT);
    const storage = storageValues(location);
    // Three replicas in prod so a node loss loses no recent logs (replication factor 3); one in dev.
    const replicas = env.tier === 'prod' ? 3 : 1;

    this.release = chartRelease(this, 'loki', {
      pin: CHARTS.loki,
      overrides: componentValues(env, 'loki'),
      namespace: NAMESPACES.monitoring,
      dependsOn: props.dependsOn,
      values: {
        deploymentMode: 'Monolithic',
        loki: {
          auth_enabled: false,
          commonConfig: { replication_factor: replicas },
          schemaConfig: {
            configs: [{ from: '2025-01-01', store: 'tsdb', object_store: storage.type, schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }],
          },
          storage: { type: storage.type, bucketNames: { chunks: storage.bucket, ruler: storage.bucket }, ...storage.settings },
          limits_config: { retention_period: `${env.platform.observability.logsRetentionDays * 24}h` },
          compactor: { retention_enabled: true, delete_request_store: storage.type },
          podLabels: identity.podLabels,
        },
        serviceAccount: { name: LOKI_SERVICE_ACCOUNT.name, annotations: identity.serviceAccountAnnotations, labels: identity.serviceAccountLabels },
        singleBinary: {
          replicas,
          // Replication factor 3 needs 2 writes to succeed: one pod per zone, at most one down at a time,
          // so a zone loss or a drain leaves a quorum. Zonal volumes keep each pod in its zone afterwards.
          ...(replicas > 1
            ? {
                podDisruptionBudget: { maxUnavailable: 1 },
                topologySpreadConstraints: [
                  {
                    maxSkew: 1,
                    topologyKey: 'topology.kubernetes.io/zone',
                    whenUnsatisfiable: 'DoNotSchedule',
                    labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/component': 'single-binary' } },
                  },
                ],
              }
            : {}),
          resources: resourcesFor(env, 'loki'),
          persistence: { enabled: true, size: '10Gi', storageClass: STORAGE_CLASSES.standard },
        },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        // The nginx gateway only adds a hop for a single tenant; clients use the loki service directly.
        gateway: { enabled: false },
        // memcached defaults to 8 GiB per cache; query volume here does not need it.
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        // No rules sidecar: Loki evaluates no rules here (alerts are Prometheus's), and it would
        // need a ClusterRole reading every namespace's configmaps and secrets.
        sidecar: { resources: resourcesFor(env, 'helper'), rules: { enabled: false } },
        test: { enabled: false },
        monitoring: { serviceMonitor: { enabled: true } },
      },
    });
  }
}
