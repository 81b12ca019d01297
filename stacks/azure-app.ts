/**
 * How `<env>-app` connects to Azure: the azurerm, helm and kubernetes
 * providers from the network and cluster contracts, the AGC edge and blob
 * DNS zone from the platform contract, and the Azure AppCloud.
 */
import type { AzureEnvironment } from '../config/schema';
import { aksKubernetesAccess } from '../constructs/azure/aks-kubernetes-access';
import { AzureAppCloud } from '../constructs/azure/app-cloud';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { azurermProvider } from '../constructs/azure/provider';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import type { LayerStack } from '../constructs/layer-stack';
import { standardTags } from '../constructs/naming';
import { consume } from '../constructs/remote-state';
import type { ConnectAppCloud } from './app-stack';
import { azureClusterContract, azureNetworkContract, azurePlatformContract } from './azure-contracts';

export function connectAzureApp(env: AzureEnvironment, network: LayerStack, cluster: LayerStack, platform: LayerStack): ConnectAppCloud {
  return (stack) => {
    const { subscriptionId, tenantId } = env.azure;
    azurermProvider(stack, { subscriptionId, tenantId });
    applyDefaultTags(stack, standardTags(env));
    const net = consume(stack, network, azureNetworkContract);
    const aks = consume(stack, cluster, azureClusterContract);
    const edge = consume(stack, platform, azurePlatformContract);
    kubernetesProviders(stack, aksKubernetesAccess(aks));
    return new AzureAppCloud(stack, 'cloud', {
      env,
      keyVaultId: aks.keyVaultId,
      privateEndpointSubnetId: net.privateEndpointSubnetId,
      applicationLoadBalancerId: edge.applicationLoadBalancerId,
      frontendName: edge.frontendName,
      blobPrivateDnsZoneId: edge.blobPrivateDnsZoneId,
    });
  };
}
