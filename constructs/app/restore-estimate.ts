/**
 * How long bringing the database back takes, from config (docs/restore.md, "Recovery time").
 * Planning numbers, to be replaced by what the drill measures:
 * - logical restore (what the backups are today): 50 GB of data per hour. pbm-agent inserts
 *   every document and mongod rebuilds every index; PBM's docs describe logical restores as the
 *   slow path for large data sets (docs.percona.com/percona-backup-mongodb, "Backup and restore
 *   types"), and the rate is set for the 4-vCPU r7i.xlarge data nodes, with headroom.
 * - physical restore: 5x that, 250 GB/h. Percona measured physical restores "up to 5x faster
 *   than the logical ones" (Percona blog, "Speeding Up Restores in Percona Backup for MongoDB",
 *   2023-04); the copy is bounded by S3 download and gp3's 125 MB/s baseline (450 GB/h), not by
 *   mongod.
 * - worst case: the data volume is full (`app.mongodb.storageGb`).
 */
import type { Environment } from '../../config/schema';

export const RESTORE_GB_PER_HOUR = { logical: 50, physical: 250 } as const;

/** Hours before a restore can start, per path: nothing to build, a new cluster, a new region's four layers. */
export const PROVISION_HOURS = { inPlace: 0, clusterLost: 0.75, regionLost: 1.25 } as const;

export interface RestoreEstimate {
  readonly dataHours: { readonly logical: number; readonly physical: number };
  /** Worst-case recovery time per path with today's logical backups. */
  readonly rtoHours: { readonly inPlace: number; readonly clusterLost: number; readonly regionLost: number };
  /** Worst-case data loss: the PITR span, plus (region lost) S3 replication's 15 minutes. */
  readonly rpoMinutes: { readonly inPlace: number; readonly regionLost: number };
}

const round = (hours: number) => Math.round(hours * 100) / 100;

export function restoreEstimate(env: Environment): RestoreEstimate {
  const gb = env.app.mongodb.storageGb;
  const logical = gb / RESTORE_GB_PER_HOUR.logical;
  const span = env.app.backups.pitrOplogSpanMinutes;
  return {
    dataHours: { logical: round(logical), physical: round(gb / RESTORE_GB_PER_HOUR.physical) },
    rtoHours: {
      inPlace: round(PROVISION_HOURS.inPlace + logical),
      clusterLost: round(PROVISION_HOURS.clusterLost + logical),
      regionLost: round(PROVISION_HOURS.regionLost + logical),
    },
    rpoMinutes: { inPlace: span, regionLost: span + 15 },
  };
}
