/**
 * What every Azure stack above the cluster starts with: the azurerm provider
 * pinned to the environment's subscription with default tags, the network and
 * cluster contracts, and helm/kubernetes providers that sign in through kubelogin.
 */
import type { AzureEnvironment } from '../config/schema';
import { aksKubernetesAccess } from '../constructs/azure/aks-kubernetes-access';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { azurermProvider } from '../constructs/azure/provider';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import type { LayerStack } from '../constructs/layer-stack';
import { standardTags } from '../config/names';
import { consume } from '../constructs/remote-state';
import { azureClusterContract, azureNetworkContract, type AzureClusterOutputs, type AzureNetworkOutputs } from './azure-contracts';

export function connectToAks(
  stack: LayerStack,
  env: AzureEnvironment,
  network: LayerStack,
  cluster: LayerStack,
): { net: AzureNetworkOutputs; aks: AzureClusterOutputs } {
  const { subscriptionId, tenantId } = env.azure;
  azurermProvider(stack, { subscriptionId, tenantId });
  applyDefaultTags(stack, standardTags(env));
  const net = consume(stack, network, azureNetworkContract);
  const aks = consume(stack, cluster, azureClusterContract);
  kubernetesProviders(stack, aksKubernetesAccess(aks));
  return { net, aks };
}
