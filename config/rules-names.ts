/**
 * The names and tags the stacks will create, built with the constructs' own builders
 * (config/names.ts) and checked against the clouds' rules: a name that breaks a limit only once
 * the project adds its prefixes and suffixes is refused here, naming the field it comes from.
 */
import * as names from './names';
import { fieldPath as path, type Problem, type WrittenEnvironment } from './rules-kit';
import type { AwsEnvironment, AzureEnvironment, Environment } from './schema';
import { componentEnabled } from './components';

const NAME = path((e) => e.name);
const STATE_BUCKET = path<{ state: Extract<AwsEnvironment['state'], { type: 's3' }> }>((e) => e.state.bucket);

interface Built {
  /** The config field the name is made from. */
  readonly path: string;
  /** That field's value. */
  readonly value: string;
  readonly what: string;
  readonly name: string;
  readonly rule: names.NameRule;
}

function awsNames(env: AwsEnvironment): Built[] {
  const cluster = env.name;
  const built: Built[] = [
    { path: NAME, value: env.name, what: 'EKS cluster name', name: cluster, rule: names.eksClusterName },
    ...names.AWS_BUCKET_PURPOSES.map((p) => ({ path: NAME, value: env.name, what: 'S3 bucket name', name: names.awsBucketName(env.name, env.aws.accountId, p), rule: names.s3BucketName })),
    ...names.AWS_ROLE_PURPOSES.map((p) => ({ path: NAME, value: env.name, what: 'IAM role name', name: names.awsRoleName(cluster, p), rule: names.iamRoleName })),
  ];
  env.kubernetes.nodePools.forEach((pool, i) => {
    const zones = pool.perZone ? env.network.availabilityZones : [undefined];
    for (const zone of zones) {
      const group = names.nodeGroupName(cluster, pool.name, zone);
      const at = path<AwsEnvironment>((e) => e.kubernetes.nodePools[i]?.name);
      built.push(
        { path: at, value: pool.name, what: 'node group name prefix', name: names.nodeGroupNamePrefix(group), rule: names.eksNodeGroupNamePrefix },
        { path: at, value: pool.name, what: 'launch template name', name: group, rule: names.launchTemplateName },
      );
    }
  });
  if (env.app.backups.dr) {
    for (const p of names.AWS_REPLICATED_PURPOSES) {
      built.push(
        { path: NAME, value: env.name, what: 'S3 bucket name', name: names.awsReplicaBucketName(env.name, env.aws.accountId, p), rule: names.s3BucketName },
        { path: NAME, value: env.name, what: 'IAM role name', name: names.awsReplicationRoleName(env.name, p), rule: names.iamRoleName },
      );
    }
  }
  if (env.state.type === 's3') built.push({ path: STATE_BUCKET, value: env.state.bucket, what: 'S3 bucket name', name: env.state.bucket, rule: names.s3BucketName });
  return built;
}

function azureNames(env: AzureEnvironment): Built[] {
  const sub = env.azure.subscriptionId;
  const at = (what: string, name: string, rule: names.NameRule): Built => ({ path: NAME, value: env.name, what, name, rule });
  return [
    at('AKS DNS prefix', env.name, names.aksDnsPrefix),
    at('AKS node resource group', names.aksNodeResourceGroupName(env.name), names.aksNodeResourceGroup),
    at('Key Vault name', names.azureKeyVaultName(env.name, sub), names.keyVaultName),
    at('Log Analytics workspace name', names.logAnalyticsName(env.name), names.logAnalyticsWorkspaceName),
    ...(['flow-logs', 'observability', 'mongodb-backups'] as const).map((p) => at('storage account name', names.azureStorageAccountName(env.name, sub, p), names.storageAccountName)),
    ...names.LAYERS.map((l) => at('resource group name', names.azureResourceGroupName(env.name, l), names.resourceGroupName)),
    ...names.AZURE_IDENTITY_PURPOSES.map((p) => at('managed identity name', names.azureIdentityName(env.name, p), names.managedIdentityName)),
    // app.backups.dr: the escrow vault in the DR region (constructs/azure/escrow-vault.ts).
    ...(env.app.backups.dr
      ? [at('Key Vault name', names.azureEscrowVaultName(env.name, sub), names.keyVaultName), at('resource group name', names.azureResourceGroupName(env.name, 'escrow'), names.resourceGroupName)]
      : []),
  ];
}

/** Every cloud name validation checks for the environment (tests compare them with the synthesized names). */
export function builtNames(env: Environment): string[] {
  return (env.cloud === 'aws' ? awsNames(env) : azureNames(env)).map((b) => b.name);
}

/** Every name of the environment that breaks its cloud's rule; one problem per field and kind of name. */
export function namingProblems(env: Environment): Problem[] {
  const built = env.cloud === 'aws' ? awsNames(env) : azureNames(env);
  const problems: Problem[] = [];
  // The Grafana host is a certificate and DNS name: at most 253 characters in all.
  const grafana = names.grafanaHost(env.domain);
  if (componentEnabled(env, 'grafanaEdge') && grafana.length > 253) {
    problems.push({
      path: path((e) => e.domain),
      message: `"${env.domain}" makes the Grafana host name ${grafana.length} characters with ${path((e) => e.platform.components?.grafanaEdge?.enabled)} true (allowed: a domain of at most ${253 - (grafana.length - env.domain.length)} characters, or the Grafana edge off)`,
    });
  }
  const seen = new Set<string>();
  // Longest first, so the one reported per field and kind is the one that needs the most room.
  for (const b of [...built].sort((x, y) => y.name.length - x.name.length)) {
    const wrong = b.rule(b.name);
    if (!wrong || seen.has(`${b.path}/${b.what}`)) continue;
    seen.add(`${b.path}/${b.what}`);
    problems.push({
      path: b.path,
      message:
        b.path === STATE_BUCKET
          ? `"${b.value}" ${wrong}`
          : b.name === b.value
            ? `"${b.value}" is also the ${b.what}, which ${wrong}`
            : `"${b.value}" makes the ${b.what} "${b.name}", which ${wrong}`,
    });
  }
  return problems;
}

function checkTags(tags: Readonly<Record<string, string | undefined>>, at: string, key: (k: string) => string | undefined, value: (v: string) => string | undefined, problems: Problem[]): void {
  for (const [k, v] of Object.entries(tags)) {
    // Lengths past the schema's limits were reported there.
    if (k.length > 128 || (v !== undefined && v.length > 256)) continue;
    const wrongKey = key(k);
    if (wrongKey) problems.push({ path: `${at}.${k}`, message: `tag key "${k}" ${wrongKey}` });
    const wrongValue = v === undefined ? undefined : value(v);
    if (wrongValue) problems.push({ path: `${at}.${k}`, message: `tag value ${JSON.stringify(v)} ${wrongValue}` });
  }
}

/** Tag rules on the final tags: the environment's plus the project's, and on AWS the autoscaler's node-template tags. */
export function tagRules(env: WrittenEnvironment, problems: Problem[]): void {
  const tags = env.tags ?? {};
  const at = path((e) => e.tags);
  const aws = env.cloud === 'aws';
  checkTags(tags, at, aws ? names.awsTagKey : names.azureTagName, aws ? names.awsTagValue : names.azureTagValue, problems);
  const project = Object.keys(names.projectTags(''));
  const seen = new Map<string, string>();
  for (const k of Object.keys(tags)) {
    if (project.includes(k)) {
      problems.push({ path: `${at}.${k}`, message: `"${k}" is set by the project on every resource, so this value would be replaced (allowed: any key but ${project.join(', ')})` });
      continue;
    }
    // Both clouds compare tag keys without case: "Owner" and "owner" on one resource is refused.
    const clash = [...project, ...seen.keys()].find((other) => other.toLowerCase() === k.toLowerCase());
    if (clash !== undefined) {
      problems.push({ path: `${at}.${k}`, message: `"${k}" differs from the tag "${clash}" only in case, and ${aws ? 'IAM, whose roles carry every tag,' : 'Azure'} compares tag keys without case (allowed: one spelling of each key)` });
    }
    seen.set(k, k);
  }
  if (env.cloud !== 'aws') return;
  env.kubernetes?.nodePools?.forEach((pool, i) => {
    for (const label of Object.keys(pool?.labels ?? {})) {
      const key = `${names.ASG_LABEL_TAG_PREFIX}${label}`;
      if (key.length > 128) {
        problems.push({
          path: `${path<AwsEnvironment>((e) => e.kubernetes.nodePools[i]?.labels)}.${label}`,
          message: `makes the Auto Scaling group tag "${key}" (cluster-autoscaler's scale-from-zero label), which is ${key.length} characters (allowed: a label key of at most ${128 - names.ASG_LABEL_TAG_PREFIX.length} characters)`,
        });
      }
    }
    pool?.taints?.forEach((t, j) => {
      const taint = t?.key;
      const key = `${names.ASG_TAINT_TAG_PREFIX}${String(taint)}`;
      if (taint !== undefined && key.length > 128) {
        problems.push({
          path: path<AwsEnvironment>((e) => e.kubernetes.nodePools[i]?.taints[j]?.key),
          message: `makes the Auto Scaling group tag "${key}" (cluster-autoscaler's scale-from-zero taint), which is ${key.length} characters (allowed: a taint key of at most ${128 - names.ASG_TAINT_TAG_PREFIX.length} characters)`,
        });
      }
    });
  });
}
