/**
 * How long bringing the database back takes and how much it loses, from config (docs/restore.md,
 * "Recovery point and recovery time"). Every step of each path is a term, so the drill can put
 * its measured number next to each. Planning numbers, to be replaced by what the drill measures:
 * - logical restore (what the backups are today): 50 GB of data per hour. pbm-agent inserts
 *   every document and mongod rebuilds every index; PBM's docs describe logical restores as the
 *   slow path for large data sets (docs.percona.com/percona-backup-mongodb, "Backup and restore
 *   types"), and the rate is set for the 4-vCPU r7i.xlarge data nodes, with headroom.
 * - physical restore: 5x that, 250 GB/h. Percona measured physical restores "up to 5x faster
 *   than the logical ones" (Percona blog, "Speeding Up Restores in Percona Backup for MongoDB",
 *   2023-04); the copy is bounded by S3 download and gp3's 125 MB/s baseline (450 GB/h), not by
 *   mongod.
 * - the amount is `dataSize + indexSize` (config `app.mongodb.dataGb`), or the full volume
 *   (`storageGb`) when nobody measured it: the volume's size is an upper bound, not the data.
 */
import type { Environment } from '../../config/schema';

export const RESTORE_GB_PER_HOUR = { logical: 50, physical: 250 } as const;

/** Azure's copy out of the read-only secondary (restore-copy.ts): azcopy between regions, a planning number. */
export const COPY_GB_PER_HOUR = 200;

/** Replication time: S3 RTC replicates 99.99% of objects within 15 min; Azure gives no SLA for geo lag (typically under 15 min). */
export const REPLICATION_MINUTES = 15;

/**
 * Hours of each step outside the data restore. Provisioning: nothing in place; a new cluster and
 * platform when the cluster is lost; in another region the app layer only when network, cluster
 * and platform are pre-deployed (the documented default for prod), all four layers and the state
 * store when not. The rest are the steps the runbook has after the restore.
 */
export const STEP_HOURS = {
  provision: { inPlace: 0, clusterLost: 0.75, regionLostPredeployed: 0.25, regionLostCold: 1.25 },
  /** PITR replays at most a day of oplog on top of the backup. */
  oplogReplay: 0.25,
  /** The second, approved deploy with `serve: true` (review, approval, apply, pods ready). */
  serveDeploy: 0.25,
  /** AWS: `aws s3 sync` of the replicated uploads into the new environment's bucket (Azure keeps uploads in GridFS). */
  uploadsSync: 0.25,
  /** Clients follow the moved DNS name within the record's TTL (external-dns: 300 s). */
  dnsTtl: 300 / 3600,
} as const;

export interface RestoreEstimate {
  readonly dataGb: number;
  readonly dataHours: { readonly logical: number; readonly physical: number };
  /** Worst-case recovery time per path with today's logical backups. */
  readonly rtoHours: { readonly inPlace: number; readonly clusterLost: number; readonly regionLost: number; readonly regionLostCold: number };
  /** Worst-case data loss per path: the oplog span or, while a backup runs, the backup's length; plus replication for a region. */
  readonly rpoMinutes: { readonly inPlace: number; readonly regionLost: number };
}

const round = (hours: number) => Math.round(hours * 100) / 100;

/** `cloud` decides the two cloud-specific steps: Azure copies the backup first, AWS syncs the uploads. */
export function restoreEstimate(env: Environment, cloud: 'aws' | 'azure' = env.cloud): RestoreEstimate {
  const gb = env.app.mongodb.dataGb ?? env.app.mongodb.storageGb;
  const logical = gb / RESTORE_GB_PER_HOUR.logical;
  const { pitrOplogSpanMinutes: span, maxBackupMinutes } = env.app.backups;
  const s = STEP_HOURS;
  const after = s.oplogReplay + s.serveDeploy + s.dnsTtl;
  const cloudSteps = cloud === 'azure' ? gb / COPY_GB_PER_HOUR : s.uploadsSync;
  const pointLoss = Math.max(span, maxBackupMinutes);
  return {
    dataGb: gb,
    dataHours: { logical: round(logical), physical: round(gb / RESTORE_GB_PER_HOUR.physical) },
    rtoHours: {
      inPlace: round(s.provision.inPlace + logical + s.oplogReplay),
      clusterLost: round(s.provision.clusterLost + logical + after),
      regionLost: round(s.provision.regionLostPredeployed + cloudSteps + logical + after),
      regionLostCold: round(s.provision.regionLostCold + cloudSteps + logical + after),
    },
    rpoMinutes: { inPlace: pointLoss, regionLost: pointLoss + REPLICATION_MINUTES },
  };
}
