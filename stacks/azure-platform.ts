/**
 * How `<env>-platform` connects to Azure: the azurerm, helm and kubernetes
 * providers from the network and cluster contracts, the Azure PlatformCloud,
 * the way in to a restore source's backups and secrets (config `app.restore`),
 * and the azure-platform contract for the app layer.
 */
import type { AzureEnvironment } from '../config/schema';
import { AzurePlatformCloud } from '../constructs/azure/platform-cloud';
import { RestoreSourceAccess } from '../constructs/azure/restore-source';
import type { LayerStack } from '../constructs/layer-stack';
import { publish } from '../constructs/remote-state';
import { connectToAks } from './azure-access';
import { azurePlatformContract } from './azure-contracts';
import type { ConnectCloud } from './platform-stack';

export function connectAzure(env: AzureEnvironment, network: LayerStack, cluster: LayerStack): ConnectCloud {
  return (stack) => {
    const { net, aks } = connectToAks(stack, env, network, cluster);
    const cloud = new AzurePlatformCloud(stack, 'cloud', {
      env,
      oidcIssuerUrl: aks.oidcIssuerUrl,
      keyVaultId: aks.keyVaultId,
      diskEncryptionSetId: aks.diskEncryptionSetId,
      vnetId: net.vnetId,
      ingressSubnetId: net.ingressSubnetId,
      privateEndpointSubnetId: net.privateEndpointSubnetId,
      logAnalyticsWorkspaceId: aks.logAnalyticsWorkspaceId,
    });
    // app.restore: the endpoints and grants the app layer's plan already needs to read the source (restore-source.ts).
    const restore = env.app.restore;
    if (restore) {
      new RestoreSourceAccess(stack, 'restore-source-access', {
        env,
        from: restore.from,
        resourceGroupName: cloud.resourceGroupName,
        privateEndpointSubnetId: net.privateEndpointSubnetId,
        blobPrivateDnsZoneId: cloud.blobDnsZoneId,
        vaultPrivateDnsZoneId: aks.keyVaultPrivateDnsZoneId,
        ciIdentityResourceGroupName: env.state.type === 'azurerm' ? env.state.resourceGroupName : undefined,
      });
    }
    publish(stack, azurePlatformContract, {
      applicationLoadBalancerId: cloud.edge.loadBalancer.id,
      frontendName: cloud.edge.frontend.name,
      wafPolicyId: cloud.edge.waf.edgePolicyId,
      bodiesWafPolicyId: cloud.edge.waf.bodiesPolicyId,
      messagesWafPolicyId: cloud.edge.waf.messagesPolicyId,
      blobPrivateDnsZoneId: cloud.blobDnsZoneId,
    });
    return cloud;
  };
}
