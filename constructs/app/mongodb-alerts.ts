/**
 * The app layer's MongoDB replica set, watched by the platform's Prometheus (shipped by the
 * platform stack, stacks/platform-alerts.ts, so they stand before the app layer is deployed and
 * hold their fire while it is absent): its members, from the Percona MongoDB exporter
 * (compatible-mode names), and its backups and restores, from the Percona operator's custom
 * resources through kube-state-metrics (platform/mongodb-operator/backup-metrics.ts).
 */
import type { Environment } from '../../config/schema';
import { BACKUP_CRON } from '../../config/schema-app';
import { PSMDB_METRICS as M } from '../platform/mongodb-operator/backup-metrics';
import { alert, type AlertRule } from '../platform/alert-rule';
import { NAMESPACES, ROCKETCHAT } from '../../config/names';

/**
 * True while the app layer is deployed: it creates the rocketchat namespace (app-stack.ts). A DR
 * environment stands by with network, cluster and platform only (docs/restore.md), so the rules that
 * alert on the app layer's objects being absent hold their fire until it is there.
 */
export const APP_LAYER_DEPLOYED = `kube_namespace_created{namespace="${ROCKETCHAT.namespace}"}`;

/** The replica set's members: up, all there, in step with the primary, with connections to spare. */
export function mongodbAlerts(members: number): AlertRule[] {
  return [
    alert('MongoDBDown', 'mongodb_up == 0', '2m', 'critical',
      'MongoDB member down', 'The exporter of {{ $labels.namespace }}/{{ $labels.pod }} cannot reach its mongod.'),
    // A member whose pod is gone has no exporter, so mongodb_up == 0 never fires for it. Only the
    // app layer's replica set counts, and only while the app layer is deployed (a DR standby has none);
    // 15 minutes covers the gap between the namespace and the members.
    alert('MongoDBMembersMissing', `((count(mongodb_up{namespace="${NAMESPACES.mongodb}"} == 1) or vector(0)) < ${members}) and on () ${APP_LAYER_DEPLOYED}`, '15m', 'critical',
      'MongoDB replica set has members missing', `{{ $value }} of ${members} members are up and reporting.`),
    // Every member's exporter reports every secondary's lag (exporter 0.53.0 v1_compatibility.go
    // replSetMetrics: labels name = the member's host:port, set, state, self): one alert per lagging member.
    alert('MongoDBReplicationLag', 'max by (namespace, set, name) (mongodb_mongod_replset_member_replication_lag) > 10', '5m', 'warning',
      'MongoDB replication lag above 10 s', 'Member {{ $labels.name }} of {{ $labels.namespace }}/{{ $labels.set }} lags the primary by {{ $value }} s.'),
    // The two series differ in conn_type, so they are summed without it before dividing.
    alert('MongoDBConnectionsLow',
      'sum without (conn_type) (mongodb_ss_connections{conn_type="available"}) / sum without (conn_type) (mongodb_ss_connections{conn_type=~"available|current"}) < 0.1',
      '5m', 'warning',
      'MongoDB connections almost exhausted', '{{ $labels.namespace }}/{{ $labels.pod }} has less than 10% of its connections left.'),
  ];
}

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
 * Backups watched through the operator's custom resources (platform/mongodb-operator/backup-metrics.ts): the
 * newest full backup against the schedule, the newest restore point against the oplog span,
 * failed or stuck backups, failed restores, and the backup configuration PBM runs with.
 */
export function backupAlerts(backups: Backups): AlertRule[] {
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
