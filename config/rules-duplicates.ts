/**
 * Lists whose entries become one cloud object each, or one entry of a cloud list that refuses
 * duplicates: a repeat fails at apply (a second EKS access entry for the same role, a repeated
 * CIDR in the endpoint's access list) or at synth (two endpoints with one construct id).
 * Also: the IAM partition of role ARNs must be the commercial one the stacks use.
 */
import { arr, obj, type Loose, type Problem } from './rules-kit';

const LISTS: Record<'aws' | 'azure', ReadonlyArray<readonly [path: string, what: string]>> = {
  aws: [
    ['network.interfaceEndpoints', 'one VPC endpoint per service'],
    ['kubernetes.adminRoleArns', 'one EKS access entry per role'],
    ['kubernetes.publicEndpointCidrs', 'each CIDR once in the endpoint access list'],
  ],
  azure: [
    ['kubernetes.adminGroupObjectIds', 'each group once'],
    ['kubernetes.apiServer.authorizedIpRanges', 'each range once in the API server access list'],
    ['keyVault.allowedIpRanges', 'each range once in the vault firewall'],
  ],
};

function at(env: Loose, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => obj(v)[key], env);
}

function repeats(list: unknown, path: string, what: string, problems: Problem[]): void {
  const seen = new Set<unknown>();
  arr(list).forEach((item, i) => {
    if (typeof item !== 'string') return;
    if (seen.has(item)) problems.push({ path: `${path}[${i}]`, message: `"${item}" is listed twice (allowed: ${what})` });
    seen.add(item);
  });
}

export function duplicateRules(env: Loose, problems: Problem[]): void {
  if (env.cloud !== 'aws' && env.cloud !== 'azure') return;
  for (const [path, what] of LISTS[env.cloud]) repeats(at(env, path), path, what, problems);
  if (env.cloud !== 'aws') return;
  arr(obj(env.kubernetes).nodePools).forEach((pool, i) => {
    repeats(obj(pool).instanceTypes, `kubernetes.nodePools[${i}].instanceTypes`, 'each instance type once; EKS refuses a repeated type', problems);
  });
  arr(obj(env.kubernetes).adminRoleArns).forEach((arn, i) => {
    const partition = typeof arn === 'string' ? /^arn:(aws-cn|aws-us-gov):/.exec(arn)?.[1] : undefined;
    if (partition) {
      problems.push({
        path: `kubernetes.adminRoleArns[${i}]`,
        message: `"${String(arn)}" is in the ${partition} partition, but the cluster is in a commercial AWS Region (allowed: an arn:aws:iam:: role ARN)`,
      });
    }
  });
}
