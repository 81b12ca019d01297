import { defineEnvironment } from '../schema';

/** Production on Azure: three zones, a year of flow logs, 90 days of platform logs. */
export default defineEnvironment({
  name: 'azure-prod',
  cloud: 'azure',
  tier: 'prod',
  domain: 'chat.example.org',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234', 'data-classification': 'confidential' },
  azure: {
    subscriptionId: '00000000-0000-0000-0000-000000000002',
    tenantId: '00000000-0000-0000-0000-0000000000aa',
    location: 'westeurope',
  },
  state: {
    type: 'azurerm',
    resourceGroupName: 'rg-rocketchat-tfstate-prod',
    storageAccountName: 'exrctfstateprod01',
    containerName: 'tfstate',
    keyPrefix: 'rocketchat',
  },
  network: {
    vnetCidr: '10.40.0.0/16',
    nodeSubnetCidr: '10.40.0.0/22',
    ingressSubnetCidr: '10.40.8.0/24',
    privateEndpointSubnetCidr: '10.40.9.0/24',
    podCidr: '192.168.0.0/16',
    zones: ['1', '2', '3'],
    natIdleTimeoutMinutes: 4,
    logRetentionDays: 90,
    flowLogs: {
      retentionDays: 365,
      networkWatcherName: 'NetworkWatcher_westeurope',
      networkWatcherResourceGroup: 'NetworkWatcherRG',
    },
  },
  kubernetes: {
    version: '1.34',
    nodePools: [
      { name: 'system', vmSize: 'Standard_D4ds_v5', minSize: 3, desiredSize: 3, maxSize: 5 },
      { name: 'apps', vmSize: 'Standard_D8ds_v5', minSize: 3, desiredSize: 3, maxSize: 12 },
    ],
  },
});
