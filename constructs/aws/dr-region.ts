/**
 * The environment's second region (config `app.backups.dr`): an AWS provider aliased to it,
 * a customer key per purpose there, and S3 replication of a bucket into a replica bucket with
 * the same protections as every bucket here (SecureBucket). Replication time control (15 min)
 * and replication metrics are on, so `ReplicationLatency` and `OperationsFailedReplication`
 * exist; two CloudWatch alarms per bucket go to the environment's DR alarm topic.
 *
 * Deletions: permanent deletions of versions never replicate (S3 does not). Whether delete
 * markers do is per purpose (ReplicaProtection). The backup replica does not take them and is
 * under S3 Object Lock in governance mode: a compromised backup role, the operator's finalizer or
 * a bad retention setting in the primary empties only the primary; the replica keeps every backup
 * as a current object for at least its lock, and expires it on its own a week after PBM would
 * have (lifecycle). Governance, not compliance: a mistaken lock period can still be undone by an
 * administrator with s3:BypassGovernanceRetention (no role of this project has it), where
 * compliance mode would bill a wrong setting, unremovable, for its whole period.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { awsReplicaBucketName, awsReplicationRoleName, standardTags } from '../../config/names';
import type { AwsEnvironment } from '../../config/schema';
import { alarmTopic } from './alarm-topic';
import { CustomerKey } from './kms-key';
import { policyDocument, type Statement } from './policy';
import { awsProvider } from './provider';
import { SecureBucket, type SecureBucketProps } from './secure-bucket';

/** S3 Replication Time Control replicates 99.99% of objects within 15 minutes (S3 user guide, "Meeting compliance requirements with S3 RTC"). */
export const REPLICATION_MINUTES = 15;

export interface DrRegionProps {
  readonly env: AwsEnvironment;
  readonly region: string;
  readonly partition: string;
}

/** How a replica resists the primary side: absent, it mirrors deletions (delete markers) like the source. */
export interface ReplicaProtection {
  /** Object Lock (governance) default retention of every replicated version, in days. */
  readonly lockDays: number;
  /** The replica's own expiry of current objects, since the source's deletions do not reach it. */
  readonly expireAfterDays: number;
}

export interface Replica {
  readonly bucket: SecureBucket;
  readonly keyArn: string;
}

export class DrRegion extends Construct {
  readonly provider: AwsProvider;
  readonly region: string;
  private readonly alarms: SnsTopic;
  private readonly keys = new Map<string, string>();

  constructor(scope: Construct, id: string, private readonly props: DrRegionProps) {
    super(scope, id);
    const { env, region, partition } = props;
    this.region = region;
    this.provider = awsProvider(this, { accountId: env.aws.accountId, region, tags: standardTags(env) }, 'dr');
    // The alarm topic lives in the primary region with the metrics S3 reports there; CloudWatch needs the key to publish.
    this.alarms = alarmTopic(this, {
      name: `${env.name}-dr-alarms`,
      description: `${env.name}: DR alarm topic`,
      accountId: env.aws.accountId,
      partition,
      emails: [...(env.app.backups.dr?.alarmEmails ?? []).entries()],
    });
  }

  get alarmTopicArn(): string {
    return this.alarms.arn;
  }

  /** A key in the DR region for one purpose (one per replica bucket, one for secret replicas). */
  key(purpose: string): string {
    const existing = this.keys.get(purpose);
    if (existing) return existing;
    const { env, partition } = this.props;
    const arn = new CustomerKey(this, `${purpose}-key`, {
      description: `${env.name} ${purpose}: replica in ${this.region}`,
      alias: `${env.name}-${purpose}-dr`,
      accountId: env.aws.accountId,
      partition,
      preventDestroy: true,
      provider: this.provider,
    }).key.arn;
    this.keys.set(purpose, arn);
    return arn;
  }

  /** Replicates `source` (encrypted with `sourceKeyArn`) into a protected bucket in the DR region. */
  replicate(
    purpose: string,
    source: SecureBucket,
    sourceKeyArn: string,
    options: Pick<SecureBucketProps, 'noncurrentVersionDays' | 'infrequentAccessAfterDays'>,
    protection?: ReplicaProtection,
  ): Replica {
    const { env } = this.props;
    const { accountId } = env.aws;
    const keyArn = this.key(purpose);
    const replica = new SecureBucket(this, `${purpose}-replica`, {
      bucketName: replicaBucketName(env, purpose),
      kmsKeyArn: keyArn,
      provider: this.provider,
      ...options,
      expireCurrentAfterDays: protection?.expireAfterDays,
    });
    if (protection) {
      // PutObjectLockConfiguration enables Object Lock on an existing versioned bucket too, without replacing it.
      new S3BucketObjectLockConfigurationA(this, `${purpose}-replica-lock`, {
        provider: this.provider,
        bucket: replica.bucket.id,
        objectLockEnabled: 'Enabled',
        rule: { defaultRetention: { mode: 'GOVERNANCE', days: protection.lockDays } },
        dependsOn: [replica.versioning],
      });
    }
    const src = source.bucket.arn;
    const dst = replica.bucket.arn;
    const role = new IamRole(this, `${purpose}-replication-role`, {
      name: awsReplicationRoleName(env.name, purpose),
      description: `S3 replication of ${source.bucket.bucket} to ${this.region}`,
      assumeRolePolicy: policyDocument([
        {
          Sid: 'S3Replication',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': src } },
        },
      ]),
    });
    new IamRolePolicy(this, `${purpose}-replication-policy`, {
      role: role.name,
      name: 'replication',
      policy: policyDocument(replicationStatements(src, dst, sourceKeyArn, keyArn, env.aws.region, this.region)),
    });
    const ruleId = 'dr-region';
    new S3BucketReplicationConfigurationA(this, `${purpose}-replication`, {
      bucket: source.bucket.id,
      role: role.arn,
      rule: [
        {
          id: ruleId,
          status: 'Enabled',
          filter: {},
          deleteMarkerReplication: { status: protection ? 'Disabled' : 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: dst,
            storageClass: 'STANDARD',
            encryptionConfiguration: { replicaKmsKeyId: keyArn },
            replicationTime: { status: 'Enabled', time: { minutes: REPLICATION_MINUTES } },
            metrics: { status: 'Enabled', eventThreshold: { minutes: REPLICATION_MINUTES } },
          },
        },
      ],
      // S3 refuses a replication configuration until both buckets are versioned.
      dependsOn: [source.versioning, replica.versioning],
    });
    this.alarm(purpose, source, replica, ruleId);
    return { bucket: replica, keyArn };
  }

  private alarm(purpose: string, source: SecureBucket, replica: SecureBucket, ruleId: string): void {
    const { env } = this.props;
    const dimensions = { SourceBucket: source.bucket.bucket, DestinationBucket: replica.bucket.bucket, RuleId: ruleId };
    const common = {
      namespace: 'AWS/S3',
      dimensions,
      period: 300,
      comparisonOperator: 'GreaterThanThreshold',
      // No writes, no datapoints: an idle bucket is healthy.
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarms.arn],
      okActions: [this.alarms.arn],
    };
    new CloudwatchMetricAlarm(this, `${purpose}-replication-latency`, {
      ...common,
      alarmName: `${env.name}-${purpose}-replication-latency`,
      alarmDescription: `Objects of ${source.bucket.bucket} take more than ${REPLICATION_MINUTES} min to reach ${this.region}: the DR copy is behind (docs/restore.md, "Region lost")`,
      metricName: 'ReplicationLatency',
      statistic: 'Maximum',
      evaluationPeriods: 3,
      threshold: REPLICATION_MINUTES * 60,
    });
    new CloudwatchMetricAlarm(this, `${purpose}-replication-failed`, {
      ...common,
      alarmName: `${env.name}-${purpose}-replication-failed`,
      alarmDescription: `Objects of ${source.bucket.bucket} failed to replicate to ${this.region} (key or role permissions, or the replica bucket)`,
      metricName: 'OperationsFailedReplication',
      statistic: 'Sum',
      evaluationPeriods: 1,
      threshold: 0,
    });
  }
}

/** The replica of `<env>-<purpose>-<suffix>`: named from config alone, so a DR environment can name it without the primary's state. */
export function replicaBucketName(env: AwsEnvironment, purpose: string): string {
  return awsReplicaBucketName(env.name, env.aws.accountId, purpose);
}

/**
 * What S3 needs to replicate KMS-encrypted objects, and nothing more (S3 user guide,
 * "Replicating encrypted objects"): read versions of the source, write replicas to the
 * destination, decrypt with the source key and encrypt with the replica key, each only
 * through S3 in its own region.
 */
export function replicationStatements(src: string, dst: string, sourceKey: string, replicaKey: string, region: string, drRegion: string): Statement[] {
  return [
    { Sid: 'SourceBucket', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: src },
    {
      Sid: 'SourceVersions',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      Resource: `${src}/*`,
    },
    { Sid: 'ReplicaObjects', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: `${dst}/*` },
    {
      Sid: 'DecryptSource',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: sourceKey,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    },
    {
      Sid: 'EncryptReplica',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: replicaKey,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${drRegion}.amazonaws.com` } },
    },
  ];
}
