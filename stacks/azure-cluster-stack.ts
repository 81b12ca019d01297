/**
 * `<env>-cluster` on Azure: the AKS cluster with its identities, node pools,
 * Key Vault, optional customer-managed disk encryption, control-plane
 * diagnostics and Container Insights; reads the azure-network contract,
 * publishes azure-cluster.
 */
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzureEnvironment } from '../config/schema';
import { AksCiAccess } from '../constructs/azure/aks-ci-access';
import { AksCluster } from '../constructs/azure/aks-cluster';
import { sendClusterDiagnostics } from '../constructs/azure/aks-diagnostics';
import { ClusterIdentities } from '../constructs/azure/cluster-identities';
import { ContainerInsights } from '../constructs/azure/container-insights';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { customRoleDefinitionId } from '../constructs/azure/custom-roles';
import { DiskEncryption } from '../constructs/azure/disk-encryption';
import { egressIpId } from '../constructs/azure/egress-ip';
import { ClusterKeyVault } from '../constructs/azure/key-vault';
import { UserNodePool } from '../constructs/azure/node-pools';
import { azurermProvider } from '../constructs/azure/provider';
import { afterRolePropagation } from '../constructs/azure/role-propagation';
import { LayerStack } from '../constructs/layer-stack';
import { aksNodeResourceGroupName, azureKeyVaultName, azureResourceGroupName, clusterName, stackName, standardTags } from '../config/names';
import { consume, publish } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { azureClusterContract, azureNetworkContract } from './azure-contracts';

/** Key Vault names are global: 3-24 characters, no double or trailing hyphens. */
export function keyVaultName(env: AzureEnvironment): string {
  return azureKeyVaultName(env.name, env.azure.subscriptionId);
}

export class AzureClusterStack extends LayerStack {
  constructor(scope: Construct, env: AzureEnvironment, network: LayerStack) {
    const id = stackName(env, 'cluster');
    super(scope, id, stateLocation(env, id));
    const { subscriptionId, tenantId, location } = env.azure;
    const k8s = env.kubernetes;
    const name = clusterName(env);
    azurermProvider(this, { subscriptionId, tenantId });
    applyDefaultTags(this, standardTags(env));
    const net = consume(this, network, azureNetworkContract);

    const group = new ResourceGroup(this, 'resource-group', { name: azureResourceGroupName(env.name, 'cluster'), location });
    const resourceGroupName = group.name;

    const identities = new ClusterIdentities(this, 'identities', {
      clusterName: name,
      resourceGroupName,
      location,
      nodeSubnetId: net.nodeSubnetId,
    });

    const keyVault = new ClusterKeyVault(this, 'key-vault', {
      name: keyVaultName(env),
      resourceGroupName,
      location,
      tenantId,
      publicNetworkAccess: env.keyVault.publicNetworkAccess,
      allowedIpRanges: env.keyVault.allowedIpRanges,
      softDeleteRetentionDays: env.keyVault.softDeleteRetentionDays,
      privateEndpointSubnetId: net.privateEndpointSubnetId,
      vnetId: net.vnetId,
      workspaceId: net.logAnalyticsWorkspaceId,
    });

    const prerequisites: RoleAssignment[] = [];
    let diskEncryptionSetId: string | undefined;
    if (k8s.diskEncryption === 'customer-managed-key') {
      const disks = new DiskEncryption(this, 'disk-encryption', {
        name,
        resourceGroupName,
        location,
        vault: keyVault.vault,
        keyManagerRoleDefinitionId: customRoleDefinitionId(env, 'disk-key-manager'),
      });
      identities.grantControlPlane(
        'control-plane-disk-encryption-reader',
        'Reader',
        disks.set.id,
        'AKS control plane: encrypt node and volume disks with the disk encryption set',
      );
      prerequisites.push(disks.keyAccess);
      diskEncryptionSetId = disks.set.id;
    }
    let outboundIpId: string | undefined;
    if (k8s.outboundType === 'loadBalancer') {
      outboundIpId = egressIpId(subscriptionId, net.resourceGroupName, env.name);
      identities.grantControlPlane(
        'control-plane-egress-ip',
        'Network Contributor',
        outboundIpId,
        'AKS control plane: put the zone-redundant egress address on the cluster load balancer outbound rule',
      );
    }
    prerequisites.push(...identities.grants);

    // With its own NAT egress the cluster reaches its public API server from that address, which AKS does
    // not add itself (it does add its load balancer's outbound addresses, our egress IP included).
    const ownEgress = k8s.outboundType === 'userAssignedNATGateway' ? [`${net.natPublicIp}/32`] : [];
    const systemPool = k8s.nodePools.find((p) => p.mode === 'System')!;
    const aks = new AksCluster(this, 'aks', {
      name,
      resourceGroupName,
      nodeResourceGroup: aksNodeResourceGroupName(env.name),
      location,
      tenantId,
      kubernetes: k8s,
      systemPool,
      nodeSubnetId: net.nodeSubnetId,
      podCidr: env.network.podCidr,
      outboundIpId,
      outboundIdleTimeoutMinutes: env.network.natIdleTimeoutMinutes,
      authorizedIpRanges: [...k8s.apiServer.authorizedIpRanges, ...ownEgress],
      identities,
      workspaceId: net.logAnalyticsWorkspaceId,
      diskEncryptionSetId,
      // AKS checks its identity's rights on the subnet and the disk encryption set, and the set's on the key, at creation.
      dependsOn: [afterRolePropagation(this, 'cluster-roles-propagation', prerequisites)],
    });
    const cluster = aks.cluster;

    const placement = { subnetId: net.nodeSubnetId, version: k8s.version };
    for (const pool of k8s.nodePools.filter((p) => p.mode === 'User')) {
      new UserNodePool(this, `pool-${pool.name}`, { clusterId: cluster.id, pool, placement });
    }

    // CI identities exist where the bootstrap stack of a remote state store made them; CI cannot use local state.
    if (env.state.type === 'azurerm') {
      new AksCiAccess(this, 'ci-access', { env, identityResourceGroupName: env.state.resourceGroupName, clusterId: cluster.id, keyVaultId: keyVault.vault.id });
    }

    sendClusterDiagnostics(this, 'cluster-diagnostics', cluster.id, net.logAnalyticsWorkspaceId);
    new ContainerInsights(this, 'container-insights', {
      name,
      resourceGroupName,
      location,
      clusterId: cluster.id,
      workspaceId: net.logAnalyticsWorkspaceId,
    });

    // kube_config is sensitive as a whole; only its endpoint and CA (both public) leave the stack.
    const kubeConfig = cluster.kubeConfig.get(0);
    publish(this, azureClusterContract, {
      location,
      resourceGroupName,
      clusterName: cluster.name,
      clusterId: cluster.id,
      clusterEndpoint: Fn.nonsensitive(kubeConfig.host),
      clusterCaCertificate: Fn.nonsensitive(kubeConfig.clusterCaCertificate),
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      kubeletIdentityObjectId: identities.kubelet.principalId,
      kubeletIdentityClientId: identities.kubelet.clientId,
      keyVaultId: keyVault.vault.id,
      keyVaultName: keyVault.vault.name,
      keyVaultUri: keyVault.vault.vaultUri,
      keyVaultPrivateDnsZoneId: keyVault.privateDnsZone.id,
      diskEncryptionSetId: diskEncryptionSetId ?? '',
      logAnalyticsWorkspaceId: net.logAnalyticsWorkspaceId,
    });
  }
}
