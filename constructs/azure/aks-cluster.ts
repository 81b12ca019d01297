/**
 * The AKS cluster, close to Microsoft's AKS baseline: Entra ID only (Azure
 * RBAC, no local accounts, no run command), OIDC issuer and workload identity,
 * Azure CNI overlay with network policy in a bring-your-own subnet,
 * user-assigned identities, planned upgrade windows, and the add-ons a
 * production cluster needs (Key Vault CSI with rotation, Azure Policy,
 * Container Insights over managed identity, image cleaner, optional Defender).
 * The System pool is the default pool, limited to critical add-ons.
 */
import {
  KubernetesCluster,
  type KubernetesClusterMaintenanceWindowAutoUpgrade,
} from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { ResourcePolicyAssignment } from '@cdktf/provider-azurerm/lib/resource-policy-assignment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { NAMESPACES } from '../../config/names';
import type { ClusterIdentities } from './cluster-identities';
import { poolSettings, UPGRADE_SURGE, type AzureNodePool } from './node-pools';

type KubernetesConfig = AzureEnvironment['kubernetes'];
export type MaintenanceWindow = KubernetesConfig['maintenance']['autoUpgrade'];

export interface AksClusterProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly nodeResourceGroup: string;
  readonly location: string;
  readonly tenantId: string;
  readonly kubernetes: KubernetesConfig;
  readonly systemPool: AzureNodePool;
  readonly nodeSubnetId: string;
  readonly podCidr: string;
  /** With outboundType loadBalancer: the zone-redundant public IP AKS's outbound rule uses (network layer). */
  readonly outboundIpId?: string;
  /** Idle timeout of outbound flows (network.natIdleTimeoutMinutes), for the load balancer's outbound rule. */
  readonly outboundIdleTimeoutMinutes: number;
  /** Sources allowed to the public API server (config ranges plus the cluster's own egress). */
  readonly authorizedIpRanges: readonly string[];
  readonly identities: ClusterIdentities;
  readonly workspaceId: string;
  readonly diskEncryptionSetId?: string;
  /** Role assignments the cluster needs before it exists. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** How often the image cleaner removes unused images from nodes (AKS's own default: one week). */
const IMAGE_CLEANER_HOURS = 168;

export function maintenanceWindow(w: MaintenanceWindow): KubernetesClusterMaintenanceWindowAutoUpgrade {
  const common = { startTime: w.startTime, duration: w.durationHours, utcOffset: w.utcOffset };
  return w.frequency === 'Weekly'
    ? { frequency: 'Weekly', interval: w.intervalWeeks, dayOfWeek: w.dayOfWeek, ...common }
    : { frequency: 'Daily', interval: w.intervalDays, ...common };
}

export class AksCluster extends Construct {
  readonly cluster: KubernetesCluster;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    const k8s = props.kubernetes;
    const isPrivate = k8s.apiServer.access === 'private';
    const cilium = k8s.networkPolicy === 'cilium';

    this.cluster = new KubernetesCluster(this, 'cluster', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      nodeResourceGroup: props.nodeResourceGroup,
      dnsPrefix: props.name,
      kubernetesVersion: k8s.version,
      skuTier: k8s.skuTier,
      supportPlan: 'KubernetesOfficial',

      identity: { type: 'UserAssigned', identityIds: [props.identities.controlPlane.id] },
      kubeletIdentity: {
        userAssignedIdentityId: props.identities.kubelet.id,
        clientId: props.identities.kubelet.clientId,
        objectId: props.identities.kubelet.principalId,
      },

      // Entra ID is the only way in: Azure RBAC decides, admin groups get cluster-admin.
      roleBasedAccessControlEnabled: true,
      localAccountDisabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        azureRbacEnabled: true,
        tenantId: props.tenantId,
        adminGroupObjectIds: [...k8s.adminGroupObjectIds],
      },
      // Run command lets anyone with ARM rights run kubectl past the API server's network limits.
      runCommandEnabled: false,
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,

      privateClusterEnabled: isPrivate,
      ...(isPrivate
        ? { privateDnsZoneId: 'System', privateClusterPublicFqdnEnabled: false }
        : { apiServerAccessProfile: { authorizedIpRanges: [...props.authorizedIpRanges] } }),

      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: k8s.networkPolicy,
        // Cilium network policy runs only on the Cilium data plane.
        networkDataPlane: cilium ? 'cilium' : 'azure',
        podCidr: props.podCidr,
        serviceCidr: k8s.serviceCidr,
        dnsServiceIp: k8s.dnsServiceIp,
        outboundType: k8s.outboundType,
        loadBalancerSku: 'standard',
        // Our own address instead of one AKS makes: it survives cluster rebuilds and stays allow-listed.
        loadBalancerProfile: props.outboundIpId
          ? { outboundIpAddressIds: [props.outboundIpId], idleTimeoutInMinutes: props.outboundIdleTimeoutMinutes }
          : undefined,
      },

      defaultNodePool: {
        ...poolSettings(props.systemPool, { subnetId: props.nodeSubnetId, version: k8s.version }),
        // Adds CriticalAddonsOnly=true:NoSchedule so application pods land on User pools.
        onlyCriticalAddonsEnabled: true,
        upgradeSettings: { maxSurge: UPGRADE_SURGE },
      },
      autoScalerProfile: { balanceSimilarNodeGroups: true, expander: 'least-waste' },

      // "none" is the provider's default when the channel is left out.
      automaticUpgradeChannel: k8s.upgrades.channel === 'none' ? undefined : k8s.upgrades.channel,
      nodeOsUpgradeChannel: k8s.upgrades.nodeOsChannel,
      maintenanceWindowAutoUpgrade: maintenanceWindow(k8s.maintenance.autoUpgrade),
      maintenanceWindowNodeOs: maintenanceWindow(k8s.maintenance.nodeOs),

      keyVaultSecretsProvider: { secretRotationEnabled: true, secretRotationInterval: '2m' },
      azurePolicyEnabled: true,
      omsAgent: { logAnalyticsWorkspaceId: props.workspaceId, msiAuthForMonitoringEnabled: true },
      microsoftDefender: k8s.defender ? { logAnalyticsWorkspaceId: props.workspaceId } : undefined,
      imageCleanerEnabled: true,
      imageCleanerIntervalHours: IMAGE_CLEANER_HOURS,
      diskEncryptionSetId: props.diskEncryptionSetId,

      dependsOn: [...props.dependsOn],
      lifecycle: { ignoreChanges: ['default_node_pool[0].node_count'] },
    });

    // The add-on alone enforces nothing: assign the built-in initiative "Kubernetes cluster pod
    // security baseline standards for Linux-based workloads" in audit mode. Namespace Pod Security
    // labels already enforce (restricted); this reports drift in Azure Policy compliance.
    new ResourcePolicyAssignment(this, 'pod-security-baseline', {
      name: 'pod-security-baseline',
      resourceId: this.cluster.id,
      policyDefinitionId: POD_SECURITY_BASELINE_INITIATIVE,
      description: 'Audit pods against the Kubernetes baseline Pod Security Standard',
      parameters: JSON.stringify({
        effect: { value: 'audit' },
        // node-exporter needs host network, PID and filesystem (its namespace is labelled privileged).
        excludedNamespaces: { value: ['kube-system', 'gatekeeper-system', 'azure-arc', NAMESPACES.nodeMetrics] },
      }),
    });
  }
}

/** Built-in policy set: Kubernetes cluster pod security baseline standards for Linux-based workloads. */
export const POD_SECURITY_BASELINE_INITIATIVE = '/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d';
