/**
 * promtool unit tests for every alert the project writes, against aws-prod's rendered rules
 * (3 MongoDB members, a daily full backup, a 5-minute oplog span, the default objectives), or
 * aws-dev's for the alerts only an environment without objectives has.
 * Each alert has a case that models the failure it names and fires, and a healthy one that stays
 * silent. Series are written as the exporters name them; `a+bxN` is promtool's expanding notation.
 */

export interface ExpectedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface AlertCase {
  readonly name: string;
  /** Spacing of the input samples; promtool's default is 1m. */
  readonly interval?: string;
  readonly series: Record<string, string>;
  /** When the alert is checked. */
  readonly at: string;
  /** What must be firing then (pending alerts do not count); empty: silent. */
  readonly alerts: readonly ExpectedAlert[];
}

export interface AlertTests {
  readonly alert: string;
  /** The example whose rendered rules the cases run against (default aws-prod). */
  readonly env?: string;
  /** How often promtool evaluates the rules (default 1m); coarser for cases spanning days keeps the run short. */
  readonly evaluationInterval?: string;
  readonly cases: readonly AlertCase[];
}

const silent: readonly ExpectedAlert[] = [];

/** The one alert expected to fire: its labels, summary and description. */
const fires = (labels: Record<string, string>, summary: string, description: string): readonly ExpectedAlert[] => [{ labels, annotations: { summary,
  description } }];

// kube-state-metrics custom-resource series carry the group, version and kind too.
const crd = (kind: string) => `customresource_group="psmdb.percona.com", customresource_kind="${kind}", customresource_version="v1", namespace="mongodb", ` +
  'psmdb_cluster="rs"';
const BACKUP = crd('PerconaServerMongoDBBackup');
const CLUSTER = crd('PerconaServerMongoDB');
const RESTORE = crd('PerconaServerMongoDBRestore');
/** The labels of those series, as an alert keeps them. */
const crdLabels = (kind: string): Record<string, string> => ({ namespace: 'mongodb', psmdb_cluster: 'rs', customresource_group: 'psmdb.percona.com',
  customresource_kind: kind, customresource_version: 'v1' });
const PSMDB = { namespace: 'mongodb', psmdb_cluster: 'rs' };
const STATES = ['waiting', 'requested', 'running', 'error', 'ready'];
/** A backup's StateSet: 1 for `state`, 0 for the others, for `samples` samples. */
const backupState = (name: string, state: string, samples: number, type = 'logical'): Record<string, string> =>
  Object.fromEntries(STATES.map((s) => [`kube_psmdb_backup_state{${BACKUP}, name="${name}", type="${type}", state="${s}"}`,
    `${s === state ? 1 : 0}x${samples}`]));
const backup = (name: string, metric: 'created' | 'completed' | 'latest_restorable', values: string, type = 'logical'): Record<string, string> => ({
  [`kube_psmdb_backup_${metric}_timestamp_seconds{${BACKUP}, name="${name}", type="${type}"}`]: values,
});

/** The app layer is deployed: kube-state-metrics reports the rocketchat namespace (a DR standby has none). */
const APP_LAYER = { 'kube_namespace_created{namespace="rocketchat"}': '0x400' };
/** kube-state-metrics' series of the restore check's CronJob: `kube_cronjob_<metric>`. */
const cronjob = (metric: string, values: string): Record<string, string> => ({
  [`kube_cronjob_${metric}{namespace="mongodb-restore-check", cronjob="mongodb-restore-check"}`]: values });
const CRONJOB = { severity: 'critical', namespace: 'mongodb-restore-check', cronjob: 'mongodb-restore-check' };
/** kube-state-metrics' series of the Rocket.Chat Deployment: `kube_deployment_<metric>`. */
const deployment = (metric: string, values: string): Record<string, string> => ({
  [`kube_deployment_${metric}{namespace="rocketchat", deployment="rocketchat-rocketchat"}`]: values });

const REST = 'pod="rocketchat-rocketchat-7d9f-abcde", method="GET", entrypoint="/api/v1/channels.messages", user_agent="browser", version="8.6.1"';
/** Rocket.Chat's REST summary for one status: `rocketchat_rest_api<suffix>`. */
const rest = (suffix: '_count' | '_sum', status: string, values: string): Record<string, string> => ({
  [`rocketchat_rest_api${suffix}{${REST}, status="${status}"}`]: values });
const member = (n: number) => `rs0-${n}.rs0.mongodb.svc.cluster.local:27017`;
const lag = (reporter: number, of: number, state: string) =>
  `mongodb_mongod_replset_member_replication_lag{namespace="mongodb", pod="rs0-${reporter}", name="${member(of)}", set="rs0", state="${state}", ` +
    `self="${reporter === of ? 1 : 0}"}`;
const mongodbUp = (...pods: number[]): Record<string, string> => Object.fromEntries(pods.map((n) => [`mongodb_up{namespace="mongodb", pod="rs0-${n}"}`,
  '1x30']));
const connections = (available: string, current: string): Record<string, string> => ({
  'mongodb_ss_connections{namespace="mongodb", pod="rs0-0", conn_type="available"}': available,
  'mongodb_ss_connections{namespace="mongodb", pod="rs0-0", conn_type="current"}': current });
const ring = (pod: number, state: string) => `tempo_ring_members{pod="tempo-${pod}", name="ingester", state="${state}"}`;

const CERT = 'certmanager_certificate_expiration_timestamp_seconds{namespace="rocketchat", name="chat-tls"}';
const CPU_IDLE = 'node_cpu_seconds_total{instance="10.0.1.5:9100", cpu="0", mode="idle"}';
const MEMBERS_MISSING = (up: number) => fires({ severity: 'critical' }, 'MongoDB replica set has members missing',
  `${up} of 3 members are up and reporting.`);
const FULL_BACKUP_OLD = (age: string) => fires({ severity: 'critical', ...PSMDB }, 'No recent full MongoDB backup', `The newest full backup of mongodb/rs ` +
  `is ${age} old (with none yet, the cluster is); the schedule "30 1 * * *" (UTC) runs every 24 h, plus 4 h to finish.`);
const RESTORE_CHECK_FAILED = fires(CRONJOB, 'The weekly MongoDB restore check failed', 'The newest run of mongodb-restore-check/mongodb-restore-check did ' +
  'not restore the newest backup: backups that cannot be restored are not backups. Read its log with kubectl -n mongodb-restore-check logs ' +
  'job/<newest job>; docs/restore.md, "The weekly restore check".');
const RESTORE_CHECK_STALE = fires(CRONJOB, 'No successful MongoDB restore check for 8 days', 'mongodb-restore-check/mongodb-restore-check has not ' +
  'restored a backup successfully for 8 days (schedule "30 5 * * 3" UTC), or kube-state-metrics does not report it.');
const LOGS_LOST = fires({ severity: 'warning' }, 'Logs are not reaching Loki', 'Alloy drops log entries, or Loki fails pushes or times out appending to ' +
  'its ingester; check Loki and its object storage access.');
const SPANS_LOST = fires({ severity: 'warning' }, 'Traces are not reaching Tempo', 'Alloy fails to export spans, or Tempo refuses them or fails to ' +
  'append them to its ingester; check Tempo and its object storage access.');
const AVAILABILITY_FAST = fires({ severity: 'critical', slo: 'availability' }, 'Rocket.Chat availability: error budget burning fast', 'Time without a ' +
  'Rocket.Chat pod ready behind the edge: 8.197% of the long window. The error budget of 99.9% over 30d burns at least 14.4x over 1h (and 5m), or 6x ' +
  'over 6h (and 30m) the sustainable rate.');
const ERRORS_FAST = (share: string) => fires({ severity: 'critical', slo: 'errors' }, 'Rocket.Chat REST errors: error budget burning fast', `REST calls ` +
  `answered with a 5xx: ${share} of the long window. The error budget of 99.9% over 24h burns at least 14.4x over 5m (and 5m), or 6x over 12m (and 5m) ` +
  'the sustainable rate, with at least 10 failed calls in the long window.');

export const ALERT_TESTS: readonly AlertTests[] = [
  {
    alert: 'NodeHighCpu',
    cases: [
      { name: 'a node 90% busy for 20 minutes', interval: '30s', series: { [CPU_IDLE]: '0+3x60' }, at: '25m', alerts: fires({ severity: 'warning',
        instance: '10.0.1.5:9100' }, 'Node CPU above 80%', '10.0.1.5:9100 has used 90% CPU for 15 minutes.') },
      { name: 'a node 10% busy', interval: '30s', series: { [CPU_IDLE]: '0+27x60' }, at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'CertificateExpiringSoon',
    cases: [
      { name: 'a certificate 10 days from expiry, not renewed for an hour', series: { [CERT]: '864000x150' }, at: '2h', alerts: fires({ severity: 'critical',
        namespace: 'rocketchat', name: 'chat-tls' }, 'Certificate expires in less than 14 days', 'Certificate rocketchat/chat-tls has not been renewed; ' +
        'check cert-manager and the DNS01 solver.') },
      { name: 'a certificate 57 days from expiry', series: { [CERT]: '5000000x150' }, at: '2h', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBDown',
    cases: [
      { name: 'an exporter that cannot reach its mongod', series: { 'mongodb_up{namespace="mongodb", pod="rs0-1"}': '0x10',
        'mongodb_up{namespace="mongodb", pod="rs0-0"}': '1x10' }, at: '5m', alerts: fires({ severity: 'critical', namespace: 'mongodb', pod: 'rs0-1' },
        'MongoDB member down', 'The exporter of mongodb/rs0-1 cannot reach its mongod.') },
      { name: 'every member reachable', series: { 'mongodb_up{namespace="mongodb", pod="rs0-1"}': '1x10' }, at: '5m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBMembersMissing',
    cases: [
      { name: 'two of three members reporting for 20 minutes (a pod is gone)', series: { ...APP_LAYER, ...mongodbUp(0, 1) }, at: '20m',
        alerts: MEMBERS_MISSING(2) },
      { name: 'app layer deployed, no member reporting (the replica set is gone)', series: { ...APP_LAYER, 'up{job="kube-state-metrics"}': '1x30' },
        at: '20m', alerts: MEMBERS_MISSING(0) },
      { name: 'a DR standby: network, cluster and platform only, no app layer, no members', series: { 'up{job="kube-state-metrics"}': '1x30',
        'kube_namespace_created{namespace="monitoring"}': '0x30' }, at: '20m', alerts: silent },
      { name: 'three members up', series: mongodbUp(0, 1, 2), at: '20m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBReplicationLag',
    cases: [
      {
        // Every member's exporter reports every secondary: one alert, naming the member that lags.
        name: 'rs0-2 30 s behind the primary, as all three exporters report it',
        series: { [lag(0, 2, 'SECONDARY')]: '30x10', [lag(1, 2, 'SECONDARY')]: '30x10', [lag(2, 2, 'SECONDARY')]: '30x10', [lag(0, 1, 'SECONDARY')]: '0x10',
          [lag(2, 1, 'SECONDARY')]: '0x10' },
        at: '8m',
        alerts: fires({ severity: 'warning', namespace: 'mongodb', set: 'rs0', name: member(2) }, 'MongoDB replication lag above 10 s', 'Member ' +
          'rs0-2.rs0.mongodb.svc.cluster.local:27017 of mongodb/rs0 lags the primary by 30 s.'),
      },
      { name: 'secondaries 2 s behind', series: { [lag(0, 2, 'SECONDARY')]: '2x10', [lag(0, 1, 'SECONDARY')]: '1x10' }, at: '8m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBConnectionsLow',
    cases: [
      { name: '950 connections in use, 50 left', series: { ...connections('50x10', '950x10'),
        'mongodb_ss_connections{namespace="mongodb", pod="rs0-0", conn_type="totalCreated"}': '90000x10' }, at: '8m', alerts: fires({ severity: 'warning',
        namespace: 'mongodb', pod: 'rs0-0' }, 'MongoDB connections almost exhausted', 'mongodb/rs0-0 has less than 10% of its connections left.') },
      { name: '200 connections in use, 800 left', series: connections('800x10', '200x10'), at: '8m', alerts: silent },
    ],
  },
  {
    alert: 'RocketChatHigh5xxRate',
    env: 'aws-dev',
    cases: [
      { name: '10% of REST calls answered 5xx for 20 minutes', interval: '30s', series: { ...rest('_count', '200', '0+90x60'),
        ...rest('_count', '500', '0+10x60') }, at: '20m', alerts: fires({ severity: 'critical' }, 'Rocket.Chat REST 5xx above 5%', '10% of REST calls ' +
        'failed with a server error over 10 minutes.') },
      { name: '1% of REST calls answered 5xx', interval: '30s', series: { ...rest('_count', '200', '0+99x60'), ...rest('_count', '500', '0+1x60') },
        at: '20m', alerts: silent },
    ],
  },
  {
    alert: 'RocketChatHighLatencyP99',
    cases: [
      { name: 'a busy endpoint (1 call/s) with p99 3 s', interval: '30s', series: { [`rocketchat_rest_api{${REST}, status="200", quantile="0.99"}`]: '3x60',
        ...rest('_count', '200', '0+30x60') }, at: '25m', alerts: fires({ severity: 'warning' }, 'Rocket.Chat REST p99 latency above 2 s', 'A busy ' +
        'Rocket.Chat endpoint answers 1% of its calls in more than 3s.') },
      {
        name: 'a slow but idle endpoint (one call in 50 minutes) beside a fast busy one',
        interval: '30s',
        series: { [`rocketchat_rest_api{${REST}, status="200", quantile="0.99"}`]: '3x60', ...rest('_count', '200', '0+0x30 1+0x30'),
          [`rocketchat_rest_api{${REST}, status="201", quantile="0.99"}`]: '0.2x60', ...rest('_count', '201', '0+30x60') },
        at: '25m',
        alerts: silent,
      },
    ],
  },
  {
    alert: 'RocketChatHighMeanLatency',
    env: 'aws-dev',
    cases: [
      { name: 'REST calls taking 1.5 s on average for 20 minutes', interval: '30s', series: { ...rest('_count', '200', '0+30x60'),
        ...rest('_sum', '200', '0+45x60') }, at: '25m', alerts: fires({ severity: 'warning' }, 'Rocket.Chat REST mean latency above 1 s', 'REST calls ' +
        'took 1.5s on average over the last 10 minutes.') },
      { name: 'REST calls taking 0.2 s on average', interval: '30s', series: { ...rest('_count', '200', '0+30x60'), ...rest('_sum', '200', '0+6x60') },
        at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBFullBackupTooOld',
    evaluationInterval: '15m',
    cases: [
      // Daily schedule: 24 h + 4 h to finish = 28 h; the newest ready full backup completed at t = 1000 s.
      { name: 'the newest full backup completed 29 h ago', interval: '15m', series: { ...backup('daily-1', 'completed', '1000x130'),
        ...backupState('daily-1', 'ready', 130), [`kube_psmdb_created_timestamp_seconds{${CLUSTER}}`]: '0x130' }, at: '30h',
        alerts: FULL_BACKUP_OLD('1d 5h 43m 20s') },
      { name: 'a cluster 30 h old that never completed a backup', interval: '15m', series: { ...backup('daily-1', 'completed', '0x130'),
        ...backupState('daily-1', 'error', 130), [`kube_psmdb_created_timestamp_seconds{${CLUSTER}}`]: '0x130' }, at: '30h',
        alerts: FULL_BACKUP_OLD('1d 6h 0m 0s') },
      {
        name: 'a full backup completed 3 h ago; an incremental one is not counted but does not hide it',
        interval: '15m',
        series: { ...backup('daily-2', 'completed', '97200x130'), ...backupState('daily-2', 'ready', 130), ...backup('incr-1', 'completed', '100000x130',
          'incremental'), ...backupState('incr-1', 'ready', 130, 'incremental'), [`kube_psmdb_created_timestamp_seconds{${CLUSTER}}`]: '0x130' },
        at: '30h',
        alerts: silent,
      },
    ],
  },
  {
    alert: 'MongoDBPITRLagging',
    cases: [
      // 5-minute oplog span: 2 spans + 10 min = 20 min; the restore point stopped at t = 1000 s.
      { name: 'the newest restore point 45 minutes old, no backup running', series: { ...backup('daily-1', 'latest_restorable', '1000x60'),
        ...backup('daily-1', 'completed', '900x60'), ...backupState('daily-1', 'ready', 60) }, at: '1h', alerts: fires({ severity: 'critical', ...PSMDB },
        'MongoDB point-in-time recovery is behind', 'The newest restore point of mongodb/rs is 43m 20s old; oplog slices are uploaded every 5 min. ' +
        'Writes since then would be lost by a restore.') },
      { name: 'the same stale restore point while a logical backup runs (PBM pauses slicing)', series: { ...backup('daily-1', 'latest_restorable',
        '1000x60'), ...backup('daily-1', 'completed', '900x60'), ...backupState('daily-1', 'ready', 60), ...backup('daily-2', 'created', '2000x60'),
        ...backupState('daily-2', 'running', 60) }, at: '1h', alerts: silent },
      { name: 'restore points advancing every 5 minutes', series: { ...backup('daily-1', 'latest_restorable', '0+60x70'), ...backupState('daily-1', 'ready',
        70) }, at: '1h', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBBackupFailed',
    cases: [
      { name: 'the newest attempt failed after an older success', series: { ...backup('daily-1', 'created', '1000x20'), ...backupState('daily-1', 'ready',
        20), ...backup('daily-2', 'created', '2000x20'), ...backupState('daily-2', 'error', 20) }, at: '10m', alerts: fires({ severity: 'warning',
        ...PSMDB }, 'MongoDB backup failed', 'The newest backup attempt of mongodb/rs failed and none has succeeded since; its status.error says why.') },
      { name: 'an old failure followed by a success', series: { ...backup('daily-1', 'created', '1000x20'), ...backupState('daily-1', 'error', 20),
        ...backup('daily-2', 'created', '2000x20'), ...backupState('daily-2', 'ready', 20) }, at: '10m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBBackupStuck',
    evaluationInterval: '10m',
    cases: [
      { name: 'a backup running for 5 hours', interval: '10m', series: { ...backup('daily-1', 'created', '0x40'), ...backupState('daily-1', 'running', 40) },
        at: '5h', alerts: fires({ severity: 'critical', name: 'daily-1', type: 'logical', ...crdLabels('PerconaServerMongoDBBackup') }, 'MongoDB backup ' +
        'not finishing', 'Backup mongodb/daily-1 has been waiting or running for 5h 0m 0s; point-in-time slicing pauses while a logical backup runs.') },
      { name: 'a backup running for 2 hours', interval: '10m', series: { ...backup('daily-1', 'created', '10800x40'), ...backupState('daily-1', 'running',
        40) }, at: '5h', alerts: silent },
    ],
  },
  {
    // aws-prod's app.backups.maxBackupMinutes is 45: PBM slices no oplog while a logical backup runs.
    alert: 'MongoDBBackupOverRpoBudget',
    cases: [
      { name: 'a backup running for 47 minutes, past the 45-minute budget', series: { ...backup('daily-1', 'created', '0x60'), ...backupState('daily-1',
        'running', 60) }, at: '47m', alerts: fires({ severity: 'critical', name: 'daily-1', type: 'logical', ...crdLabels('PerconaServerMongoDBBackup') },
        'MongoDB backup longer than the RPO budget', 'Backup mongodb/daily-1 has run for 47m 0s, past app.backups.maxBackupMinutes (45 min): no oplog ' +
        'is sliced meanwhile, so the recovery point is now older than the published RPO. Switch to physical backups or grow the data nodes ' +
        '(docs/restore.md).') },
      { name: 'a backup running for 30 minutes', series: { ...backup('daily-1', 'created', '1020x60'), ...backupState('daily-1', 'running', 60) },
        at: '47m', alerts: silent },
      { name: 'a backup that finished after an hour', series: { ...backup('daily-1', 'created', '0x60'), ...backupState('daily-1', 'ready', 60) },
        at: '47m', alerts: silent },
    ],
  },
  {
    // kube-state-metrics' CronJob series of the weekly restore check; times are Unix seconds of promtool's clock (starts at 0).
    alert: 'MongoDBRestoreCheckFailed',
    cases: [
      { name: 'the run scheduled at 10 min ended without success, none active', series: { ...cronjob('created', '0x60'),
        ...cronjob('status_last_schedule_time', '0x10 600x50'), ...cronjob('status_last_successful_time', '-100x60'),
        ...cronjob('status_active', '0x10 1x10 0x40') }, at: '40m', alerts: RESTORE_CHECK_FAILED },
      { name: 'the first run ever failed (no success yet)', series: { ...cronjob('created', '0x60'), ...cronjob('status_last_schedule_time', '600x60'),
        ...cronjob('status_active', '0x60') }, at: '40m', alerts: RESTORE_CHECK_FAILED },
      { name: 'the run scheduled at 10 min succeeded at 30 min', series: { ...cronjob('created', '0x60'), ...cronjob('status_last_schedule_time',
        '0x10 600x50'), ...cronjob('status_last_successful_time', '-100x30 1800x30'), ...cronjob('status_active', '0x10 1x20 0x30') }, at: '50m',
        alerts: silent },
      { name: 'a run still restoring', series: { ...cronjob('created', '0x60'), ...cronjob('status_last_schedule_time', '0x10 600x50'),
        ...cronjob('status_last_successful_time', '-100x60'), ...cronjob('status_active', '0x10 1x50') }, at: '50m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBRestoreCheckStale',
    evaluationInterval: '1h',
    cases: [
      { name: 'the last success 9 days ago', interval: '1h', series: { ...cronjob('created', '0x240'), ...cronjob('status_last_successful_time', '0x240') },
        at: '9d', alerts: RESTORE_CHECK_STALE },
      { name: 'created 9 days ago and never succeeded', interval: '1h', series: cronjob('created', '0x240'), at: '9d', alerts: RESTORE_CHECK_STALE },
      { name: 'the app layer deployed, its CronJob not reported at all', interval: '1h', series: { 'kube_namespace_created{namespace="rocketchat"}': '0x240',
        'up{job="kube-state-metrics"}': '1x240' }, at: '2h', alerts: RESTORE_CHECK_STALE },
      { name: 'a DR standby: no app layer, so no CronJob', interval: '1h', series: { 'up{job="kube-state-metrics"}': '1x240' }, at: '2h', alerts: silent },
      { name: 'the last success 7 days ago (a weekly run)', interval: '1h', series: { ...cronjob('created', '0x240'),
        ...cronjob('status_last_successful_time', '0x24 86400x216') }, at: '8d', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBRestoreFailed',
    cases: [
      { name: 'a restore in error', series: { [`kube_psmdb_restore_state{${RESTORE}, name="restore-1", state="error"}`]: '1x10',
        [`kube_psmdb_restore_state{${RESTORE}, name="restore-1", state="ready"}`]: '0x10' }, at: '5m', alerts: fires({ severity: 'critical',
        name: 'restore-1', state: 'error', ...crdLabels('PerconaServerMongoDBRestore') }, 'MongoDB restore failed', 'Restore mongodb/restore-1 is error; ' +
        'its status.error says why.') },
      { name: 'a restore that finished', series: { [`kube_psmdb_restore_state{${RESTORE}, name="restore-1", state="error"}`]: '0x10',
        [`kube_psmdb_restore_state{${RESTORE}, name="restore-1", state="ready"}`]: '1x10' }, at: '5m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBBackupConfigNotApplied',
    cases: [
      { name: 'PBMReady false for 20 minutes', series: { [`kube_psmdb_status_condition{${CLUSTER}, condition="PBMReady"}`]: '0x30' }, at: '20m',
        alerts: fires({ severity: 'warning', condition: 'PBMReady', ...crdLabels('PerconaServerMongoDB') }, 'MongoDB backup configuration not applied',
          'The operator cannot apply the backup storage and settings of mongodb/rs to PBM (condition PBMReady false).') },
      { name: 'PBMReady true', series: { [`kube_psmdb_status_condition{${CLUSTER}, condition="PBMReady"}`]: '1x30' }, at: '20m', alerts: silent },
    ],
  },
  {
    alert: 'MongoDBBackupStatusMissing',
    cases: [
      { name: 'kube-state-metrics reports no replica set for 40 minutes', series: { ...APP_LAYER, 'up{job="kube-state-metrics"}': '1x60' }, at: '40m',
        alerts: fires({ severity: 'warning', namespace: 'mongodb' }, 'MongoDB backup status not reported', 'kube-state-metrics reports no ' +
        'PerconaServerMongoDB in mongodb, so no backup alert can fire.') },
      { name: 'the replica set reported', series: { [`kube_psmdb_created_timestamp_seconds{${CLUSTER}}`]: '0x60' }, at: '40m', alerts: silent },
      { name: 'a DR standby without the app layer', series: { 'up{job="kube-state-metrics"}': '1x60' }, at: '40m', alerts: silent },
    ],
  },
  {
    alert: 'LokiIngestionFailing',
    cases: [
      { name: 'Alloy dropping log entries', interval: '30s', series: {
        'loki_write_dropped_entries_total{pod="alloy-abcde", reason="ingester_error"}': '0+5x60' }, at: '25m', alerts: LOGS_LOST },
      { name: 'Loki answering pushes with 500', interval: '30s', series: {
        'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="500", method="POST"}': '0+5x60' }, at: '25m', alerts: LOGS_LOST },
      { name: 'pushes succeeding, nothing dropped', interval: '30s', series: { 'loki_write_dropped_entries_total{pod="alloy-abcde", reason="ingester_error"}':
        '3x60', 'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="204", method="POST"}': '0+50x60' }, at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'LokiDiscardingLogs',
    cases: [
      { name: 'Loki discarding lines over the rate limit', interval: '30s', series: {
        'loki_discarded_samples_total{reason="rate_limited", tenant="fake"}': '0+10x60' }, at: '25m', alerts: fires({ severity: 'warning',
        reason: 'rate_limited' }, 'Loki discards log lines', 'Loki rejects lines for rate_limited, and those lines are lost; raise the limit or fix the ' +
        'source.') },
      { name: 'an old discard, none since', interval: '30s', series: { 'loki_discarded_samples_total{reason="rate_limited", tenant="fake"}': '7x60' },
        at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'LokiFlushFailing',
    cases: [
      { name: 'chunk flushes failing', interval: '30s', series: { 'loki_ingester_chunks_flush_failures_total{pod="loki-0"}': '0+1x80' }, at: '35m',
        alerts: fires({ severity: 'warning' }, 'Loki cannot write chunks to object storage', "Chunks stay in memory and the WAL until a flush succeeds; " +
        "check the bucket and Loki's workload identity.") },
      { name: 'no flush failure', interval: '30s', series: { 'loki_ingester_chunks_flush_failures_total{pod="loki-0"}': '0x80' }, at: '35m', alerts: silent },
    ],
  },
  {
    alert: 'TempoIngestionFailing',
    cases: [
      { name: 'Tempo refusing spans (OpenMetrics name with _total)', interval: '30s', series: {
        'tempo_receiver_refused_spans_total{receiver="otlp/otlp_receiver", transport="grpc"}': '0+10x60' }, at: '25m', alerts: SPANS_LOST },
      { name: 'Alloy failing to export spans', interval: '30s', series: { 'otelcol_exporter_send_failed_spans_total{exporter="otlp/tempo"}': '0+10x60' },
        at: '25m', alerts: SPANS_LOST },
      { name: 'spans accepted', interval: '30s', series: { 'tempo_receiver_refused_spans_total{receiver="otlp/otlp_receiver", transport="grpc"}': '0x60',
        'otelcol_exporter_send_failed_spans_total{exporter="otlp/tempo"}': '0x60' }, at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'TempoDiscardingSpans',
    cases: [
      { name: 'Tempo discarding spans of oversized traces', interval: '30s', series: {
        'tempo_discarded_spans_total{reason="trace_too_large", tenant="single-tenant"}': '0+10x60' }, at: '25m', alerts: fires({ severity: 'warning',
        reason: 'trace_too_large' }, 'Tempo discards spans', 'Tempo drops spans for trace_too_large; raise the override or reduce what is sent.') },
      { name: 'no discards', interval: '30s', series: { 'tempo_discarded_spans_total{reason="trace_too_large", tenant="single-tenant"}': '0x60' },
        at: '25m', alerts: silent },
    ],
  },
  {
    alert: 'TempoFlushFailing',
    cases: [
      { name: 'block flushes failing', interval: '30s', series: { 'tempo_ingester_failed_flushes_total{pod="tempo-0"}': '0+1x80' }, at: '35m',
        alerts: fires({ severity: 'warning' }, 'Tempo cannot write blocks to object storage', "Completed blocks stay on the WAL volume until a flush " +
        "succeeds; check the bucket and Tempo's workload identity.") },
      { name: 'no flush failure', interval: '30s', series: { 'tempo_ingester_failed_flushes_total{pod="tempo-0"}': '0x80' }, at: '35m', alerts: silent },
    ],
  },
  {
    alert: 'TempoIngesterUnhealthy',
    cases: [
      // dskit counts an instance that stopped heartbeating as Unhealthy, whatever its state, once its last
      // heartbeat is older than heartbeat_timeout (Tempo 2.10.8 sets 5 m for ingesters): the series start there.
      {
        name: 'a crash: an ingester of three stopped heartbeating (its node or zone is gone) for 20 minutes',
        series: { [ring(0, 'ACTIVE')]: '3x10 2x30', [ring(0, 'Unhealthy')]: '0x10 1x30', [ring(1, 'ACTIVE')]: '3x10 2x30',
          [ring(1, 'Unhealthy')]: '0x10 1x30' },
        at: '30m',
        alerts: fires({ severity: 'warning' }, 'A Tempo ingester is gone from the ring', 'Traces are still written and read with the other two of three, ' +
          'but one more loss stops writes, and a Tempo pod that restarts cannot become ready while the gone ingester stays in the ring; if its pod will ' +
          'not come back soon, forget it on /ingester/ring (docs/operations.md, "Tempo").'),
      },
      // A graceful stop goes LEAVING and unregisters (lifecycler unregister_on_shutdown): the ring has
      // one ACTIVE member fewer until the pod is back, and nothing Unhealthy. The StatefulSet replaces
      // tempo-2, -1, -0 in turn, each gone about 3 minutes and back ACTIVE a minute and a half before
      // the next leaves (the compactor's ring wait); the series of the pod away are missing meanwhile.
      {
        name: 'a rolling restart of the three pods: one ingester leaving and rejoining at a time',
        interval: '30s',
        series: {
          [ring(0, 'ACTIVE')]: '3x19 2x6 3x3 2x6 3x3 2x6 3x3 _x6 3x29',
          [ring(0, 'LEAVING')]: '0x19 1 0x5 0x3 1 0x5 0x3 0x6 0x3 _x6 0x29',
          [ring(0, 'Unhealthy')]: '0x19 0x6 0x3 0x6 0x3 0x6 0x3 _x6 0x29',
          [ring(2, 'ACTIVE')]: '3x19 _x6 3x3 2x6 3x3 2x6 3x3 2x6 3x29',
          [ring(2, 'Unhealthy')]: '0x19 _x6 0x3 0x6 0x3 0x6 0x3 0x6 0x29',
        },
        at: '40m',
        alerts: silent,
      },
      // A node-group roll: tempo-1 is evicted and leaves gracefully, and its replacement waits 25
      // minutes for a node in its zone and its volume. Writes and reads go on with two of three, and
      // nothing blocks a restarting pod: no page for the wait (KubeStatefulSetReplicasMismatch covers it).
      { name: 'a drain: one ingester left gracefully and is back after 25 minutes', series: { [ring(0, 'ACTIVE')]: '3x10 2x25 3x10',
        [ring(0, 'LEAVING')]: '0x10 1 0x34', [ring(0, 'Unhealthy')]: '0x45' }, at: '34m', alerts: silent },
    ],
  },
  // Service level objectives (slo-rules.ts), aws-prod's defaults.
  // aws-dr: its Rocket.Chat runs no pod until the restore is served (app.restore, serve false).
  {
    alert: 'RocketChatAvailabilityBudgetBurn',
    env: 'aws-dr',
    cases: [
      { name: 'fast burn: no Rocket.Chat pod ready from 1 h on pages within 5 minutes', series: deployment('status_replicas_available', '3x60 0x10'),
        at: '1h5m', alerts: AVAILABILITY_FAST },
      { name: 'one pod of three unready (the edge still has targets)', series: deployment('status_replicas_available', '3x60 2x10'), at: '1h5m',
        alerts: silent },
      { name: 'held for restore: no pod desired, none ready, for 2 hours', series: { ...deployment('status_replicas_available', '0x120'),
        ...deployment('spec_replicas', '0x120') }, at: '2h', alerts: silent },
      { name: 'serve: true after a 2-hour hold: pods ready 4 minutes after they are wanted page nobody', series: {
        ...deployment('status_replicas_available', '0x124 3x15'), ...deployment('spec_replicas', '0x119 3x20') }, at: '2h4m', alerts: silent },
      { name: "a new environment's first deploy: pods ready 4 minutes after the Deployment is created page nobody", series: {
        ...deployment('created', '_x59 3600x20'), ...deployment('status_replicas_available', '_x59 0x4 3x15'), ...deployment('spec_replicas', '_x59 3x20') },
        at: '1h4m', alerts: silent },
      { name: 'served after the restore: 3 pods desired, none ready from 1 h on pages', series: { ...deployment('status_replicas_available', '3x60 0x10'),
        ...deployment('spec_replicas', '3x70') }, at: '1h5m', alerts: AVAILABILITY_FAST },
    ],
  },
  {
    alert: 'RocketChatLatencyBudgetBurn',
    cases: [
      { name: 'fast burn: REST mean at 2 s from 30 minutes on pages within 15 minutes', interval: '30s', series: { ...rest('_count', '200', '0+30x120'),
        ...rest('_sum', '200', '0+6x60 366+60x60') }, at: '45m', alerts: fires({ severity: 'critical', slo: 'latency' }, 'Rocket.Chat latency: error ' +
        'budget burning fast', 'Time with the REST mean above 500 ms: 93.33% of the long window. The error budget of 95% over 7d burns at least 14.4x ' +
        'over 14m (and 5m), or 6x over 1h24m (and 7m) the sustainable rate.') },
      { name: 'REST mean at 0.2 s', interval: '30s', series: { ...rest('_count', '200', '0+30x120'), ...rest('_sum', '200', '0+6x120') }, at: '50m',
        alerts: silent },
    ],
  },
  {
    alert: 'RocketChatErrorBudgetBurn',
    cases: [
      { name: 'fast burn: 5% of REST calls failing from 10 minutes on pages within 6 minutes', interval: '30s', series: { ...rest('_count', '200',
        '0+950x40'), ...rest('_count', '500', '0x20 0+50x20') }, at: '16m', alerts: ERRORS_FAST('5%') },
      { name: 'slow burn: 0.4% failing for 80 minutes opens a ticket and pages nobody', interval: '1m', series: { ...rest('_count', '200', '0+996x90'),
        ...rest('_count', '500', '0+4x90') }, at: '80m', alerts: fires({ severity: 'warning', slo: 'errors' }, 'Rocket.Chat REST errors: error budget ' +
        'burning steadily', 'REST calls answered with a 5xx: 0.4% of the long window. The error budget of 99.9% over 24h burns at least 3x over 48m ' +
        '(and 5m), or 1x over 2h24m (and 12m) the sustainable rate, with at least 10 failed calls in the long window.') },
      // Night: 4 calls a minute. The 24-hour objective's fast pair reads 5 minutes, where 3 errors are a 14.4x burn.
      { name: 'night: a burst of 3 errors among 20 calls pages nobody (4 minutes on)', series: { ...rest('_count', '200', '0+4x120'), ...rest('_count',
        '500', '0x59 3x60') }, at: '1h4m', alerts: silent },
      { name: 'night: the same burst opens no ticket either (30 minutes on)', series: { ...rest('_count', '200', '0+4x120'), ...rest('_count', '500',
        '0x59 3x60') }, at: '1h30m', alerts: silent },
      { name: 'night: every call failing pages within 5 minutes (10 failures reached)', series: { ...rest('_count', '200', '0+4x60 240x30'),
        ...rest('_count', '500', '0x60 4+4x29') }, at: '1h5m', alerts: ERRORS_FAST('100%') },
      { name: 'budget kept: 0.05% failing for 80 minutes', interval: '1m', series: { ...rest('_count', '200', '0+1999x90'), ...rest('_count', '500',
        '0+1x90') }, at: '80m', alerts: silent },
    ],
  },
];
