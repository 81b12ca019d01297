/**
 * The app layer's AWS side: an app KMS key for its buckets and secrets, the
 * uploads bucket (Rocket.Chat's AmazonS3 store through IRSA, no access keys),
 * the backups bucket (pbm-agent through IRSA, infrequent-access tier and
 * retention from config), Secrets Manager, and the ALB edge as the platform
 * published it.
 */
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import type { AppCloud, BackupRetention, BackupStorage, Placement, RestoreCheckAccess, RestoreFrom, RestoreSource, UploadStorage } from '../app/app-cloud';
import { latestBackupIn, restoreSourceRead, restoreSourceResync } from './restore-source';
import { awsBucketName, clusterName, MONGODB_OPERATOR } from '../../config/names';
import type { SecretStore, ServiceAccountRef } from '../platform/platform-cloud';
import { ALB_READINESS_GATE_LABELS, albIngressSettings, albSourceCidrs } from './https-edge';
import { DrRegion, replicaBucketName, type ReplicaProtection } from './dr-region';
import { CustomerKey } from './kms-key';
import { secretsManagerStore } from './secret-store';
import { bucketReadWrite, SecureBucket } from './secure-bucket';
import { irsaIdentity, workloadRoles } from './workload-role';

export interface AwsAppCloudProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  /** From the aws-cluster contract. */
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  /** From the aws-platform contract. */
  readonly certificateArn: string;
  readonly webAclArn: string;
}

/** Days a deleted or replaced object stays recoverable as a noncurrent version. */
const UNDO_DAYS = 30;

export class AwsAppCloud extends Construct implements AppCloud {
  readonly edge: AppCloud['edge'];
  readonly secrets: SecretStore;
  private readonly bucket: (purpose: string, options?: { infrequentAccessAfterDays?: number; corsOrigins?: string[]; replicaProtection?: ReplicaProtection }) => SecureBucket;
  /** Config `app.backups.dr`: the region both buckets and the app secrets are copied to. */
  readonly dr?: DrRegion;
  private readonly role: ReturnType<typeof workloadRoles>;
  private readonly keyArn: string;
  /** The backup bucket, set by backups(): the restore check reads it. */
  private backupBucket?: { arn: string; name: string };

  constructor(scope: Construct, id: string, private readonly props: AwsAppCloudProps) {
    super(scope, id);
    const { env, partition } = props;
    const { accountId } = env.aws;
    // Buckets and secrets of the app share one key; like the buckets it survives a destroy of the stack.
    const key = new CustomerKey(this, 'app-key', {
      description: `${env.name} app: uploads and backup buckets, app secrets`,
      alias: `${env.name}-app`,
      accountId,
      partition,
      preventDestroy: true,
    });
    this.keyArn = key.key.arn;
    const drRegion = env.app.backups.dr?.region;
    const dr = drRegion ? new DrRegion(this, 'dr', { env, region: drRegion, partition }) : undefined;
    this.dr = dr;
    this.secrets = secretsManagerStore(this, this.keyArn, dr ? { region: dr.region, kmsKeyArn: dr.key('secrets') } : undefined);
    this.role = workloadRoles(this, clusterName(env), { kind: 'irsa', oidcProviderArn: props.oidcProviderArn, oidcIssuerUrl: props.oidcIssuerUrl });
    this.bucket = (purpose, { replicaProtection, ...options } = {}) => {
      const bucket = new SecureBucket(this, `${purpose}-bucket`, {
        bucketName: awsBucketName(env.name, accountId, purpose),
        kmsKeyArn: this.keyArn,
        noncurrentVersionDays: UNDO_DAYS,
        ...options,
      });
      // The replica keeps the same undo window and tiering; CORS is for browsers, which never read the replica.
      dr?.replicate(purpose, bucket, this.keyArn, { noncurrentVersionDays: UNDO_DAYS, infrequentAccessAfterDays: options.infrequentAccessAfterDays }, replicaProtection);
      return bucket;
    };
    this.edge = {
      ingressFor: (backend) => albIngressSettings(env, props.certificateArn, props.webAclArn, backend),
      sourceCidrs: albSourceCidrs(env),
      // IP targets: without the gate a rollout can replace every pod before the ALB finds one healthy.
      namespaceLabels: ALB_READINESS_GATE_LABELS,
    };
  }

  uploads(sa: ServiceAccountRef): UploadStorage {
    const { env } = this.props;
    // Browsers fetch files from the site's origin only; CORS lets them follow a presigned URL if proxying is ever turned off.
    const bucket = this.bucket('uploads', { corsOrigins: [`https://${env.domain}`] }).bucket;
    const role = this.role('uploads', 'Rocket.Chat uploads: reads and writes its own bucket', sa, bucketReadWrite(bucket.arn, this.keyArn));
    return {
      identity: irsaIdentity(role),
      settings: {
        FileUpload_Storage_Type: 'AmazonS3',
        FileUpload_S3_Bucket: bucket.bucket,
        FileUpload_S3_Region: env.aws.region,
        // Empty keys: Rocket.Chat hands credentials to the AWS SDK only when both are set (file-upload/server/config/AmazonS3.ts),
        // so the SDK's default chain uses the web identity token IRSA mounts into the pod.
        FileUpload_S3_AWSAccessKeyId: '',
        FileUpload_S3_AWSSecretAccessKey: '',
        // ACLs are disabled on the bucket (BucketOwnerEnforced); an ACL header would be rejected.
        FileUpload_S3_Acl: '',
        // Files stream through Rocket.Chat, which checks room permissions on every download.
        FileUpload_S3_Proxy_Uploads: 'true',
        FileUpload_S3_Proxy_Avatars: 'true',
      },
    };
  }

  /**
   * The operator deletes expired backups from the bucket itself (delete-backup finalizer), so its
   * service account needs a role too: read and delete, no write. The operator's chart lives in the
   * platform stack, so the role is attached here by annotating the existing service account, and
   * a pod-template annotation rolls the operator so the EKS webhook mounts the token.
   */
  private operatorAccess(bucketArn: string): void {
    const sa = { namespace: MONGODB_OPERATOR.namespace, name: MONGODB_OPERATOR.serviceAccount };
    const role = this.role('mongodb-operator', 'Percona operator: lists, reads and deletes expired MongoDB backups', sa, [
      { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn },
      { Sid: 'ReadAndDeleteBackups', Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `${bucketArn}/*` },
      { Sid: 'BucketKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: this.keyArn },
      // app.restore: the operator resyncs PBM's catalogue from the source store it configures for the restore.
      ...(this.props.env.app.restore ? restoreSourceRead(this.props.partition, this.props.env.app.restore.from) : []),
    ]);
    const fieldManager = 'cdktf-app-layer';
    const annotation = new Annotations(this, 'operator-service-account-role', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa.name, namespace: sa.namespace },
      annotations: role.serviceAccountAnnotations,
      fieldManager,
      force: true,
    });
    new Annotations(this, 'operator-rollout', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: MONGODB_OPERATOR.deployment, namespace: sa.namespace },
      templateAnnotations: { 'rocketchat-platform/irsa-role': role.role.arn },
      fieldManager,
      force: true,
      dependsOn: [annotation],
    });
  }

  nodePool(name: string | undefined): Placement {
    const pool = this.props.env.kubernetes.nodePools.find((p) => p.name === name);
    if (!pool) return { nodeSelector: {}, tolerations: [] };
    // The pool's own labels select it (managed node groups apply them); its taints are tolerated, nothing else.
    const effect = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' } as const;
    return {
      nodeSelector: { ...pool.labels },
      tolerations: pool.taints.map((t) => ({ key: t.key, operator: 'Equal' as const, value: t.value, effect: effect[t.effect] })),
    };
  }

  backups(sa: ServiceAccountRef, retention: BackupRetention): BackupStorage {
    const { env } = this.props;
    // The replica is locked and deaf to this side's deletions for as long as PBM keeps backups, and expires them a week later itself (dr-region.ts); uploads mirror users' deletions.
    const days = env.app.backups.deleteAfterDays;
    const bucket = this.bucket('mongodb-backups', { infrequentAccessAfterDays: retention.coolAfterDays, replicaProtection: { lockDays: days, expireAfterDays: days + 7 } }).bucket;
    if (this.dr) {
      // What a DR environment's app.restore.from.store names (docs/restore.md, "Region lost").
      new TerraformOutput(this, 'dr_backup_bucket', { value: replicaBucketName(env, 'mongodb-backups'), description: `The replica of the backup bucket in ${this.dr.region}` }).overrideLogicalId('dr_backup_bucket');
    }
    const restore = env.app.restore;
    const role = this.role('mongodb-backups', restore ? `MongoDB backups (pbm-agent): reads and writes its own bucket, reads ${restore.from.store} and resyncs its marker file` : 'MongoDB backups (pbm-agent): reads and writes its own bucket', sa, [
      ...bucketReadWrite(bucket.arn, this.keyArn),
      // app.restore: the same agent reads the source store and rewrites PBM's marker file there (the resync); its key only through S3 for that bucket.
      ...(restore ? [...restoreSourceRead(this.props.partition, restore.from), ...restoreSourceResync(this.props.partition, restore.from)] : []),
    ]);
    this.operatorAccess(bucket.arn);
    this.backupBucket = { arn: bucket.arn, name: bucket.bucket };
    return {
      identity: irsaIdentity(role),
      storage: {
        type: 's3',
        s3: {
          bucket: bucket.bucket,
          region: env.aws.region,
          prefix: env.name,
          // No serverSideEncryption: the operator hands it to PBM only together with a
          // credentialsSecret (pkg/psmdb/backup/pbm.go), so with IRSA the bucket's default
          // SSE-KMS with the app key is what encrypts every backup object.
        },
      },
      // S3 (gateway endpoint, public prefixes) and STS for the IRSA token exchange: HTTPS to any address.
      egress: { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] },
    };
  }

  /**
   * The restore check reads this environment's backups and nothing else: list the bucket, get
   * objects under the environment's prefix, decrypt with the app key only through S3 in this
   * region. No write of any kind (PBM reads a profile store without writing it: RestoreCheckAccess).
   */
  restoreCheck(sa: ServiceAccountRef): RestoreCheckAccess {
    const { env } = this.props;
    const bucket = this.backupBucket;
    if (!bucket) throw new Error(`${env.name}: restoreCheck() needs backups() first`);
    const role = this.role('restore-check', 'MongoDB restore check: reads the backup bucket, writes nothing', sa, [
      { Sid: 'ListBackups', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucket.arn },
      { Sid: 'ReadBackups', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket.arn}/${env.name}/*` },
      { Sid: 'DecryptThroughS3', Effect: 'Allow', Action: 'kms:Decrypt', Resource: this.keyArn, Condition: { StringEquals: { 'kms:ViaService': `s3.${env.aws.region}.amazonaws.com` } } },
    ]);
    return {
      identity: irsaIdentity(role),
      profile: { type: 's3', s3: { bucket: bucket.name, region: env.aws.region, prefix: env.name } },
      // S3 and STS (the IRSA token exchange): HTTPS to any address, as the backup agent.
      egress: { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] },
    };
  }

  restoreSource(from: RestoreFrom): RestoreSource {
    return {
      // No credentialsSecret: pbm-agent reads with the IRSA role backups() granted, as it writes its own store.
      storage: { s3: { bucket: from.store, region: from.region, prefix: from.prefix } },
      destinationPrefix: `s3://${from.store}/${from.prefix}`,
      latestBackup: () => latestBackupIn(this, from),
      // The source replicates its secrets into this region under their own names (dr-region.ts).
      secrets: this.secrets,
      // S3 replication is the copy: the replica is readable and, for the resync's marker file, writable in this region.
      before: [],
    };
  }
}
