/** The Azure environment: subscription, VNet and AKS settings. */
import { cidr, int, list, literal, object, oneOf, text, variants } from './schema-kit';
import { domain, ENV_NAME, keyPrefix, kubernetesVersion, localBackend, sizes, tags, tier, UUID } from './schema-common';

const azurermBackend = object({
  type: literal('azurerm'),
  resourceGroupName: text('a resource group name: 1-90 letters, digits, _ . ( ) -', /^[A-Za-z0-9_.()-]{1,90}$/),
  storageAccountName: text('a storage account name: 3-24 lowercase letters and digits', /^[a-z0-9]{3,24}$/),
  containerName: text('a container name: 3-63 lowercase letters, digits and hyphens', /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/),
  keyPrefix,
});

const azureNodePool = object({
  name: text('1-12 lowercase letters and digits, starting with a letter', /^[a-z][a-z0-9]{0,11}$/),
  vmSize: text('an Azure VM size such as Standard_D4ds_v5', /^Standard_[A-Za-z0-9_]+$/),
  ...sizes,
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
