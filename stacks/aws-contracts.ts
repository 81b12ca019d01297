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
  privateSubnetIds: { kind: 'list', description: 'Private subnet ids (nodes, internal load balancers), one per zone' },
  publicSubnetIds: { kind: 'list', description: 'Public subnet ids (internet-facing load balancers), one per zone' },
  privateRouteTableIds: { kind: 'list', description: 'Route tables of the private subnets' },
  natPublicIps: { kind: 'list', description: 'Egress addresses of the NAT gateways, for allow-lists' },
});
export type AwsNetworkOutputs = ContractValues<(typeof awsNetworkContract)['outputs']>;
