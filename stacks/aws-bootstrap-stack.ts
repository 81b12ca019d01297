/**
 * `bootstrap-<bucket>`: the S3 bucket and KMS key that hold every other stack's state in one AWS
 * account, the account's GitHub Actions OIDC provider, and the plan and deploy roles of every
 * environment whose state lives here. Identities live here rather than in an environment layer
 * because CI needs them before it can deploy any layer, and because CI then never applies the stack
 * that defines its own rights: people apply bootstrap stacks. The roles' Kubernetes access needs the
 * cluster, so the cluster layer grants it (constructs/aws/eks-ci-access.ts).
 * Its own state lives in the bucket after the first apply (constructs/bootstrap-state.ts).
 */
import type { Construct } from 'constructs';
import type { AwsEnvironment } from '../config/schema';
import { CiRoles } from '../constructs/aws/ci-roles';
import { githubOidcProvider, githubOidcProviderArn } from '../constructs/aws/github-oidc-provider';
import { stateBucketStatements, stateKeyStatements, type AccountStore } from '../constructs/aws/deploy-fence';
import { CustomerKey } from '../constructs/aws/kms-key';
import { partitionOf } from '../constructs/aws/policy';
import { awsProvider } from '../constructs/aws/provider';
import { SecureBucket } from '../constructs/aws/secure-bucket';
import { LayerStack } from '../constructs/layer-stack';
import { BOOTSTRAP_KEY_PREFIX, bootstrapStateLocation } from '../constructs/bootstrap-state';

/** State history is small and precious: a year of old versions to roll back to. */
const STATE_VERSION_DAYS = 365;

export interface AccountStores {
  /** The bootstrap stack that creates the account's GitHub OIDC provider (the account's first store by stack id). */
  readonly githubProviderStack: string;
  /** Every state store of the account (this one included) and the environments each holds: the deploy roles' fences cover them all. */
  readonly accountStores: readonly AccountStore[];
}

export class AwsBootstrapStack extends LayerStack {
  readonly githubProviderStack: string;

  /** `envs`: every environment whose state this bucket holds (at least one), sorted by name. */
  constructor(scope: Construct, id: string, envs: readonly AwsEnvironment[], bucket: string, region: string, account?: AccountStores) {
    super(scope, id, bootstrapStateLocation(id, { type: 's3', bucket, region, key: `${BOOTSTRAP_KEY_PREFIX}/${id}.tfstate` }));
    const first = envs[0]!;
    const accountId = first.aws.accountId;
    const partition = partitionOf(region);
    const stores = account ?? {
      githubProviderStack: id,
      accountStores: [{ bucket, environments: envs.flatMap((e) => (e.state.type === 's3' ? [{ name: e.name, keyPrefix: e.state.keyPrefix }] : [])) }],
    };
    const thisStore = stores.accountStores.find((s) => s.bucket === bucket)!;
    awsProvider(this, { accountId, region, tags: { ...first.tags, project: 'rocketchat', 'managed-by': 'cdktf', purpose: 'terraform-state' } });

    const key = new CustomerKey(this, 'state-key', {
      description: `Encrypts Terraform state in ${bucket}`,
      alias: `${bucket}`,
      accountId,
      partition,
      preventDestroy: true,
      statements: stateKeyStatements(partition, accountId),
    });
    new SecureBucket(this, 'state', {
      bucketName: bucket,
      kmsKeyArn: key.key.arn,
      noncurrentVersionDays: STATE_VERSION_DAYS,
      statements: stateBucketStatements(`arn:${partition}:s3:::${bucket}`, thisStore, partition, accountId, id),
    });

    this.githubProviderStack = stores.githubProviderStack;
    const githubArn = stores.githubProviderStack === id ? githubOidcProvider(this, 'github-oidc').arn : githubOidcProviderArn(partition, accountId);
    for (const env of envs) {
      if (env.state.type !== 's3') continue;
      new CiRoles(this, `ci-${env.name}`, {
        env,
        partition,
        githubOidcProviderArn: githubArn,
        stateBucket: bucket,
        stateKeyPrefix: env.state.keyPrefix,
        stateKmsKeyArn: key.key.arn,
        bootstrapStack: id,
        accountStores: stores.accountStores,
      });
    }
  }
}
