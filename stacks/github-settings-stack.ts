/**
 * `gh-<repository name>-settings`: the GitHub settings that hold CI trust, as code. Applied by a
 * repository administrator from a workstation (`GITHUB_TOKEN=$(gh auth token) npx cdktf deploy
 * gh-<name>-settings`), never by CI: no workflow holds a token that can change repository settings.
 * Synthesized only with the whole registry (no ENVIRONMENTS selection): it covers every
 * environment of the repository, and a subset must not plan the others' environments away.
 *
 * - the repository's OIDC subject template (config/delivery.ts OIDC_SUBJECT_CLAIMS), without which
 *   no CI identity's trust matches;
 * - per environment the `<env>-plan` and `<env>` GitHub environments: `<env>` deploys only from
 *   main (a deployment branch policy), with the configured reviewers, self-review refused and no
 *   administrator bypass in prod; `<env>-plan` only from main too, except where pull requests plan
 *   (config/delivery.ts pullRequestPlans);
 * - the variables CI reads: AZURE_CLIENT_ID of every Azure `<env>-plan` / `<env>`, and
 *   PLAN_SIGNING_KEY_ARN of every gated AWS `<env>`, PLAN_SIGNING_KEY_ID of every gated Azure
 *   `<env>-plan` and PLAN_SIGNING_PUBLIC_KEY of its `<env>`, read from the store's bootstrap outputs (so the
 *   bootstrap stacks are applied first, and the administrator also needs read access to the AWS
 *   state bucket);
 * - a ruleset on the default branch: changes arrive by reviewed pull request only, no force push,
 *   no deletion. "From main" means "reviewed" only with it;
 * - two organization runner groups for self-hosted runners that hold trust: `<name>-deploy` (every
 *   environment's deploy runners) and `<name>-prod-plan` (prod-tier plan runners), open to this
 *   repository only and restricted to main's deploy workflows (and drift.yml for plans), so a pull
 *   request's `runs-on` cannot land on them. Runner groups exist only for organizations: the
 *   repository's owner must be one (a production repository is). A person still registers the
 *   runners into the groups (`config.sh --runnergroup <group> --ephemeral`); this stack cannot.
 *
 * Its state is local (`terraform-state/<stack>.tfstate`, git-ignored): it holds no secret, every
 * resource it manages is a settings object the next apply overwrites or imports, and no CI identity
 * can reach a file on the administrator's disk (any state store is writable by a deploy identity).
 */
import { ActionsEnvironmentVariable } from '@cdktf/provider-github/lib/actions-environment-variable';
import { ActionsRunnerGroup } from '@cdktf/provider-github/lib/actions-runner-group';
import { DataGithubRepository } from '@cdktf/provider-github/lib/data-github-repository';
import { ActionsRepositoryOidcSubjectClaimCustomizationTemplate } from '@cdktf/provider-github/lib/actions-repository-oidc-subject-claim-customization-template';
import { DataGithubTeam } from '@cdktf/provider-github/lib/data-github-team';
import { DataGithubUser } from '@cdktf/provider-github/lib/data-github-user';
import { GithubProvider } from '@cdktf/provider-github/lib/provider';
import { RepositoryEnvironment } from '@cdktf/provider-github/lib/repository-environment';
import { RepositoryEnvironmentDeploymentPolicy } from '@cdktf/provider-github/lib/repository-environment-deployment-policy';
import { RepositoryRuleset } from '@cdktf/provider-github/lib/repository-ruleset';
import { Token } from 'cdktf';
import type { Construct } from 'constructs';
import { CI_WORKFLOWS, ciIdentities, jobWorkflowRef, MAIN_REF, OIDC_SUBJECT_CLAIMS, pullRequestPlans } from '../config/delivery';
import type { Environment } from '../config/schema';
import { LayerStack } from '../constructs/layer-stack';
import { localState, remoteState, stateLocation } from '../constructs/state-backend';
import { stateStoreStackId } from '../config/names';
import { planSigningKeyOutput } from '../constructs/aws/plan-signing-key';
import { planSigningOutputs } from '../constructs/azure/plan-signing-key';
import { BOOTSTRAP_KEY_PREFIX, BOOTSTRAP_STATE_DIRECTORY } from '../constructs/bootstrap-state';

/**
 * The stack id for a repository (`owner/name`): cdktf list shows 31 characters, and no stack id may
 * end like a layer (`-platform`, `-app`): tools find an environment's layers by that suffix.
 */
export function githubSettingsStackId(repository: string): string {
  const name = repository.split('/')[1]!.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `gh-${name.slice(0, 31 - 'gh--settings'.length).replace(/-+$/, '')}-settings`;
}

export class GithubSettingsStack extends LayerStack {
  /** `envs`: every registered environment whose workflows run in `repository`. */
  constructor(scope: Construct, id: string, repository: string, envs: readonly Environment[]) {
    super(scope, id, localState(BOOTSTRAP_STATE_DIRECTORY, id));
    const [owner, name] = repository.split('/') as [string, string];
    // The token comes from GITHUB_TOKEN on the administrator's machine (gh auth token), never from config.
    new GithubProvider(this, 'github', { owner });

    new ActionsRepositoryOidcSubjectClaimCustomizationTemplate(this, 'oidc-subject', {
      repository: name,
      useDefault: false,
      includeClaimKeys: [...OIDC_SUBJECT_CLAIMS],
    });

    new RepositoryRuleset(this, 'main', {
      name: 'main: reviewed pull requests only',
      repository: name,
      target: 'branch',
      enforcement: 'active',
      conditions: { refName: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
      rules: {
        deletion: true,
        nonFastForward: true,
        pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true, requireCodeOwnerReview: false, requiredReviewThreadResolution: true },
      },
    });

    // Runner groups accept a job only from the listed workflow files at main. Both the caller (deploy.yml)
    // and the called file (deploy-environment.yml) are listed; a pull request calling main's
    // deploy-environment.yml still lands nowhere: its jobs are skipped unless the run is main's (its `if:`).
    const repo = new DataGithubRepository(this, 'repository', { fullName: repository });
    const atMain = (workflow: string) => jobWorkflowRef(repository, workflow, MAIN_REF);
    const deployWorkflows = [atMain('deploy.yml'), atMain(CI_WORKFLOWS.deploy)];
    const groups = [
      { key: 'deploy', workflows: deployWorkflows },
      { key: 'prod-plan', workflows: [...deployWorkflows, atMain(CI_WORKFLOWS.drift)] },
    ];
    for (const group of groups) {
      new ActionsRunnerGroup(this, `runner-group-${group.key}`, {
        name: `${name}-${group.key}`,
        visibility: 'selected',
        selectedRepositoryIds: [Token.asNumber(repo.repoId)],
        restrictedToWorkflows: true,
        selectedWorkflows: group.workflows,
        allowsPublicRepositories: false,
      });
    }

    const users = new Map<string, number>();
    const teams = new Map<string, number>();
    const reviewerId = (reviewer: string): { team?: number; user?: number } => {
      const [org, slug] = reviewer.split('/');
      if (slug) {
        if (org !== owner) throw new Error(`reviewer team ${reviewer} is not of ${owner}, the repository's owner`);
        if (!teams.has(slug)) teams.set(slug, Token.asNumber(new DataGithubTeam(this, `team-${slug}`, { slug }).id));
        return { team: teams.get(slug)! };
      }
      if (!users.has(reviewer)) users.set(reviewer, Token.asNumber(new DataGithubUser(this, `user-${reviewer}`, { username: reviewer }).id));
      return { user: users.get(reviewer)! };
    };

    const mainOnly = (environment: RepositoryEnvironment, key: string) =>
      new RepositoryEnvironmentDeploymentPolicy(this, `${key}-main-only`, { repository: name, environment: environment.environment, branchPattern: 'main' });

    for (const env of envs) {
      const store = stateStoreStackId(env);
      if (!store) continue; // local state: no CI identities, nothing for CI to do
      const ci = ciIdentities(env);
      const prod = env.tier === 'prod';
      const reviewers = env.delivery.reviewers.map(reviewerId);
      const planOnlyFromMain = !pullRequestPlans(env);
      const plan = new RepositoryEnvironment(this, `${env.name}-plan`, {
        repository: name,
        environment: ci.plan.githubEnvironment,
        deploymentBranchPolicy: planOnlyFromMain ? { protectedBranches: false, customBranchPolicies: true } : undefined,
      });
      if (planOnlyFromMain) mainOnly(plan, `${env.name}-plan`);
      const deploy = new RepositoryEnvironment(this, env.name, {
        repository: name,
        environment: ci.deploy.githubEnvironment,
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        reviewers: reviewers.length > 0 ? [{ users: reviewers.flatMap((r) => (r.user === undefined ? [] : [r.user])), teams: reviewers.flatMap((r) => (r.team === undefined ? [] : [r.team])) }] : undefined,
        preventSelfReview: prod ? true : undefined,
        canAdminsBypass: !prod,
      });
      mainOnly(deploy, env.name);

      // The approved apply verifies plan signatures by this key's ARN (deploy-environment.yml): the bootstrap output, copied here
      // by an administrator's apply, so no CI identity can point it elsewhere. Gated (prod-tier) AWS environments only sign.
      if (env.cloud === 'aws' && prod) {
        const inStore = stateLocation(env, store);
        if (inStore.type !== 's3') continue;
        const bootstrap = remoteState(this, `${store}-${env.name}-state`, { ...inStore, key: `${BOOTSTRAP_KEY_PREFIX}/${store}.tfstate` });
        new ActionsEnvironmentVariable(this, `${env.name}-plan-signing-key-arn`, {
          repository: name,
          environment: deploy.environment,
          variableName: 'PLAN_SIGNING_KEY_ARN',
          value: bootstrap.getString(planSigningKeyOutput(env.name)),
        });
      }
      if (env.cloud === 'azure') {
        const inStore = stateLocation(env, store);
        if (inStore.type !== 'azurerm') continue;
        const bootstrap = remoteState(this, `${store}-state`, { ...inStore, key: `${BOOTSTRAP_KEY_PREFIX}/${store}.tfstate` });
        const prefix = env.name.replace(/-/g, '_');
        for (const [which, environment] of [['plan', plan], ['deploy', deploy]] as const) {
          new ActionsEnvironmentVariable(this, `${env.name}-${which}-client-id`, {
            repository: name,
            environment: environment.environment,
            variableName: 'AZURE_CLIENT_ID',
            value: bootstrap.getString(`${prefix}_ci_${which}_client_id`),
          });
        }
        // Gated Azure environments sign like AWS ones (constructs/azure/plan-signing-key.ts): the plan job signs with the key id,
        // the approved apply verifies against the public key, both copied here from the bootstrap outputs.
        if (prod) {
          const signing = planSigningOutputs(env.name);
          new ActionsEnvironmentVariable(this, `${env.name}-plan-signing-key-id`, {
            repository: name,
            environment: plan.environment,
            variableName: 'PLAN_SIGNING_KEY_ID',
            value: bootstrap.getString(signing.keyId),
          });
          new ActionsEnvironmentVariable(this, `${env.name}-plan-signing-public-key`, {
            repository: name,
            environment: deploy.environment,
            variableName: 'PLAN_SIGNING_PUBLIC_KEY',
            value: bootstrap.getString(signing.publicKey),
          });
        }
      }
    }
  }
}
