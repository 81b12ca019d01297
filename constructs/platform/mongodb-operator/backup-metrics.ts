/**
 * Metrics about MongoDB backups, read by kube-state-metrics from the Percona
 * operator's custom resources (custom resource state, kube-state-metrics
 * v2.20.0 in kube-prometheus-stack 88.5.3). The operator writes what it knows
 * about every backup into its PerconaServerMongoDBBackup status (operator
 * v1.22.0, pkg/apis/psmdb/v1/perconaservermongodbbackup_types.go):
 * `state` (waiting, requested, running, error, ready), `type`, `completed`,
 * and on the newest ready backup `latestRestorableTime`, the end of PBM's
 * newest point-in-time timeline, refreshed on every reconcile
 * (pkg/controller/perconaservermongodb/backup.go updateLatestRestorableTime).
 *
 * Why not mongodb_exporter's PBM collector (0.53.0 exporter/pbm_collector.go,
 * `mongodb_pbm_*`): it reads PBM's collections with the exporter's
 * clusterMonitor user, whose access to them the operator does not promise,
 * and it reports nothing at all when that read fails; the operator's status
 * is what the operator itself acts on.
 *
 * Timestamps become Unix seconds (kube-state-metrics parses RFC 3339 strings,
 * pkg/customresourcestate/registry_factory.go toFloat64). `nilIsZero` makes a
 * field the status does not have yet a 0 instead of an error logged on every
 * update, so rules read timestamps with `> 0` or next to `state="ready"`.
 */
const GROUP = 'psmdb.percona.com';

/** Metric names the alert rules and the dashboard read; each is `<metricNamePrefix>_<name>` below. */
export const PSMDB_METRICS = {
  /** StateSet over BACKUP_STATES, label `state`: 1 for the backup's current state. */
  backupState: 'kube_psmdb_backup_state',
  backupCreated: 'kube_psmdb_backup_created_timestamp_seconds',
  backupCompleted: 'kube_psmdb_backup_completed_timestamp_seconds',
  backupLatestRestorable: 'kube_psmdb_backup_latest_restorable_timestamp_seconds',
  restoreState: 'kube_psmdb_restore_state',
  clusterCreated: 'kube_psmdb_created_timestamp_seconds',
  /** One series per status condition, label `condition`; 1 when its status is True. */
  clusterCondition: 'kube_psmdb_status_condition',
} as const;

/** BackupState and RestoreState values (operator v1.22.0 api types; "" is a new object and has no series). */
const BACKUP_STATES = ['waiting', 'requested', 'running', 'error', 'ready'];
const RESTORE_STATES = ['waiting', 'requested', 'rejected', 'running', 'error', 'ready'];

const timestamp = (name: string, help: string, path: string[]) => ({ name, help, each: { type: 'Gauge', gauge: { path, nilIsZero: true } } });
const stateSet = (help: string, list: string[]) => ({ name: 'state', help, each: { type: 'StateSet', stateSet: { labelName: 'state', path: ['status', 'state'], list } } });

/** kube-state-metrics `customResourceState.config` (chart 8.4.0), one entry per kind. */
export const PSMDB_STATE_METRICS = {
  kind: 'CustomResourceStateMetrics',
  spec: {
    resources: [
      {
        groupVersionKind: { group: GROUP, version: 'v1', kind: 'PerconaServerMongoDBBackup' },
        resourcePlural: 'perconaservermongodbbackups',
        metricNamePrefix: 'kube_psmdb_backup',
        // `type` is the backup type (logical, physical, incremental, incremental-base) once the operator has started it.
        labelsFromPath: { namespace: ['metadata', 'namespace'], name: ['metadata', 'name'], psmdb_cluster: ['spec', 'clusterName'], type: ['status', 'type'] },
        metrics: [
          stateSet('Backup state reported by the Percona operator.', BACKUP_STATES),
          timestamp('created_timestamp_seconds', 'When the backup object was created (scheduled or requested).', ['metadata', 'creationTimestamp']),
          timestamp('completed_timestamp_seconds', 'When PBM finished the backup; 0 until it is ready.', ['status', 'completed']),
          timestamp('latest_restorable_timestamp_seconds', 'End of the newest point-in-time recovery timeline (set on the newest ready backup).', ['status', 'latestRestorableTime']),
        ],
      },
      {
        groupVersionKind: { group: GROUP, version: 'v1', kind: 'PerconaServerMongoDBRestore' },
        resourcePlural: 'perconaservermongodbrestores',
        metricNamePrefix: 'kube_psmdb_restore',
        labelsFromPath: { namespace: ['metadata', 'namespace'], name: ['metadata', 'name'], psmdb_cluster: ['spec', 'clusterName'] },
        metrics: [stateSet('Restore state reported by the Percona operator.', RESTORE_STATES)],
      },
      {
        groupVersionKind: { group: GROUP, version: 'v1', kind: 'PerconaServerMongoDB' },
        resourcePlural: 'perconaservermongodbs',
        metricNamePrefix: 'kube_psmdb',
        labelsFromPath: { namespace: ['metadata', 'namespace'], psmdb_cluster: ['metadata', 'name'] },
        metrics: [
          timestamp('created_timestamp_seconds', 'When the replica set was created: the reference before its first backup.', ['metadata', 'creationTimestamp']),
          {
            name: 'status_condition',
            help: 'Status conditions of the cluster (PBMReady: the backup configuration is applied to PBM).',
            each: { type: 'Gauge', gauge: { path: ['status', 'conditions'], labelsFromPath: { condition: ['type'] }, valueFrom: ['status'] } },
          },
        ],
      },
    ],
  },
} as const;

/** kube-state-metrics `rbac.extraRules`: read-only access to exactly the kinds above. */
export const PSMDB_STATE_METRICS_RBAC = [
  { apiGroups: [GROUP], resources: ['perconaservermongodbs', 'perconaservermongodbbackups', 'perconaservermongodbrestores'], verbs: ['list', 'watch'] },
];
