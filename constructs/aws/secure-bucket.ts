/**
 * An S3 bucket with the controls every bucket here needs: ACLs disabled,
 * public access blocked, versioning, SSE-KMS with a customer key (bucket keys
 * on to cut KMS calls), a policy refusing plain HTTP and TLS below 1.2, old
 * versions expired, and protection from `terraform destroy`.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, type Statement } from './policy';

export interface SecureBucketProps {
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  /** Days a replaced or deleted object version is kept before it expires. */
  readonly noncurrentVersionDays: number;
  /** Days after which current objects move to STANDARD_IA (S3's minimum is 30); absent: they stay in STANDARD. */
  readonly infrequentAccessAfterDays?: number;
  /** Days after which current objects expire (a replica that does not receive the source's deletions); absent: never. */
  readonly expireCurrentAfterDays?: number;
  /** Browser origins allowed to GET and PUT objects directly (presigned uploads); absent: no CORS. */
  readonly corsOrigins?: string[];
  /** The provider of another region (DR replicas); absent: the stack's default provider. */
  readonly provider?: TerraformProvider;
  /** More bucket policy statements (the state store's fences against CI roles). */
  readonly statements?: readonly Statement[];
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Replication needs versioning on before it can be configured. */
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { provider } = props;
    this.bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', {
      provider,
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      provider,
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      provider,
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      provider,
      bucket,
      rule: [
        {
          id: 'expire-old-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          transition: props.infrequentAccessAfterDays ? [{ days: props.infrequentAccessAfterDays, storageClass: 'STANDARD_IA' }] : undefined,
          expiration: props.expireCurrentAfterDays ? [{ days: props.expireCurrentAfterDays }] : undefined,
        },
      ],
    });
    const arn = this.bucket.arn;
    new S3BucketPolicy(this, 'tls-only', {
      provider,
      bucket,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'DenyTlsBelow12',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
        },
        ...(props.statements ?? []),
      ]),
      // S3 rejects a bucket policy while the public access block is being applied.
      dependsOn: [publicAccess],
    });
    if (props.corsOrigins?.length) {
      new S3BucketCorsConfiguration(this, 'cors', {
      provider,
        bucket,
        corsRule: [
          {
            allowedOrigins: props.corsOrigins,
            allowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
            allowedHeaders: ['*'],
            exposeHeaders: ['ETag'],
            maxAgeSeconds: 3000,
          },
        ],
      });
    }
  }
}

/** Read, write and delete objects in one bucket encrypted with `kmsKeyArn`, and nothing else. */
export function bucketReadWrite(bucketArn: string, kmsKeyArn: string): Statement[] {
  return [
    { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn },
    { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${bucketArn}/*` },
    { Sid: 'BucketKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: kmsKeyArn },
  ];
}
