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
import { arr, obj, type Loose, type Problem } from './rules-kit';

/** Labels GitHub uses for its hosted runner images (ubuntu-24.04, windows-latest, macos-15, ...). */
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-/;

/** Why the environment's cluster API is not open to the internet, or undefined when it is. */
function restriction(env: Loose): string | undefined {
  const k8s = obj(env.kubernetes);
  if (env.cloud === 'aws') {
    const cidrs = arr(k8s.publicEndpointCidrs);
    if (cidrs.includes('0.0.0.0/0')) return undefined;
    return cidrs.length === 0
      ? 'the cluster API is private (kubernetes.publicEndpointCidrs is empty)'
      : `the cluster API admits only kubernetes.publicEndpointCidrs ${cidrs.map(String).join(', ')}`;
  }
  if (env.cloud === 'azure') {
    const api = obj(k8s.apiServer);
    const ranges = arr(api.authorizedIpRanges);
    if (api.access === 'authorized-ranges' && ranges.includes('0.0.0.0/0')) return undefined;
    return api.access === 'private'
      ? 'the cluster API is private (kubernetes.apiServer.access "private")'
      : `the cluster API admits only kubernetes.apiServer.authorizedIpRanges ${ranges.map(String).join(', ')}`;
  }
  return undefined;
}

function labelsOf(value: unknown): string[] {
  return arr(value).filter((l): l is string => typeof l === 'string');
}

function show(labels: readonly string[]): string {
  return `[${labels.map((l) => JSON.stringify(l)).join(', ')}]`;
}

/** One problem when a plan job could be given a deploy runner (or the reverse). */
function separateRunners(delivery: Loose, problems: Problem[]): void {
  const plan = labelsOf(delivery.planRunner);
  const deploy = labelsOf(delivery.deployRunner);
  if (plan.length === 0 || deploy.length === 0) return;
  const lower = (labels: string[]) => new Set(labels.map((l) => l.toLowerCase()));
  const within = (a: string[], b: string[]) => [...lower(a)].every((l) => lower(b).has(l));
  if (!within(plan, deploy) && !within(deploy, plan)) return;
  const smaller = within(plan, deploy) ? 'delivery.planRunner' : 'delivery.deployRunner';
  problems.push({
    path: 'delivery.deployRunner',
    message: `${show(deploy)} and delivery.planRunner ${show(plan)} can select the same runner: GitHub runs a job on any runner carrying all its labels, and every label of ${smaller} is in the other set, so pull-request code could run where prod applies run (allowed: two label sets that each have a label the other lacks, such as "plan" and "deploy" pool labels)`,
  });
}

export function deliveryRules(env: Loose, problems: Problem[]): void {
  const delivery = obj(env.delivery);
  separateRunners(delivery, problems);
  if (env.tier === 'prod' && (delivery.reviewers === undefined || (Array.isArray(delivery.reviewers) && delivery.reviewers.length === 0))) {
    problems.push({
      path: 'delivery.reviewers',
      message: `[] is empty for a prod environment, whose applies must wait for a reviewer (allowed: 1 to 6 GitHub logins or <org>/<team> slugs, such as "example-org/platform-admins")`,
    });
  }
  // GitHub environments accept only teams of the repository's own organization as reviewers.
  const owner = typeof delivery.repository === 'string' ? delivery.repository.split('/')[0] : undefined;
  arr(delivery.reviewers).forEach((reviewer, i) => {
    if (typeof reviewer !== 'string' || !owner || !reviewer.includes('/')) return;
    const org = reviewer.split('/')[0];
    if (org !== owner) {
      problems.push({
        path: `delivery.reviewers[${i}]`,
        message: `"${reviewer}" is a team of ${org}, not of ${owner}, which owns delivery.repository (allowed: a GitHub login or a team of ${owner}, such as "${owner}/platform-admins")`,
      });
    }
  });
  const why = restriction(env);
  if (!why) return;
  for (const field of ['planRunner', 'deployRunner'] as const) {
    arr(delivery[field]).forEach((label, i) => {
      if (typeof label !== 'string' || !GITHUB_HOSTED.test(label)) return;
      problems.push({
        path: `delivery.${field}[${i}]`,
        message: `"${label}" is a GitHub-hosted runner, which cannot reach the cluster: ${why} (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", "${String(env.name)}"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)`,
      });
    });
  }
}
