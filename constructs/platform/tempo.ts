/**
 * Tempo, the monolithic chart: receives OTLP (gRPC and HTTP) from Alloy,
 * keeps its write-ahead log on an encrypted volume and blocks in object
 * storage reached through workload identity. Retention is the compactor's
 * block retention.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../config/schema';
import { CHARTS } from '../../config/versions';
import { chartRelease } from './chart-release';
import { NAMESPACES, STORAGE_CLASSES, TELEMETRY } from './names';
import type { BucketLocation, ObjectStore } from './platform-cloud';
import { resourcesFor } from './sizing';

export const TEMPO_SERVICE_ACCOUNT = { namespace: NAMESPACES.monitoring, name: 'tempo' } as const;

/** tempo.storage.trace is rendered into Tempo's config as is: these are Tempo 2.10 storage settings. */
function traceStorage(location: BucketLocation): object {
  switch (location.backend) {
    case 's3':
      return { backend: 's3', s3: { bucket: location.bucket, endpoint: `s3.${location.region}.amazonaws.com`, region: location.region } };
    case 'azure':
      return { backend: 'azure', azure: { storage_account_name: location.accountName, container_name: location.container, use_federated_token: true } };
  }
}

export class Tempo extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { env: Environment; store: ObjectStore; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env } = props;
    const { location, identity } = props.store.bucket('tempo', TEMPO_SERVICE_ACCOUNT);
    this.release = chartRelease(this, 'tempo', {
      pin: CHARTS.tempo,
      namespace: NAMESPACES.monitoring,
      dependsOn: props.dependsOn,
      values: {
        tempo: {
          storage: { trace: traceStorage(location) },
          retention: `${env.platform.observability.tracesRetentionDays * 24}h`,
          // OTLP only; `null` removes the chart's default Jaeger receivers.
          receivers: {
            jaeger: null,
            otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
          },
          reportingEnabled: false,
          // Span metrics and the service graph, written to Prometheus: what Grafana's
          // traces-to-metrics links and service map read (grafana-datasources.ts).
          metricsGenerator: {
            enabled: true,
            remoteWriteUrl: `${TELEMETRY.prometheusUrl}/api/v1/write`,
            // On the persistent volume (/var/tempo), not the chart's /tmp defaults.
            storage: { path: '/var/tempo/generator/wal' },
            traces_storage: { path: '/var/tempo/generator/traces' },
          },
          overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'] } } },
          resources: resourcesFor(env, 'tempo'),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        },
        serviceAccount: { name: TEMPO_SERVICE_ACCOUNT.name, annotations: identity.serviceAccountAnnotations, labels: identity.serviceAccountLabels },
        podLabels: identity.podLabels,
        persistence: { enabled: true, size: '10Gi', storageClassName: STORAGE_CLASSES.standard },
        serviceMonitor: { enabled: true },
      },
    });
  }
}
