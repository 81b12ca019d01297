/**
 * The one naming module. Cloud names: one function per naming rule (what the cloud accepts), and
 * one builder per name the stacks create. The constructs build every such name with these builders
 * and validation checks the same builders' output against the rules (rules-names.ts), so the names
 * checked are the names deployed. A rule returns undefined for a good name, else what is wrong and
 * what is allowed. Below them: stack names and the layers, then the in-cluster names (namespaces,
 * issuers, releases) that more than one layer relies on.
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
import type { Environment } from './schema';

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

/**
 * An environment's CI roles (AWS), `<env>-ci-plan` and `<env>-ci-deploy`: the bootstrap stack creates them, the
 * cluster layer and the deploy fence find them by name (`*` for every environment's), and the deploy role's
 * permissions boundary is `<env>-ci-deploy-boundary`.
 */
export function ciRoleName(envName: string, job: 'plan' | 'deploy'): string {
  return `${envName}-ci-${job}`;
}

/** The cluster's static egress address: the network layer creates it, the cluster layer attaches it by id (no contract output needed). */
export function azureEgressIpName(envName: string): string {
  return `pip-${envName}-egress`;
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

/** Tags every resource carries, on top of the environment's own. */
export function standardTags(env: Environment): Record<string, string> {
  return finalTags(env.name, env.tags);
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

// Stacks and layers

/** Every environment's layers, in deploy order (each layer stack is named `<env>-<layer>`). */
export const LAYERS = ['network', 'cluster', 'platform', 'app'] as const;
export type Layer = (typeof LAYERS)[number];

/** The layer a stack name ends with, if it is a layer stack. */
export function layerOf(stack: string): Layer | undefined {
  return LAYERS.find((layer) => stack.endsWith(`-${layer}`));
}

export function stackName(env: Environment, layer: Layer): string {
  return `${env.name}-${layer}`;
}

/** The Kubernetes cluster name; the network layer tags subnets with it. */
export function clusterName(env: Environment): string {
  return env.name;
}

/**
 * Stack names are kept short enough to copy: `cdktf list` prints names in a column
 * 40% of an 80-character terminal wide and wraps anything longer than 31 characters mid-name.
 */
export const STACK_NAME_MAX = 31;
/** The longest layer suffix: `-platform`. */
const LONGEST_LAYER = '-platform';

/** Compass words in AWS region names, as AWS's own short region codes write them (eu-west-1 -> euw1). */
const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/** `eu-west-1` -> `euw1`, `ap-southeast-5` -> `apse5`, `us-gov-west-1` -> `usgovw1`. */
export function shortRegion(region: string): string {
  return region
    .split('-')
    .map((part, i) => (i === 0 || /^\d+$/.test(part) ? part : (DIRECTIONS[part] ?? part)))
    .join('');
}

/**
 * The bootstrap stack of the environment's remote state store, if it has one. AWS: named after the
 * store's region and account (`bootstrap-euw1-222222222222`, config allows one store per account and
 * region), since bucket names run to 63 characters. Azure: named after the storage account (at most
 * 24 characters).
 */
export function stateStoreStackId(env: Environment): string | undefined {
  const state = env.state;
  if (state.type === 's3' && env.cloud === 'aws') return `bootstrap-${shortRegion(state.region)}-${env.aws.accountId}`;
  if (state.type === 'azurerm') return `bootstrap-${state.storageAccountName}`;
  return undefined;
}

/** One line per stack name of this environment that `cdktf list` would wrap. */
export function stackNameProblems(env: Environment): string[] {
  const problems: string[] = [];
  const longest = `${env.name}${LONGEST_LAYER}`;
  if (longest.length > STACK_NAME_MAX) {
    problems.push(
      `config/${env.name}: name: "${env.name}" makes stack names such as ${longest} longer than ${STACK_NAME_MAX} characters, which cdktf list wraps (allowed: at most ${STACK_NAME_MAX - LONGEST_LAYER.length} characters)`,
    );
  }
  const store = stateStoreStackId(env);
  if (store && store.length > STACK_NAME_MAX && env.state.type === 'azurerm') {
    problems.push(
      `config/${env.name}: state.storageAccountName: "${env.state.storageAccountName}" makes the stack name ${store} longer than ${STACK_NAME_MAX} characters, which cdktf list wraps (allowed: at most ${STACK_NAME_MAX - 'bootstrap-'.length} characters)`,
    );
  }
  return problems;
}

// In-cluster names

/**
 * Names the platform creates and the app layer relies on. They are code, not
 * remote-state outputs, because they never change per deployment; values that
 * do (certificate ARN, load balancer id) travel through the platform contract.
 */
export const NAMESPACES = {
  certManager: 'cert-manager',
  externalDns: 'external-dns',
  monitoring: 'monitoring',
  /** node-exporter alone: it needs the host's network, PID namespace and root filesystem. */
  nodeMetrics: 'monitoring-node',
  /** The Percona operator, and the replica set the app layer declares (the operator watches only its own namespace). */
  mongodb: 'mongodb',
} as const;

export const CLUSTER_ISSUERS = {
  letsEncryptStaging: 'letsencrypt-staging',
  letsEncrypt: 'letsencrypt',
  /** CA issuer for in-cluster TLS (MongoDB members and clients). */
  internalCa: 'internal-ca',
} as const;

export const STORAGE_CLASSES = {
  /** Default class: encrypted, expandable, deleted with its claim. */
  standard: 'encrypted',
  /** Same disks, but the volume outlives its claim (databases). */
  retain: 'encrypted-retain',
} as const;

/** In-cluster endpoints other layers send telemetry to. */
export const TELEMETRY = {
  otlpGrpc: `alloy.${NAMESPACES.monitoring}.svc.cluster.local:4317`,
  otlpHttp: `http://alloy.${NAMESPACES.monitoring}.svc.cluster.local:4318`,
  lokiUrl: `http://loki.${NAMESPACES.monitoring}.svc.cluster.local:3100`,
  tempoOtlpGrpc: `tempo.${NAMESPACES.monitoring}.svc.cluster.local:4317`,
  tempoQueryUrl: `http://tempo.${NAMESPACES.monitoring}.svc.cluster.local:3200`,
  prometheusUrl: `http://kube-prometheus-stack-prometheus.${NAMESPACES.monitoring}.svc.cluster.local:9090`,
} as const;

/** The app layer's weekly restore check (constructs/app/restore-check.ts): the platform's alerts watch its CronJob. */
export const RESTORE_CHECK_JOB = { namespace: 'mongodb-restore-check', cronjob: 'mongodb-restore-check' } as const;

/** The psmdb-operator release (chart fullname = release name): the app layer grants it backup access on AWS. */
export const MONGODB_OPERATOR = { namespace: NAMESPACES.mongodb, serviceAccount: 'psmdb-operator', deployment: 'psmdb-operator' } as const;

/** Pod labels network policies select on. */
export const POD_SELECTORS = {
  prometheus: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'prometheus' } },
  alloy: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'alloy' } },
  /** grafana chart 12.11.1 grafana.selectorLabels (kube-prometheus-stack's subchart, no nameOverride). */
  grafana: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'grafana' } },
  /** psmdb-operator chart 1.22.0 templates/deployment.yaml pod labels, release name psmdb-operator. */
  mongodbOperator: { namespace: NAMESPACES.mongodb, labels: { 'app.kubernetes.io/name': 'psmdb-operator', 'app.kubernetes.io/instance': 'psmdb-operator' } },
} as const;

/** The app layer's Rocket.Chat release: the platform's SLO rules and the CI plan identity name its namespace and deployment. */
export const ROCKETCHAT = {
  namespace: 'rocketchat',
  release: 'rocketchat',
  /** The chart's fullname: `<release>-rocketchat`. */
  deployment: 'rocketchat-rocketchat',
  /** The Deployment's container (templates/chat-deployment.yaml). */
  container: 'rocketchat',
  serviceAccount: 'rocketchat',
  /** Container port behind the Service's port 80 (templates/chat-deployment.yaml). */
  httpPort: 3000,
  servicePort: 80,
  /** prometheusScraping.port default: the pod's metrics port. */
  metricsPort: 9100,
  /**
   * Enterprise multi-instance: each pod runs a Moleculer TCP transporter on
   * TCP_PORT (random when unset) and its peers connect to INSTANCE_IP:TCP_PORT
   * (ee/server/local-services/instance/service.ts). Fixed so a network policy can allow it.
   */
  instancePort: 4000,
  /** Answers 200 without authentication once the server is up. */
  healthCheckPath: '/api/v1/info',
  adminUser: 'admin',
} as const;
