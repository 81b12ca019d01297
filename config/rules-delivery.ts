/**
 * Runners: pull-request code runs on the plan runners, so no plan job may ever land on a deploy
 * runner. GitHub gives a job to any runner that carries every label of its `runs-on`; when one
 * label set contains the other, every runner the larger set selects is also selected by the
 * smaller, so the two pools must each have a label the other lacks (a pool label such as `plan` /
 * `deploy`). Case is ignored, as GitHub ignores it.
 *
 * Prod applies wait for reviewers: a prod environment names at least one (delivery.reviewers).
 *
 * CI runners must reach the cluster API: the platform and app stacks' helm and kubernetes providers
 * read the cluster to plan. GitHub-hosted runners come from GitHub's whole address pool, so they
 * fit only an endpoint open to 0.0.0.0/0; a private or IP-restricted endpoint needs self-hosted
 * runners inside the network (or in the allowed ranges).
 */
import { fieldPath as path, isSet, type Problem, type WrittenEnvironment } from './rules-kit';
import type { AwsEnvironment, AzureEnvironment } from './schema';

type Delivery = NonNullable<WrittenEnvironment['delivery']>;

/** Labels GitHub uses for its hosted runner images (ubuntu-24.04, windows-latest, macos-15, ...). */
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-/;

/** Why the environment's cluster API is not open to the internet, or undefined when it is. */
function restriction(env: WrittenEnvironment): string | undefined {
  if (env.cloud === 'aws') {
    const cidrs = env.kubernetes?.publicEndpointCidrs ?? [];
    const field = path<AwsEnvironment>((e) => e.kubernetes.publicEndpointCidrs);
    if (cidrs.includes('0.0.0.0/0')) return undefined;
    return cidrs.length === 0 ? `the cluster API is private (${field} is empty)` : `the cluster API admits only ${field} ${cidrs.map(String).join(', ')}`;
  }
  if (env.cloud === 'azure') {
    const api = env.kubernetes?.apiServer;
    const ranges = api?.authorizedIpRanges ?? [];
    if (api?.access === 'authorized-ranges' && ranges.includes('0.0.0.0/0')) return undefined;
    return api?.access === 'private'
      ? `the cluster API is private (${path<AzureEnvironment>((e) => e.kubernetes.apiServer.access)} "private")`
      : `the cluster API admits only ${path<AzureEnvironment>((e) => e.kubernetes.apiServer.authorizedIpRanges)} ${ranges.map(String).join(', ')}`;
  }
  return undefined;
}

function labelsOf(labels: ReadonlyArray<string | undefined> | undefined): string[] {
  return (labels ?? []).filter((l) => l !== undefined);
}

function show(labels: readonly string[]): string {
  return `[${labels.map((l) => JSON.stringify(l)).join(', ')}]`;
}

/** One problem when a plan job could be given a deploy runner (or the reverse). */
function separateRunners(delivery: Delivery, problems: Problem[]): void {
  const plan = labelsOf(delivery.planRunner);
  const deploy = labelsOf(delivery.deployRunner);
  if (plan.length === 0 || deploy.length === 0) return;
  const lower = (labels: string[]) => new Set(labels.map((l) => l.toLowerCase()));
  const within = (a: string[], b: string[]) => [...lower(a)].every((l) => lower(b).has(l));
  if (!within(plan, deploy) && !within(deploy, plan)) return;
  const smaller = within(plan, deploy) ? path((e) => e.delivery.planRunner) : path((e) => e.delivery.deployRunner);
  problems.push({
    path: path((e) => e.delivery.deployRunner),
    message: `${show(deploy)} and ${path((e) => e.delivery.planRunner)} ${show(plan)} can select the same runner: GitHub runs a job on any runner carrying all its labels, and every label of ${smaller} is in the other set, so pull-request code could run where prod applies run (allowed: two label sets that each have a label the other lacks, such as "plan" and "deploy" pool labels)`,
  });
}

export function deliveryRules(env: WrittenEnvironment, problems: Problem[]): void {
  const delivery: Delivery = env.delivery ?? {};
  separateRunners(delivery, problems);
  if (env.tier === 'prod' && (!isSet(delivery, 'reviewers') || delivery.reviewers?.length === 0)) {
    problems.push({
      path: path((e) => e.delivery.reviewers),
      message: `[] is empty for a prod environment, whose applies must wait for a reviewer (allowed: 1 to 6 GitHub logins or <org>/<team> slugs, such as "example-org/platform-admins")`,
    });
  }
  // GitHub environments accept only teams of the repository's own organization as reviewers.
  const owner = delivery.repository?.split('/')[0];
  delivery.reviewers?.forEach((reviewer, i) => {
    if (reviewer === undefined || !owner || !reviewer.includes('/')) return;
    const org = reviewer.split('/')[0];
    if (org !== owner) {
      problems.push({
        path: path((e) => e.delivery.reviewers[i]),
        message: `"${reviewer}" is a team of ${org}, not of ${owner}, which owns ${path((e) => e.delivery.repository)} (allowed: a GitHub login or a team of ${owner}, such as "${owner}/platform-admins")`,
      });
    }
  });
  const why = restriction(env);
  if (!why) return;
  for (const field of ['planRunner', 'deployRunner'] as const) {
    delivery[field]?.forEach((label, i) => {
      if (label === undefined || !GITHUB_HOSTED.test(label)) return;
      problems.push({
        path: path((e) => e.delivery[field][i]),
        message: `"${label}" is a GitHub-hosted runner, which cannot reach the cluster: ${why} (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", "${String(env.name)}"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)`,
      });
    });
  }
}
