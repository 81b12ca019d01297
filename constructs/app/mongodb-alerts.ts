/**
 * The alert rules the platform ships on top of kube-prometheus-stack's
 * defaults, as a PrometheusRule `groups` list (additionalPrometheusRulesMap).
 * Metric sources: node-exporter and kube-state-metrics (kube-prometheus-stack),
 * kubelet volume stats, cert-manager's controller, the Percona MongoDB exporter
 * (app layer, compatible-mode names), the Percona operator's backup and restore
 * status through kube-state-metrics (mongodb-backup-metrics.ts), Rocket.Chat's
 * own /metrics (`rocketchat_rest_api` is a prom-client Summary in seconds with a
 * `status` label and no maxAgeSeconds, so its quantiles cover each pod's
 * lifetime), Grafana Alloy's write paths, Loki and Tempo (each scraped by its
 * chart's ServiceMonitor).
 *
 * None repeats one of the chart's default rules (templates/prometheus/rules-1.14 of 88.5.3):
 * crash loops, unready pods, filling volumes and node memory are KubePodCrashLooping,
 * KubePodNotReady, KubePersistentVolumeFillingUp and NodeMemoryHighUtilization there, and a
 * second rule for the same failure only pages twice. Each alert here has promtool cases
 * (__tests__/support/alert-cases.ts); the objectives' burn-rate alerts are in slo-rules.ts.
 */
import type { Environment } from '../../config/schema';
import { BACKUP_CRON } from '../../config/schema-app';
import { componentEnabled } from '../../config/components';
import { objectivesOf } from '../../config/slo';
import { PSMDB_METRICS as M } from './mongodb-backup-metrics';
import { NAMESPACES, RESTORE_CHECK_JOB } from '../../config/names';

/**
 * True while the app layer is deployed: it creates the rocketchat namespace (app-stack.ts). A DR
 * environment stands by with network, cluster and platform only (docs/restore.md), so the rules that
 * alert on the app layer's objects being absent hold their fire until it is there.
 */
const APP_LAYER_DEPLOYED = 'kube_namespace_created{namespace="rocketchat"}';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' | 'info' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

function alert(name: string, expr: string, wait: string, severity: AlertRule['labels']['severity'], summary: string, description: string): AlertRule {
  return { alert: name, expr, for: wait, labels: { severity }, annotations: { summary, description } };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The Summary's labels apart from `quantile`: one series per endpoint, method, status and client. */
const REST_SERIES = 'pod, method, entrypoint, user_agent, status, version';

type Backups = Environment['app']['backups'];

/**
 * Hours a full backup may take beyond its interval before the newest one counts as late: a
 * logical backup streams every collection through zstd, a few hours for the prod examples' 200 GB.
 */
export const BACKUP_GRACE_HOURS = 4;

/** 24 for a daily schedule (`MM HH * * *`), 168 for a weekly one (`MM HH * * D`), as BACKUP_CRON allows. */
export function fullBackupIntervalHours(schedule: string): number {
  const match = BACKUP_CRON.exec(schedule.trim());
  if (!match) throw new Error(`"${schedule}" is not a daily or weekly backup schedule`);
  return match[3] === '*' ? 24 : 7 * 24;
}

/**
 * Seconds the newest restore point may trail now: PBM uploads an oplog slice every
 * `pitrOplogSpanMinutes`, so a healthy lag stays under one span plus the upload; two missed
 * slices and ten minutes for the upload and the operator's refresh mean uploads have stopped.
 */
export function pitrMaxLagSeconds(backups: Backups): number {
  return (2 * backups.pitrOplogSpanMinutes + 10) * 60;
}

const BY_CLUSTER = 'namespace, psmdb_cluster';
const inState = (states: string) => `on (namespace, name) ${M.backupState}{state=~"${states}"} == 1`;
/** Completion times of ready backups that restore on their own (an incremental one needs its chain). */
const READY_FULL = `${M.backupCompleted}{type!="incremental"} and ${inState('ready')}`;

/**
 * Backups watched through the operator's custom resources (mongodb-backup-metrics.ts): the
 * newest full backup against the schedule, the newest restore point against the oplog span,
 * failed or stuck backups, failed restores, and the backup configuration PBM runs with.
 */
function backupRules(backups: Backups): AlertRule[] {
  const intervalHours = fullBackupIntervalHours(backups.fullBackupSchedule);
  const maxAge = (intervalHours + BACKUP_GRACE_HOURS) * 3600;
  const maxLag = pitrMaxLagSeconds(backups);
  const cluster = '{{ $labels.namespace }}/{{ $labels.psmdb_cluster }}';
  return [
    // Before its first backup a cluster is measured from its creation, so a backup that never ran fires too.
    alert('MongoDBFullBackupTooOld',
      `(time() - max by (${BY_CLUSTER}) (${READY_FULL}) > ${maxAge}) or (time() - max by (${BY_CLUSTER}) (${M.clusterCreated}) > ${maxAge} unless on (${BY_CLUSTER}) (${READY_FULL}))`,
      '15m', 'critical',
      'No recent full MongoDB backup',
      `The newest full backup of ${cluster} is {{ $value | humanizeDuration }} old (with none yet, the cluster is); the schedule "${backups.fullBackupSchedule}" (UTC) runs every ${intervalHours} h, plus ${BACKUP_GRACE_HOURS} h to finish.`),
    // PBM stops slicing the oplog while a logical backup writes to the same storage (pbm-agent 2.12.0
    // canSlicingNow) and the backup carries that stretch itself; MongoDBBackupStuck covers one that never ends.
    alert('MongoDBPITRLagging',
      `time() - (max by (${BY_CLUSTER}) (${M.backupLatestRestorable} > 0) or max by (${BY_CLUSTER}) (${M.backupCompleted} and ${inState('ready')})) > ${maxLag} unless on (${BY_CLUSTER}) (${M.backupState}{state=~"requested|running"} == 1)`,
      '5m', 'critical',
      'MongoDB point-in-time recovery is behind',
      `The newest restore point of ${cluster} is {{ $value | humanizeDuration }} old; oplog slices are uploaded every ${backups.pitrOplogSpanMinutes} min. Writes since then would be lost by a restore.`),
    // Retention deletes only ready backups, so failed ones stay: only a failure newer than the newest success counts.
    alert('MongoDBBackupFailed',
      `max by (${BY_CLUSTER}) (${M.backupCreated} and ${inState('error')}) > on (${BY_CLUSTER}) (max by (${BY_CLUSTER}) (${M.backupCreated} and ${inState('ready')}) or max by (${BY_CLUSTER}) (${M.backupCreated}) * 0)`,
      '5m', 'warning',
      'MongoDB backup failed',
      `The newest backup attempt of ${cluster} failed and none has succeeded since; its status.error says why.`),
    alert('MongoDBBackupStuck',
      `time() - (${M.backupCreated} and ${inState('waiting|requested|running')}) > ${BACKUP_GRACE_HOURS * 3600}`,
      '5m', 'critical',
      'MongoDB backup not finishing',
      'Backup {{ $labels.namespace }}/{{ $labels.name }} has been waiting or running for {{ $value | humanizeDuration }}; point-in-time slicing pauses while a logical backup runs.'),
    // While a logical backup runs PBM slices no oplog, so the running backup's age is the data a loss now would cost (docs/restore.md, RPO).
    alert('MongoDBBackupOverRpoBudget',
      `time() - (${M.backupCreated} and ${inState('requested|running')}) > ${backups.maxBackupMinutes * 60}`,
      '1m', 'critical',
      'MongoDB backup longer than the RPO budget',
      `Backup {{ $labels.namespace }}/{{ $labels.name }} has run for {{ $value | humanizeDuration }}, past app.backups.maxBackupMinutes (${backups.maxBackupMinutes} min): no oplog is sliced meanwhile, so the recovery point is now older than the published RPO. Switch to physical backups or grow the data nodes (docs/restore.md).`),
    alert('MongoDBRestoreFailed', `${M.restoreState}{state=~"error|rejected"} == 1`, '1m', 'critical',
      'MongoDB restore failed',
      'Restore {{ $labels.namespace }}/{{ $labels.name }} is {{ $labels.state }}; its status.error says why.'),
    alert('MongoDBBackupConfigNotApplied', `${M.clusterCondition}{condition="PBMReady"} == 0`, '15m', 'warning',
      'MongoDB backup configuration not applied',
      `The operator cannot apply the backup storage and settings of ${cluster} to PBM (condition PBMReady false).`),
    // Without these series every rule above is silent: kube-state-metrics lost its access, or the replica set is gone.
    alert('MongoDBBackupStatusMissing', `absent(${M.clusterCreated}{namespace="${NAMESPACES.mongodb}"}) and on () ${APP_LAYER_DEPLOYED}`, '30m', 'warning',
      'MongoDB backup status not reported',
      `kube-state-metrics reports no PerconaServerMongoDB in ${NAMESPACES.mongodb}, so no backup alert can fire.`),
  ];
}

/** Days without a successful restore check before it alerts (issue 25: "has not succeeded within 8 days"). */
export const RESTORE_CHECK_MAX_DAYS = 8;

/**
 * The weekly restore check (app layer, restore-check.ts), from kube-state-metrics' CronJob series:
 * they live on the CronJob's status, so they outlast the job the TTL deletes an hour after it ends.
 */
function restoreCheckRules(backups: Backups): AlertRule[] {
  if (!backups.restoreCheck.enabled) return [];
  const sel = `{namespace="${RESTORE_CHECK_JOB.namespace}", cronjob="${RESTORE_CHECK_JOB.cronjob}"}`;
  const by = 'namespace, cronjob';
  const last = (metric: string) => `max by (${by}) (${metric}${sel})`;
  const maxAge = RESTORE_CHECK_MAX_DAYS * 86400;
  return [
    // The newest run started after the newest success and is no longer active: it failed (or never succeeded at all).
    alert('MongoDBRestoreCheckFailed',
      `(${last('kube_cronjob_status_last_schedule_time')} > on (${by}) (${last('kube_cronjob_status_last_successful_time')} or ${last('kube_cronjob_created')} * 0)) unless on (${by}) (${last('kube_cronjob_status_active')} > 0)`,
      '5m', 'critical',
      'The weekly MongoDB restore check failed',
      `The newest run of ${RESTORE_CHECK_JOB.namespace}/${RESTORE_CHECK_JOB.cronjob} did not restore the newest backup: backups that cannot be restored are not backups. Read its log with kubectl -n ${RESTORE_CHECK_JOB.namespace} logs job/<newest job>; docs/restore.md, "The weekly restore check".`),
    // Also when the CronJob is suspended, stuck or its runs are skipped; before the first success, measured from its creation.
    alert('MongoDBRestoreCheckStale',
      `(time() - ${last('kube_cronjob_status_last_successful_time')} > ${maxAge}) or (time() - ${last('kube_cronjob_created')} > ${maxAge} unless on (${by}) ${last('kube_cronjob_status_last_successful_time')}) or (absent(kube_cronjob_created${sel}) and on () ${APP_LAYER_DEPLOYED})`,
      '30m', 'critical',
      'No successful MongoDB restore check for 8 days',
      `${RESTORE_CHECK_JOB.namespace}/${RESTORE_CHECK_JOB.cronjob} has not restored a backup successfully for ${RESTORE_CHECK_MAX_DAYS} days (schedule "${backups.restoreCheck.schedule}" UTC), or kube-state-metrics does not report it.`),
  ];
}

/** Rule groups for an environment, from its replica set size and backup plan. */
export function alertGroups(env: Pick<Environment, 'app' | 'tier' | 'platform'>): readonly AlertGroup[] {
  const mongodbMembers = env.app.mongodb.members;
  // Where the environment promises objectives, their burn-rate alerts (slo-rules.ts) watch REST
  // errors and the REST mean; a fixed threshold on the same signal would page a second time.
  const objectives = objectivesOf(env) !== undefined;
  return [
    {
      name: 'platform.nodes',
      rules: [
        alert('NodeHighCpu', '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > 80', '15m', 'warning',
          'Node CPU above 80%', '{{ $labels.instance }} has used {{ $value | humanize }}% CPU for 15 minutes.'),
      ],
    },
    {
      name: 'platform.workloads',
      rules: [
        alert('CertificateExpiringSoon', 'certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 86400', '1h', 'critical',
          'Certificate expires in less than 14 days', 'Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been renewed; check cert-manager and the DNS01 solver.'),
      ],
    },
    {
      name: 'platform.mongodb',
      rules: [
        alert('MongoDBDown', 'mongodb_up == 0', '2m', 'critical',
          'MongoDB member down', 'The exporter of {{ $labels.namespace }}/{{ $labels.pod }} cannot reach its mongod.'),
        // A member whose pod is gone has no exporter, so mongodb_up == 0 never fires for it. Only the
        // app layer's replica set counts, and only while the app layer is deployed (a DR standby has none);
        // 15 minutes covers the gap between the namespace and the members.
        alert('MongoDBMembersMissing', `((count(mongodb_up{namespace="${NAMESPACES.mongodb}"} == 1) or vector(0)) < ${mongodbMembers}) and on () ${APP_LAYER_DEPLOYED}`, '15m', 'critical',
          'MongoDB replica set has members missing', `{{ $value }} of ${mongodbMembers} members are up and reporting.`),
        // Every member's exporter reports every secondary's lag (exporter 0.53.0 v1_compatibility.go
        // replSetMetrics: labels name = the member's host:port, set, state, self): one alert per lagging member.
        alert('MongoDBReplicationLag', 'max by (namespace, set, name) (mongodb_mongod_replset_member_replication_lag) > 10', '5m', 'warning',
          'MongoDB replication lag above 10 s', 'Member {{ $labels.name }} of {{ $labels.namespace }}/{{ $labels.set }} lags the primary by {{ $value }} s.'),
        // The two series differ in conn_type, so they are summed without it before dividing.
        alert('MongoDBConnectionsLow',
          'sum without (conn_type) (mongodb_ss_connections{conn_type="available"}) / sum without (conn_type) (mongodb_ss_connections{conn_type=~"available|current"}) < 0.1',
          '5m', 'warning',
          'MongoDB connections almost exhausted', '{{ $labels.namespace }}/{{ $labels.pod }} has less than 10% of its connections left.'),
      ],
    },
    {
      name: 'platform.rocketchat',
      rules: [
        ...(objectives ? [] : [alert('RocketChatHigh5xxRate',
          'sum(rate(rocketchat_rest_api_count{status=~"5.."}[5m])) / sum(rate(rocketchat_rest_api_count[5m])) > 0.05',
          '10m', 'critical',
          'Rocket.Chat REST 5xx above 5%', '{{ $value | humanizePercentage }} of REST calls failed with a server error over 10 minutes.')]),
        // Summary quantiles cannot be aggregated across pods or series, and these span each pod's
        // lifetime: only series busy right now (over 0.1 calls/s) count, so a rare slow endpoint or an
        // old spike does not hold the alert. The mean below reacts to the last 10 minutes.
        alert('RocketChatHighLatencyP99',
          `max(rocketchat_rest_api{quantile="0.99"} and on (${REST_SERIES}) rate(rocketchat_rest_api_count[10m]) > 0.1) > 2`,
          '10m', 'warning',
          'Rocket.Chat REST p99 latency above 2 s', 'A busy Rocket.Chat endpoint answers 1% of its calls in more than {{ $value | humanizeDuration }}.'),
        ...(objectives ? [] : [alert('RocketChatHighMeanLatency',
          'sum(rate(rocketchat_rest_api_sum[10m])) / sum(rate(rocketchat_rest_api_count[10m])) > 1',
          '10m', 'warning',
          'Rocket.Chat REST mean latency above 1 s', 'REST calls took {{ $value | humanizeDuration }} on average over the last 10 minutes.')]),
      ],
    },
    { name: 'platform.backups', rules: [...backupRules(env.app.backups), ...restoreCheckRules(env.app.backups)] },
    {
      name: 'platform.telemetry',
      // Only for the stores that are on (platform.components): an alert on a store that is not there never fires.
      rules: [
        ...(!componentEnabled(env, 'loki') ? [] : [
        // loki_write_*: Alloy's loki.write (v1.18.1 internal/component/common/loki/client/metrics.go), after all retries.
        // loki_request_duration_seconds: Loki's HTTP server (dskit; route is the path as a label value), where the ingester's push errors surface.
        // loki_distributor_ingester_append_timeouts_total: Loki 3.7.6 pkg/distributor/distributor.go.
        alert('LokiIngestionFailing',
          'sum(rate(loki_write_dropped_entries_total[5m])) > 0 or sum(rate(loki_request_duration_seconds_count{route=~"loki_api_v1_push|otlp_v1_logs", status_code=~"5.."}[5m])) > 0 or sum(rate(loki_distributor_ingester_append_timeouts_total[5m])) > 0',
          '10m', 'warning',
          'Logs are not reaching Loki', 'Alloy drops log entries, or Loki fails pushes or times out appending to its ingester; check Loki and its object storage access.'),
        // loki_discarded_samples_total: Loki 3.7.6 pkg/validation/validate.go, by reason (rate limits, too old, line too long).
        alert('LokiDiscardingLogs', 'sum by (reason) (rate(loki_discarded_samples_total[5m])) > 0', '15m', 'warning',
          'Loki discards log lines', 'Loki rejects lines for {{ $labels.reason }}, and those lines are lost; raise the limit or fix the source.'),
        // loki_ingester_chunks_flush_failures_total: Loki 3.7.6 pkg/ingester/metrics.go.
        alert('LokiFlushFailing', 'sum(increase(loki_ingester_chunks_flush_failures_total[15m])) > 0', '15m', 'warning',
          'Loki cannot write chunks to object storage', "Chunks stay in memory and the WAL until a flush succeeds; check the bucket and Loki's workload identity."),
        ]),
        ...(!componentEnabled(env, 'tempo') ? [] : [
        // otelcol_exporter_send_failed_spans_total: Alloy's otelcol.exporter.otlp (v1.18.1 docs/sources/reference/components/otelcol).
        // tempo_receiver_refused_spans: Tempo 2.10.8 modules/distributor/receiver/metrics_provider.go, a counter named without
        // _total; Tempo serves OpenMetrics (dskit EnableOpenMetrics), where client_golang appends _total, so both names are read.
        // tempo_distributor_ingester_append_failures_total: Tempo 2.10.8 modules/distributor/distributor.go.
        alert('TempoIngestionFailing',
          'sum(rate(otelcol_exporter_send_failed_spans_total[5m])) > 0 or sum(rate({__name__=~"tempo_receiver_refused_spans(_total)?"}[5m])) > 0 or sum(rate(tempo_distributor_ingester_append_failures_total[5m])) > 0',
          '10m', 'warning',
          'Traces are not reaching Tempo', 'Alloy fails to export spans, or Tempo refuses them or fails to append them to its ingester; check Tempo and its object storage access.'),
        // tempo_discarded_spans_total: Tempo 2.10.8 modules/overrides/discarded_spans.go, by reason (rate limited, trace too large, live traces exceeded).
        alert('TempoDiscardingSpans', 'sum by (reason) (rate(tempo_discarded_spans_total[5m])) > 0', '15m', 'warning',
          'Tempo discards spans', 'Tempo drops spans for {{ $labels.reason }}; raise the override or reduce what is sent.'),
        // tempo_ingester_failed_flushes_total: Tempo 2.10.8 modules/ingester/flush.go.
        alert('TempoFlushFailing', 'sum(increase(tempo_ingester_failed_flushes_total[15m])) > 0', '15m', 'warning',
          'Tempo cannot write blocks to object storage', "Completed blocks stay on the WAL volume until a flush succeeds; check the bucket and Tempo's workload identity."),
        // tempo_ring_members{name="ingester"}: dskit ring metrics, prefixed tempo_ (Tempo 2.10.8 pkg/ring/ring.go); an
        // ingester that stopped heartbeating counts as state "Unhealthy" (dskit ring.go updateRingMetrics). The mixin's TempoIngesterUnhealthy.
        alert('TempoIngesterUnhealthy', 'max(tempo_ring_members{name="ingester", state="Unhealthy"}) > 0', '15m', 'warning',
          'A Tempo ingester is gone from the ring',
          'Traces are still written and read with the other two of three, but one more loss stops writes, and a Tempo pod that restarts cannot become ready while the gone ingester stays in the ring; if its pod will not come back soon, forget it on /ingester/ring (docs/operations.md, "Tempo").'),
        ]),
      ],
    },
  ];
}
