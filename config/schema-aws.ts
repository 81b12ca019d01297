/** The AWS environment: account, VPC and EKS settings. */
import { bool, cidr, int, list, literal, object, oneOf, optional, record, text, variants } from './schema-kit';
import { appFields } from './schema-app';
import { AWS_INSTANCE_TYPES } from './facts/aws-instance-types';
import { platformComponents } from './schema-components';
import { platformFields } from './schema-platform';
import { delivery, domain, ENV_NAME, keyPrefix, kubernetesVersion, localBackend, sizes, tags, tier } from './schema-common';

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

const s3Backend = object({
  type: literal('s3'),
  bucket: text('an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens', /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  region: text('an AWS region such as eu-west-1', /^[a-z]{2}(-[a-z]+)+-\d$/),
  keyPrefix,
});

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const awsNodePool = object({
  name: text('1-38 lowercase letters, digits and hyphens', /^[a-z][a-z0-9-]{0,37}$/),
  instanceTypes: list(text('an EC2 instance type such as m7i.xlarge', /^[a-z][a-z0-9-]*\.[a-z0-9]+$/), 1, 10, 'EC2 instance types'),
  capacityType: oneOf(['ON_DEMAND', 'SPOT']),
  ...sizes,
  /** Root volume size; images and container layers live here. */
  diskSizeGb: optional(int(20, 1000), 50),
  /** IMDSv2 hop limit: 1 keeps pods away from the node role; 2 only for pods that truly need IMDS. */
  imdsHopLimit: optional(int(1, 2), 1),
  /**
   * One node group per availability zone, with min/desired/max per zone. For pools whose pods
   * keep zonal EBS volumes (databases): cluster-autoscaler can then add a node in the zone a
   * pending pod's volume is in, which a group spanning all zones does not guarantee.
   */
  perZone: optional(bool(), false),
  labels: optional(record(text('a Kubernetes label key', LABEL_KEY), text('a Kubernetes label value', LABEL_VALUE), 'an object of label key to value'), {}),
  taints: optional(
    list(
      object({
        key: text('a Kubernetes taint key', LABEL_KEY),
        value: text('a Kubernetes taint value', LABEL_VALUE),
        effect: oneOf(['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE']),
      }),
      0,
      10,
      'taints',
    ),
    [],
  ),
});

/** An IAM role (SSO permission-set roles included) that gets cluster-admin through an EKS access entry. */
const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const awsEnvironmentSchema = object({
  name: text('aws-<name>, lowercase letters, digits and hyphens', ENV_NAME),
  cloud: literal('aws'),
  tier,
  domain,
  tags,
  delivery,
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
    /**
     * The EKS AL2023 AMI release every node group runs, "<kubernetes patch>-<yyyymmdd>" (one value
     * covers x86_64 and arm64). Nodes roll only when this changes. The newest recommended release:
     * aws ssm get-parameter --name /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/x86_64/standard/recommended/release_version --query Parameter.Value --output text
     * (release notes: github.com/awslabs/amazon-eks-ami/releases).
     */
    nodeImageRelease: text('an EKS AMI release version such as 1.35.6-20260714', /^1\.\d+\.\d+-\d{8}$/),
    nodePools: list(awsNodePool, 1, 10, 'node pools'),
    /** Sources allowed to reach the public API endpoint; empty keeps the endpoint private only. */
    publicEndpointCidrs: list(cidr(), 0, 40, 'CIDR blocks (empty: private endpoint only)'),
    adminRoleArns: list(text('an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin', IAM_ROLE_ARN), 1, 20, 'IAM role ARNs'),
    logRetentionDays: oneOf(CLOUDWATCH_RETENTION_DAYS),
    /** STANDARD upgrades the control plane when standard support ends; EXTENDED keeps the version for 12 paid months. */
    supportType: oneOf(['STANDARD', 'EXTENDED']),
  }),
  /** A Route53 public hosted zone named dnsZone must exist in the account. */
  platform: object({ ...platformFields, components: platformComponents('aws') }),
  app: object(appFields),
});

/**
 * The architecture of an instance type, from the facts table (config/facts/aws-instance-types.ts);
 * for a type not in it, Graviton's naming: a "g" after the generation digit (m7g, c7gn, r8g, t4g).
 * The node pool's AMI follows this, so the AMI and the validation cannot disagree.
 */
export function isArmInstanceType(instanceType: string): boolean {
  const known = AWS_INSTANCE_TYPES[instanceType];
  return known ? known.architecture === 'arm64' : /^[a-z]+\d+g[a-z]*\./.test(instanceType);
}
