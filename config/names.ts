/**
 * Cloud names: one function per naming rule (what the cloud accepts), and one builder per name
 * the stacks create. The constructs build every such name with these builders and validation
 * checks the same builders' output against the rules, so the names checked are the names
 * deployed. A rule returns undefined for a good name, else what is wrong and what is allowed.
 *
 * Sources, read 2026-12-02:
 * - S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * - IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role name 64)
 * - EKS: CreateNodegroup nodegroupName 1-63; Terraform's node_group_name_prefix adds a 26-character
 *   unique suffix (terraform-provider-aws internal/create, UniqueIDSuffixLength), so a prefix
 *   takes at most 37; CreateCluster name 1-100, [0-9A-Za-z][A-Za-z0-9-_]*
 * - EC2 launch templates: 3-128 characters of [a-zA-Z0-9().-/_]
 * - Azure: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 *   (storage account 3-24 lowercase alphanumerics; Key Vault 3-24, letter first, no "--";
 *   resource group 1-90; Log Analytics workspace 4-63; managed identity 3-128)
 * - AKS: dns_prefix 1-54 alphanumerics and hyphens; node resource group at most 80 characters;
 *   Linux node pool names 1-12 lowercase alphanumerics starting with a letter
 */
import { createHash } from 'node:crypto';

export type NameRule = (name: string) => string | undefined;

function rule(min: number, max: number, pattern: RegExp, allowed: string, extra?: (name: string) => string | undefined): NameRule {
  return (name) => {
    if (name.length < min || name.length > max) return `is ${name.length} characters (allowed: ${min}-${max} characters of ${allowed})`;
    if (!pattern.test(name)) return `is not valid (allowed: ${allowed})`;
    return extra?.(name);
  };
}

const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export const s3BucketName = rule(3, 63, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit', (name) => {
  if (name.includes('..')) return 'has two adjacent dots (allowed: dots only between labels)';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'is formatted as an IP address (allowed: a name that is not an IP address)';
  const prefix = S3_RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `starts with "${prefix}", which S3 reserves (allowed: no ${S3_RESERVED_PREFIXES.join(', ')} prefix)`;
  const suffix = S3_RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `ends with "${suffix}", which S3 reserves (allowed: no ${S3_RESERVED_SUFFIXES.join(', ')} suffix)`;
  return undefined;
});
export const iamRoleName = rule(1, 64, /^[\w+=,.@-]+$/, 'letters, digits and _+=,.@-');
export const eksClusterName = rule(1, 100, /^[0-9A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and -, starting with a letter or digit');
/** The prefix Terraform completes with a 26-character suffix to a node group name of at most 63. */
export const eksNodeGroupNamePrefix = rule(1, 37, /^[0-9A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and -');
export const launchTemplateName = rule(3, 128, /^[a-zA-Z0-9().\-/_]+$/, 'letters, digits and ().-/_');
export const storageAccountName = rule(3, 24, /^[a-z0-9]+$/, 'lowercase letters and digits');
export const keyVaultName = rule(3, 24, /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/, 'letters, digits and single hyphens, starting with a letter and ending with a letter or digit');
export const aksDnsPrefix = rule(1, 54, /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'letters, digits and hyphens, starting and ending with a letter or digit');
export const aksNodeResourceGroup = rule(1, 80, /^[\w().-]*[\w()-]$/, 'letters, digits and _().-, not ending with a dot');
export const resourceGroupName = rule(1, 90, /^[\w().-]*[\w()-]$/, 'letters, digits and _().-, not ending with a dot');
export const logAnalyticsWorkspaceName = rule(4, 63, /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, 'letters, digits and hyphens, starting and ending with a letter or digit');
export const managedIdentityName = rule(3, 128, /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 'letters, digits, _ and -, starting with a letter or digit');

/**
 * Globally unique names (S3 buckets, storage accounts) need a suffix that is
 * stable for one environment and different between accounts.
 */
export function stableSuffix(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 8);
}

// AWS

/** Buckets the stacks create, by purpose (platform: loki, tempo, edge-canary; app: uploads, mongodb-backups). */
export const AWS_BUCKET_PURPOSES = ['loki', 'tempo', 'uploads', 'mongodb-backups', 'edge-canary'] as const;

export function awsBucketName(envName: string, accountId: string, purpose: string): string {
  return `${envName}-${purpose}-${stableSuffix(accountId, envName, purpose)}`;
}

/** Buckets copied to the DR region when `app.backups.dr` is set (constructs/aws/dr-region.ts). */
export const AWS_REPLICATED_PURPOSES = ['mongodb-backups', 'uploads'] as const;

/** The DR region's replica of a bucket. */
export function awsReplicaBucketName(envName: string, accountId: string, purpose: string): string {
  return `${envName}-${purpose}-dr-${stableSuffix(accountId, envName, purpose, 'dr')}`;
}

/** The role S3 assumes to replicate a bucket to the DR region. */
export function awsReplicationRoleName(envName: string, purpose: string): string {
  return `${envName}-${purpose}-replication`;
}

/** IAM roles the stacks create, `<cluster>-<purpose>`. */
export const AWS_ROLE_PURPOSES = [
  'eks-cluster',
  'eks-nodes',
  'vpc-cni',
  'ebs-csi',
  'vpc-flow-logs',
  'lb-controller',
  'cluster-autoscaler',
  'cert-manager-dns',
  'external-dns-dns',
  'loki',
  'tempo',
  'uploads',
  'mongodb-operator',
  'mongodb-backups',
  'restore-check',
  'edge-canary',
] as const;

export function awsRoleName(clusterName: string, purpose: string): string {
  return `${clusterName}-${purpose}`;
}

/** One node group (and its launch template) per pool, or per pool and zone for per-zone pools. */
export function nodeGroupName(clusterName: string, poolName: string, zone?: string): string {
  return zone === undefined ? `${clusterName}-${poolName}` : `${clusterName}-${poolName}-${zone.slice(-1)}`;
}

export function nodeGroupNamePrefix(groupName: string): string {
  return `${groupName}-`;
}

/** Grafana's public host when platform.components.grafanaEdge is on. */
export function grafanaHost(domain: string): string {
  return `grafana.${domain}`;
}

// Azure

/** Key Vault names are global: 3-24 characters, no double or trailing hyphens. */
export function azureKeyVaultName(envName: string, subscriptionId: string): string {
  const base = envName.slice(0, 13).replace(/-+$/, '');
  return `kv-${base}-${stableSuffix(subscriptionId, envName).slice(0, 6)}`;
}

/** The escrow vault of an Azure environment with `app.backups.dr` (constructs/azure/escrow-vault.ts), in the DR region. */
export function azureEscrowVaultName(envName: string, subscriptionId: string): string {
  const base = envName.slice(0, 12).replace(/-+$/, '');
  return `kvx-${base}-${stableSuffix(subscriptionId, `${envName}-escrow`).slice(0, 6)}`;
}

/** Storage accounts the stacks create: flow logs (network), observability (platform), MongoDB backups (app). */
export function azureStorageAccountName(envName: string, subscriptionId: string, purpose: 'flow-logs' | 'observability' | 'mongodb-backups'): string {
  const compact = envName.replace(/[^a-z0-9]/g, '');
  if (purpose === 'flow-logs') return `st${compact.slice(0, 12)}fl${stableSuffix(subscriptionId, envName).slice(0, 6)}`;
  const prefix = purpose === 'observability' ? 'obs' : 'bak';
  return `${prefix}${compact.slice(0, 13)}${stableSuffix(subscriptionId, envName, purpose)}`;
}

/** The resource group AKS creates for an environment's nodes (the cluster layer names it, the platform reads it). */
export function aksNodeResourceGroupName(envName: string): string {
  return `rg-${envName}-cluster-nodes`;
}

export function azureResourceGroupName(envName: string, layer: string): string {
  return `rg-${envName}-${layer}`;
}

export function logAnalyticsName(envName: string): string {
  return `log-${envName}`;
}

/** User-assigned identities the stacks create, `id-<env>-<purpose>`. */
export const AZURE_IDENTITY_PURPOSES = ['control-plane', 'kubelet', 'alb-controller', 'cert-manager-dns', 'external-dns-dns', 'loki', 'tempo', 'restore-check'] as const;

export function azureIdentityName(envName: string, purpose: string): string {
  return `id-${envName}-${purpose}`;
}

// Tags

/** The tags the project adds to every resource, after the environment's own. */
export function projectTags(envName: string): Record<string, string> {
  return { environment: envName, project: 'rocketchat', 'managed-by': 'cdktf' };
}

/** Every resource's tags: the environment's, then the project's. */
export function finalTags(envName: string, tags: Readonly<Record<string, string>>): Record<string, string> {
  return { ...tags, ...projectTags(envName) };
}

/** Cluster-autoscaler learns a pool's labels and taints for scale-from-zero from Auto Scaling group tags with these prefixes. */
export const ASG_LABEL_TAG_PREFIX = 'k8s.io/cluster-autoscaler/node-template/label/';
export const ASG_TAINT_TAG_PREFIX = 'k8s.io/cluster-autoscaler/node-template/taint/';

/**
 * AWS tags (https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html#id_tags_naming):
 * key 1-128, value 0-256, Unicode letters, digits, spaces and _.:/=+-@; the aws: prefix is AWS's own.
 */
const AWS_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export function awsTagKey(key: string): string | undefined {
  if (key.length < 1 || key.length > 128) return `is ${key.length} characters (allowed: 1-128 characters)`;
  if (/^aws:/i.test(key)) return 'starts with "aws:", which AWS reserves for its own tags (allowed: any other prefix)';
  if (!AWS_TAG_TEXT.test(key)) return 'has a character AWS refuses in tags (allowed: letters, digits, spaces and _ . : / = + - @)';
  return undefined;
}
export function awsTagValue(value: string): string | undefined {
  if (value.length > 256) return `is ${value.length} characters (allowed: 0-256 characters)`;
  if (!AWS_TAG_TEXT.test(value)) return 'has a character AWS refuses in tags (allowed: letters, digits, spaces and _ . : / = + - @)';
  return undefined;
}

/**
 * Azure tags (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations):
 * names up to 512 characters but 128 on storage accounts (the project creates some), values up to
 * 256; names cannot contain < > % & \ ? / and the prefixes microsoft, azure and windows are reserved.
 */
export function azureTagName(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return `is ${name.length} characters (allowed: 1-128 characters, the storage account limit)`;
  const bad = [...name].find((ch) => '<>%&\\?/'.includes(ch));
  if (bad) return `contains "${bad}", which Azure refuses in tag names (allowed: no < > % & \\ ? /)`;
  const reserved = /^(microsoft|azure|windows)/i.exec(name)?.[1];
  if (reserved) return `starts with "${reserved}", which Azure reserves (allowed: any other prefix)`;
  return undefined;
}
export function azureTagValue(value: string): string | undefined {
  return value.length > 256 ? `is ${value.length} characters (allowed: 0-256 characters)` : undefined;
}
