/**
 * The environment schema: one object per environment, checked for shape here and
 * for cross-field rules in rules.ts. Field names are the public contract of
 * config/environments/*.ts; every field is documented in docs/configuration.md.
 */
import type * as v from 'valibot';
import { cidr, int, list, literal, object, oneOf, record, text, variants } from './schema-kit';

/**
 * Kubernetes minor versions the project accepts. Source: the EKS and AKS
 * release calendars (standard support) as listed in issue 4; re-check both
 * calendars before adding or removing a version.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.32', '1.33', '1.34', '1.35'] as const;

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy API). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** Interface endpoints a private EKS cluster commonly needs (service suffix after com.amazonaws.<region>.). */
export const AWS_INTERFACE_ENDPOINTS = [
  'ec2',
  'ecr.api',
  'ecr.dkr',
  'eks',
  'eks-auth',
  'elasticloadbalancing',
  'kms',
  'logs',
  'secretsmanager',
  'ssm',
  'sts',
] as const;

const ENV_NAME = /^(aws|azure)-[a-z0-9]+(-[a-z0-9]+)*$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const TAG_KEY = /^[A-Za-z][A-Za-z0-9_.:-]{0,62}$/;
const TAG_VALUE = /^[A-Za-z0-9 _.:/=+@-]{0,256}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const tier = oneOf(['dev', 'prod']);
const domain = text('a lowercase DNS name such as chat.example.com', DOMAIN);
const tags = record(
  text('a tag key: a letter, then up to 62 letters, digits, _ . : -', TAG_KEY),
  text('a tag value of up to 256 letters, digits, spaces and _ . : / = + @ -', TAG_VALUE),
  'an object of tag key to tag value',
);
const keyPrefix = text('a path prefix such as rocketchat/prod', /^[a-z0-9][a-z0-9/_-]{0,100}[a-z0-9]$/);

const localBackend = object({
  type: literal('local'),
  /** Directory, relative to the repository root, that holds <stack>.tfstate files. */
  directory: text('a relative path inside the repository such as terraform-state', /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/),
});

const s3Backend = object({
  type: literal('s3'),
  bucket: text('an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens', /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  region: text('an AWS region such as eu-west-1', /^[a-z]{2}(-[a-z]+)+-\d$/),
  keyPrefix,
});

const azurermBackend = object({
  type: literal('azurerm'),
  resourceGroupName: text('a resource group name: 1-90 letters, digits, _ . ( ) -', /^[A-Za-z0-9_.()-]{1,90}$/),
  storageAccountName: text('a storage account name: 3-24 lowercase letters and digits', /^[a-z0-9]{3,24}$/),
  containerName: text('a container name: 3-63 lowercase letters, digits and hyphens', /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/),
  keyPrefix,
});

const kubernetesVersion = oneOf(SUPPORTED_KUBERNETES_VERSIONS);
const sizes = { minSize: int(0, 100), desiredSize: int(0, 100), maxSize: int(1, 100) };

const awsNodePool = object({
  name: text('1-38 lowercase letters, digits and hyphens', /^[a-z][a-z0-9-]{0,37}$/),
  instanceTypes: list(text('an EC2 instance type such as m7i.xlarge', /^[a-z][a-z0-9-]*\.[a-z0-9]+$/), 1, 10, 'EC2 instance types'),
  capacityType: oneOf(['ON_DEMAND', 'SPOT']),
  ...sizes,
});

const azureNodePool = object({
  name: text('1-12 lowercase letters and digits, starting with a letter', /^[a-z][a-z0-9]{0,11}$/),
  vmSize: text('an Azure VM size such as Standard_D4ds_v5', /^Standard_[A-Za-z0-9_]+$/),
  ...sizes,
});

export const awsEnvironmentSchema = object({
  name: text('aws-<name>, lowercase letters, digits and hyphens', ENV_NAME),
  cloud: literal('aws'),
  tier,
  domain,
  tags,
  aws: object({
    accountId: text('a 12-digit AWS account id', /^\d{12}$/),
    region: text('an AWS region such as eu-west-1', /^[a-z]{2}(-[a-z]+)+-\d$/),
  }),
  state: variants('type', [s3Backend, localBackend], ['s3', 'local']),
  network: object({
    vpcCidr: cidr(),
    availabilityZones: list(text('an availability zone of the region such as eu-west-1a', /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/), 2, 6, 'availability zones'),
    publicSubnetCidrs: list(cidr(), 2, 6, 'CIDR blocks, one per availability zone'),
    privateSubnetCidrs: list(cidr(), 2, 6, 'CIDR blocks, one per availability zone'),
    natGateways: oneOf(['one-per-az', 'single']),
    flowLogRetentionDays: oneOf(CLOUDWATCH_RETENTION_DAYS),
    interfaceEndpoints: list(oneOf(AWS_INTERFACE_ENDPOINTS), 0, AWS_INTERFACE_ENDPOINTS.length, 'endpoint services'),
  }),
  kubernetes: object({
    version: kubernetesVersion,
    nodePools: list(awsNodePool, 1, 10, 'node pools'),
  }),
});

export const azureEnvironmentSchema = object({
  name: text('azure-<name>, lowercase letters, digits and hyphens', ENV_NAME),
  cloud: literal('azure'),
  tier,
  domain,
  tags,
  azure: object({
    subscriptionId: text('a subscription id (lowercase UUID)', UUID),
    tenantId: text('a tenant id (lowercase UUID)', UUID),
    location: text('an Azure region name such as westeurope', /^[a-z]+[a-z0-9]*$/),
  }),
  state: variants('type', [azurermBackend, localBackend], ['azurerm', 'local']),
  network: object({
    vnetCidr: cidr(),
    /** Nodes only: pods get overlay addresses (Azure CNI overlay), so /22 holds about 1,000 nodes. */
    nodeSubnetCidr: cidr(),
    /** Application Gateway for Containers association subnet: delegated, /24 or larger. */
    ingressSubnetCidr: cidr(),
    /** Private endpoints (Key Vault, storage) in later layers. */
    privateEndpointSubnetCidr: cidr(),
    /** Azure CNI overlay pod range: outside the VNet; the node NSG admits pod-to-pod traffic from it. */
    podCidr: cidr(),
    zones: list(oneOf(['1', '2', '3']), 1, 3, 'availability zones'),
    natIdleTimeoutMinutes: int(4, 120),
    logRetentionDays: int(30, 730),
    flowLogs: object({
      retentionDays: int(1, 365),
      /** Azure creates one Network Watcher per region, by default NetworkWatcher_<location> in NetworkWatcherRG. */
      networkWatcherName: text('a Network Watcher name such as NetworkWatcher_westeurope', /^[A-Za-z0-9_.-]{1,80}$/),
      networkWatcherResourceGroup: text('a resource group name', /^[A-Za-z0-9_.()-]{1,90}$/),
    }),
  }),
  kubernetes: object({
    version: kubernetesVersion,
    nodePools: list(azureNodePool, 1, 10, 'node pools'),
  }),
});

export const environmentSchema = variants('cloud', [awsEnvironmentSchema, azureEnvironmentSchema], ['aws', 'azure']);

export type AwsEnvironment = v.InferOutput<typeof awsEnvironmentSchema>;
export type AzureEnvironment = v.InferOutput<typeof azureEnvironmentSchema>;
export type Environment = AwsEnvironment | AzureEnvironment;
export type EnvironmentInput = v.InferInput<typeof environmentSchema>;
export type StateBackend = Environment['state'];

/** Identity function that gives config files type checking and editor completion. */
export function defineEnvironment<T extends EnvironmentInput>(config: T): T {
  return config;
}
