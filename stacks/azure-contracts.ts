/**
 * What each Azure layer promises the next one. A consumer can only read keys
 * listed here, and `publish` makes the producer provide every one of them.
 */
import { defineContract, type ContractValues } from '../constructs/remote-state';

export const azureNetworkContract = defineContract('azure-network', {
  location: { kind: 'string', description: 'Azure region of the VNet' },
  resourceGroupName: { kind: 'string', description: 'Resource group holding the network' },
  vnetId: { kind: 'string', description: 'Virtual network id' },
  vnetName: { kind: 'string', description: 'Virtual network name' },
  nodeSubnetId: { kind: 'string', description: 'Subnet for AKS nodes (egress through the NAT gateway)' },
  ingressSubnetId: { kind: 'string', description: 'Subnet delegated to Application Gateway for Containers' },
  privateEndpointSubnetId: { kind: 'string', description: 'Subnet for private endpoints' },
  natGatewayId: { kind: 'string', description: 'NAT gateway serving the node subnet' },
  natPublicIp: { kind: 'string', description: 'Egress address of the NAT gateway, for allow-lists' },
  logAnalyticsWorkspaceId: { kind: 'string', description: 'Log Analytics workspace for diagnostics and Container Insights' },
});
export type AzureNetworkOutputs = ContractValues<(typeof azureNetworkContract)['outputs']>;
