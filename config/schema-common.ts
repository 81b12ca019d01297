/** Schema pieces every cloud shares. */
import { int, list, literal, maybe, object, oneOf, optional, record, text } from './schema-kit';

/**
 * Kubernetes minor versions the project accepts. Source: the EKS and AKS
 * release calendars (standard support) as listed in issue 4; re-check both
 * calendars before adding or removing a version.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.32', '1.33', '1.34', '1.35'] as const;

export const ENV_NAME = /^(aws|azure)-[a-z0-9]+(-[a-z0-9]+)*$/;
export const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// Shape only: each cloud's character set, reserved prefixes and lengths are checked on the final tags (config/rules-names.ts).
const TAG_KEY = /^[^\p{Cc}]{1,128}$/u;
const TAG_VALUE = /^[^\p{Cc}]{0,256}$/u;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const tier = oneOf(['dev', 'prod']);
export const domain = text('a lowercase DNS name such as chat.example.com', DOMAIN);
export const tags = record(
  text('a tag key of 1-128 characters without control characters', TAG_KEY),
  text('a tag value of up to 256 characters without control characters', TAG_VALUE),
  'an object of tag key to tag value',
);
export const keyPrefix = text('a path prefix such as rocketchat/prod', /^[a-z0-9][a-z0-9/_-]{0,100}[a-z0-9]$/);

export const localBackend = object({
  type: literal('local'),
  /** Directory, relative to the repository root, that holds <stack>.tfstate files. */
  directory: text('a relative path inside the repository such as terraform-state', /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/),
});

export const kubernetesVersion = oneOf(SUPPORTED_KUBERNETES_VERSIONS);
export const sizes = { minSize: int(0, 100), desiredSize: int(0, 100), maxSize: int(1, 100) };

const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const runnerLabels = list(text('a runner label such as self-hosted or ubuntu-24.04', RUNNER_LABEL), 1, 10, 'runner labels');
/** A GitHub user login, or a team as <org>/<team slug>. */
const REVIEWER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[a-z0-9][a-z0-9._-]{0,99})$/;

/**
 * How CI reaches this environment. The repository pins the OIDC trust of the environment's CI
 * identities; the runner labels are the `runs-on` of its plan and deploy jobs, so a cluster with a
 * private or IP-restricted API endpoint is planned and applied from runners that can reach it.
 */
export const delivery = object({
  /** GitHub repository (owner/name) whose workflows plan and deploy this environment. */
  repository: text('a GitHub repository as owner/name, such as example-org/rocketchat-platform', GITHUB_REPOSITORY),
  /** `runs-on` labels of the jobs that plan (pull requests, drift checks, the gated plan). */
  planRunner: runnerLabels,
  /** `runs-on` labels of the jobs that apply: a pool of ephemeral runners no plan job can select (config/rules-delivery.ts). */
  deployRunner: runnerLabels,
  /**
   * Who approves an apply of this environment (its `<env>` GitHub environment's required reviewers,
   * written by the GitHub settings stack): GitHub logins or `<org>/<team>` slugs. GitHub allows six.
   * Required for prod.
   */
  reviewers: optional(list(text('a GitHub login such as octocat or a team such as example-org/platform-admins', REVIEWER), 0, 6, 'reviewers'), []),
  /**
   * GitHub's numeric ids of the repository's owner and of the repository (`gh api repos/<o>/<r>
   * --jq '.owner.id, .id'`). Set them when the repository uses GitHub's immutable subject claims
   * (default for repositories created, renamed or transferred after GitHub's cut-over, opt-in for
   * older ones): its tokens' `sub` then names `repo:<owner>-<owner id>/<name>-<repository id>`,
   * and every CI identity trusts that form only (config/delivery.ts githubSubject).
   */
  repositoryIds: maybe(object({ owner: int(1, Number.MAX_SAFE_INTEGER), repository: int(1, Number.MAX_SAFE_INTEGER) })),
});
