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
import { fullBackupIntervalHours } from './mongodb-alerts';

export const RESTORE_GB_PER_HOUR = { logical: 50, physical: 250 } as const;

/** Azure's copy out of the read-only secondary (restore-copy.ts): azcopy between regions, a planning number, per pass. */
export const COPY_GB_PER_HOUR = 200;

/** AWS: `aws s3 sync` of the replicated uploads between two buckets of one region, a planning number. */
export const UPLOADS_SYNC_GB_PER_HOUR = 300;

/** Uploads assumed when config `app.rocketchat.uploadsGb` is absent (the drill records the real size). */
export const UPLOADS_GB_UNMEASURED = 100;

/** Replication time: S3 RTC replicates 99.99% of objects within 15 min; Azure gives no SLA for geo lag (typically under 15 min). */
export const REPLICATION_MINUTES = 15;

/**
 * Hours of each step outside the data restore and the copy. Provisioning: nothing in place; a new
 * cluster and platform when the cluster is lost; in another region the app layer only when
 * network, cluster and platform are pre-deployed (the documented default for prod), all four
 * layers and the state store when not. The rest are the runbook's steps, each a planning number
 * the region-lost drill replaces with what it measures.
 */
export const STEP_HOURS = {
  /** Noticing, deciding and naming the restore point: bad data in place is found and judged faster than a lost region is declared. */
  declare: { inPlace: 0.25, lost: 0.5 },
  provision: { inPlace: 0, clusterLost: 0.75, regionLostPredeployed: 0.25, regionLostCold: 1.25 },
  /** PITR replay of one day of oplog on top of the backup (PBM applies it on the primary, one slice after the other). */
  oplogReplayPerDay: 0.25,
  /** The second, approved deploy with `serve: true` (review, approval, apply, pods ready). */
  serveDeploy: 0.25,
  /** Azure: the pull request that names the backup in app.restore.backup (Terraform cannot list blobs), reviewed and merged. */
  configPr: 0.25,
  /** Azure: the deploy identity's grant on the target container propagates (role-propagation.ts waits 10 minutes). */
  roleWait: 10 / 60,
  /** Region lost: the CNAME edit in the public zone (AWS and Azure alike), before clients follow it. */
  dnsEdit: 5 / 60,
  /** Clients follow a moved DNS name within the record's TTL (external-dns: 300 s). */
  dnsTtl: 300 / 3600,
  /** A restore in `error`: reading why, pinning another backup and raising app.restore.attempt, before it runs again. */
  retryDecision: 0.25,
} as const;

export interface RestoreEstimate {
  readonly dataGb: number;
  readonly dataHours: { readonly logical: number; readonly physical: number };
  /** Hours of oplog replay per path: one schedule interval from the newest backup, two in another region (the second newest, restore-source.ts). */
  readonly replayHours: { readonly newest: number; readonly secondNewest: number };
  /** Worst-case recovery time per path with today's logical backups; `regionLostRetry`: pre-deployed, after one failed attempt. */
  readonly rtoHours: { readonly inPlace: number; readonly clusterLost: number; readonly regionLost: number; readonly regionLostCold: number; readonly regionLostRetry: number };
  /** Worst-case data loss per path: the oplog span or, while a backup runs, the backup's length; plus replication for a region. */
  readonly rpoMinutes: { readonly inPlace: number; readonly regionLost: number };
}

const round = (hours: number) => Math.round(hours * 100) / 100;

/** `cloud` decides the cloud-specific steps: Azure names, copies (two passes: to the runner's disk, then up) the backup; AWS syncs the uploads. */
export function restoreEstimate(env: Environment, cloud: 'aws' | 'azure' = env.cloud): RestoreEstimate {
  const gb = env.app.mongodb.dataGb ?? env.app.mongodb.storageGb;
  const logical = gb / RESTORE_GB_PER_HOUR.logical;
  const { pitrOplogSpanMinutes: span, maxBackupMinutes, fullBackupSchedule } = env.app.backups;
  const s = STEP_HOURS;
  const days = fullBackupIntervalHours(fullBackupSchedule) / 24;
  const replay = { newest: days * s.oplogReplayPerDay, secondNewest: 2 * days * s.oplogReplayPerDay };
  const copy = (2 * gb) / COPY_GB_PER_HOUR;
  const cloudSteps = cloud === 'azure' ? s.configPr + s.roleWait + copy : (env.app.rocketchat.uploadsGb ?? UPLOADS_GB_UNMEASURED) / UPLOADS_SYNC_GB_PER_HOUR;
  const clusterAfter = s.serveDeploy + s.dnsTtl;
  const regionAfter = s.serveDeploy + s.dnsEdit + s.dnsTtl;
  const regionLost = s.declare.lost + s.provision.regionLostPredeployed + cloudSteps + logical + replay.secondNewest + regionAfter;
  // A failed attempt costs the decision, (Azure) the copy of the other backup, and a restore of the next older backup, one interval more to replay.
  const retry = s.retryDecision + (cloud === 'azure' ? copy : 0) + logical + replay.secondNewest + replay.newest;
  const pointLoss = Math.max(span, maxBackupMinutes);
  return {
    dataGb: gb,
    dataHours: { logical: round(logical), physical: round(gb / RESTORE_GB_PER_HOUR.physical) },
    replayHours: { newest: round(replay.newest), secondNewest: round(replay.secondNewest) },
    rtoHours: {
      inPlace: round(s.declare.inPlace + s.provision.inPlace + logical + replay.newest),
      clusterLost: round(s.declare.lost + s.provision.clusterLost + logical + replay.newest + clusterAfter),
      regionLost: round(regionLost),
      regionLostCold: round(regionLost - s.provision.regionLostPredeployed + s.provision.regionLostCold),
      regionLostRetry: round(regionLost + retry),
    },
    rpoMinutes: { inPlace: pointLoss, regionLost: pointLoss + REPLICATION_MINUTES },
  };
}
