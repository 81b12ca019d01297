/**
 * Who can reach which CI identity, and what each identity can then do to the state stores.
 *
 * AWS: every case is decided by a real IAM evaluator (@cloud-copilot/iam-simulate, through
 * support/iam.ts) on the synthesized bootstrap stacks: trust policies against GitHub tokens built
 * here the way GitHub builds them under the repository's subject template (repo, context, ref,
 * job_workflow_ref), then identity, bucket and key policies against requests. Every case also
 * fails if the evaluator ignored a context key.
 *
 * Azure: no offline evaluator exists for Entra ID token exchange or Azure RBAC/ABAC. Entra accepts
 * a federated token only when issuer, audience and subject equal a credential's exactly (no
 * wildcards in `subject`), so the same token table is matched against the synthesized federated
 * credentials by string equality; role assignments, their conditions and the locks are asserted
 * as data (docs/delivery.md says what that does and does not prove).
 */
import { App, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments, registeredEnvironments } from '../config/load';
import { AwsBootstrapStack } from '../stacks/aws-bootstrap-stack';
import { AzureBootstrapStack } from '../stacks/azure-bootstrap-stack';
import { resources, synthExamples, type Json } from './support';
import { assertAssume, assertRequest, awsAccessModel, withCreatedRole, type AwsAccessModel } from './support/iam';

const { stacks } = synthExamples();
const REPO = 'example-org/rocketchat-platform';
const WORKFLOWS = `${REPO}/.github/workflows`;
const MAIN = 'refs/heads/main';
const PR = 'refs/pull/42/merge';

interface Token {
  /** GitHub environment of the job, if any. */
  readonly environment?: string;
  /** The run's ref. */
  readonly ref: string;
  /** The job's workflow file and the ref it was read at (a PR can call main's reusable workflow). */
  readonly workflow: string;
  readonly workflowAt: string;
  /** Event context when the job names no environment. */
  readonly event?: 'pull_request' | 'push';
}

/**
 * The `sub` GitHub writes under include_claim_keys [repo, context, ref, job_workflow_ref], or under
 * its default template (`repo:<o>/<r>:<context>`), which is what tokens carry before the GitHub
 * settings stack is applied or after someone resets the template.
 */
function sub(t: Token, template: 'custom' | 'default' = 'custom'): string {
  const context = t.environment ? `environment:${t.environment}` : t.event === 'pull_request' ? 'pull_request' : `ref:${t.ref}`;
  if (template === 'default') return `repo:${REPO}:${context}`;
  return `repo:${REPO}:${context}:ref:${t.ref}:job_workflow_ref:${WORKFLOWS}/${t.workflow}@${t.workflowAt}`;
}

function claims(t: Token, template: 'custom' | 'default' = 'custom'): Record<string, string> {
  return { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub(t, template),
    'token.actions.githubusercontent.com:ref': t.ref, 'token.actions.githubusercontent.com:job_workflow_ref': `${WORKFLOWS}/${t.workflow}@${t.workflowAt}`,
    ...(t.environment ? { 'token.actions.githubusercontent.com:environment': t.environment } : {}) };
}

const AWS_ENVS = { 'aws-dev': '111111111111', 'aws-prod': '222222222222', 'aws-dr': '222222222222' } as const;
const AZURE_ENVS = ['azure-dev', 'azure-prod', 'azure-dr'] as const;
const ENVS = [...Object.keys(AWS_ENVS), ...AZURE_ENVS];
type AwsEnv = keyof typeof AWS_ENVS;
const AWS_ENV_NAMES = Object.keys(AWS_ENVS) as AwsEnv[];
const region = { 'aws-dev': 'eu-west-1', 'aws-prod': 'eu-west-1', 'aws-dr': 'eu-central-1' } as const;
const boundary = (env: string) => `arn:aws:iam::${AWS_ENVS[env as AwsEnv]}:policy/${env}-ci-deploy-boundary`;
/** The AWS bootstrap stacks (every CI role, state bucket and key) as the IAM evaluator's model. */
const bootstrap = Object.fromEntries(Object.entries(stacks).filter(([name, json]) => name.startsWith('bootstrap-') && json.provider?.aws));
const model: AwsAccessModel = awsAccessModel(bootstrap);
/** The same roles with their identity-side fences (inline policies) removed: what bucket and key policies refuse alone. */
const resourceSideOnly: AwsAccessModel = { ...model, roles: new Map([...model.roles].map(([n, r]) => [n, { ...r, inline: [] }])) };

/** Every pull-request token a writer could make: any workflow (theirs, or main's called by theirs), any environment. */
function pullRequestTokens(env: string): Token[] {
  const tokens: Token[] = [];
  for (const workflow of ['ci.yml', 'deploy-environment.yml', 'drift.yml', 'evil.yml']) {
    for (const workflowAt of [PR, MAIN]) {
      for (const environment of [env, `${env}-plan`, undefined]) tokens.push({ environment, ref: PR, workflow, workflowAt, event: 'pull_request' });
    }
  }
  return tokens;
}

/** Tokens from main that do not come from the deploy workflow, and the deploy workflow from elsewhere than main. */
function notTheDeployWorkflow(env: string): Token[] {
  return [...['ci.yml', 'drift.yml', 'evil.yml', 'deploy.yml'].map((workflow) => ({ environment: env, ref: MAIN, workflow, workflowAt: MAIN })),
    { environment: env, ref: 'refs/heads/feature', workflow: 'deploy-environment.yml', workflowAt: 'refs/heads/feature' },
    { environment: env, ref: 'refs/heads/feature', workflow: 'deploy-environment.yml', workflowAt: MAIN },
    { environment: env, ref: 'refs/tags/v1', workflow: 'deploy-environment.yml', workflowAt: 'refs/tags/v1' },
    { environment: `${env}-plan`, ref: MAIN, workflow: 'deploy-environment.yml', workflowAt: MAIN }];
}

const deployJob = (env: string): Token => ({ environment: env, ref: MAIN, workflow: 'deploy-environment.yml', workflowAt: MAIN });
const driftJob = (env: string): Token => ({ environment: `${env}-plan`, ref: MAIN, workflow: 'drift.yml', workflowAt: MAIN });
const gatedPlanJob = (env: string): Token => ({ environment: `${env}-plan`, ref: MAIN, workflow: 'deploy-environment.yml', workflowAt: MAIN });
const pullRequestPlanJob = (env: string): Token => ({ environment: `${env}-plan`, ref: PR, workflow: 'ci.yml', workflowAt: PR });

describe('access matrix: AWS (IAM evaluator on the synthesized bootstrap stacks)', () => {
  const provider = (account: string) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  /** Under the repository's template; a denial must also hold under GitHub's default template. */
  const assume = async (role: string, account: string, t: Token, expected: boolean) => {
    await assertAssume(model, { role, provider: provider(account), claims: claims(t) }, expected, `${JSON.stringify(t)} ->`);
    if (!expected) await assertAssume(model, { role, provider: provider(account), claims: claims(t, 'default') }, false, `default template ${JSON
      .stringify(t)} ->`);
  };

  it('reads the three AWS stores and six roles', () => {
    expect(Object.keys(bootstrap).sort()).toEqual(['bootstrap-euc1-222222222222', 'bootstrap-euw1-111111111111', 'bootstrap-euw1-222222222222']);
    expect([...model.roles.keys()].sort()).toEqual(['aws-dev-ci-deploy', 'aws-dev-ci-plan', 'aws-dr-ci-deploy', 'aws-dr-ci-plan', 'aws-prod-ci-deploy',
      'aws-prod-ci-plan']);
  });

  it('a pull-request token, from any workflow and in any environment, assumes no deploy role', async () => {
    for (const [env, account] of Object.entries(AWS_ENVS)) {
      for (const t of pullRequestTokens(env)) await assume(`${env}-ci-deploy`, account, t, false);
    }
  });

  it('a pull-request token assumes no prod plan role; the dev plan role only from ci.yml in aws-dev-plan', async () => {
    for (const env of ['aws-prod', 'aws-dr'] as const) for (const t of pullRequestTokens(env)) await assume(`${env}-ci-plan`, AWS_ENVS[env], t, false);
    await assume('aws-dev-ci-plan', '111111111111', pullRequestPlanJob('aws-dev'), true);
    const others = pullRequestTokens('aws-dev').filter((t) => !(t.workflow === 'ci.yml' && t.workflowAt === PR && t.environment === 'aws-dev-plan'));
    for (const t of others) await assume('aws-dev-ci-plan', '111111111111', t, false);
  });

  it('a main token from any workflow but deploy-environment.yml, or that workflow from another ref, assumes no deploy role', async () => {
    for (const [env, account] of Object.entries(AWS_ENVS)) for (const t of notTheDeployWorkflow(env)) await assume(`${env}-ci-deploy`, account, t, false);
  });

  it('each identity is reachable by its own jobs, and only in its own account', async () => {
    for (const [env, account] of Object.entries(AWS_ENVS)) {
      await assume(`${env}-ci-deploy`, account, deployJob(env), true);
      await assume(`${env}-ci-plan`, account, driftJob(env), true);
      // Another environment's deploy job does not reach this environment's deploy role.
      for (const other of Object.keys(AWS_ENVS).filter((o) => o !== env)) await assume(`${env}-ci-deploy`, account, deployJob(other), false);
      await assertAssume(model, { role: `${env}-ci-deploy`, provider: provider('999999999999'), claims: claims(deployJob(env)) }, false);
    }
    await assume('aws-prod-ci-plan', '222222222222', gatedPlanJob('aws-prod'), true);
    await assume('aws-dr-ci-plan', '222222222222', gatedPlanJob('aws-dr'), true);
    // aws-dev is not gated: no plan job in deploy-environment.yml holds its plan role.
    await assume('aws-dev-ci-plan', '111111111111', gatedPlanJob('aws-dev'), false);
  });

  const stores = { 'aws-dev': { bucket: 'example-rocketchat-tfstate-111111111111', stack: 'bootstrap-euw1-111111111111' },
    'aws-prod': { bucket: 'example-rocketchat-tfstate-222222222222', stack: 'bootstrap-euw1-222222222222' },
    'aws-dr': { bucket: 'example-rocketchat-tfstate-dr-222222222222', stack: 'bootstrap-euc1-222222222222' } } as const;
  const object = (env: AwsEnv, key: string) => `arn:aws:s3:::${stores[env].bucket}/${key}`;
  const keyOf = (env: AwsEnv) => [...model.kmsKeys.entries()].find(([k]) => k.startsWith(`${stores[env].stack}/aws_kms_key.state-key`))![1];

  it('plan roles read their own state and their store\'s bootstrap state, decrypt with the state key, and write nothing', async () => {
    for (const env of AWS_ENV_NAMES) {
      const role = `${env}-ci-plan`;
      const own = object(env, `rocketchat/${env}-network.tfstate`);
      await assertRequest(model, { role, action: 's3:GetObject', resource: own }, true);
      await assertRequest(model, { role, action: 's3:GetObject', resource: object(env, `bootstrap/${stores[env].stack}.tfstate`) }, true);
      await assertRequest(model, { role, action: 's3:ListBucket', resource: `arn:aws:s3:::${stores[env].bucket}` }, true);
      await assertRequest(model, { role, action: 'kms:Decrypt', resource: keyOf(env) }, true);
      for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion']) {
        for (const key of [`rocketchat/${env}-network.tfstate`, `rocketchat/${env}-network.tfstate.tflock`, `bootstrap/${stores[env].stack}.tfstate`]) {
          await assertRequest(model, { role, action, resource: object(env, key) }, false);
        }
      }
      await assertRequest(model, { role, action: 'kms:GenerateDataKey', resource: keyOf(env) }, false);
      await assertRequest(model, { role, action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:${env === 'aws-dr' ? 'eu-central-1' : 'eu-west-1'}:${AWS_ENVS[env]}:secret:${env}-mongodb-users-AbCdEf` }, true);
    }
  });

  it('plan roles touch no other environment\'s store, and no other bootstrap state', async () => {
    for (const env of AWS_ENV_NAMES) {
      for (const other of AWS_ENV_NAMES.filter((o) => o !== env)) {
        for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
          await assertRequest(model, { role: `${env}-ci-plan`, action, resource: object(other, `rocketchat/${other}-network.tfstate`) }, false);
          await assertRequest(model, { role: `${env}-ci-plan`, action, resource: object(other, `bootstrap/${stores[other].stack}.tfstate`) }, false);
        }
      }
    }
    // Same bucket, another environment's prefix: the prefix is part of the fence.
    await assertRequest(model, { role: 'aws-prod-ci-plan', action: 's3:GetObject', resource: object('aws-prod', 'rocketchat/aws-dr-network.tfstate') }, false);
  });

  it('deploy roles change no store\'s versioning, lifecycle, policy, encryption or key in their account, and write no bootstrap state', async () => {
    for (const env of AWS_ENV_NAMES) {
      const role = `${env}-ci-deploy`;
      const sameAccount = AWS_ENV_NAMES.filter((o) => AWS_ENVS[o] === AWS_ENVS[env]);
      expect(sameAccount.length).toBe(env === 'aws-dev' ? 1 : 2);
      for (const store of sameAccount) {
        const bucket = `arn:aws:s3:::${stores[store].bucket}`;
        for (const action of ['s3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketPolicy',
          's3:DeleteBucketPolicy', 's3:DeleteBucket', 's3:PutReplicationConfiguration']) {
          await assertRequest(model, { role, action, resource: bucket }, false);
        }
        await assertRequest(model, { role, action: 's3:DeleteObjectVersion', resource: object(store, `rocketchat/${store}-network.tfstate`) }, false);
        for (const action of ['s3:PutObject', 's3:DeleteObject']) await assertRequest(model, { role, action, resource: object(store,
          `bootstrap/${stores[store].stack}.tfstate`) }, false);
        const context = { 'kms:ResourceAliases': [`alias/${stores[store].bucket}`] };
        for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:PutKeyPolicy']) {
          await assertRequest(model, { role, action, resource: keyOf(store), context }, false);
        }
        await assertRequest(model, { role, action: 'kms:DeleteAlias',
          resource: `arn:aws:kms:${store === 'aws-dr' ? 'eu-central-1' : 'eu-west-1'}:${AWS_ENVS[store]}:alias/${stores[store].bucket}` }, false);
      }
    }
  });

  it('deploy roles rewrite no CI identity and not the GitHub provider, and can do their job', async () => {
    for (const env of AWS_ENV_NAMES) {
      const role = `${env}-ci-deploy`;
      const account = AWS_ENVS[env];
      for (const target of AWS_ENV_NAMES.filter((e) => AWS_ENVS[e] === account)) {
        for (const which of ['plan', 'deploy']) {
          for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole']) {
            await assertRequest(model, { role, action, resource: `arn:aws:iam::${account}:role/${target}-ci-${which}` }, false);
          }
        }
      }
      await assertRequest(model, { role, action: 'iam:DeleteOpenIDConnectProvider', resource: provider(account) }, false);
      // Its job: write its own state and lock file, encrypt with the key, build infrastructure.
      for (const key of [`rocketchat/${env}-network.tfstate`, `rocketchat/${env}-network.tfstate.tflock`]) {
        await assertRequest(model, { role, action: 's3:PutObject', resource: object(env, key) }, true);
      }
      await assertRequest(model, { role, action: 'kms:GenerateDataKey', resource: keyOf(env) }, true);
      await assertRequest(model, { role, action: 'ec2:CreateVpc', resource: `arn:aws:ec2:eu-west-1:${account}:vpc/vpc-0123` }, true);
      await assertRequest(model, { role, action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/${env}-node`, context: {
        'iam:PermissionsBoundary': boundary(env) } }, true);
    }
  });

  const otherEnv = { 'aws-dev': undefined, 'aws-prod': 'aws-dr', 'aws-dr': 'aws-prod' } as const;

  it('deploy roles create roles only inside their boundary, cannot remove or rewrite it, and create no user, key or GitHub provider', async () => {
    for (const env of AWS_ENV_NAMES) {
      const role = `${env}-ci-deploy`;
      const account = AWS_ENVS[env];
      const newRole = `arn:aws:iam::${account}:role/escape`;
      await assertRequest(model, { role, action: 'iam:CreateRole', resource: newRole, context: { 'iam:PermissionsBoundary': boundary(env) } }, true);
      await assertRequest(model, { role, action: 'iam:CreateRole', resource: newRole }, false);
      const other = otherEnv[env];
      if (other) await assertRequest(model, { role, action: 'iam:CreateRole', resource: newRole, context: { 'iam:PermissionsBoundary': boundary(other) } },
        false);
      await assertRequest(model, { role, action: 'iam:CreateRole', resource: newRole, context: {
        'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' } }, false);
      // A role that exists without the boundary (made by a person) gets no policy from CI: no admin by attachment.
      for (const action of ['iam:AttachRolePolicy', 'iam:PutRolePolicy']) {
        await assertRequest(model, { role, action, resource: `arn:aws:iam::${account}:role/someone-elses-role` }, false);
        await assertRequest(model, { role, action, resource: `arn:aws:iam::${account}:role/${env}-node`, context: {
          'iam:PermissionsBoundary': boundary(env) } }, true);
      }
      await assertRequest(model, { role, action: 'iam:PutRolePermissionsBoundary', resource: `arn:aws:iam::${account}:role/${env}-node`, context: {
        'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' } }, false);
      await assertRequest(model, { role, action: 'iam:DeleteRolePermissionsBoundary', resource: `arn:aws:iam::${account}:role/${env}-node`, context: {
        'iam:PermissionsBoundary': boundary(env) } }, false);
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']) await assertRequest(model, { role, action,
        resource: boundary(env) }, false);
      await assertRequest(model, { role, action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/escape`, context: {
        'iam:PermissionsBoundary': boundary(env) } }, false);
      await assertRequest(model, { role, action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${account}:user/admin` }, false);
      for (const action of ['iam:CreateOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint', 'iam:AddClientIDToOpenIDConnectProvider']) {
        await assertRequest(model, { role, action, resource: provider(account) }, false);
        await assertRequest(model, { role, action, resource: `${provider(account)}/example-enterprise` }, false);
      }
      // The cluster layer's own issuer (IRSA) stays possible, in its region.
      await assertRequest(model, { role, action: 'iam:CreateOpenIDConnectProvider',
        resource: `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region[env]}.amazonaws.com/id/0123456789ABCDEF` }, true);
    }
  });

  it('every role an AWS layer stack creates carries its environment\'s boundary, so the deploy role may create it', async () => {
    let count = 0;
    for (const [name, json] of Object.entries(stacks).filter(([n, j]) => !n.startsWith('bootstrap-') && j.provider?.aws)) {
      const env = AWS_ENV_NAMES.find((e) => name.startsWith(`${e}-`))!;
      for (const role of resources(json, 'aws_iam_role')) {
        count++;
        expect(role.permissions_boundary, `${name} ${role.name}`).toBe(`arn:aws:iam::${AWS_ENVS[env]}:policy/${env}-ci-deploy-boundary`);
        await assertRequest(model, { role: `${env}-ci-deploy`, action: 'iam:CreateRole', resource: `arn:aws:iam::${AWS_ENVS[env]}:role/${role.name}`,
          context: { 'iam:PermissionsBoundary': role.permissions_boundary } }, true);
      }
    }
    // EKS cluster and nodes, IRSA workload roles, flow logs, DR replication: in every AWS environment.
    expect(count).toBeGreaterThan(20);
  });

  it('a role a deploy role creates (AdministratorAccess, inside the boundary) cannot touch the stores, the CI identities or the boundary', async () => {
    for (const env of AWS_ENV_NAMES) {
      const account = AWS_ENVS[env];
      const created = withCreatedRole(model, `${env}-escape`, account, boundary(env));
      const role = `${env}-escape`;
      for (const store of AWS_ENV_NAMES.filter((o) => AWS_ENVS[o] === account)) {
        for (const action of ['s3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucket']) {
          await assertRequest(created, { role, action, resource: `arn:aws:s3:::${stores[store].bucket}` }, false);
        }
        for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion']) {
          for (const key of [`rocketchat/${store}-network.tfstate`, `bootstrap/${stores[store].stack}.tfstate`]) await assertRequest(created, { role,
            action, resource: object(store, key) }, false);
        }
        await assertRequest(created, { role, action: 'kms:ScheduleKeyDeletion', resource: keyOf(store), context: {
          'kms:ResourceAliases': [`alias/${stores[store].bucket}`] } }, false);
      }
      await assertRequest(created, { role, action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${account}:role/${env}-ci-deploy` }, false);
      await assertRequest(created, { role, action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/escape-2` }, false);
      await assertRequest(created, { role, action: 'iam:CreatePolicyVersion', resource: boundary(env) }, false);
      await assertRequest(created, { role, action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${account}:user/admin` }, false);
      // ...and still runs the workload it was made for.
      await assertRequest(created, { role, action: 'ec2:DescribeInstances', resource: '*' }, true);
      await assertRequest(created, { role, action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/escape-2`, context: {
        'iam:PermissionsBoundary': boundary(env) } }, true);
    }
  });

  it('every CI policy fits IAM\'s size limits with its references resolved (6,144 characters a managed policy, 10,240 a role\'s inline policies)', () => {
    // Whitespace does not count; a Terraform reference becomes an ARN of at most 100 characters.
    const size = (policy: string) => policy.replace(/\$\{[^}]*\}/g, 'x'.repeat(100)).replace(/\s/g, '').length;
    for (const [name, json] of Object.entries(bootstrap)) {
      for (const p of resources(json, 'aws_iam_policy')) expect(size(p.policy), `${name} ${p.name}`).toBeLessThanOrEqual(6144);
      const inline = new Map<string, number>();
      for (const p of resources(json, 'aws_iam_role_policy')) inline.set(p.role, (inline.get(p.role) ?? 0) + size(p.policy));
      for (const [role, total] of inline) expect(total, `${name} ${role}`).toBeLessThanOrEqual(10240);
    }
  });

  it('only a gated environment\'s plan role signs its plan bundles; its deploy role verifies and cannot sign, re-policy the key or move its alias',
    async () => {
    const signingKey = (env: string) => [...model.kmsKeys.entries()].find(([k]) => k.includes(`ci-${env}_plan-signing`))?.[1];
    expect(signingKey('aws-dev')).toBeUndefined();
    for (const env of ['aws-prod', 'aws-dr'] as const) {
      const key = signingKey(env)!;
      const account = AWS_ENVS[env];
      const context = { 'kms:ResourceAliases': [`alias/${env}-plan-signing`] };
      await assertRequest(model, { role: `${env}-ci-plan`, action: 'kms:Sign', resource: key, context }, true);
      await assertRequest(model, { role: `${env}-ci-deploy`, action: 'kms:Sign', resource: key, context }, false);
      await assertRequest(model, { role: `${env}-ci-deploy`, action: 'kms:Verify', resource: key, context }, true);
      await assertRequest(withCreatedRole(model, 'escape', account, boundary(env)), { role: 'escape', action: 'kms:Sign', resource: key, context }, false);
      // The other prod environment's plan role (same account) signs nothing of this one.
      await assertRequest(model, { role: `${otherEnv[env]}-ci-plan`, action: 'kms:Sign', resource: key, context }, false);
      for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:CreateGrant']) {
        await assertRequest(model, { role: `${env}-ci-deploy`, action, resource: key, context }, false);
        // The key policy alone refuses it too (identity fences removed).
        await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action, resource: key, context }, false);
      }
      for (const action of ['kms:UpdateAlias', 'kms:DeleteAlias', 'kms:CreateAlias']) {
        await assertRequest(model, { role: `${env}-ci-deploy`, action, resource: `arn:aws:kms:eu-west-1:${account}:alias/${env}-plan-signing` }, false);
      }
    }
  });

  it('aws-prod and aws-dr read and write none of each other\'s state objects, by identity policy and by bucket policy alone', async () => {
    // The same account's roles with their identity-side fences removed: the bucket policies must hold alone.
    for (const [env, other] of [['aws-prod', 'aws-dr'], ['aws-dr', 'aws-prod']] as const) {
      for (const which of ['plan', 'deploy']) {
        for (const m of [model, resourceSideOnly]) {
          for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
            // The other's state in its own store, and the other's keys if they sat in this store.
            await assertRequest(m, { role: `${env}-ci-${which}`, action, resource: object(other, `rocketchat/${other}-app.tfstate`) }, false);
            await assertRequest(m, { role: `${env}-ci-${which}`, action, resource: object(env, `rocketchat/${other}-app.tfstate`) }, false);
          }
        }
      }
      await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action: 's3:PutObject', resource: object(env, `rocketchat/${env}-app.tfstate`) }, true);
      await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action: 's3:PutObject', resource: object(env, `bootstrap/${stores[env]
        .stack}.tfstate`) }, false);
      await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action: 's3:PutBucketVersioning', resource: `arn:aws:s3:::${stores[other]
        .bucket}` }, false);
      await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action: 'kms:ScheduleKeyDeletion', resource: keyOf(other) }, false);
      await assertRequest(resourceSideOnly, { role: `${env}-ci-deploy`, action: 'kms:PutKeyPolicy', resource: keyOf(env) }, false);
    }
  });
});

describe('access matrix: AWS, beyond the stacks\' own resources (review of issue 24)', () => {
  /** The deploy role, and a role it created (AdministratorAccess inside the boundary): both must be refused. */
  const actors = (env: AwsEnv): Array<[AwsAccessModel, string]> => [[model, `${env}-ci-deploy`],
    [withCreatedRole(model, `${env}-escape`, AWS_ENVS[env], boundary(env)), `${env}-escape`]];

  it('touch no role, policy, user or group the stacks did not make: every role they make is <env>-*', async () => {
    for (const env of AWS_ENV_NAMES) {
      const account = AWS_ENVS[env];
      const foreign = `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;
      for (const [m, role] of actors(env)) {
        for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:PassRole', 'sts:AssumeRole', 'iam:DetachRolePolicy',
          'iam:DeleteRolePolicy']) {
          await assertRequest(m, { role, action, resource: foreign }, false);
        }
        for (const action of ['iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:PutRolePolicy']) {
          await assertRequest(m, { role, action, resource: foreign, context: { 'iam:PermissionsBoundary': boundary(env) } }, false);
        }
        // Another environment's roles in the same account are foreign too.
        for (const other of AWS_ENV_NAMES.filter((o) => o !== env && AWS_ENVS[o] === account)) await assertRequest(m, { role, action: 'iam:PassRole',
          resource: `arn:aws:iam::${account}:role/${other}-eks-nodes` }, false);
        for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']) {
          await assertRequest(m, { role, action, resource: `arn:aws:iam::${account}:policy/someone-elses-policy` }, false);
        }
        for (const action of ['iam:AttachUserPolicy', 'iam:PutUserPolicy']) await assertRequest(m, { role, action,
          resource: `arn:aws:iam::${account}:user/admin` }, false);
        for (const action of ['iam:AttachGroupPolicy', 'iam:PutGroupPolicy']) await assertRequest(m, { role, action,
          resource: `arn:aws:iam::${account}:group/admins` }, false);
      }
      // What the layer stacks do stays possible: pass and re-policy their own roles, EKS/ELB/autoscaling service-linked roles.
      const role = `${env}-ci-deploy`;
      for (const name of [`${env}-eks-nodes`, `${env}-eks-cluster`, `${env}-vpc-flow-logs`]) await assertRequest(model, { role, action: 'iam:PassRole',
        resource: `arn:aws:iam::${account}:role/${name}` }, true);
      await assertRequest(model, { role, action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${account}:role/${env}-loki` }, true);
      await assertRequest(model, { role, action: 'iam:DeleteRole', resource: `arn:aws:iam::${account}:role/${env}-loki` }, true);
      for (const service of ['eks.amazonaws.com/AWSServiceRoleForAmazonEKS', 'elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing',
        'autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling']) {
        await assertRequest(model, { role, action: 'iam:CreateServiceLinkedRole', resource: `arn:aws:iam::${account}:role/aws-service-role/${service}` }, true);
      }
    }
  });

  it('open no other door in (identity providers but the cluster issuer, SAML, Roles Anywhere, access points) and leave the organization and audit alone',
    async () => {
    for (const env of AWS_ENV_NAMES) {
      const account = AWS_ENVS[env];
      for (const [m, role] of actors(env)) {
        await assertRequest(m, { role, action: 'iam:CreateOpenIDConnectProvider', resource: `arn:aws:iam::${account}:oidc-provider/idp.example.com` }, false);
        await assertRequest(m, { role, action: 'iam:CreateOpenIDConnectProvider',
          resource: `arn:aws:iam::${account}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123` }, false);
        await assertRequest(m, { role, action: 'iam:CreateSAMLProvider', resource: `arn:aws:iam::${account}:saml-provider/idp` }, false);
        await assertRequest(m, { role, action: 'rolesanywhere:CreateTrustAnchor', resource: '*' }, false);
        await assertRequest(m, { role, action: 's3:CreateAccessPoint', resource: `arn:aws:s3:${region[env]}:${account}:accesspoint/state` }, false);
        await assertRequest(m, { role, action: 's3:CreateMultiRegionAccessPoint', resource: `arn:aws:s3::${account}:accesspoint/state` }, false);
        await assertRequest(m, { role, action: 's3-object-lambda:GetObject',
          resource: `arn:aws:s3-object-lambda:${region[env]}:${account}:accesspoint/state` }, false);
        await assertRequest(m, { role, action: 'organizations:LeaveOrganization', resource: '*' }, false);
        for (const action of ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors']) {
          await assertRequest(m, { role, action, resource: `arn:aws:cloudtrail:${region[env]}:${account}:trail/organization` }, false);
        }
        await assertRequest(m, { role, action: 'guardduty:DeleteDetector', resource: `arn:aws:guardduty:${region[env]}:${account}:detector/0123` }, false);
        await assertRequest(m, { role, action: 'config:StopConfigurationRecorder', resource: '*' }, false);
        await assertRequest(m, { role, action: 'config:DeleteConfigRule', resource: `arn:aws:config:${region[env]}:${account}:config-rule/x` }, false);
      }
      await assertRequest(model, { role: `${env}-ci-deploy`, action: 'iam:CreateOpenIDConnectProvider',
        resource: `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region[env]}.amazonaws.com/id/0123` }, true);
    }
  });

  it('nothing reaches a state bucket through an access point, by the bucket policy alone', async () => {
    const bucket = 'example-rocketchat-tfstate-222222222222';
    const own = `arn:aws:s3:::${bucket}/rocketchat/aws-prod-app.tfstate`;
    await assertRequest(resourceSideOnly, { role: 'aws-prod-ci-deploy', action: 's3:GetObject', resource: own }, true);
    // The evaluator's service data lists s3:DataAccessPointArn for bucket-level actions only (object actions: stacks-bootstrap.test.ts holds the
    // statement's shape).
    const via = { 's3:DataAccessPointArn': 'arn:aws:s3:eu-west-1:222222222222:accesspoint/state' };
    const uploads = { role: 'aws-prod-ci-deploy', action: 's3:ListBucketMultipartUploads', resource: `arn:aws:s3:::${bucket}` };
    await assertRequest(resourceSideOnly, uploads, true);
    await assertRequest(resourceSideOnly, { ...uploads, context: via }, false);
  });

  it('aws-prod and aws-dr (one account) touch none of each other\'s secrets, except aws-dr\'s reads of aws-prod\'s replicas in its region (restore)',
    async () => {
    const secret = (where: string, name: string) => `arn:aws:secretsmanager:${where}:222222222222:secret:${name}-AbCdEf`;
    for (const [m, role] of actors('aws-prod')) {
      for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret',
        'secretsmanager:PutResourcePolicy']) {
        await assertRequest(m, { role, action, resource: secret('eu-central-1', 'aws-dr-mongodb-users'), context: {
          'aws:RequestedRegion': 'eu-central-1' } }, false);
      }
    }
    await assertRequest(model, { role: 'aws-prod-ci-deploy', action: 'secretsmanager:PutSecretValue', resource: secret('eu-west-1',
      'aws-prod-mongodb-users'), context: { 'aws:RequestedRegion': 'eu-west-1' } }, true);
    for (const [m, role] of actors('aws-dr')) {
      for (const action of ['secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret', 'secretsmanager:UpdateSecret', 'secretsmanager:RotateSecret',
        'secretsmanager:PutResourcePolicy', 'secretsmanager:RemoveRegionsFromReplication']) {
        await assertRequest(m, { role, action, resource: secret('eu-central-1', 'aws-prod-mongodb-users'), context: {
          'aws:RequestedRegion': 'eu-central-1' } }, false);
      }
      // The primaries in aws-prod's region are not aws-dr's to read.
      await assertRequest(m, { role, action: 'secretsmanager:GetSecretValue', resource: secret('eu-west-1', 'aws-prod-mongodb-users'), context: {
        'aws:RequestedRegion': 'eu-west-1' } }, false);
    }
    for (const name of ['aws-prod-mongodb-users', 'aws-prod-mongodb-encryption-key', 'aws-prod-rocketchat-admin-password']) {
      for (const role of ['aws-dr-ci-deploy', 'aws-dr-ci-plan']) {
        await assertRequest(model, { role, action: 'secretsmanager:GetSecretValue', resource: secret('eu-central-1', name), context: {
          'aws:RequestedRegion': 'eu-central-1' } }, true);
      }
    }
  });
});

describe('access matrix: Azure (federated credentials matched exactly, role assignments and locks as data)', () => {
  const azureBootstrap = Object.entries(stacks).filter(([name, json]) => name.startsWith('bootstrap-') && json.provider?.azurerm);
  const credentials = azureBootstrap.flatMap(([, json]) =>
    Object.values<Json>(json.resource?.azurerm_federated_identity_credential ?? {}).map((c): Json => ({ ...c, identity: String(c.parent_id)
      .match(/azurerm_user_assigned_identity\.([^.]+)\.id/)![1]! })),
  );
  const identityName = (logical: string) => azureBootstrap.map(([, json]) => json.resource.azurerm_user_assigned_identity?.[logical]?.name)
    .find(Boolean) as string;
  /** Which identities a token logs in as: Entra's exact issuer, audience and subject match. */
  const reaches = (t: Token, template: 'custom' | 'default' = 'custom') =>
    credentials
      .filter((c) => c.issuer === 'https://token.actions.githubusercontent.com' && c.audience.includes('api://AzureADTokenExchange') && c.subject === sub(t,
        template))
      .map((c) => identityName(c.identity));

  it('reads three Azure stores and six identities', () => {
    expect(azureBootstrap.map(([name]) => name).sort()).toEqual(['bootstrap-exrctfstatedev01', 'bootstrap-exrctfstatedr01', 'bootstrap-exrctfstateprod01']);
    expect(credentials.every((c) => !c.subject.includes('*'))).toBe(true);
  });

  it('a pull-request token reaches no Azure identity at all (prod or dev: exact subjects cannot name every pull request)', () => {
    for (const env of ENVS) {
      for (const t of pullRequestTokens(env)) for (const template of ['custom', 'default'] as const) expect(reaches(t, template), sub(t, template)).toEqual([]);
    }
  });

  it('a main token from another workflow, or the deploy workflow from another ref, reaches no deploy identity', () => {
    for (const env of AZURE_ENVS) {
      for (const t of notTheDeployWorkflow(env)) for (const template of ['custom', 'default'] as const) expect(reaches(t, template).filter((n) => n
        .endsWith('-ci-deploy')), sub(t, template)).toEqual([]);
    }
  });

  it('each identity is reached by its own jobs only', () => {
    for (const env of AZURE_ENVS) {
      expect(reaches(deployJob(env))).toEqual([`${env}-ci-deploy`]);
      expect(reaches(driftJob(env))).toEqual([`${env}-ci-plan`]);
      expect(reaches(gatedPlanJob(env))).toEqual(env === 'azure-dev' ? [] : [`${env}-ci-plan`]);
    }
  });

  const assignments = (json: Json) => Object.values<Json>(json.resource?.azurerm_role_assignment ?? {});
  const principalOf = (json: Json, name: string) => {
    const logical = Object.entries<Json>(json.resource.azurerm_user_assigned_identity).find(([, i]) => i.name === name)![0];
    return `\${azurerm_user_assigned_identity.${logical}.principal_id}`;
  };

  it('plan identities read only their environment\'s state and their store\'s bootstrap state, and write no blob', () => {
    for (const [stack, json] of azureBootstrap) {
      for (const identity of Object.values<Json>(json.resource.azurerm_user_assigned_identity).filter((i) => i.name.endsWith('-ci-plan'))) {
        const env = identity.name.replace(/-ci-plan$/, '');
        const all = assignments(json).filter((a) => a.principal_id === principalOf(json, identity.name));
        // A gated environment's plan identity also signs its plan bundles, with its own key and nothing else (plan-signing-azure.test.ts).
        const signs = all.filter((a) => String(a.role_definition_id ?? '').includes(`${env}-signer_`));
        expect(signs.map((a) => a.scope), identity.name).toEqual(['azure-prod', 'azure-dr'].includes(env) ? [expect
          .stringMatching(new RegExp(`^\\$\\{azurerm_key_vault_key\\.plan-signing_${env}-key_[0-9A-F]+\\.resource_versionless_id\\}$`))] : []);
        const mine = all.filter((a) => !signs.includes(a));
        expect(mine.map((a) => a.role_definition_name).sort(), identity.name).toEqual(['Reader', 'Storage Blob Data Reader']);
        const state = mine.find((a) => a.role_definition_name === 'Storage Blob Data Reader')!;
        expect(state.condition_version).toBe('2.0');
        expect(state.condition).toBe(
          `((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR ` +
            `(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike 'rocketchat/${env}-*' OR ` +
            `@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike 'bootstrap/${stack}.tfstate'))`,
        );
      }
    }
  });

  // Built-in role ids (Azure's built-in roles reference), written out here rather than read from the code.
  const BUILT_IN: Record<string, string> = { 'Reader': 'acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Network Contributor': '4d97b98b-1d4f-4787-a291-c67834d212e7',
    'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830', 'Azure Kubernetes Service RBAC Cluster Admin': 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', 'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
    'Key Vault Crypto Officer': '14b46e9e-c2b7-41b4-b07b-48a6ebf60603', 'Key Vault Crypto Service Encryption User': 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    'AppGw for Containers Configuration Manager': 'fbc52c3f-28ad-4303-a892-8a056630b8f1', 'DNS Zone Contributor': 'befefa01-2a29-4197-83a8-272ff33ce314',
    'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', 'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' };
  const roleId = (a: Json): string => (a.role_definition_name ? BUILT_IN[a.role_definition_name] ?? `unknown ${a.role_definition_name}` : String(a
    .role_definition_id).split('/').pop()!);
  const everAssigned = new Set(Object.entries(stacks).filter(([name]) => name.startsWith('azure-')).flatMap(([, j]) => assignments(j)).map(roleId));
  const customIds = (json: Json, env: string) => resources(json, 'azurerm_role_definition').filter((d) => d.name.startsWith(`${env} `)).map((d) => d
    .role_definition_id as string);
  const PRIVILEGED = [
    ...['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
      'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    // Key Vault Administrator, Crypto Officer, Crypto User: each signs (or imports) with any key, the plan signing keys included.
    ...['00482a5a-887f-4fb3-b363-3b7fe8e74483', '14b46e9e-c2b7-41b4-b07b-48a6ebf60603', '12338af0-0e69-4776-bea7-57ae8d297424'],
  ];

  it('deploy identities assign exactly the roles the layer stacks assign (GuidEquals allowlist), none privileged, and write no role definition', () => {
    for (const [, json] of azureBootstrap) {
      for (const identity of Object.values<Json>(json.resource.azurerm_user_assigned_identity).filter((i) => i.name.endsWith('-ci-deploy'))) {
        const env = identity.name.replace(/-ci-deploy$/, '');
        const mine = assignments(json).filter((a) => a.principal_id === principalOf(json, identity.name));
        expect(mine.map((a) => a.role_definition_name).sort()).toEqual(['Contributor', 'Role Based Access Control Administrator', 'Storage Blob Data ' +
          'Contributor']);
        const admin = mine.find((a) => a.role_definition_name === 'Role Based Access Control Administrator')!;
        const allowed = [...admin.condition
          .matchAll(/OR \(@\w+\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)].map((m) =>
          m[1]!.split(', ').sort());
        expect(allowed).toHaveLength(2);
        expect(allowed[0]).toEqual(allowed[1]);
        // What the environment's layer stacks assign, by built-in name or custom definition id.
        const layers = Object.entries(stacks).filter(([name]) => name.startsWith(`${env}-`)).map(([, j]) => j);
        const assigned = new Set(layers.flatMap(assignments).map(roleId));
        // Everything the layers assign is allowed; nothing is allowed that no Azure layer assigns.
        for (const id of assigned) expect(allowed[0], `${env} assigns ${id}`).toContain(id);
        for (const id of allowed[0]!) expect(everAssigned.has(id) || customIds(json, env).includes(id), `${env} may assign ${id}`).toBe(true);
        for (const id of PRIVILEGED) expect(allowed[0]).not.toContain(id);
        // Only a restoring environment may grant read on its source's backups.
        expect(allowed[0]!.includes('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'), env).toBe(env === 'azure-dr');
        // Custom roles are defined here, by people, and hold no authorization action.
        for (const layer of layers) expect(resources(layer, 'azurerm_role_definition')).toEqual([]);
        // The plan signer role (bootstrap only, assigned to the plan identity) is no role a deploy identity may assign.
        const signer = resources(json, 'azurerm_role_definition').filter((d) => d.name === `${env} plan signer`);
        expect(signer.map((d) => d.role_definition_id), env).toEqual(['azure-prod', 'azure-dr'].includes(env) ? [undefined] : []);
        const custom = resources(json, 'azurerm_role_definition').filter((d) => d.name.startsWith(`${env} `) && d.name !== `${env} plan signer`);
        expect(custom.map((d) => d.role_definition_id).sort()).toEqual(allowed[0]!.filter((id: string) => !Object.values(BUILT_IN).includes(id)));
        expect(JSON.stringify(custom.map((d) => d.permissions))).not.toContain('Microsoft.Authorization');
        const state = mine.find((a) => a.role_definition_name === 'Storage Blob Data Contributor')!;
        expect(state.condition).toContain("(NOT @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith " +
          "'bootstrap/')");
        for (const action of ['write', 'delete', 'add/action', 'move/action']) expect(state.condition)
          .toContain(`!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/${action}'})`);
      }
    }
  });

  const ciIdentitiesOf = (json: Json) => Object.entries<Json>(json.resource.azurerm_user_assigned_identity).filter(([, i]) => /-ci-(plan|deploy)$/.test(i
    .name));

  /**
   * Evaluates an ABAC condition (version 2.0) for one role-assignment request, for the subset of the
   * grammar these conditions use: ActionMatches, !, NOT, AND, OR, parentheses, and on
   * @Request/@Resource attributes GuidEquals, GuidNotEquals and ForAnyOfAnyValues:GuidEquals.
   * Anything else throws, so a condition written in syntax this does not know fails the case.
   */
  function abacAllows(condition: string, action: string, attrs: Record<string, string>): boolean {
    // Terraform references (`${…principal_id}`) hold braces the grammar uses for lists: write them as plain names.
    const plain = (text: string) => text.replace(/\$\{([^}]+)\}/g, 'ref:$1');
    attrs = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, plain(v)]));
    const tokens = plain(condition).match(/\(|\)|AND|OR|NOT|!|ActionMatches\{'[^']*'\}|@(?:Request|Resource)\[[^\]]+\] \S+ (?:\{[^}]*\}|[^\s()]+)|\S+/g)!;
    let i = 0;
    const atom = (t: string): boolean => {
      const act = /^ActionMatches\{'(.*)'\}$/.exec(t);
      if (act) return act[1] === action;
      const m = /^@(Request|Resource)\[Microsoft\.Authorization\/roleAssignments:(\w+)\] (\S+) (.+)$/.exec(t);
      if (!m) throw new Error(`unknown term ${t}`);
      const value = attrs[`${m[1]}:${m[2]}`];
      if (value === undefined) throw new Error(`no ${m[1]}:${m[2]} in the request`);
      const list = m[4]!.replace(/^\{|\}$/g, '').split(', ').map((v) => v.toLowerCase());
      if (m[3] === 'GuidNotEquals') return value.toLowerCase() !== list[0];
      if (m[3] === 'GuidEquals' || m[3] === 'ForAnyOfAnyValues:GuidEquals') return list.includes(value.toLowerCase());
      throw new Error(`unknown operator ${m[3]}`);
    };
    // Parsed into closures and evaluated afterwards, with short-circuit AND/OR as Azure does: a write's
    // delete clause never reads @Resource attributes the write does not have.
    type Node = () => boolean;
    const factor = (): Node => {
      const t = tokens[i++]!;
      if (t === '!' || t === 'NOT') { const f = factor(); return () => !f(); }
      if (t === '(') { const v = expr(); if (tokens[i++] !== ')') throw new Error('unbalanced'); return v; }
      return () => atom(t);
    };
    const term = (): Node => { const fs = [factor()]; while (tokens[i] === 'AND') { i++; fs.push(factor()); } return () => fs.every((f) => f()); };
    const expr = (): Node => { const ts = [term()]; while (tokens[i] === 'OR') { i++; ts.push(term()); } return () => ts.some((t) => t()); };
    const tree = expr();
    if (i !== tokens.length) throw new Error(`unparsed: ${tokens.slice(i).join(' ')}`);
    return tree();
  }

  it('deploy identities give a CI identity of their store only its cluster access, as the cluster layer does, and nothing else (state, identities, keys)',
    () => {
    let layerGrants = 0;
    for (const [stack, json] of azureBootstrap) {
      const ci = ciIdentitiesOf(json).map(([logical, i]) => ({ name: i.name as string,
        principal: `\${azurerm_user_assigned_identity.${logical}.principal_id}` }));
      const admins = assignments(json).filter((a) => a.role_definition_name === 'Role Based Access Control Administrator');
      expect(admins.length, stack).toBe(ci.length / 2);
      for (const admin of admins) {
        const env = ci.find((c) => admin.principal_id === c.principal)!.name.replace(/-ci-deploy$/, '');
        const allows = (roleId: string, principal: string) => ['write', 'delete'].map((verb) => {
          const source = verb === 'write' ? 'Request' : 'Resource';
          return abacAllows(admin.condition, `Microsoft.Authorization/roleAssignments/${verb}`, { [`${source}:RoleDefinitionId`]: roleId,
            [`${source}:PrincipalId`]: principal });
        });
        // What the environment's cluster layer assigns to the CI identities (looked up by name) must pass.
        for (const [, layer] of Object.entries(stacks).filter(([n]) => n.startsWith(`${env}-`))) {
          const lookups = Object.entries<Json>(layer.data?.azurerm_user_assigned_identity ?? {});
          for (const a of assignments(layer)) {
            const lookup = lookups.find(([logical]) => a.principal_id === `\${data.azurerm_user_assigned_identity.${logical}.principal_id}`);
            if (!lookup || !/-ci-(plan|deploy)$/.test(lookup[1].name)) continue;
            layerGrants++;
            expect(allows(roleId(a), ci.find((c) => c.name === lookup[1].name)!.principal), `${env} layer gives ${lookup[1].name} ${roleId(a)}`)
              .toEqual([true, true]);
          }
        }
        for (const c of ci) {
          for (const role of ['Storage Blob Data Contributor', 'Storage Blob Data Reader', 'Managed Identity Operator', 'Key Vault Crypto Officer',
            'Reader', 'Network Contributor']) {
            // Except while azure-dr restores: its app layer gives its deploy identity the backup container (a scope ABAC cannot pin; docs/delivery.md).
            const restoreCopy = env === 'azure-dr' && c.name === 'azure-dr-ci-deploy' && ['Storage Blob Data Contributor', 'Storage Blob Data Reader']
              .includes(role);
            expect(allows(BUILT_IN[role]!, c.principal), `${env} gives ${c.name} ${role}`).toEqual(restoreCopy ? [true, true] : [false, false]);
          }
          // Each kind gets only its own cluster access: no cluster admin for a plan identity.
          if (c.name.endsWith('-ci-plan')) expect(allows(BUILT_IN['Azure Kubernetes Service RBAC Cluster Admin']!, c.principal)).toEqual([false, false]);
          if (c.name.endsWith('-ci-deploy')) expect(allows(BUILT_IN['Key Vault Secrets User']!, c.principal)).toEqual(c
            .name === 'azure-dr-ci-deploy' ? [true, true] : [false, false]);
        }
        // Anyone else (a workload identity a layer creates) still gets the allowlisted roles, and nobody a privileged one.
        const workload = '11111111-2222-3333-4444-555555555555';
        expect(allows(BUILT_IN['Storage Blob Data Contributor']!, workload)).toEqual([true, true]);
        for (const id of PRIVILEGED) expect(allows(id, workload)).toEqual([false, false]);
      }
    }
    expect(layerGrants).toBeGreaterThanOrEqual(3 * 5);
  });

  it('no resource may carry a CI identity: a deny policy at the subscription, which Contributor cannot remove or exempt', () => {
    for (const [stack, json] of azureBootstrap) {
      const [definition, ...moreDefinitions] = resources(json, 'azurerm_policy_definition');
      expect(moreDefinitions).toEqual([]);
      expect(definition).toMatchObject({ policy_type: 'Custom', mode: 'All' });
      const rule = JSON.parse(definition!.policy_rule) as Json;
      expect(rule.then).toEqual({ effect: 'deny' });
      const ids = ciIdentitiesOf(json).map(([logical]) => `\${azurerm_user_assigned_identity.${logical}.id}`);
      // Azure Policy's containsKey on the identity dictionary, as the built-in policies read it (keys compare case-insensitively).
      const denies = (body: Json) => (rule.if.anyOf as Json[]).some((c) => c.field === 'identity.userAssignedIdentities' && Object.keys(body
        .identity?.userAssignedIdentities ?? {}).some((k) => k.toLowerCase() === String(c.containsKey).toLowerCase()));
      for (const id of ids) {
        expect(denies({ type: 'Microsoft.Compute/virtualMachines', identity: { type: 'UserAssigned', userAssignedIdentities: { [id]: {} } } }),
          `${stack} ${id}`).toBe(true);
        expect(denies({ type: 'Microsoft.ContainerInstance/containerGroups', identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: {
          '/other/identity': {}, [id.toUpperCase()]: {} } } })).toBe(true);
      }
      expect(denies({ type: 'Microsoft.Compute/virtualMachines', identity: { type: 'UserAssigned', userAssignedIdentities: {
        '/subscriptions/x/resourceGroups/azure-prod-cluster/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet': {} } } })).toBe(false);
      const [assignment] = resources(json, 'azurerm_subscription_policy_assignment');
      expect(assignment).toMatchObject({ enforce: true, policy_definition_id: expect.stringMatching(/^\$\{azurerm_policy_definition\.[^.]+\.id\}$/) });
      expect(assignment!.subscription_id).toBe(`/subscriptions/${json.provider.azurerm[0].subscription_id}`);
      // Contributor's NotActions exclude Microsoft.Authorization writes and deletes: no identity in the store is given more.
      for (const a of assignments(json)) expect(['Owner', 'User Access Administrator', 'Resource Policy Contributor']).not.toContain(a.role_definition_name);
    }
  });

  it('the store and every CI identity sit under a ReadOnly lock created after them, which Contributor cannot remove', () => {
    for (const [, json] of azureBootstrap) {
      const [lock, ...more] = resources(json, 'azurerm_management_lock');
      expect(more).toEqual([]);
      expect(lock).toMatchObject({ lock_level: 'ReadOnly', scope: '${azurerm_resource_group.resource-group.id}' });
      const locked = new Set<string>(lock!.depends_on);
      for (const type of ['azurerm_user_assigned_identity', 'azurerm_federated_identity_credential', 'azurerm_storage_account', 'azurerm_storage_container',
        'azurerm_role_assignment']) {
        for (const logical of Object.keys(json.resource[type])) expect(locked.has(`${type}.${logical}`), `${type}.${logical}`).toBe(true);
      }
      // Contributor (the deploy identities' broad role) excludes Microsoft.Authorization writes and deletes: locks
      // included. No identity in the store holds Owner, User Access Administrator or a role that names locks.
      for (const a of assignments(json)) expect(['Owner', 'User Access Administrator']).not.toContain(a.role_definition_name);
    }
  });
});

/**
 * A token of a repository on GitHub's immutable subject claims: the claim set GitHub documents
 * (changelog 2026-04-23, "Immutable subject claims for GitHub Actions OIDC tokens": owner and
 * repository ids appended to the names in `sub`), under this repository's subject template, for
 * the aws-prod deploy job. Ids and values are made up; the shape is GitHub's.
 */
const IMMUTABLE_DEPLOY_TOKEN = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'sts.amazonaws.com',
  sub: 'repo:example-org-1234567/rocketchat-platform-987654321:environment:aws-prod:ref:refs/heads/main:job_workflow_ref:example-org/rocketchat-platform/' +
    '.github/workflows/deploy-environment.yml@refs/heads/main',
  repository: 'example-org/rocketchat-platform',
  repository_id: '987654321',
  repository_owner: 'example-org',
  repository_owner_id: '1234567',
  ref: 'refs/heads/main',
  environment: 'aws-prod',
  event_name: 'push',
  job_workflow_ref: 'example-org/rocketchat-platform/.github/workflows/deploy-environment.yml@refs/heads/main',
} as const;

describe('access matrix: immutable OIDC subjects (delivery.repositoryIds)', () => {
  const ids = { owner: 1234567, repository: 987654321 };
  // Through the config loader, as a synth builds it: schema defaults (restoreCheck, ...) filled in, or the stacks read undefined.
  const withIds = (name: string) => {
    const parsed = registeredEnvironments({ [name]: { ...(ENVIRONMENTS[name] as Json), delivery: { ...(ENVIRONMENTS[name] as Json).delivery,
      repositoryIds: ids } } });
    expect(parsed.map((e) => e.name)).toEqual([name]);
    return parsed[0] as never;
  };
  const awsClaims = (sub: string) => ({ 'token.actions.githubusercontent.com:aud': IMMUTABLE_DEPLOY_TOKEN.aud, 'token.actions.githubusercontent.com:sub': sub,
    'token.actions.githubusercontent.com:ref': IMMUTABLE_DEPLOY_TOKEN.ref,
    'token.actions.githubusercontent.com:job_workflow_ref': IMMUTABLE_DEPLOY_TOKEN.job_workflow_ref });
  const nameSub = IMMUTABLE_DEPLOY_TOKEN.sub.replace('example-org-1234567/rocketchat-platform-987654321', 'example-org/rocketchat-platform');
  const provider = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';

  it('with the ids configured, the deploy role trusts the immutable subject and no longer the name-only one (a recycled name mints nothing)', async () => {
    const stack = new AwsBootstrapStack(new App(), 'bootstrap-euw1-222222222222', [withIds('aws-prod')], 'example-rocketchat-tfstate-222222222222',
      'eu-west-1');
    const model = awsAccessModel({ 'bootstrap-euw1-222222222222': JSON.parse(Testing.synth(stack)) as Json });
    await assertAssume(model, { role: 'aws-prod-ci-deploy', provider, claims: awsClaims(IMMUTABLE_DEPLOY_TOKEN.sub) }, true);
    await assertAssume(model, { role: 'aws-prod-ci-deploy', provider, claims: awsClaims(nameSub) }, false);
    await assertAssume(model, { role: 'aws-prod-ci-deploy', provider, claims: awsClaims(IMMUTABLE_DEPLOY_TOKEN.sub.replace('987654321', '987654322')) }, false);
  });

  it('without them (the examples), an immutable-subject token is refused: logins fail closed until config says which form', async () => {
    await assertAssume(model, { role: 'aws-prod-ci-deploy', provider, claims: awsClaims(IMMUTABLE_DEPLOY_TOKEN.sub) }, false);
    await assertAssume(model, { role: 'aws-prod-ci-deploy', provider, claims: awsClaims(nameSub) }, true);
  });

  it('Azure federated credentials name the immutable subject exactly', () => {
    // Loaded, so the stack sees config defaults (app.backups.restoreCheck) as every real synth does.
    const [env] = loadEnvironments({ 'azure-prod': withIds('azure-prod') }, undefined) as Json[];
    const state = env!.state as Json;
    const stack = new AzureBootstrapStack(new App(), `bootstrap-${state.storageAccountName}`, [env as never], state as never);
    const subjects = resources(JSON.parse(Testing.synth(stack)) as Json, 'azurerm_federated_identity_credential').map((c) => c.subject as string);
    expect(subjects).toContain(IMMUTABLE_DEPLOY_TOKEN.sub.replaceAll('aws-prod', 'azure-prod'));
    for (const subject of subjects) expect(subject.startsWith('repo:example-org-1234567/rocketchat-platform-987654321:'), subject).toBe(true);
  });
});
