/**
 * `bootstrap-<bucket>`: the S3 bucket and KMS key that hold every other stack's
 * state in one AWS account. Its own state is local (terraform-state/, git-ignored).
 */
import type { Construct } from 'constructs';
import type { AwsEnvironment } from '../config/schema';
import { CustomerKey } from '../constructs/aws/kms-key';
import { partitionOf } from '../constructs/aws/policy';
import { awsProvider } from '../constructs/aws/provider';
import { SecureBucket } from '../constructs/aws/secure-bucket';
import { LayerStack } from '../constructs/layer-stack';
import { localState } from '../constructs/state-backend';

export const BOOTSTRAP_STATE_DIRECTORY = 'terraform-state';

/** State history is small and precious: a year of old versions to roll back to. */
const STATE_VERSION_DAYS = 365;

export class AwsBootstrapStack extends LayerStack {
  constructor(scope: Construct, id: string, env: AwsEnvironment, bucket: string, region: string) {
    super(scope, id, localState(BOOTSTRAP_STATE_DIRECTORY, id));
    const accountId = env.aws.accountId;
    awsProvider(this, { accountId, region, tags: { ...env.tags, project: 'rocketchat', 'managed-by': 'cdktf', purpose: 'terraform-state' } });

    const key = new CustomerKey(this, 'state-key', {
      description: `Encrypts Terraform state in ${bucket}`,
      alias: `${bucket}`,
      accountId,
      partition: partitionOf(region),
      preventDestroy: true,
    });
    new SecureBucket(this, 'state', {
      bucketName: bucket,
      kmsKeyArn: key.key.arn,
      noncurrentVersionDays: STATE_VERSION_DAYS,
    });
  }
}
