/**
 * Names CI and the stacks must agree on, derived from the environment so that adding one needs no
 * list edited anywhere, and the exact GitHub OIDC subjects each CI identity trusts.
 *
 * GitHub's default `sub` (`repo:<o>/<r>:environment:<env>`) is the same for every workflow and
 * every branch: any writer's pull request could name `environment: aws-dev` and get the dev deploy
 * identity. The repository's OIDC subject template (OIDC_SUBJECT_CLAIMS, written by the GitHub
 * settings stack, stacks/github-settings-stack.ts) makes GitHub put the job's context, the run's
 * ref and the workflow file that defines the job into `sub`:
 *
 *   repo:<o>/<r>:environment:<env>:ref:<run ref>:job_workflow_ref:<o>/<r>/.github/workflows/<file>@<ref>
 *
 * `ref` is there on top of `repo`, `context` and `job_workflow_ref` because `job_workflow_ref`
 * names the *called* workflow: a pull request can call `<o>/<r>/.github/workflows/
 * deploy-environment.yml@main` from a workflow of its own, and that job's `job_workflow_ref` is
 * main's file, but its `ref` is still `refs/pull/<n>/merge`.
 *
 * Who is trusted (docs/delivery.md has the workflows):
 * - deploy `<env>`: only deploy-environment.yml from main, run from main (deploy.yml on push or
 *   dispatch on main), in the `<env>` GitHub environment.
 * - plan `<env>-plan`: drift.yml from main; for gated (prod-tier) environments the plan job of
 *   deploy-environment.yml from main; and, only where pullRequestPlans(env), ci.yml on a pull
 *   request (`refs/pull/<n>/merge`, a wildcard only AWS can express).
 */
import type { AwsEnvironment, Environment } from './schema';
import { ciRoleName } from './names';

/** The repository's OIDC subject template (`include_claim_keys`), in the order GitHub writes them. */
export const OIDC_SUBJECT_CLAIMS = ['repo', 'context', 'ref', 'job_workflow_ref'] as const;

/** Workflow files under .github/workflows that hold a CI identity. */
export const CI_WORKFLOWS = {
  /** Plans of pull requests. */
  pullRequest: 'ci.yml',
  /** Daily drift check (schedule and dispatch, main only). */
  drift: 'drift.yml',
  /** One environment's deploy, called by deploy.yml: the gated plan and the apply. */
  deploy: 'deploy-environment.yml',
} as const;

export const MAIN_REF = 'refs/heads/main';
/** A pull request's run ref; `*` is the pull request number (AWS StringLike only). */
export const PULL_REQUEST_REF = 'refs/pull/*/merge';

/** One kind of job a CI identity accepts: a workflow file at a ref, in a GitHub environment. */
export interface TrustedJob {
  readonly workflow: string;
  readonly ref: string;
  readonly githubEnvironment: string;
  /** The `sub` GitHub writes for that job under OIDC_SUBJECT_CLAIMS (`*` only in PULL_REQUEST_REF). */
  readonly subject: string;
  /** The `job_workflow_ref` claim of that job. */
  readonly jobWorkflowRef: string;
}

export interface CiIdentity {
  /** IAM role name (AWS) or user-assigned managed identity name (Azure). */
  name: string;
  /** GitHub environment the job runs in; its name is in the OIDC subject. */
  githubEnvironment: string;
  /** Every job the identity trusts, one subject each. */
  jobs: TrustedJob[];
}

/** GitHub's numeric owner and repository ids (delivery.repositoryIds). */
export interface RepositoryIds {
  readonly owner: number;
  readonly repository: number;
}

/**
 * The `repo` part of `sub`: `<owner>/<name>`, or with immutable subject claims
 * `<owner>-<owner id>/<name>-<repository id>` (GitHub changelog 2026-04-23, "Immutable subject
 * claims for GitHub Actions OIDC tokens"), which a new owner of a recycled name cannot mint.
 * `job_workflow_ref` keeps the names: the change concerns `sub` only.
 */
export function subjectRepository(repository: string, ids?: RepositoryIds): string {
  if (!ids) return repository;
  const [owner, name] = repository.split('/') as [string, string];
  return `${owner}-${ids.owner}/${name}-${ids.repository}`;
}

export function githubSubject(repository: string, githubEnvironment: string, ref: string, workflow: string, ids?: RepositoryIds): string {
  return `repo:${subjectRepository(repository, ids)}:environment:${githubEnvironment}:ref:${ref}:job_workflow_ref:${jobWorkflowRef(repository, workflow, ref)}`;
}

export function jobWorkflowRef(repository: string, workflow: string, ref: string): string {
  return `${repository}/.github/workflows/${workflow}@${ref}`;
}

/**
 * Whether pull requests plan this environment. Prod-tier plans read prod state, which holds
 * generated secrets: no writer's pull request may run code with that identity, so prod is planned
 * after merge (the gated deploy's plan, reviewed before apply) and by the drift check. Azure
 * federated credentials match a subject exactly and a pull request's ref carries its number, so
 * no credential can trust every pull request: Azure environments are planned after merge too
 * (docs/delivery.md, "Who can reach which identity").
 */
export function pullRequestPlans(env: Environment): boolean {
  return env.tier === 'dev' && env.cloud === 'aws';
}

export function ciIdentities(env: Environment): { plan: CiIdentity; deploy: CiIdentity } {
  const repository = env.delivery.repository;
  const job = (workflow: string, ref: string, githubEnvironment: string): TrustedJob => ({
    workflow,
    ref,
    githubEnvironment,
    subject: githubSubject(repository, githubEnvironment, ref, workflow, env.delivery.repositoryIds),
    jobWorkflowRef: jobWorkflowRef(repository, workflow, ref),
  });
  const planEnvironment = `${env.name}-plan`;
  const planJobs = [
    ...(pullRequestPlans(env) ? [job(CI_WORKFLOWS.pullRequest, PULL_REQUEST_REF, planEnvironment)] : []),
    job(CI_WORKFLOWS.drift, MAIN_REF, planEnvironment),
    ...(env.tier === 'prod' ? [job(CI_WORKFLOWS.deploy, MAIN_REF, planEnvironment)] : []),
  ];
  return {
    plan: { name: ciRoleName(env.name, 'plan'), githubEnvironment: planEnvironment, jobs: planJobs },
    deploy: { name: ciRoleName(env.name, 'deploy'), githubEnvironment: env.name, jobs: [job(CI_WORKFLOWS.deploy, MAIN_REF, env.name)] },
  };
}

/** The ARNs of the environment's CI roles (AWS): the bootstrap stack names them, the cluster layer and the CI matrix find them by name. */
export function ciRoleArns(env: AwsEnvironment, partition = 'aws'): { plan: string; deploy: string } {
  const ci = ciIdentities(env);
  const arn = (name: string) => `arn:${partition}:iam::${env.aws.accountId}:role/${name}`;
  return { plan: arn(ci.plan.name), deploy: arn(ci.deploy.name) };
}

/** The managed policy every role created by `<env>`'s deploy role must carry as its permissions boundary (constructs/aws/deploy-fence.ts). */
export function deployBoundaryArn(environment: string, accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:policy/${ciRoleName(environment, 'deploy')}-boundary`;
}
