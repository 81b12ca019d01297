/**
 * Tempo, the monolithic chart: receives OTLP (gRPC and HTTP) from Alloy,
 * keeps its write-ahead log on an encrypted volume and blocks in object
 * storage reached through workload identity. Retention is the compactor's
 * block retention.
 *
 * In prod three replicas, one per zone, run Tempo's scalable single binary (target
 * `scalable-single-binary`, Tempo 2.10.8 example/docker-compose/scalable-single-binary) and share
 * memberlist rings. Target `all`, the chart's default, forces every ring in-memory with
 * replication factor 1 (cmd/tempo/main.go): replicas would not know each other, and each would
 * answer only for the recent traces it received itself. Here the distributor that receives a span writes it to three ingesters
 * (replication factor 3) and succeeds on two, queriers need all but one ingester, compactors
 * split the blocks through their own ring. One pod down, or its whole zone: writes and reads go
 * on with the other two (dskit ring: quorum floor(3/2)+1 = 2; Tempo 2.10.8 modules/distributor
 * writes with DoBatch, vendor/github.com/grafana/dskit/ring/replication_strategy.go), and its
 * volume brings its copy back when its zone returns. Two replicas could not do this at any
 * replication factor: 1 refuses the lost one's share of writes and fails reads that touch the
 * ring (grafana/tempo#1275, #1477), 2 needs both for a quorum. docs/operations.md has the runbook.
 *
 * Its alerts are in alerts.ts beside this file; only pods in `monitoring` reach it
 * (monitoring/network-policy.ts), so it has no policy of its own.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { chartRelease } from '../chart-release';
import { ClusterObjects, type KubernetesObject } from '../cluster-objects';
import { prometheusWriteUrls } from '../monitoring';
import { NAMESPACES, STORAGE_CLASSES } from '../../../config/names';
import type { BucketLocation, ObjectStore } from '../platform-cloud';
import { resourcesFor } from '../../../config/sizing';
import { componentValues } from '../../../config/components';

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

/**
 * The chart's default `config` (tempo 2.2.4 values.yaml), line for line, except that the
 * distributor's receivers omit `jaeger`: an empty Jaeger receiver is a startup error in
 * Tempo's OpenTelemetry receiver ("must specify at least one protocol"), and any protocol
 * left in would listen. Re-diff against the chart's `config` when the chart version moves.
 */
function tempoConfig(replicas: number): string {
  // More than one replica: the pods find each other through the headless Service below, and share
  // one ring for ingesters, metrics generators and compactors (dskit memberlist, TCP 7946).
  const join = replicas > 1 ? `\n  join_members:\n    - dns+${TEMPO_MEMBERLIST.service}.${NAMESPACES.monitoring}.svc.cluster.local:${TEMPO_MEMBERLIST.port}` : '';
  // The scalable single binary: rings on memberlist (the compactors' too, so they split the blocks;
  // cmd/tempo/app/modules.go initCompactor), ingesters at their pod address.
  const target = replicas > 1 ? 'target: scalable-single-binary\n' : '';
  return `${target}stream_over_http_enabled: {{ .Values.tempo.streamOverHttpEnabled }}
memberlist:
  cluster_label: "{{ .Release.Name }}.{{ .Release.Namespace }}"${join}
multitenancy_enabled: {{ .Values.tempo.multitenancyEnabled }}
usage_report:
  reporting_enabled: {{ .Values.tempo.reportingEnabled }}
compactor:
  compaction:
    block_retention: {{ .Values.tempo.retention }}
distributor:
  receivers:
    {{- toYaml (omit .Values.tempo.receivers "jaeger") | nindent 8 }}
ingester:
  {{- toYaml .Values.tempo.ingester | nindent 6 }}
server:
  {{- toYaml .Values.tempo.server | nindent 6 }}
storage:
  {{- toYaml .Values.tempo.storage | nindent 6 }}
querier:
  {{- toYaml .Values.tempo.querier | nindent 6 }}
query_frontend:
  {{- toYaml .Values.tempo.queryFrontend | nindent 6 }}
overrides:
  {{- toYaml .Values.tempo.overrides | nindent 6 }}
  {{- if .Values.tempo.metricsGenerator.enabled }}
metrics_generator:
  {{- if .Values.tempo.metricsGenerator.processor }}
  processor:
    {{- toYaml .Values.tempo.metricsGenerator.processor | nindent 8 }}
  {{- end }}
  {{- if .Values.tempo.metricsGenerator.registry }}
  registry:
    {{- toYaml .Values.tempo.metricsGenerator.registry | nindent 8 }}
  {{- end }}
  storage:
    path: {{ .Values.tempo.metricsGenerator.storage.path | quote }}
    {{- if .Values.tempo.metricsGenerator.storage.remote_write }}
    remote_write:
      {{- toYaml .Values.tempo.metricsGenerator.storage.remote_write | nindent 10 }}
    {{- else }}
    remote_write:
      - url: {{ .Values.tempo.metricsGenerator.remoteWriteUrl }}
    {{- end }}
  traces_storage:
    path: {{ .Values.tempo.metricsGenerator.traces_storage.path | quote }}
  {{- end }}
`;
}

/** Tempo's gossip: dskit memberlist's default port, over TCP only (its TCPTransport). */
export const TEMPO_MEMBERLIST = { service: 'tempo-memberlist', port: 7946 } as const;

/** Labels the chart gives Tempo's pods (tempo.selectorLabels). */
const TEMPO_POD_LABELS = { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' } as const;

/** Three in prod, one per zone, so a node drain or a zone loss leaves a write and read quorum; one in dev. */
export function tempoReplicas(env: Pick<Environment, 'tier'>): number {
  return env.tier === 'prod' ? 3 : 1;
}

/** Copies of each trace the ingesters hold: every replica's, up to 3 (a quorum of 2 then survives one loss); dskit's default is 3. */
export function tempoReplicationFactor(replicas: number): number {
  return Math.min(replicas, 3);
}

/**
 * What the monolithic chart (tempo 2.2.4) lacks for more than one replica: the headless Service
 * memberlist joins through (publishing pods before they are ready, so a starting pod finds the
 * ring), and a disruption budget. Created before the pods, so none starts alone in its own ring.
 */
function highAvailabilityObjects(): KubernetesObject[] {
  const ns = NAMESPACES.monitoring;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: TEMPO_MEMBERLIST.service, namespace: ns },
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: TEMPO_POD_LABELS,
        ports: [{ name: 'memberlist', port: TEMPO_MEMBERLIST.port, targetPort: TEMPO_MEMBERLIST.port, protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'tempo', namespace: ns },
      spec: { maxUnavailable: 1, selector: { matchLabels: TEMPO_POD_LABELS } },
    },
  ];
}

/**
 * What one Tempo pod may take to be replaced, in seconds. The chart's StatefulSet sets no
 * podManagementPolicy (tempo 2.2.4 templates/statefulset.yaml), so it is OrderedReady: an install
 * starts the pods, and a rolling update replaces them, one at a time, each after the previous one
 * is Ready. Tempo 2.10.8's /ready stays 503 until every module runs, and in the scalable single
 * binary the compactor's starting() waits for ACTIVE in its memberlist ring and then for the ring
 * to stay unchanged for compactor.ring.wait_stability_min_duration (1 m), giving up waiting after
 * wait_stability_max_duration (5 m) (modules/compactor/compactor.go starting, compactor_ring.go).
 */
export const TEMPO_POD_BUDGET = {
  /** terminationGracePeriodSeconds: the chart sets none, so Kubernetes' 30 s. */
  shutdown: 30,
  /** Scheduling, the zonal volume's attach, the image pull, memberlist join and ACTIVE. */
  schedule: 60,
  /** The compactor's ring-stability wait at its longest (wait_stability_max_duration). */
  ring: 300,
  /** The readiness probe's period: the first probe after /ready turns 200 (tempo.readinessProbe). */
  readinessPeriod: 10,
} as const;

/**
 * Helm's wait for the release: every pod, one after another, at its longest (30 + 60 + 300 + 10 =
 * 400 s a pod, 1,200 s for three); never under the 600 s every release gets.
 */
export function tempoReleaseTimeoutSeconds(replicas: number): number {
  const b = TEMPO_POD_BUDGET;
  return Math.max(600, replicas * (b.shutdown + b.schedule + b.ring + b.readinessPeriod));
}

export class Tempo extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { env: Environment; store: ObjectStore; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env } = props;
    const { location, identity } = props.store.bucket('tempo', TEMPO_SERVICE_ACCOUNT);
    const replicas = tempoReplicas(env);
    const ha = replicas > 1 ? new ClusterObjects(this, 'ha-objects', { name: 'tempo-ha', namespace: NAMESPACES.monitoring, objects: highAvailabilityObjects(), dependsOn: props.dependsOn }) : undefined;
    this.release = chartRelease(this, 'tempo', {
      pin: CHARTS.tempo,
      overrides: componentValues(env, 'tempo'),
      namespace: NAMESPACES.monitoring,
      dependsOn: [...props.dependsOn, ...(ha ? [ha.release] : [])],
      timeoutSeconds: tempoReleaseTimeoutSeconds(replicas),
      values: {
        replicas,
        // Required, not preferred: two replicas in one zone would fall together. Zonal volumes keep each in its zone afterwards.
        affinity:
          replicas > 1
            ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: TEMPO_POD_LABELS } }] } }
            : {},
        tempo: {
          storage: { trace: traceStorage(location) },
          retention: `${env.platform.observability.tracesRetentionDays * 24}h`,
          // OTLP only. The chart's Service template reads every
          // `jaeger.protocols.<p>.endpoint`, so `jaeger` itself must stay a map (null fails
          // to render); nulling each protocol leaves `jaeger: {protocols: {}}`, which opens
          // no Service port, and tempoConfig keeps it out of Tempo's receivers.
          receivers: {
            jaeger: { protocols: { grpc: null, thrift_binary: null, thrift_compact: null, thrift_http: null } },
            otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
          },
          reportingEnabled: false,
          ingester: { lifecycler: { ring: { replication_factor: tempoReplicationFactor(replicas) } } },
          // Outside target `all` the queriers need a frontend named (modules.go initQuerier refuses to
          // start without one): each pod's own, over loopback, as target `all` sets it.
          ...(replicas > 1 ? { querier: { frontend_worker: { frontend_address: '127.0.0.1:9095' } } } : {}),
          // Span metrics and the service graph, written to Prometheus: what Grafana's
          // traces-to-metrics links and service map read (monitoring/grafana-datasources.ts).
          metricsGenerator: {
            enabled: true,
            // On the persistent volume (/var/tempo), not the chart's /tmp defaults. One write per
            // Prometheus replica (monitoring/index.ts), so span metrics are complete on whichever Grafana reads.
            storage: { path: '/var/tempo/generator/wal', remote_write: prometheusWriteUrls(env).map((url) => ({ url })) },
            traces_storage: { path: '/var/tempo/generator/traces' },
          },
          overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'] } } },
          // Liveness asks only whether the server answers; readiness keeps the chart's /ready. With
          // the chart's liveness on /ready a scalable-single-binary pod is killed while its compactor
          // waits a minute for a stable ring (30 s delay + 3 x 10 s, grafana/tempo#6035,
          // grafana-community/helm-charts#671), and the next pod never starts. `httpGet: null`
          // removes the chart's handler: a probe may have only one.
          livenessProbe: { httpGet: null, tcpSocket: { port: 3200 } },
          resources: resourcesFor(env, 'tempo'),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        },
        serviceAccount: { name: TEMPO_SERVICE_ACCOUNT.name, annotations: identity.serviceAccountAnnotations, labels: identity.serviceAccountLabels },
        podLabels: identity.podLabels,
        config: tempoConfig(replicas),
        persistence: { enabled: true, size: '10Gi', storageClassName: STORAGE_CLASSES.standard },
        serviceMonitor: { enabled: true },
      },
    });
  }
}
