import { defineEnvironment } from '../schema';

/** Development on Azure: same layout as prod, shorter log retention. */
export default defineEnvironment({
  name: 'azure-dev',
  cloud: 'azure',
  tier: 'dev',
  domain: 'dev.chat.example.org',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234' },
  azure: {
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    tenantId: '00000000-0000-0000-0000-0000000000aa',
    location: 'westeurope',
  },
  state: {
    type: 'azurerm',
    resourceGroupName: 'rg-rocketchat-tfstate-dev',
    storageAccountName: 'exrctfstatedev01',
    containerName: 'tfstate',
    keyPrefix: 'rocketchat',
  },
  network: {
    vnetCidr: '10.30.0.0/16',
    nodeSubnetCidr: '10.30.0.0/22',
    ingressSubnetCidr: '10.30.8.0/24',
    privateEndpointSubnetCidr: '10.30.9.0/24',
    podCidr: '192.168.0.0/16',
    zones: ['1', '2', '3'],
    natIdleTimeoutMinutes: 4,
    logRetentionDays: 30,
    flowLogs: {
      retentionDays: 30,
      networkWatcherName: 'NetworkWatcher_westeurope',
      networkWatcherResourceGroup: 'NetworkWatcherRG',
    },
  },
  kubernetes: {
    version: '1.34',
    nodePools: [
      { name: 'system', vmSize: 'Standard_D4ds_v5', minSize: 2, desiredSize: 2, maxSize: 3 },
      { name: 'apps', vmSize: 'Standard_D4ds_v5', minSize: 1, desiredSize: 2, maxSize: 4 },
    ],
  },
});
