/**
 * How `<env>-app` connects to Azure: the azurerm, helm and kubernetes
 * providers from the network and cluster contracts, the AGC edge and blob
 * DNS zone from the platform contract, and the Azure AppCloud.
 */
import type { AzureEnvironment } from '../config/schema';
import { AzureAppCloud } from '../constructs/azure/app-cloud';
import type { LayerStack } from '../constructs/layer-stack';
import { consume } from '../constructs/remote-state';
import type { ConnectAppCloud } from './app-stack';
import { connectToAks } from './azure-access';
import { azurePlatformContract } from './azure-contracts';

export function connectAzureApp(env: AzureEnvironment, network: LayerStack, cluster: LayerStack, platform: LayerStack): ConnectAppCloud {
  return (stack) => {
    const { net, aks } = connectToAks(stack, env, network, cluster);
    const edge = consume(stack, platform, azurePlatformContract);
    return new AzureAppCloud(stack, 'cloud', {
      env,
      keyVaultId: aks.keyVaultId,
      privateEndpointSubnetId: net.privateEndpointSubnetId,
      wafPolicyId: edge.wafPolicyId,
      bodiesWafPolicyId: edge.bodiesWafPolicyId,
      messagesWafPolicyId: edge.messagesWafPolicyId,
      blobPrivateDnsZoneId: edge.blobPrivateDnsZoneId,
      ciIdentityResourceGroupName: env.state.type === 'azurerm' ? env.state.resourceGroupName : undefined,
    });
  };
}
