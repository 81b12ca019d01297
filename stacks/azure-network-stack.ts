/**
 * `<env>-network` on Azure: resource group, Log Analytics workspace, VNet with
 * NSG-protected subnets, egress (a NAT gateway, or a zone-redundant address for
 * AKS's load balancer), diagnostics and VNet flow logs; publishes the
 * azure-network contract.
 */
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { Construct } from 'constructs';
import type { AzureEnvironment } from '../config/schema';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { sendDiagnostics } from '../constructs/azure/diagnostics';
import { ZoneRedundantEgressIp } from '../constructs/azure/egress-ip';
import { VnetFlowLogs } from '../constructs/azure/flow-logs';
import { NatEgress } from '../constructs/azure/nat-gateway';
import { azurermProvider } from '../constructs/azure/provider';
import { Vnet } from '../constructs/azure/vnet';
import { LayerStack } from '../constructs/layer-stack';
import { azureResourceGroupName, azureStorageAccountName, logAnalyticsName, stackName, standardTags } from '../config/names';
import { publish } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { azureNetworkContract } from './azure-contracts';

export class AzureNetworkStack extends LayerStack {
  constructor(scope: Construct, env: AzureEnvironment) {
    const id = stackName(env, 'network');
    super(scope, id, stateLocation(env, id));
    const { subscriptionId, tenantId, location } = env.azure;
    const net = env.network;
    azurermProvider(this, { subscriptionId, tenantId });
    applyDefaultTags(this, standardTags(env));

    const group = new ResourceGroup(this, 'resource-group', {
      name: azureResourceGroupName(env.name, 'network'),
      location,
    });
    const resourceGroupName = group.name;

    const workspace = new LogAnalyticsWorkspace(this, 'log-analytics', {
      name: logAnalyticsName(env.name),
      resourceGroupName,
      location,
      sku: 'PerGB2018',
      retentionInDays: net.logRetentionDays,
      // Entra ID only: agents and queries authenticate with identities, not workspace keys.
      localAuthenticationEnabled: false,
    });

    const vnet = new Vnet(this, 'vnet', {
      name: env.name,
      resourceGroupName,
      location,
      cidr: net.vnetCidr,
      nodeSubnetCidr: net.nodeSubnetCidr,
      ingressSubnetCidr: net.ingressSubnetCidr,
      privateEndpointSubnetCidr: net.privateEndpointSubnetCidr,
      podCidr: net.podCidr,
    });

    const workspaceId = workspace.id;
    // A NAT gateway on the node subnet would take every outbound flow from the load balancer,
    // so the load-balancer design gets only its address here.
    let egress: { natGatewayId: string; publicIp: string };
    if (env.kubernetes.outboundType === 'userAssignedNATGateway') {
      const nat = new NatEgress(this, 'nat', {
        name: env.name,
        resourceGroupName,
        location,
        zone: net.zones[0]!,
        idleTimeoutMinutes: net.natIdleTimeoutMinutes,
        subnetId: vnet.nodeSubnet.id,
      });
      sendDiagnostics(this, 'nat-ip-diagnostics', { targetResourceId: nat.publicIp.id, workspaceId, logs: true, metrics: true });
      sendDiagnostics(this, 'nat-diagnostics', { targetResourceId: nat.gateway.id, workspaceId, logs: false, metrics: true });
      egress = { natGatewayId: nat.gateway.id, publicIp: nat.publicIp.ipAddress };
    } else {
      const ip = new ZoneRedundantEgressIp(this, 'egress', { envName: env.name, resourceGroupName, location, zones: net.zones });
      sendDiagnostics(this, 'egress-ip-diagnostics', { targetResourceId: ip.publicIp.id, workspaceId, logs: true, metrics: true });
      egress = { natGatewayId: '', publicIp: ip.publicIp.ipAddress };
    }
    sendDiagnostics(this, 'vnet-diagnostics', { targetResourceId: vnet.vnet.id, workspaceId, logs: true, metrics: true });
    for (const [key, nsg] of vnet.securityGroups) {
      sendDiagnostics(this, `nsg-${key}-diagnostics`, { targetResourceId: nsg.id, workspaceId, logs: true, metrics: false });
    }

    new VnetFlowLogs(this, 'flow-logs', {
      name: env.name,
      storageAccountName: azureStorageAccountName(env.name, subscriptionId, 'flow-logs'),
      resourceGroupName,
      location,
      vnetId: vnet.vnet.id,
      workspace,
      retentionDays: net.flowLogs.retentionDays,
      networkWatcherName: net.flowLogs.networkWatcherName,
      networkWatcherResourceGroup: net.flowLogs.networkWatcherResourceGroup,
    });

    publish(this, azureNetworkContract, {
      location,
      resourceGroupName,
      vnetId: vnet.vnet.id,
      vnetName: vnet.vnet.name,
      nodeSubnetId: vnet.nodeSubnet.id,
      ingressSubnetId: vnet.ingressSubnet.id,
      privateEndpointSubnetId: vnet.privateEndpointSubnet.id,
      // Empty without a NAT gateway; natPublicIp is the egress address in both designs.
      natGatewayId: egress.natGatewayId,
      natPublicIp: egress.publicIp,
      logAnalyticsWorkspaceId: workspaceId,
    });
  }
}
