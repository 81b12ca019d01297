/**
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

export function deliveryRules(env: Loose, problems: Problem[]): void {
  const delivery = obj(env.delivery);
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
