/**
 * The two IAM roles GitHub Actions uses for one environment (names and the jobs they trust from
 * config/delivery.ts), each trusted only by named workflow files at named refs of the configured
 * repository, in its own GitHub environment:
 *
 * - `<env>-ci-plan` (GitHub environment `<env>-plan`: drift checks and gated plans from main, and
 *   pull requests where config/delivery.ts pullRequestPlans allows): AWS's ReadOnlyAccess for
 *   refresh, fenced so it reads no object outside this environment's state and its store's
 *   bootstrap state, writes no object at all (plans run with -lock=false: no lock file, no state),
 *   and decrypts with the state key; the environment's Secrets Manager values, which the stacks read
 *   at plan (alert receivers) and refresh (generated passwords). Those values are in the state it
 *   reads anyway, which is why prod is never planned from a pull request.
 * - `<env>-ci-deploy` (GitHub environment `<env>`, deploy-environment.yml from main, behind its
 *   reviewers in prod): AdministratorAccess. Its applies create IAM roles (IRSA, node, flow logs),
 *   KMS keys, EKS, VPC, Route53, ACM, S3 and Secrets Manager objects; any identity that may create
 *   IAM roles can grant itself more, so a narrower list would only look smaller. Explicit denies
 *   keep it from rewriting any CI identity's trust or policies, the GitHub OIDC provider, any state
 *   store of the account (policy, versioning, lifecycle, encryption, replication, old versions),
 *   any state key (by its alias, which names the bucket), every store's `bootstrap/` state, and any
 *   state object but its own environment's; every role it creates must carry the permissions
 *   boundary `<env>-ci-deploy-boundary` (defined here), which repeats those fences, and it creates
 *   no user or access key (constructs/aws/deploy-fence.ts).
 *   What it can still do is in docs/delivery.md ("What no identity can do, and what remains").
 *
 * Kubernetes access of both roles is granted by the cluster layer (constructs/aws/eks-ci-access.ts).
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciIdentities, deployBoundaryArn, type CiIdentity, type TrustedJob } from '../../config/delivery';
import { BOOTSTRAP_KEY_PREFIX } from '../bootstrap-state';
import type { AwsEnvironment } from '../../config/schema';
import { mongoSecretNames } from '../app/mongodb-secrets';
import { GITHUB_OIDC } from '../ci/github-oidc';
import { boundaryStatements, deployFenceStatements, type AccountStore } from './deploy-fence';
import { PlanSigningKey } from './plan-signing-key';
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
  /** The bootstrap stack that holds these roles: plan roles read its state (`bootstrap/<stack>.tfstate`). */
  readonly bootstrapStack: string;
  /** Every state store of the account and the environments it holds: the deploy fences cover them all. */
  readonly accountStores: readonly AccountStore[];
}

/**
 * Config fields that name a Secrets Manager secret the stacks read (`licenseSecret`, `urlSecret`,
 * ..., and every value of `secretEnv`). Helm `values` are the charts' own: a key there that ends in
 * Secret names a Kubernetes Secret, never one the stacks read, so they are skipped.
 */
export function configSecretNames(value: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(value)) value.forEach((v) => configSecretNames(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'values') continue;
      if (key === 'secretEnv' && v && typeof v === 'object') Object.values(v).forEach((name) => typeof name === 'string' && found.add(name));
      else if (/Secret$/.test(key) && typeof v === 'string') found.add(v);
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

/**
 * One statement per trusted job. `sub` carries repository, GitHub environment, run ref and workflow
 * file (config/delivery.ts); `ref` and `job_workflow_ref`, which STS also evaluates as keys of their
 * own, are pinned as well, so a reset of the repository's subject template cannot loosen the
 * trust. StringLike only where the subject holds a pull request number.
 */
export function githubTrust(providerArn: string, identity: CiIdentity): string {
  const statement = (job: TrustedJob, i: number): Statement => {
    const claims = {
      [`${GITHUB_OIDC.host}:sub`]: job.subject,
      [`${GITHUB_OIDC.host}:ref`]: job.ref,
      [`${GITHUB_OIDC.host}:job_workflow_ref`]: job.jobWorkflowRef,
    };
    const audience = { [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.awsAudience };
    const wildcard = job.subject.includes('*');
    return {
      Sid: `GitHub${job.workflow.replace(/\.ya?ml$/, '').replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}${i}`,
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: wildcard ? { StringEquals: audience, StringLike: claims } : { StringEquals: { ...audience, ...claims } },
    };
  };
  return policyDocument(identity.jobs.map(statement));
}

export class CiRoles extends Construct {
  readonly plan: IamRole;
  readonly deploy: IamRole;
  readonly boundary: IamPolicy;

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
        description: `${description} (${identity.jobs.map((j) => `${j.workflow}@${j.ref}`).join(', ')} in ${identity.githubEnvironment})`,
        assumeRolePolicy: githubTrust(props.githubOidcProviderArn, identity),
        maxSessionDuration: CI_SESSION_SECONDS[which],
      });
    this.plan = role('plan', identities.plan, `GitHub Actions plans of ${env.name}: read-only`);
    this.deploy = role('deploy', identities.deploy, `GitHub Actions applies of ${env.name}`);

    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.plan.name, policyArn: managedPolicyArn(partition, 'ReadOnlyAccess') });
    const secretArn = (name: string) => `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}`;
    const bootstrapState = `${bucketArn}/${BOOTSTRAP_KEY_PREFIX}/${props.bootstrapStack}.tfstate`;
    const planStatements: Statement[] = [
      { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
      { Sid: 'StateRead', Effect: 'Allow', Action: 's3:GetObject', Resource: [envState, bootstrapState] },
      { Sid: 'StateKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: props.stateKmsKeyArn },
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
      { Sid: 'NoObjectReadsBeyondOwnState', Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectVersion'], NotResource: [envState, bootstrapState] },
      // Plans run with -lock=false and write nothing; a policy attached later cannot change that.
      {
        Sid: 'PlansWriteNoObject',
        Effect: 'Deny',
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectAcl', 's3:RestoreObject'],
        Resource: `arn:${partition}:s3:::*/*`,
      },
    ];
    // Gated environments carry their plans from the plan job to the approved apply: the plan role signs them.
    if (env.tier === 'prod') {
      const signing = new PlanSigningKey(this, 'plan-signing', { environment: env.name, partition, accountId, planRoleArn: this.plan.arn });
      planStatements.push({ Sid: 'SignThePlanBundle', Effect: 'Allow', Action: 'kms:Sign', Resource: signing.key.arn });
    }
    new IamRolePolicy(this, 'plan-state', { role: this.plan.name, name: 'state-and-secrets', policy: policyDocument(planStatements) });

    new IamRolePolicyAttachment(this, 'deploy-administrator', { role: this.deploy.name, policyArn: managedPolicyArn(partition, 'AdministratorAccess') });
    const fence = {
      partition,
      accountId,
      environment: env.name,
      githubOidcProviderArn: props.githubOidcProviderArn,
      stateKmsKeyArn: props.stateKmsKeyArn,
      accountStores: props.accountStores,
      region,
      restoresFrom: env.app.restore?.from.environment,
    };
    const deployFence: Statement[] = deployFenceStatements(fence);
    this.boundary = new IamPolicy(this, 'deploy-boundary', {
      name: deployBoundaryArn(env.name, accountId, partition).split('/').pop()!,
      description: `Permissions boundary of every role ${identities.deploy.name} creates: the same fences as its own`,
      policy: policyDocument(boundaryStatements(fence)),
    });
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
