/**
 * The GitHub settings stack (stacks/github-settings-stack.ts): the half of CI trust that lives in
 * GitHub. Read from the synthesized stack; stacks-access-matrix.test.ts shows what the cloud side accepts.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { main as matrix } from '../scripts/ci/matrix';
import { examplesOutdir, resources, synthExamples, type Json } from './support';
import { readFileSync, readdirSync } from 'node:fs';

const { stacks } = synthExamples();
const settings = stacks['gh-rocketchat-platform-settings']!;
const environments = resources(settings, 'github_repository_environment');
const env = (name: string): Json => environments.find((e) => e.environment === name)!;
/** `${github_repository_environment.<id>.environment}` -> that environment's name. */
const named = (ref: string): string => settings.resource
  .github_repository_environment[/^\$\{github_repository_environment\.([^.]+)\.environment\}$/.exec(ref)![1]!].environment;
const mainOnly = new Set(resources(settings, 'github_repository_environment_deployment_policy').map((p) => `${named(p.environment)}@${p.branch_pattern}`));

describe('GitHub settings stack', () => {
  it('sets the repository\'s OIDC subject template the identities trust', () => {
    expect(resources(settings, 'github_actions_repository_oidc_subject_claim_customization_template')).toEqual([
      { repository: 'rocketchat-platform', use_default: false, include_claim_keys: ['repo', 'context', 'ref', 'job_workflow_ref'] },
    ]);
    expect(settings.provider.github).toEqual([{ owner: 'example-org' }]);
  });

  it('keeps deploy runners and prod plan runners to main\'s deploy (and drift) workflows of this repository only: a pull request\'s runs-on lands on ' +
    'neither', () => {
    const groups = resources(settings, 'github_actions_runner_group');
    const at = (file: string) => `example-org/rocketchat-platform/.github/workflows/${file}@refs/heads/main`;
    expect(groups.map((g) => [g.name, g.selected_workflows])).toEqual([['rocketchat-platform-deploy', [at('deploy.yml'), at('deploy-environment.yml')]],
      ['rocketchat-platform-prod-plan', [at('deploy.yml'), at('deploy-environment.yml'), at('drift.yml')]]]);
    for (const g of groups) {
      expect(g).toMatchObject({ visibility: 'selected', restricted_to_workflows: true, allows_public_repositories: false,
        selected_repository_ids: ['${data.github_repository.repository.repo_id}'] });
      // Neither ci.yml (pull requests) nor any ref but main.
      expect(g.selected_workflows.some((w: string) => w.includes('ci.yml') || !w.endsWith('@refs/heads/main'))).toBe(false);
    }
    expect(Object.values<Json>(settings.data.github_repository).map((r) => r.full_name)).toEqual(['example-org/rocketchat-platform']);
  });

  it('lets every <env> environment deploy from main only; prod waits for its reviewers, without self-review or admin bypass', () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      expect(env(name).deployment_branch_policy, name).toEqual({ protected_branches: false, custom_branch_policies: true });
      expect(mainOnly.has(`${name}@main`), name).toBe(true);
    }
    for (const name of ['aws-prod', 'aws-dr', 'azure-prod', 'azure-dr']) {
      expect(env(name)).toMatchObject({ prevent_self_review: true, can_admins_bypass: false, reviewers: [{
        teams: ['${data.github_team.team-platform-admins.id}'], users: [] }] });
    }
    expect(env('aws-dev').reviewers).toBeUndefined();
    expect(Object.values<Json>(settings.data.github_team).map((t) => t.slug)).toEqual(['platform-admins']);
  });

  it('lets pull requests use only the plan environments of environments they may plan', () => {
    expect(env('aws-dev-plan').deployment_branch_policy).toBeUndefined();
    for (const name of ['aws-prod-plan', 'aws-dr-plan', 'azure-dev-plan', 'azure-prod-plan', 'azure-dr-plan']) {
      expect(env(name).deployment_branch_policy, name).toEqual({ protected_branches: false, custom_branch_policies: true });
      expect(mainOnly.has(`${name}@main`), name).toBe(true);
    }
    // The CI matrix for pull requests holds the same environments.
    process.env.CDKTF_OUT = examplesOutdir();
    try {
      expect((JSON.parse(matrix(['targets', '--pull-request'])) as Json[]).map((t) => t.environment)).toEqual(['aws-dev']);
    } finally {
      delete process.env.CDKTF_OUT;
    }
  });

  it('writes the Azure client ids CI logs in with, and the gated environments\' plan signing pins, from the stores\' bootstrap outputs', () => {
    const variables = resources(settings, 'github_actions_environment_variable').map((v) => `${named(v.environment)} ${v.variable_name}=${v.value}`);
    expect(variables.sort()).toEqual([
      'aws-dr PLAN_SIGNING_KEY_ARN=${data.terraform_remote_state.bootstrap-euc1-222222222222-aws-dr-state.outputs.aws_dr_plan_signing_key_arn}',
      'aws-prod PLAN_SIGNING_KEY_ARN=${data.terraform_remote_state.bootstrap-euw1-222222222222-aws-prod-state.outputs.aws_prod_plan_signing_key_arn}',
      'azure-dev AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstatedev01-state.outputs.azure_dev_ci_deploy_client_id}',
      'azure-dev-plan AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstatedev01-state.outputs.azure_dev_ci_plan_client_id}',
      'azure-dr AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_ci_deploy_client_id}',
      'azure-dr PLAN_SIGNING_PUBLIC_KEY=${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_plan_signing_public_key}',
      'azure-dr-plan AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_ci_plan_client_id}',
      'azure-dr-plan PLAN_SIGNING_KEY_ID=${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_plan_signing_key_id}',
      'azure-prod AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_ci_deploy_client_id}',
      'azure-prod PLAN_SIGNING_PUBLIC_KEY=${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_plan_signing_public_key}',
      'azure-prod-plan AZURE_CLIENT_ID=${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_ci_plan_client_id}',
      'azure-prod-plan PLAN_SIGNING_KEY_ID=${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_plan_signing_key_id}',
    ]);
    expect(settings.data.terraform_remote_state['bootstrap-exrctfstateprod01-state'].config).toMatchObject({
      key: 'bootstrap/bootstrap-exrctfstateprod01.tfstate', use_azuread_auth: true });
  });

  it('makes main reachable by reviewed pull request only', () => {
    expect(resources(settings, 'github_repository_ruleset')).toEqual([
      expect.objectContaining({
        target: 'branch',
        enforcement: 'active',
        conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
        rules: expect.objectContaining({ deletion: true, non_fast_forward: true, pull_request: expect.objectContaining({ required_approving_review_count: 1,
          dismiss_stale_reviews_on_push: true, require_last_push_approval: true }) }),
      }),
    ]);
  });

  it('is applied from a workstation: local state, and no workflow or CI target names it', () => {
    expect(settings.terraform.backend).toEqual({ local: { path: '../../../terraform-state/gh-rocketchat-platform-settings.tfstate' } });
    for (const file of readdirSync('.github/workflows')) expect(readFileSync(`.github/workflows/${file}`, 'utf8'), file).not
      .toMatch(/github-rocketchat|github_token.*admin/i);
    process.env.CDKTF_OUT = examplesOutdir();
    try {
      expect(matrix(['targets'])).not.toContain('github-');
    } finally {
      delete process.env.CDKTF_OUT;
    }
  });
});
