/**
 * Lists whose entries become one cloud object each, or one entry of a cloud list that refuses
 * duplicates: a repeat fails at apply (a second EKS access entry for the same role, a repeated
 * CIDR in the endpoint's access list) or at synth (two endpoints with one construct id).
 * Also: the IAM partition of role ARNs must be the commercial one the stacks use.
 */
import { fieldPath, type Problem, type Written, type WrittenEnvironment } from './rules-kit';
import type { AwsEnvironment, AwsEnvironmentInput, AzureEnvironment, AzureEnvironmentInput } from './schema';

type List = ReadonlyArray<string | undefined> | undefined;
type Entry<T> = readonly [path: string, list: (env: Written<T>) => List, what: string];

const aws = fieldPath<AwsEnvironment>;
const azure = fieldPath<AzureEnvironment>;

const AWS_LISTS: ReadonlyArray<Entry<AwsEnvironmentInput>> = [
  [aws((e) => e.network.interfaceEndpoints), (env) => env.network?.interfaceEndpoints, 'one VPC endpoint per service'],
  [aws((e) => e.kubernetes.adminRoleArns), (env) => env.kubernetes?.adminRoleArns, 'one EKS access entry per role'],
  [aws((e) => e.kubernetes.publicEndpointCidrs), (env) => env.kubernetes?.publicEndpointCidrs, 'each CIDR once in the endpoint access list'],
];
const AZURE_LISTS: ReadonlyArray<Entry<AzureEnvironmentInput>> = [
  [azure((e) => e.kubernetes.adminGroupObjectIds), (env) => env.kubernetes?.adminGroupObjectIds, 'each group once'],
  [azure((e) => e.kubernetes.apiServer.authorizedIpRanges), (env) => env.kubernetes?.apiServer?.authorizedIpRanges, 'each range once in the API server access list'],
  [azure((e) => e.keyVault.allowedIpRanges), (env) => env.keyVault?.allowedIpRanges, 'each range once in the vault firewall'],
];

function repeats(list: List, path: string, what: string, problems: Problem[]): void {
  const seen = new Set<string>();
  list?.forEach((item, i) => {
    if (item === undefined) return;
    if (seen.has(item)) problems.push({ path: `${path}[${i}]`, message: `"${item}" is listed twice (allowed: ${what})` });
    seen.add(item);
  });
}

export function duplicateRules(env: WrittenEnvironment, problems: Problem[]): void {
  if (env.cloud === 'azure') for (const [path, list, what] of AZURE_LISTS) repeats(list(env), path, what, problems);
  if (env.cloud !== 'aws') return;
  for (const [path, list, what] of AWS_LISTS) repeats(list(env), path, what, problems);
  env.kubernetes?.nodePools?.forEach((pool, i) => {
    repeats(pool?.instanceTypes, aws((e) => e.kubernetes.nodePools[i]?.instanceTypes), 'each instance type once; EKS refuses a repeated type', problems);
  });
  env.kubernetes?.adminRoleArns?.forEach((arn, i) => {
    const partition = arn === undefined ? undefined : /^arn:(aws-cn|aws-us-gov):/.exec(arn)?.[1];
    if (partition) {
      problems.push({
        path: aws((e) => e.kubernetes.adminRoleArns[i]),
        message: `"${String(arn)}" is in the ${partition} partition, but the cluster is in a commercial AWS Region (allowed: an arn:aws:iam:: role ARN)`,
      });
    }
  });
}
