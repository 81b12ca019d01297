/**
 * The two IAM roles GitHub Actions uses for one environment (names and OIDC subjects from
 * config/delivery.ts), each trusted only by its own GitHub environment of the configured repository:
 *
 * - `<env>-ci-plan` (GitHub environment `<env>-plan`, pull requests and drift checks): AWS's
 *   ReadOnlyAccess for refresh, fenced so it reads no object outside this environment's state and
 *   no other environment's state; state read plus the S3 lock file (S3-native locking writes and
 *   deletes `<key>.tflock`) with the state key; the environment's Secrets Manager values, which the
 *   stacks read at plan (alert receivers) and refresh (generated passwords). Those values are in the
 *   state it reads anyway.
 * - `<env>-ci-deploy` (GitHub environment `<env>`, behind its reviewers): AdministratorAccess. Its
 *   applies create IAM roles (IRSA, node, flow logs), KMS keys, EKS, VPC, Route53, ACM, S3 and
 *   Secrets Manager objects; any identity that may create IAM roles can grant itself more, so a
 *   narrower list would only look smaller. The control is who can assume it (one GitHub environment
 *   with required reviewers), and explicit denies keep it from rewriting the CI identities' trust,
 *   the GitHub OIDC provider, or the state store it is itself recorded in.
 *
 * Kubernetes access of both roles is granted by the cluster layer (constructs/aws/eks-ci-access.ts).
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciIdentities, type CiIdentity } from '../../config/delivery';
import type { AwsEnvironment } from '../../config/schema';
import { mongoSecretNames } from '../app/mongodb-secrets';
import { GITHUB_OIDC } from '../ci/github-oidc';
import { managedPolicyArn, policyDocument, type Statement } from './policy';

/** Plans are short; applies of a cluster or node roll can take most of the deploy job's two hours. */
export const CI_SESSION_SECONDS = { plan: 3600, deploy: 7200 } as const;

export interface CiRolesProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  readonly githubOidcProviderArn: string;
  readonly stateBucket: string;
  readonly stateKeyPrefix: string;
  readonly stateKmsKeyArn: string;
}

/** Config fields that name a Secrets Manager secret the stacks read (`licenseSecret`, `urlSecret`, ...). */
export function configSecretNames(value: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(value)) value.forEach((v) => configSecretNames(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (/Secret$/.test(key) && typeof v === 'string') found.add(v);
      else configSecretNames(v, found);
    }
  }
  return [...found].sort();
}

/** A restoring environment's app stack reads every secret of its source's that mongodb-secrets.ts names (replicated into its region) at plan. */
function restoreSourceSecrets(env: AwsEnvironment): string[] {
  const source = env.app.restore?.from.environment;
  return source ? Object.values(mongoSecretNames(source)) : [];
}

export function githubTrust(providerArn: string, identity: CiIdentity): string {
  return policyDocument([
    {
      Sid: 'GitHubActionsOneEnvironment',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.awsAudience,
          [`${GITHUB_OIDC.host}:sub`]: identity.subject,
        },
      },
    },
  ]);
}

export class CiRoles extends Construct {
  readonly plan: IamRole;
  readonly deploy: IamRole;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    const { env, partition } = props;
    const { accountId, region } = env.aws;
    const identities = ciIdentities(env);
    const bucketArn = `arn:${partition}:s3:::${props.stateBucket}`;
    // State keys are <keyPrefix>/<stack>.tfstate and every layer stack is named <env>-<layer>.
    const envState = `${bucketArn}/${props.stateKeyPrefix}/${env.name}-*`;

    const role = (which: 'plan' | 'deploy', identity: CiIdentity, description: string) =>
      new IamRole(this, which, {
        name: identity.name,
        description: `${description} (${identity.subject})`,
        assumeRolePolicy: githubTrust(props.githubOidcProviderArn, identity),
        maxSessionDuration: CI_SESSION_SECONDS[which],
      });
    this.plan = role('plan', identities.plan, `GitHub Actions plans of ${env.name}: read-only`);
    this.deploy = role('deploy', identities.deploy, `GitHub Actions applies of ${env.name}`);

    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.plan.name, policyArn: managedPolicyArn(partition, 'ReadOnlyAccess') });
    const secretArn = (name: string) => `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}`;
    const planStatements: Statement[] = [
      { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
      { Sid: 'StateRead', Effect: 'Allow', Action: 's3:GetObject', Resource: envState },
      { Sid: 'StateLockFile', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${envState}.tflock` },
      { Sid: 'StateKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: props.stateKmsKeyArn },
      {
        Sid: 'EnvironmentSecretValues',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        // Secrets Manager appends six random characters to every secret ARN.
        Resource: [secretArn(`${env.name}-*`), ...[...configSecretNames(env), ...restoreSourceSecrets(env)].map((name) => secretArn(`${name}-??????`))],
      },
      {
        Sid: 'SecretKeysThroughSecretsManager',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: `arn:${partition}:kms:${region}:${accountId}:key/*`,
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      },
      // ReadOnlyAccess reads every object in the account: uploads, database backups, other environments' state.
      { Sid: 'NoObjectReadsBeyondOwnState', Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectVersion'], NotResource: envState },
    ];
    new IamRolePolicy(this, 'plan-state', { role: this.plan.name, name: 'state-and-secrets', policy: policyDocument(planStatements) });

    new IamRolePolicyAttachment(this, 'deploy-administrator', { role: this.deploy.name, policyArn: managedPolicyArn(partition, 'AdministratorAccess') });
    const ciRoleArns = [`arn:${partition}:iam::${accountId}:role/*-ci-plan`, `arn:${partition}:iam::${accountId}:role/*-ci-deploy`];
    const deployFence: Statement[] = [
      {
        Sid: 'CiIdentitiesAreManagedByTheBootstrapStack',
        Effect: 'Deny',
        Action: [
          'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
          'iam:DeleteRole', 'iam:UpdateRole', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
        ],
        Resource: ciRoleArns,
      },
      {
        Sid: 'GitHubTrustIsManagedByTheBootstrapStack',
        Effect: 'Deny',
        Action: [
          'iam:DeleteOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint',
          'iam:AddClientIDToOpenIDConnectProvider', 'iam:RemoveClientIDFromOpenIDConnectProvider',
        ],
        Resource: props.githubOidcProviderArn,
      },
      {
        Sid: 'StateStoreStaysAsBootstrapped',
        Effect: 'Deny',
        Action: [
          's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
          's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutBucketAcl',
        ],
        Resource: bucketArn,
      },
      { Sid: 'StateHistoryIsKept', Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: `${bucketArn}/*` },
      {
        Sid: 'StateKeyStaysUsable',
        Effect: 'Deny',
        Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:PutKeyPolicy'],
        Resource: props.stateKmsKeyArn,
      },
    ];
    new IamRolePolicy(this, 'deploy-fence', { role: this.deploy.name, name: 'protect-ci-trust-and-state', policy: policyDocument(deployFence) });

    const output = (which: 'plan' | 'deploy', value: string) =>
      new TerraformOutput(this, `${which}-role-arn`, {
        value,
        description: `Role GitHub environment ${identities[which].githubEnvironment} assumes`,
      }).overrideLogicalId(`${env.name.replace(/-/g, '_')}_ci_${which}_role_arn`);
    output('plan', this.plan.arn);
    output('deploy', this.deploy.arn);
  }
}
