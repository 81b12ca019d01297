/**
 * Reading another environment's backups on AWS (config `app.restore.from`): what the backup
 * agent's role needs, and the newest full backup in the store, found at plan time.
 */
import { DataAwsS3Objects } from '@cdktf/provider-aws/lib/data-aws-s3-objects';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { RestoreFrom } from '../app/app-cloud';
import type { Statement } from './policy';

/**
 * List and read the source bucket, and decrypt with whatever key encrypts it, but only through
 * S3 in its region and only for that bucket: with S3 Bucket Keys the encryption context is the
 * bucket's ARN (S3 user guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"), so
 * the key's ARN, which only the source environment's state holds, is not needed.
 */
export function restoreSourceRead(partition: string, from: RestoreFrom): Statement[] {
  const arn = `arn:${partition}:s3:::${from.store}`;
  return [
    { Sid: 'RestoreSourceList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: arn },
    { Sid: 'RestoreSourceObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/*` },
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

/**
 * PBM writes `<prefix>/<backup name>.pbm.json` for every backup, named after its start second
 * (2026-11-23T01:30:21Z), so the newest is the greatest name. Read at plan time: the restore
 * freezes it on first apply (mongodb-restore.ts).
 */
export function latestBackupIn(scope: Construct, from: RestoreFrom): string {
  const listing = new DataAwsS3Objects(scope, 'restore-source-backups', { bucket: from.store, prefix: `${from.prefix}/`, delimiter: '/' });
  // No backslashes: cdktf passes the pattern into an HCL string literal unescaped, where \d is not a valid escape.
  const names = Fn.flatten(Fn.regexall(`(?m)^${from.prefix}/([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)[.]pbm[.]json$`, Fn.join('\n', listing.keys)));
  return Fn.element(Fn.reverse(Fn.sort(names)), 0) as string;
}
