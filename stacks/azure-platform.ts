/**
 * How `<env>-platform` connects to Azure: the azurerm, helm and kubernetes
 * providers from the network and cluster contracts, the Azure PlatformCloud,
 * and the azure-platform contract for the app layer.
 */
import type { AzureEnvironment } from '../config/schema';
import { AzurePlatformCloud } from '../constructs/azure/platform-cloud';
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
    });
    publish(stack, azurePlatformContract, {
      applicationLoadBalancerId: cloud.edge.loadBalancer.id,
      frontendName: cloud.edge.frontend.name,
      blobPrivateDnsZoneId: cloud.blobDnsZoneId,
    });
    return cloud;
  };
}
