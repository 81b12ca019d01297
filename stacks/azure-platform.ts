/**
 * How `<env>-platform` connects to Azure: the azurerm, helm and kubernetes
 * providers from the network and cluster contracts, the Azure PlatformCloud,
 * and the azure-platform contract for the app layer.
 */
import type { AzureEnvironment } from '../config/schema';
import { aksKubernetesAccess } from '../constructs/azure/aks-kubernetes-access';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { AzurePlatformCloud } from '../constructs/azure/platform-cloud';
import { azurermProvider } from '../constructs/azure/provider';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import type { LayerStack } from '../constructs/layer-stack';
import { standardTags } from '../constructs/naming';
import { consume, publish } from '../constructs/remote-state';
import { azureClusterContract, azureNetworkContract, azurePlatformContract } from './azure-contracts';
import type { ConnectCloud } from './platform-stack';

export function connectAzure(env: AzureEnvironment, network: LayerStack, cluster: LayerStack): ConnectCloud {
  return (stack) => {
    const { subscriptionId, tenantId } = env.azure;
    azurermProvider(stack, { subscriptionId, tenantId });
    applyDefaultTags(stack, standardTags(env));
    const net = consume(stack, network, azureNetworkContract);
    const aks = consume(stack, cluster, azureClusterContract);
    kubernetesProviders(stack, aksKubernetesAccess(aks));
    const cloud = new AzurePlatformCloud(stack, 'cloud', {
      env,
      oidcIssuerUrl: aks.oidcIssuerUrl,
      keyVaultId: aks.keyVaultId,
      diskEncryptionSetId: aks.diskEncryptionSetId,
      vnetId: net.vnetId,
      ingressSubnetId: net.ingressSubnetId,
      privateEndpointSubnetId: net.privateEndpointSubnetId,
    });
    publish(stack, azurePlatformContract, {
      applicationLoadBalancerId: cloud.edge.loadBalancer.id,
      frontendName: cloud.edge.frontend.name,
      blobPrivateDnsZoneId: cloud.blobDnsZoneId,
    });
    return cloud;
  };
}
