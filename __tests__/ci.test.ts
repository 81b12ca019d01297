/**
 * Workstation delivery and the CI identities: Terraform version floor, bootstrap ordering and its
 * state's move into its store, the deploy wrapper, and what each CI identity is trusted by and may
 * do in the cloud and in Kubernetes, read from the synthesized stacks.
 */
import { App, Testing } from 'cdktf';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments, registeredEnvironments } from '../config/load';
import { ciPlanSecretNamespaces } from '../constructs/ci/kubernetes-scope';
import { bootstrapSteps } from '../scripts/bootstrap';
import { deployCommand } from '../scripts/deploy-environment';
import { AwsBootstrapStack } from '../stacks/aws-bootstrap-stack';
import { run } from '../synth/run';
import { byPath, parsePolicy, problemsOf, readOutdir, resources, synthExamples, tempDir, type Json } from './support';

const synth = synthExamples();
const stack = (name: string): Json => synth.stacks[name]!;
const AWS_STORE = 'bootstrap-euw1-222222222222';
const AZURE_STORE = 'bootstrap-exrctfstateprod01';
const statements = (policy: string): Json[] => parsePolicy(policy).Statement;

describe('every stack', () => {
  it('declares the Terraform version S3-native locking needs', () => {
    expect(Object.keys(synth.stacks).length).toBeGreaterThanOrEqual(20);
    for (const [name, s] of Object.entries(synth.stacks)) expect(s.terraform?.required_version, name).toBe('>= 1.10');
  });

  it('of a layer depends on its state store\'s bootstrap stack, so deploy never starts one before its state exists', () => {
    const manifest = synth.manifest as { stacks: Record<string, { dependencies: string[] }> };
    expect(manifest.stacks['aws-prod-network']!.dependencies).toEqual([AWS_STORE]);
    expect(manifest.stacks['aws-dev-network']!.dependencies).toEqual(['bootstrap-euw1-111111111111']);
    expect(manifest.stacks['azure-prod-network']!.dependencies).toEqual([AZURE_STORE]);
    expect(manifest.stacks['azure-dev-app']!.dependencies).toContain('bootstrap-exrctfstatedev01');
    // aws-prod's store uses the account's GitHub OIDC provider, which aws-dr's store (first by stack id) owns.
    expect(manifest.stacks[AWS_STORE]!.dependencies).toEqual(['bootstrap-euc1-222222222222']);
    // The GitHub settings stack reads the Azure stores' bootstrap outputs (AZURE_CLIENT_ID) and the gated AWS stores' (PLAN_SIGNING_KEY_ARN).
    expect(manifest.stacks['gh-rocketchat-platform-settings']!.dependencies.sort()).toEqual([
      'bootstrap-euc1-222222222222', 'bootstrap-euw1-222222222222', 'bootstrap-exrctfstatedev01', 'bootstrap-exrctfstatedr01', 'bootstrap-exrctfstateprod01',
    ]);
    for (const [name, s] of Object.entries(manifest.stacks)) {
      if (name.startsWith('bootstrap-') && name !== AWS_STORE) expect(s.dependencies, name).toEqual([]);
      else if (!name.startsWith('bootstrap-') && !name.startsWith('gh-')) expect(s.dependencies.filter((d) => d.startsWith('bootstrap-')), name)
        .toHaveLength(1);
    }
  });
});

describe('bootstrap state', () => {
  it('lives in the store the bootstrap stack creates, under bootstrap/, locked', () => {
    expect(stack(AWS_STORE).terraform.backend).toEqual({
      s3: { bucket: 'example-rocketchat-tfstate-222222222222', key: `bootstrap/${AWS_STORE}.tfstate`, region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(stack(AZURE_STORE).terraform.backend.azurerm).toMatchObject({ storage_account_name: 'exrctfstateprod01', container_name: 'tfstate',
      resource_group_name: 'rg-rocketchat-tfstate-prod', key: `bootstrap/${AZURE_STORE}.tfstate`, use_azuread_auth: true });
  });

  it('is local only for the stacks BOOTSTRAP_LOCAL_STATE names (the first apply)', () => {
    const before = process.env.BOOTSTRAP_LOCAL_STATE;
    process.env.BOOTSTRAP_LOCAL_STATE = 'bootstrap-euw1-111111111111';
    try {
      const dev = synthExamples('aws-dev');
      expect(dev.stacks['bootstrap-euw1-111111111111']!.terraform.backend).toEqual({
        local: { path: '../../../terraform-state/bootstrap-euw1-111111111111.tfstate' },
      });
      expect(dev.stacks['aws-dev-network']!.terraform.backend.s3.bucket).toBe('example-rocketchat-tfstate-111111111111');
    } finally {
      if (before === undefined) delete process.env.BOOTSTRAP_LOCAL_STATE;
      else process.env.BOOTSTRAP_LOCAL_STATE = before;
    }
  });

  it('moves into the store with a scripted terraform init -migrate-state after the first apply', () => {
    const show = (migrateOnly: boolean) =>
      bootstrapSteps('bootstrap-exrctfstatedev01', { migrateOnly }).map((s) => `${Object.entries(s.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${s
        .command} ${s.args.join(' ')}`);
    const migration = ['BOOTSTRAP_LOCAL_STATE=bootstrap-exrctfstatedev01 CHECKPOINT_DISABLE=1 CDKTF_OUTDIR=cdktf.out node_modules/.bin/tsx main.ts',
      'terraform -chdir=cdktf.out/stacks/bootstrap-exrctfstatedev01 init -input=false', 'CDKTF_OUTDIR=cdktf.out node_modules/.bin/tsx main.ts',
      'terraform -chdir=cdktf.out/stacks/bootstrap-exrctfstatedev01 init -input=false -migrate-state -force-copy',
      'terraform -chdir=cdktf.out/stacks/bootstrap-exrctfstatedev01 state list'];
    expect(show(true)).toEqual(migration);
    expect(show(false)).toEqual([
      'BOOTSTRAP_LOCAL_STATE=bootstrap-exrctfstatedev01 CHECKPOINT_DISABLE=1 CDKTF_OUTDIR=cdktf.out node_modules/.bin/cdktf deploy bootstrap-exrctfstatedev01',
      ...migration,
    ]);
    expect(() => bootstrapSteps('aws-prod-network', { migrateOnly: true })).toThrow('"aws-prod-network" is not a bootstrap stack');
  });
});

describe('workstation deploys', () => {
  it('deploy one environment\'s layers in order, one at a time, past the separately applied bootstrap stack', () => {
    const c = deployCommand('aws-prod', []);
    expect(c.args).toEqual(['deploy', 'aws-prod-network', 'aws-prod-cluster', 'aws-prod-platform', 'aws-prod-app', '--ignore-missing-stack-dependencies',
      '--parallelism', '1']);
    expect(c.env).toEqual({ ENVIRONMENTS: 'aws-prod', CHECKPOINT_DISABLE: '1' });
    expect(deployCommand('azure-dev', ['app', 'cluster'], ['--auto-approve']).args).toEqual([
      'deploy', 'azure-dev-cluster', 'azure-dev-app', '--ignore-missing-stack-dependencies', '--parallelism', '1', '--auto-approve',
    ]);
    // Every registered environment, sorted (the registry is the one list: README, "Adding an environment").
    expect(() => deployCommand('aws-qa', [])).toThrow(`"aws-qa" is not an environment (allowed: ${Object.keys(ENVIRONMENTS).sort().join(', ')})`);
    expect(() => deployCommand('aws-dev', ['db'])).toThrow('"db" is not a layer (allowed: network, cluster, platform, app)');
  });

  it('rely on a cdktf-cli flag that exists in the pinned 0.21.0 and skips only the dependency check', () => {
    const cli = readFileSync('node_modules/cdktf-cli/bundle/bin/cmds/handlers.js', 'utf8');
    expect(JSON.parse(readFileSync('node_modules/cdktf-cli/package.json', 'utf8')).version).toBe('0.21.0');
    expect(cli).toContain('e.ignoreMissingStackDependencies||yUe(n)');
    expect(cli).toContain('The following dependencies are not included in the stacks to run');
  });

  it('run the local tsx directly, not through npx', () => {
    expect(JSON.parse(readFileSync('cdktf.json', 'utf8')).app).toBe('node_modules/.bin/tsx main.ts');
  });
});

describe('AWS CI roles (bootstrap stack)', () => {
  const boot = stack(AWS_STORE);
  const role = (name: string) => resources(boot, 'aws_iam_role').find((r) => r.name === name)!;

  it('trust GitHub\'s OIDC provider, created once in the account by its first store\'s stack', () => {
    expect(resources(boot, 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(resources(stack('bootstrap-euc1-222222222222'), 'aws_iam_openid_connect_provider')).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'], tags: { Name: 'github-actions' }, lifecycle: {
        prevent_destroy: true } },
    ]);
  });

  it('pin each role to named workflow files at named refs, in its GitHub environment (stacks-access-matrix.test.ts evaluates them)', () => {
    const trust = (name: string) => statements(role(name).assume_role_policy);
    const repo = 'example-org/rocketchat-platform';
    const subjects = (name: string) => trust(name).map((s) => s.Condition.StringEquals['token.actions.githubusercontent.com:sub']);
    // The whole statement: the access matrix's tokens always carry a sub holding the same ref and workflow, so it cannot see the
    // ref and job_workflow_ref pins (kept so a reset subject template cannot loosen the trust), nor Action or Principal.
    const workflow = `${repo}/.github/workflows/deploy-environment.yml@refs/heads/main`;
    expect(trust('aws-prod-ci-deploy')).toEqual([{ Sid: 'GitHubDeployEnvironment0', Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': `repo:${repo}:environment:aws-prod:ref:refs/heads/main:job_workflow_ref:${workflow}`,
        'token.actions.githubusercontent.com:ref': 'refs/heads/main', 'token.actions.githubusercontent.com:job_workflow_ref': workflow } } }]);
    // Prod plans only after merge: drift and the gated plan, both from main.
    expect(subjects('aws-prod-ci-plan')).toEqual([
      `repo:${repo}:environment:aws-prod-plan:ref:refs/heads/main:job_workflow_ref:${repo}/.github/workflows/drift.yml@refs/heads/main`,
      `repo:${repo}:environment:aws-prod-plan:ref:refs/heads/main:job_workflow_ref:${repo}/.github/workflows/deploy-environment.yml@refs/heads/main`,
    ]);
    // Dev plans also from pull requests, whose ref carries the pull request number.
    const devPlan = statements(resources(stack('bootstrap-euw1-111111111111'), 'aws_iam_role').find((r) => r.name === 'aws-dev-ci-plan')!.assume_role_policy);
    expect(devPlan[0]!.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: {
        'token.actions.githubusercontent.com:sub': `repo:${repo}:environment:aws-dev-plan:ref:refs/pull/*/merge:job_workflow_ref:${repo}/.github/` +
          `workflows/ci.yml@refs/pull/*/merge`,
        'token.actions.githubusercontent.com:ref': 'refs/pull/*/merge',
        'token.actions.githubusercontent.com:job_workflow_ref': `${repo}/.github/workflows/ci.yml@refs/pull/*/merge`,
      },
    });
    expect(devPlan).toHaveLength(2);
    expect(role('aws-prod-ci-plan').max_session_duration).toBe(3600);
    expect(role('aws-prod-ci-deploy').max_session_duration).toBe(7200);
  });

  it('give the plan role read-only access, its own and its store\'s bootstrap state, no object outside them and no writes', () => {
    const attached = resources(boot, 'aws_iam_role_policy_attachment').filter((a) => a.role === '${aws_iam_role.ci-aws-prod_plan_C8E717B7.name}');
    expect(attached.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const policy = statements(byPath(boot, 'aws_iam_role_policy', 'ci-aws-prod/plan-state').policy);
    const sid = (s: string) => policy.find((p) => p.Sid === s);
    const state = ['arn:aws:s3:::example-rocketchat-tfstate-222222222222/rocketchat/aws-prod-*',
      'arn:aws:s3:::example-rocketchat-tfstate-222222222222/bootstrap/bootstrap-euw1-222222222222.tfstate'];
    expect(sid('StateRead')).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject', Resource: state });
    expect(sid('StateLockFile')).toBeUndefined();
    expect(sid('StateKey')).toMatchObject({ Action: 'kms:Decrypt', Resource: '${aws_kms_key.state-key_753BFC90.arn}' });
    expect(sid('NoObjectReadsBeyondOwnState')).toEqual({ Sid: 'NoObjectReadsBeyondOwnState', Effect: 'Deny', Action: ['s3:GetObject',
      's3:GetObjectVersion'], NotResource: state });
    expect(sid('PlansWriteNoObject')).toMatchObject({ Effect: 'Deny', Resource: 'arn:aws:s3:::*/*' });
    expect(sid('EnvironmentSecretValues')!.Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-*',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-alerts-heartbeat-url-??????',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-alerts-oncall-url-??????',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-alerts-slack-webhook-??????',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-edge-pager-url-??????',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-rocketchat-license-??????',
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-rocketchat-smtp-??????']);
    expect(policy.filter((p) => p.Effect === 'Allow').flatMap((p) => [p.Action].flat())).not.toContain('s3:*');
  });

  it('give the deploy role administrator access fenced away from CI trust and every state store of the account', () => {
    const attached = resources(boot, 'aws_iam_role_policy_attachment').filter((a) => a.role === '${aws_iam_role.ci-aws-prod_deploy_887568E1.name}');
    expect(attached.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    const fence = statements(byPath(boot, 'aws_iam_role_policy', 'ci-aws-prod/deploy-fence').policy);
    expect(fence.every((s) => s.Effect === 'Deny')).toBe(true);
    const sid = (s: string) => fence.find((p) => p.Sid === s)!;
    expect(sid('CiIdentitiesAreManagedByTheBootstrapStack').Resource).toEqual(['arn:aws:iam::222222222222:role/*-ci-plan',
      'arn:aws:iam::222222222222:role/*-ci-deploy']);
    // `iam:*RolePolicy` covers UpdateAssumeRolePolicy (and Put/Delete/Attach/Detach RolePolicy): the IAM evaluator cases in
    // stacks-access-matrix.test.ts hold it.
    expect(sid('CiIdentitiesAreManagedByTheBootstrapStack').Action).toEqual(expect.arrayContaining(['iam:*RolePolicy', 'iam:DeleteRole', 'iam:PassRole',
      'sts:AssumeRole']));
    expect(sid('GitHubTrustIsManagedByTheBootstrapStack').Resource).toEqual(['arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
      'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com/*']);
    expect(sid('StateStoresStayAsBootstrapped').Resource).toEqual(['arn:aws:s3:::example-rocketchat-tfstate-222222222222',
      'arn:aws:s3:::example-rocketchat-tfstate-dr-222222222222']);
    expect(sid('StateStoresStayAsBootstrapped').Action).toEqual(expect.arrayContaining(['s3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutBucketVersioning',
      's3:PutLifecycleConfiguration']));
    expect(sid('BootstrapStateIsAppliedByPeople').Resource).toEqual(['arn:aws:s3:::example-rocketchat-tfstate-222222222222/bootstrap/*',
      'arn:aws:s3:::example-rocketchat-tfstate-dr-222222222222/bootstrap/*']);
    expect(sid('StateKeysStayUsable').Action).toContain('kms:ScheduleKeyDeletion');
    expect(sid('OtherStoresKeysStayUsable').Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/example-rocketchat-tfstate-222222222222',
        'alias/example-rocketchat-tfstate-dr-222222222222'] },
    });
  });

  it('publish the role ARNs the workflows assume', () => {
    expect(Object.keys(boot.output).sort()).toEqual(['aws_prod_ci_deploy_role_arn', 'aws_prod_ci_plan_role_arn', 'aws_prod_plan_signing_key_arn']);
  });
});

describe('AWS CI Kubernetes access (cluster and platform layers)', () => {
  const cluster = stack('aws-prod-cluster');
  const entries = resources(cluster, 'aws_eks_access_entry');
  const associations = resources(cluster, 'aws_eks_access_policy_association');
  const ofPrincipal = (arn: string) => {
    const key = Object.entries(cluster.resource.aws_eks_access_entry).find(([, e]) => (e as Json).principal_arn === arn)![0];
    return associations.filter((a) => a.principal_arn === `\${aws_eks_access_entry.${key}.principal_arn}`).map((a) => ({ policy: a.policy_arn, scope: a
      .access_scope }));
  };

  it('make the deploy role cluster admin', () => {
    expect(entries).toContainEqual({ cluster_name: '${aws_eks_cluster.control-plane_cluster_47C848BD.name}',
      principal_arn: 'arn:aws:iam::222222222222:role/aws-prod-ci-deploy', type: 'STANDARD' });
    expect(ofPrincipal('arn:aws:iam::222222222222:role/aws-prod-ci-deploy')).toEqual([
      { policy: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', scope: { type: 'cluster' } },
    ]);
    expect(entries.map((e) => e.principal_arn)).not.toContain('arn:aws:iam::222222222222:role/ci-deploy');
  });

  it('let the plan role read everything but Secrets, and Secrets only where Helm keeps release records', () => {
    expect(entries).toContainEqual({ cluster_name: '${aws_eks_cluster.control-plane_cluster_47C848BD.name}',
      principal_arn: 'arn:aws:iam::222222222222:role/aws-prod-ci-plan', type: 'STANDARD', kubernetes_groups: ['rocketchat-ci-plan'] });
    expect(ofPrincipal('arn:aws:iam::222222222222:role/aws-prod-ci-plan')).toEqual([
      { policy: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy',
        scope: { type: 'namespace', namespaces: ['cert-manager', 'external-dns', 'kube-system', 'mongodb', 'monitoring', 'rocketchat'] } },
      { policy: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', scope: { type: 'cluster' } },
    ]);
  });

  it('bind the plan group to a read-only ClusterRole for cluster-scoped kinds, without Secrets', () => {
    const platform = stack('aws-prod-platform');
    const [role] = resources(platform, 'kubernetes_cluster_role_v1');
    const rules = role!.rule as Json[];
    expect(rules.every((r) => JSON.stringify(r.verbs) === '["get","list","watch"]')).toBe(true);
    expect(rules.flatMap((r) => r.resources)).toEqual(expect.arrayContaining(['storageclasses', 'customresourcedefinitions', 'clusterroles',
      'clusterissuers', 'namespaces']));
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(rules.flatMap((r) => r.resources)).not.toContain('*');
    expect(resources(platform, 'kubernetes_cluster_role_binding_v1')[0]!.subject).toEqual([{ api_group: 'rbac.authorization.k8s.io', kind: 'Group',
      name: 'rocketchat-ci-plan' }]);
  });
});

describe('Azure CI identities (bootstrap stack)', () => {
  const boot = stack(AZURE_STORE);

  it('trust named workflow files from main, one federated credential per exact subject', () => {
    const repo = 'example-org/rocketchat-platform';
    const subject = (env: string, file: string) =>
      `repo:${repo}:environment:${env}:ref:refs/heads/main:job_workflow_ref:${repo}/.github/workflows/${file}@refs/heads/main`;
    expect(resources(boot, 'azurerm_user_assigned_identity').map((i) => i.name).sort()).toEqual(['azure-prod-ci-deploy', 'azure-prod-ci-plan']);
    const credentials = resources(boot, 'azurerm_federated_identity_credential').map(({ issuer, audience, subject, name }) => ({ issuer, audience, subject,
      name }));
    const github = { issuer: 'https://token.actions.githubusercontent.com', audience: ['api://AzureADTokenExchange'] };
    expect(credentials).toEqual([{ name: 'github-deploy-environment-azure-prod', ...github, subject: subject('azure-prod', 'deploy-environment.yml') },
      { name: 'github-deploy-environment-azure-prod-plan', ...github, subject: subject('azure-prod-plan', 'deploy-environment.yml') },
      { name: 'github-drift-azure-prod-plan', ...github, subject: subject('azure-prod-plan', 'drift.yml') }]);
    // Azure cannot trust every pull request (exact subjects): dev plans only from the drift check.
    expect(resources(stack('bootstrap-exrctfstatedev01'), 'azurerm_federated_identity_credential').map((c) => c.subject)).toEqual([
      subject('azure-dev', 'deploy-environment.yml'),
      subject('azure-dev-plan', 'drift.yml'),
    ]);
  });

  it('give the plan identity Reader and path-scoped state reads, the deploy identity Contributor and allowlisted role assignment', () => {
    const grants = (who: string) =>
      Object.entries<Json>(boot.resource.azurerm_role_assignment)
        .filter(([, a]) => a.principal_id === `\${azurerm_user_assigned_identity.${who}.principal_id}`)
        .map(([, a]) => `${a.role_definition_name ?? 'custom'} @ ${a.scope}`);
    const subscription = '/subscriptions/00000000-0000-0000-0000-000000000002';
    expect(grants('ci-azure-prod_plan_3CE5C745')).toEqual([`Reader @ ${subscription}`, 'Storage Blob Data Reader @ ${azurerm_storage_container.container.id}',
      'custom @ ${azurerm_key_vault_key.plan-signing_azure-prod-key_1D4DB0BF.resource_versionless_id}']);
    expect(grants('ci-azure-prod_deploy_3CE30187')).toEqual([`Contributor @ ${subscription}`, `Role Based Access Control Administrator @ ${subscription}`,
      'Storage Blob Data Contributor @ ${azurerm_storage_container.container.id}']);
    expect(resources(boot, 'azurerm_role_definition').map((d) => d.name).sort()).toEqual(['azure-prod ACME DNS01 TXT records', 'azure-prod CI plan ' +
      'Kubernetes reader', 'azure-prod CI plan release secrets reader', 'azure-prod MongoDB backup reader',
      'azure-prod disk key manager', 'azure-prod plan signer', 'plan signing key manager (${azurerm_key_vault.plan-signing_vault_B3D2CEE1.name})']);
    expect(Object.keys(boot.output).sort()).toEqual(['azure_prod_ci_deploy_client_id', 'azure_prod_ci_plan_client_id', 'azure_prod_plan_signing_key_id',
      'azure_prod_plan_signing_public_key']);
  });
});

describe('Azure CI Kubernetes access (cluster layer)', () => {
  const cluster = stack('azure-prod-cluster');
  const assignments = Object.entries<Json>(cluster.resource.azurerm_role_assignment).filter(([k]) => k.startsWith('ci-access'));
  const of = (who: 'plan' | 'deploy') => assignments.filter(([, a]) => a
    .principal_id === `\${data.azurerm_user_assigned_identity.ci-access_${who === 'plan' ? 'plan_5CC6E32B' : 'deploy_BC02036D'}.principal_id}`).map(([,
    a]) => a);
  const clusterId = '${azurerm_kubernetes_cluster.aks_cluster_D4B35EC5.id}';

  it('look the identities up where the bootstrap stack made them', () => {
    expect(resources(cluster, 'azurerm_user_assigned_identity').map((i) => i.name)).not.toContain('azure-prod-ci-plan');
    expect(Object.values<Json>(cluster.data.azurerm_user_assigned_identity).map(({ name, resource_group_name }) => ({ name, resource_group_name }))).toEqual([
      { name: 'azure-prod-ci-deploy', resource_group_name: 'rg-rocketchat-tfstate-prod' },
      { name: 'azure-prod-ci-plan', resource_group_name: 'rg-rocketchat-tfstate-prod' },
    ]);
  });

  it('make the deploy identity cluster admin and Key Vault secrets officer', () => {
    expect(of('deploy').map((a) => `${a.role_definition_name} @ ${a.scope}`)).toEqual([`Azure Kubernetes Service RBAC Cluster Admin @ ${clusterId}`,
      'Key Vault Secrets Officer @ ${azurerm_key_vault.key-vault_FE1F1979.id}']);
  });

  it('let the plan identity read everything but Secrets, and Secrets only in release namespaces', () => {
    // Defined by the bootstrap stack (the deploy identity writes no role definition); named here by their fixed ids.
    expect(resources(cluster, 'azurerm_role_definition')).toEqual([]);
    const definitions = resources(stack(AZURE_STORE), 'azurerm_role_definition').filter((d) => d.name.startsWith('azure-prod CI plan'));
    const subscription = '/subscriptions/00000000-0000-0000-0000-000000000002';
    expect(definitions.map((d) => ({ name: d.name, permissions: d.permissions, scope: d.scope, assignable: d.assignable_scopes }))).toEqual([
      {
        name: 'azure-prod CI plan Kubernetes reader',
        scope: subscription,
        assignable: [subscription],
        permissions: [{ actions: [], data_actions: ['Microsoft.ContainerService/managedClusters/*/read'],
          not_data_actions: ['Microsoft.ContainerService/managedClusters/secrets/read'] }],
      },
      { name: 'azure-prod CI plan release secrets reader', scope: subscription, assignable: [subscription], permissions: [{ actions: [],
        data_actions: ['Microsoft.ContainerService/managedClusters/secrets/read'], not_data_actions: [] }] },
    ]);
    const idOf = (name: string) => `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${definitions.find((d) => d
      .name === name)!.role_definition_id}`;
    const plan = of('plan');
    expect(plan.filter((a) => a.role_definition_name).map((a) => a.role_definition_name)).toEqual(['Key Vault Secrets User']);
    expect(plan.find((a) => a.role_definition_id === idOf('azure-prod CI plan Kubernetes reader'))!.scope).toBe(clusterId);
    expect(plan.filter((a) => a.role_definition_id === idOf('azure-prod CI plan release secrets reader')).map((a) => a.scope)).toEqual(
      ['azure-alb-system', 'cert-manager', 'external-dns', 'mongodb', 'monitoring', 'rocketchat'].map((ns) => `${clusterId}/namespaces/${ns}`),
    );
    expect(plan.some((a) => a.role_definition_name === 'Azure Kubernetes Service RBAC Cluster Admin')).toBe(false);
  });
});

describe('the plan identity\'s Secret namespaces', () => {
  it('cover every namespace where a stack installs a Helm release or manages a Secret', () => {
    for (const env of registeredEnvironments(ENVIRONMENTS)) {
      const used = new Set<string>();
      for (const [name, s] of Object.entries(synth.stacks)) {
        if (!name.startsWith(`${env.name}-`)) continue;
        for (const r of resources(s, 'helm_release')) used.add(r.namespace);
        for (const r of resources(s, 'kubernetes_secret_v1')) used.add(r.metadata.namespace);
      }
      expect([...used].sort(), env.name).toEqual(ciPlanSecretNamespaces(env));
    }
  });
});

describe('a state store shared by several environments', () => {
  it('keeps every registered environment\'s CI identities when a subset is synthesized', () => {
    const prod = ENVIRONMENTS['aws-prod'] as Json;
    const registry = { 'aws-prod': prod, 'aws-stage': { ...prod, name: 'aws-stage', tier: 'prod', domain: 'stage.chat.example.com' } };
    const outdir = tempDir();
    run(registry, 'aws-stage', outdir, { log: () => undefined });
    const boot = readOutdir(outdir).stacks[AWS_STORE]!;
    expect(resources(boot, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['aws-prod-ci-deploy', 'aws-prod-ci-plan', 'aws-stage-ci-deploy',
      'aws-stage-ci-plan']);
    expect(resources(boot, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    // The repository-wide GitHub settings stack is synthesized with the whole registry only.
    expect(Object.keys(readOutdir(outdir).stacks).sort()).toEqual(['aws-stage-app', 'aws-stage-cluster', 'aws-stage-network', 'aws-stage-platform', AWS_STORE]);
  });
});

describe('AWS state stores', () => {
  it('are one per account and region, and only the account\'s first creates its one GitHub OIDC provider', () => {
    // aws-dr's store (eu-central-1) sorts first in account 222222222222; aws-prod's names the provider by ARN.
    expect(resources(stack('bootstrap-euc1-222222222222'), 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(statements(resources(stack('bootstrap-euc1-222222222222'), 'aws_iam_role').find((r) => r
      .name === 'aws-dr-ci-plan')!.assume_role_policy)[0]!.Principal).toEqual({
      Federated: '${aws_iam_openid_connect_provider.github-oidc.arn}',
    });
    expect(resources(stack('bootstrap-euw1-222222222222'), 'aws_iam_openid_connect_provider')).toEqual([]);
    expect(resources(stack('bootstrap-euw1-111111111111'), 'aws_iam_openid_connect_provider')).toHaveLength(1);
    const prod = ENVIRONMENTS['aws-prod'] as Json;
    const second = { ...prod, name: 'aws-stage', domain: 'stage.chat.example.com', state: { ...prod.state, bucket: 'example-rocketchat-tfstate-stage' } };
    expect(problemsOf(() => loadEnvironments({ 'aws-prod': prod, 'aws-stage': second }, undefined))).toEqual([
      'config/aws-stage: state.bucket: "example-rocketchat-tfstate-stage" is a second state store in AWS account 222222222222 and region eu-west-1, ' +
        'where aws-prod keeps its state in example-rocketchat-tfstate-222222222222 (allowed: one S3 state store per account and region; its bootstrap ' +
        'stack is named after both)',
    ]);
  });
});

describe('stack names', () => {
  it('fit the 31-character column of cdktf list, so each can be copied from it', () => {
    for (const name of Object.keys(synth.stacks)) expect(name.length, name).toBeLessThanOrEqual(31);
    const prod = ENVIRONMENTS['aws-prod'] as Json;
    expect(problemsOf(() => loadEnvironments({ 'aws-production-eu-west-1': { ...prod, name: 'aws-production-eu-west-1' } }, undefined))).toEqual([
      'config/aws-production-eu-west-1: name: "aws-production-eu-west-1" makes stack names such as aws-production-eu-west-1-platform longer than 31 ' +
        'characters, which cdktf list wraps (allowed: at most 22 characters)',
    ]);
  });
});

describe('kubernetes.adminRoleArns', () => {
  it('refuses the CI roles, which get their own access entries', () => {
    const prod = ENVIRONMENTS['aws-prod'] as Json;
    const config = { ...prod, kubernetes: { ...prod.kubernetes, adminRoleArns: ['arn:aws:iam::222222222222:role/platform-admin',
      'arn:aws:iam::222222222222:role/aws-prod-ci-deploy'] } };
    expect(problemsOf(() => loadEnvironments({ ...ENVIRONMENTS, 'aws-prod': config }, 'aws-prod'))).toEqual([
      'config/aws-prod: kubernetes.adminRoleArns[1]: "arn:aws:iam::222222222222:role/aws-prod-ci-deploy" is a CI role, which the cluster layer already ' +
        'grants its own access (allowed: people\'s roles only)',
    ]);
  });
});

describe('a restoring environment\'s plan role', () => {
  it('may read the source environment\'s replicated database secrets, and only those of it', () => {
    const prod = ENVIRONMENTS['aws-prod'] as Json;
    const restoring = {
      ...prod,
      name: 'aws-dr',
      app: { ...prod.app, restore: { from: { environment: 'aws-prod', store: 'replica-bucket', prefix: 'aws-prod', region: 'eu-central-1' },
        backup: 'latest' } },
    };
    const app = new App();
    const boot = new AwsBootstrapStack(app, 'bootstrap-euw1-222222222222', [restoring as never], 'example-rocketchat-tfstate-222222222222', 'eu-west-1');
    const json = JSON.parse(Testing.synth(boot)) as Json;
    const policy = statements(Object.values<Json>(json.resource.aws_iam_role_policy).find((p) => p.name === 'state-and-secrets')!.policy);
    const resourcesOf = policy.find((s) => s.Sid === 'EnvironmentSecretValues')!.Resource as string[];
    expect(resourcesOf).toContain('arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-mongodb-users-??????');
    expect(resourcesOf).toContain('arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-mongodb-encryption-key-??????');
    expect(resourcesOf).toContain('arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-dr-*');
    expect(resourcesOf).not.toContain('arn:aws:secretsmanager:eu-west-1:222222222222:secret:aws-prod-*');
  });
});
