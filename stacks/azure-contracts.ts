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
  natGatewayId: { kind: 'string', description: 'NAT gateway serving the node subnet; empty where egress leaves through the cluster load balancer (prod)' },
  natPublicIp: { kind: 'string', description: 'Egress address of the NAT gateway, for allow-lists' },
  logAnalyticsWorkspaceId: { kind: 'string', description: 'Log Analytics workspace for diagnostics and Container Insights' },
});
export type AzureNetworkOutputs = ContractValues<(typeof azureNetworkContract)['outputs']>;

export const azureClusterContract = defineContract('azure-cluster', {
  location: { kind: 'string', description: 'Azure region of the cluster' },
  resourceGroupName: { kind: 'string', description: 'Resource group of the cluster, its identities and Key Vault; workload identities go here' },
  clusterName: { kind: 'string', description: 'AKS cluster name' },
  clusterId: { kind: 'string', description: 'AKS cluster resource id' },
  clusterEndpoint: { kind: 'string', description: 'Kubernetes API server URL (https://...:443)' },
  clusterCaCertificate: { kind: 'string', description: 'Base64 PEM CA of the API server (public; no client credentials are published)' },
  oidcIssuerUrl: { kind: 'string', description: 'OIDC issuer URL for workload identity federated credentials' },
  kubeletIdentityObjectId: { kind: 'string', description: 'Principal (object) id of the kubelet identity, for AcrPull and similar grants' },
  kubeletIdentityClientId: { kind: 'string', description: 'Client id of the kubelet identity' },
  keyVaultId: { kind: 'string', description: 'Key Vault of the environment (Azure RBAC)' },
  keyVaultName: { kind: 'string', description: 'Key Vault name' },
  keyVaultUri: { kind: 'string', description: 'Key Vault URI (https://<name>.vault.azure.net/)' },
  keyVaultPrivateDnsZoneId: { kind: 'string', description: 'privatelink.vaultcore.azure.net zone linked to the VNet, for private endpoints to other vaults (a restore source\'s)' },
  diskEncryptionSetId: { kind: 'string', description: 'Disk encryption set for storage classes; empty with platform-managed keys' },
  logAnalyticsWorkspaceId: { kind: 'string', description: 'Log Analytics workspace of the environment' },
});
export type AzureClusterOutputs = ContractValues<(typeof azureClusterContract)['outputs']>;

export const azurePlatformContract = defineContract('azure-platform', {
  applicationLoadBalancerId: { kind: 'string', description: 'Application Gateway for Containers resource id (the edge Gateway\'s alb-id annotation)' },
  frontendName: { kind: 'string', description: 'AGC frontend that serves the environment\'s hosts (the edge Gateway\'s address)' },
  blobPrivateDnsZoneId: { kind: 'string', description: 'privatelink.blob.core.windows.net zone linked to the VNet, for private endpoints of later storage accounts' },
  wafPolicyId: { kind: 'string', description: 'WAF policy of the edge (Default and Bot Manager rule sets, body inspection); HTTPRoutes reference it' },
  bodiesWafPolicyId: { kind: 'string', description: 'WAF policy without body inspection, for the HTTPRoute of file upload and download paths only' },
  messagesWafPolicyId: { kind: 'string', description: 'WAF policy inspecting bodies without the message-text rule groups, for the HTTPRoute of message paths only' },
});
export type AzurePlatformOutputs = ContractValues<(typeof azurePlatformContract)['outputs']>;
