/**
 * What each AWS layer promises the next one. A consumer can only read keys
 * listed here, and `publish` makes the producer provide every one of them.
 */
import { defineContract, type ContractValues } from '../constructs/remote-state';

export const awsNetworkContract = defineContract('aws-network', {
  region: { kind: 'string', description: 'AWS region of the VPC' },
  vpcId: { kind: 'string', description: 'VPC id' },
  vpcCidr: { kind: 'string', description: 'VPC IPv4 CIDR block' },
  availabilityZones: { kind: 'list', description: 'Availability zones, in subnet order' },
  privateSubnetIds: { kind: 'list', description: 'Private subnet ids (nodes, internal load balancers), one per zone, in availabilityZones order (per-zone node pools pick theirs by index)' },
  publicSubnetIds: { kind: 'list', description: 'Public subnet ids (internet-facing load balancers), one per zone' },
  privateRouteTableIds: { kind: 'list', description: 'Route tables of the private subnets' },
  natPublicIps: { kind: 'list', description: 'Egress addresses of the NAT gateways, for allow-lists' },
});
export type AwsNetworkOutputs = ContractValues<(typeof awsNetworkContract)['outputs']>;

export const awsClusterContract = defineContract('aws-cluster', {
  region: { kind: 'string', description: 'AWS region of the cluster' },
  clusterName: { kind: 'string', description: 'EKS cluster name' },
  clusterEndpoint: { kind: 'string', description: 'Kubernetes API endpoint (https URL)' },
  clusterCertificateAuthorityData: { kind: 'string', description: 'Base64 PEM CA of the API endpoint' },
  oidcProviderArn: { kind: 'string', description: 'IAM OIDC provider for IRSA' },
  oidcIssuerUrl: { kind: 'string', description: 'OIDC issuer URL of the cluster (https://...)' },
  clusterSecurityGroupId: { kind: 'string', description: 'Security group of the control plane ENIs' },
  nodeSecurityGroupId: { kind: 'string', description: 'Security group shared by every node' },
  secretsKmsKeyArn: { kind: 'string', description: 'KMS key encrypting Kubernetes secrets' },
  ebsKmsKeyArn: { kind: 'string', description: 'KMS key for node and persistent volumes (storage classes use it)' },
});
export type AwsClusterOutputs = ContractValues<(typeof awsClusterContract)['outputs']>;

export const awsPlatformContract = defineContract('aws-platform', {
  certificateArn: { kind: 'string', description: 'ACM certificate for the domain and its subdomains; Ingress annotations reference it' },
  webAclArn: { kind: 'string', description: 'WAF web ACL of the environment\'s ALB; Ingress annotations reference it' },
});
export type AwsPlatformOutputs = ContractValues<(typeof awsPlatformContract)['outputs']>;
