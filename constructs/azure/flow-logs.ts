/**
 * VNet flow logs (NSG flow logs are retired for new deployments) into a
 * dedicated storage account, with Traffic Analytics in Log Analytics. The flow
 * log is a child of the region's Network Watcher, which Azure creates itself.
 */
import type { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { DataAzurermResources } from '@cdktf/provider-azurerm/lib/data-azurerm-resources';
import { NetworkWatcherFlowLog } from '@cdktf/provider-azurerm/lib/network-watcher-flow-log';
import { Construct } from 'constructs';
import { preflight } from '../preflight';
import { SecureStorageAccount } from './secure-storage-account';

export interface VnetFlowLogsProps {
  readonly name: string;
  readonly storageAccountName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly vnetId: string;
  readonly workspace: LogAnalyticsWorkspace;
  readonly retentionDays: number;
  readonly networkWatcherName: string;
  readonly networkWatcherResourceGroup: string;
}

export class VnetFlowLogs extends Construct {
  constructor(scope: Construct, id: string, props: VnetFlowLogsProps) {
    super(scope, id);
    // Listed across the subscription (no resource group filter), so a missing watcher group is also a clear preflight failure.
    const { networkWatcherName: watcher, networkWatcherResourceGroup: group, location } = props;
    const watchers = new DataAzurermResources(this, 'network-watcher-preflight', {
      type: 'Microsoft.Network/networkWatchers',
      name: watcher,
      lifecycle: {
        postcondition: [
          preflight(
            `\${length([for r in self.resources : r if lower(r.resource_group_name) == "${group.toLowerCase()}" && r.location == "${location}"]) == 1}`,
            `no Network Watcher "${watcher}" in resource group "${group}" in ${location}, which VNet flow logs need. Azure creates NetworkWatcher_${location} in NetworkWatcherRG with a region's first VNet unless the subscription opted out; create it with: az network watcher configure --resource-group ${group} --locations ${location} --enabled true (and set network.flowLogs to its name and group).`,
          ),
        ],
      },
    });
    const storage = new SecureStorageAccount(this, 'storage', {
      name: props.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      replication: 'ZRS',
      softDeleteDays: 7,
      // Network Watcher writes flow logs with the account key.
      sharedKeyAccess: true,
    });
    new NetworkWatcherFlowLog(this, 'flow-log', {
      dependsOn: [watchers],
      name: `fl-${props.name}-vnet`,
      networkWatcherName: props.networkWatcherName,
      resourceGroupName: props.networkWatcherResourceGroup,
      location: props.location,
      targetResourceId: props.vnetId,
      storageAccountId: storage.account.id,
      enabled: true,
      version: 2,
      retentionPolicy: { enabled: true, days: props.retentionDays },
      trafficAnalytics: {
        enabled: true,
        workspaceId: props.workspace.workspaceId,
        workspaceRegion: props.workspace.location,
        workspaceResourceId: props.workspace.id,
        intervalInMinutes: 10,
      },
    });
  }
}
