/**
 * Reading another environment's backups on AWS (config `app.restore.from`): what the backup
 * agent's role needs, and the newest full backup in the store, found at plan time.
 */
import { DataAwsS3Objects } from '@cdktf/provider-aws/lib/data-aws-s3-objects';
import { Fn, Op } from 'cdktf';
import type { Construct } from 'constructs';
import type { RestoreFrom } from '../app/app-cloud';
import type { Statement } from './policy';

/**
 * List and read the source's backups (its prefix only), and decrypt with whatever key encrypts
 * the bucket, but only through S3 in its region and only for that bucket: with S3 Bucket Keys the
 * encryption context is the bucket's ARN (S3 user guide, "Reducing the cost of SSE-KMS with
 * Amazon S3 Bucket Keys"), so the key's ARN, which only the source environment's state holds, is
 * not needed. The operator's validation reads the same (ValidateBackup); it never writes.
 */
export function restoreSourceRead(partition: string, from: RestoreFrom): Statement[] {
  const arn = `arn:${partition}:s3:::${from.store}`;
  return [
    { Sid: 'RestoreSourceList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: arn },
    { Sid: 'RestoreSourceObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/${from.prefix}/*` },
    {
      Sid: 'RestoreSourceKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${from.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, `${arn}/*`] },
      },
    },
  ];
}

/** PBM's marker file at the root of a storage prefix (pbm/defs/defs.go StorInitFile). */
export const PBM_INIT_FILE = '.pbm.init';

/**
 * What pbm-agent writes to the source during the restore, and nothing else. With `pitr`, the
 * operator (1.22, psmdb_restore_controller.go resyncStorage) makes the backup source PBM's main
 * storage and resyncs it; the resync (PBM 2.12 pbm/resync/rsync.go Resync) deletes and rewrites
 * `<prefix>/.pbm.init` (pbm/util/storage.go Reinitialize: DeleteObject, then PutObject through
 * the uploader, encrypted by the bucket's default SSE-KMS, hence GenerateDataKey) and then only
 * reads. A logical restore writes nothing to storage (only physical restores write
 * `.pbm.restore/`, pbm/restore/physical.go). No DeleteObjectVersion: a delete of the marker file
 * in the versioned replica leaves its old versions, so nothing can be destroyed from here.
 */
export function restoreSourceResync(partition: string, from: RestoreFrom): Statement[] {
  const arn = `arn:${partition}:s3:::${from.store}`;
  return [
    { Sid: 'RestoreSourceResyncMarker', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${arn}/${from.prefix}/${PBM_INIT_FILE}` },
    {
      Sid: 'RestoreSourceResyncKey',
      Effect: 'Allow',
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${from.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, `${arn}/*`] },
      },
    },
  ];
}

/**
 * PBM writes `<prefix>/<backup name>.pbm.json` for every backup, named after its start second
 * (2026-11-23T01:30:21Z), so the newest is the greatest name. `latest` is the second newest when
 * there are two or more: PBM writes a backup's `.pbm.json` after its data, but replication is
 * unordered (RTC: 99.99% within 15 minutes), so when the region is lost the newest backup's
 * metadata may have arrived without all its files, and nothing retries a restore that fails on
 * them. The one before finished a full schedule interval earlier, so its files have replicated;
 * `pitr` then replays the oplog from it, which costs replay time (STEP_HOURS.oplogReplayPerDay), not
 * data. Read at plan time: the restore freezes it on first apply (mongodb-restore.ts).
 */
export function latestBackupIn(scope: Construct, from: RestoreFrom): string {
  const listing = new DataAwsS3Objects(scope, 'restore-source-backups', { bucket: from.store, prefix: `${from.prefix}/`, delimiter: '/' });
  // No backslashes: cdktf passes the pattern into an HCL string literal unescaped, where \d is not a valid escape.
  const names = Fn.flatten(Fn.regexall(`(?m)^${from.prefix}/([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)[.]pbm[.]json$`, Fn.join('\n', listing.keys)));
  const newestFirst = Fn.reverse(Fn.sort(names));
  return Fn.element(newestFirst, Fn.conditional(Op.gt(Fn.lengthOf(newestFirst), 1), 1, 0)) as string;
}
