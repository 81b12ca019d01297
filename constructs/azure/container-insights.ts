/**
 * Container Insights with managed identity auth: outside the Azure CLI, the
 * monitoring add-on only collects once a data collection rule for the
 * ContainerInsights extension is associated with the cluster.
 */
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { Construct } from 'constructs';

/** The default Container Insights streams, with ContainerLogV2 instead of the legacy ContainerLog table. */
export const CONTAINER_INSIGHTS_STREAMS = [
  'Microsoft-ContainerLogV2',
  'Microsoft-KubeEvents',
  'Microsoft-KubePodInventory',
  'Microsoft-KubeNodeInventory',
  'Microsoft-KubePVInventory',
  'Microsoft-KubeServices',
  'Microsoft-KubeMonAgentEvents',
  'Microsoft-InsightsMetrics',
  'Microsoft-ContainerInventory',
  'Microsoft-ContainerNodeInventory',
  'Microsoft-Perf',
];

export interface ContainerInsightsProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly clusterId: string;
  readonly workspaceId: string;
}

export class ContainerInsights extends Construct {
  readonly rule: MonitorDataCollectionRule;

  constructor(scope: Construct, id: string, props: ContainerInsightsProps) {
    super(scope, id);
    const destination = 'workspace';
    this.rule = new MonitorDataCollectionRule(this, 'rule', {
      name: `MSCI-${props.location}-${props.name}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      description: 'Container Insights for the AKS cluster',
      destinations: { logAnalytics: [{ name: destination, workspaceResourceId: props.workspaceId }] },
      dataFlow: [{ streams: CONTAINER_INSIGHTS_STREAMS, destinations: [destination] }],
      dataSources: {
        extension: [
          {
            name: 'ContainerInsightsExtension',
            extensionName: 'ContainerInsights',
            streams: CONTAINER_INSIGHTS_STREAMS,
            extensionJson: JSON.stringify({
              dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off', enableContainerLogV2: true },
            }),
          },
        ],
      },
    });
    new MonitorDataCollectionRuleAssociation(this, 'association', {
      name: 'ContainerInsightsExtension',
      targetResourceId: props.clusterId,
      dataCollectionRuleId: this.rule.id,
      description: 'Deleting this association stops Container Insights collection for the cluster',
    });
  }
}
