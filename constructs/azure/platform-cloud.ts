/**
 * The platform layer's Azure side: Premium SSD (zone-redundant where the
 * cluster spans zones) with the customer-managed disk encryption set when the
 * cluster uses one, the Azure DNS zone, a private storage account for Loki
 * and Tempo, Key Vault for secrets, and the AGC edge. Every workload identity
 * is a user-assigned identity federated with one service account.
 */
import { DataAzurermDnsZone } from '@cdktf/provider-azurerm/lib/data-azurerm-dns-zone';
import { DataAzurermResources } from '@cdktf/provider-azurerm/lib/data-azurerm-resources';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { aksNodeResourceGroupName, azureIdentityName, azureKeyVaultName, azureResourceGroupName, azureStorageAccountName } from '../../config/names';
import type {
  BlockStorage,
  DnsZone,
  ObjectStore,
  PlatformCloud,
  SecretStore,
  WorkloadIdentityBinding,
} from '../platform/platform-cloud';
import { customRoleDefinitionId } from './custom-roles';
import { AzureHttpsEdge } from './https-edge';
import { grantRole, type Role } from './role';
import { keyVaultStore } from './secret-store';
import { SecureStorageAccount } from './secure-storage-account';
import { WorkloadIdentity } from './workload-identity';
import { preflight } from '../preflight';

export interface AzurePlatformCloudProps {
  readonly env: AzureEnvironment;
  /** From the azure-cluster contract. */
  readonly oidcIssuerUrl: string;
  readonly keyVaultId: string;
  readonly diskEncryptionSetId: string;
  /** From the azure-network contract. */
  readonly vnetId: string;
  readonly ingressSubnetId: string;
  readonly privateEndpointSubnetId: string;
  readonly logAnalyticsWorkspaceId: string;
}

function federated(identity: WorkloadIdentity): WorkloadIdentityBinding {
  const use = { 'azure.workload.identity/use': 'true' };
  return { serviceAccountAnnotations: { 'azure.workload.identity/client-id': identity.clientId }, serviceAccountLabels: use, podLabels: use };
}

/** Storage account names: 3-24 lowercase letters and digits, globally unique. */
export function observabilityAccountName(env: AzureEnvironment): string {
  return azureStorageAccountName(env.name, env.azure.subscriptionId, 'observability');
}

export class AzurePlatformCloud extends Construct implements PlatformCloud {
  readonly blockStorage: BlockStorage;
  readonly dns: DnsZone;
  readonly objectStore: ObjectStore;
  readonly secrets: SecretStore;
  readonly edge: AzureHttpsEdge;
  /** The VNet-linked privatelink.blob.core.windows.net zone; the app layer's backup account registers in it too. */
  readonly blobDnsZoneId: string;
  /** rg-<env>-platform: this layer's resources, and the endpoints other layers' needs add to it. */
  readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, props: AzurePlatformCloudProps) {
    super(scope, id);
    const { env } = props;
    const { subscriptionId, tenantId, location } = env.azure;
    const resourceGroupId = (name: string) => `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
    const group = new ResourceGroup(this, 'resource-group', { name: azureResourceGroupName(env.name, 'platform'), location });
    const resourceGroupName = group.name;
    this.resourceGroupName = resourceGroupName;
    const identity = (name: string, sa: { namespace: string; name: string }, scopeId: string, roles: Role[]) =>
      new WorkloadIdentity(this, `${name}-identity`, {
        name: azureIdentityName(env.name, name),
        resourceGroupName,
        location,
        oidcIssuerUrl: props.oidcIssuerUrl,
        namespace: sa.namespace,
        serviceAccount: sa.name,
        scope: scopeId,
        roles,
      });

    const zoneRedundant = new Set(env.kubernetes.nodePools.flatMap((p) => p.zones)).size > 1;
    const cmk = env.kubernetes.diskEncryption === 'customer-managed-key';
    this.blockStorage = {
      provisioner: 'disk.csi.azure.com',
      parameters: {
        skuName: zoneRedundant ? 'Premium_ZRS' : 'Premium_LRS',
        ...(cmk ? { diskEncryptionSetID: props.diskEncryptionSetId, diskEncryptionType: 'EncryptionAtRestWithCustomerKey' } : {}),
      },
    };

    const zoneGroup = env.platform.dnsZoneResourceGroup;
    const zones = new DataAzurermResources(this, 'zone-preflight', { type: 'Microsoft.Network/dnszones', name: env.platform.dnsZone });
    const zone = new DataAzurermDnsZone(this, 'zone', {
      name: env.platform.dnsZone,
      resourceGroupName: zoneGroup,
      lifecycle: {
        precondition: [
          preflight(
            `\${length([for r in ${zones.fqn}.resources : r if lower(r.resource_group_name) == "${zoneGroup.toLowerCase()}"]) > 0}`,
            `no Azure DNS zone "${env.platform.dnsZone}" in resource group "${zoneGroup}" of this subscription; external-dns and cert-manager write records there. Create it (az network dns zone create --resource-group ${zoneGroup} --name ${env.platform.dnsZone}), delegate it from its parent zone, then plan again.`,
          ),
        ],
      },
    });
    // cert-manager's DNS01 solver only reads the zone and writes TXT records; DNS Zone
    // Contributor would let it change every record. The role is defined by the bootstrap stack
    // (constructs/azure/custom-roles.ts: the deploy identity writes no role definition) and
    // assigned here on the zone only.
    const acmeChallengeRole = customRoleDefinitionId(env, 'acme-dns01');
    this.dns = {
      zoneName: env.platform.dnsZone,
      bind: (name, sa, options) => {
        const id = identity(name, sa, zone.id, [options?.acmeChallengesOnly ? { definitionId: acmeChallengeRole } : 'DNS Zone Contributor']);
        if (options?.listZones) {
          grantRole(this, `${name}-zone-group-reader`, {
            role: 'Reader',
            scope: resourceGroupId(zoneGroup),
            principalId: id.identity.principalId,
            description: `external-dns: find the ${env.platform.dnsZone} zone in its resource group`,
          });
        }
        return federated(id);
      },
      acmeDns01: (certManager) => ({
        azureDNS: {
          subscriptionID: subscriptionId,
          resourceGroupName: zoneGroup,
          hostedZoneName: env.platform.dnsZone,
          environment: 'AzurePublicCloud',
          managedIdentity: { clientID: certManager.serviceAccountAnnotations['azure.workload.identity/client-id'] },
        },
      }),
      externalDnsValues: () => ({
        provider: { name: 'azure' },
        extraVolumes: [{ name: 'azure-config', secret: { secretName: 'external-dns-azure' } }],
        extraVolumeMounts: [{ name: 'azure-config', mountPath: '/etc/kubernetes', readOnly: true }],
      }),
      // azure.json names the zone's subscription and group; it holds no credential (workload identity signs in).
      externalDnsPrerequisites: (sid, namespace, after) => [
        new SecretV1(this, sid, {
          metadata: { name: 'external-dns-azure', namespace },
          data: { 'azure.json': JSON.stringify({ tenantId, subscriptionId, resourceGroup: zoneGroup, useWorkloadIdentityExtension: true }) },
          dependsOn: after,
        }),
      ],
    };

    // Loki and Tempo data: one private, zone-redundant account, a container per purpose.
    const account = new SecureStorageAccount(this, 'observability-storage', {
      name: observabilityAccountName(env),
      resourceGroupName,
      location,
      replication: 'ZRS',
      softDeleteDays: 14,
      publicNetworkAccess: false,
    }).account;
    // Versioning keeps what Loki's compactor and Tempo delete at the end of their retention; without
    // this the data would outlive the retention as old versions forever. 30 days, as the S3 buckets.
    new StorageManagementPolicy(this, 'observability-lifecycle', {
      storageAccountId: account.id,
      rule: [
        {
          name: 'expire-old-versions',
          enabled: true,
          filters: { blobTypes: ['blockBlob'] },
          actions: { version: { deleteAfterDaysSinceCreation: 30 } },
        },
      ],
    });
    const blobZone = new PrivateDnsZone(this, 'blob-dns-zone', { name: 'privatelink.blob.core.windows.net', resourceGroupName });
    this.blobDnsZoneId = blobZone.id;
    new PrivateDnsZoneVirtualNetworkLink(this, 'blob-dns-zone-link', {
      name: `${env.name}-vnet`,
      resourceGroupName,
      privateDnsZoneName: blobZone.name,
      virtualNetworkId: props.vnetId,
      registrationEnabled: false,
    });
    new PrivateEndpoint(this, 'blob-endpoint', {
      name: `pe-${account.name}-blob`,
      resourceGroupName,
      location,
      subnetId: props.privateEndpointSubnetId,
      privateServiceConnection: { name: 'blob', privateConnectionResourceId: account.id, subresourceNames: ['blob'], isManualConnection: false },
      privateDnsZoneGroup: { name: 'blob', privateDnsZoneIds: [blobZone.id] },
    });
    this.objectStore = {
      bucket: (purpose, sa) => {
        // storage_account_id: created through ARM, so the account needs no public data-plane access.
        const container = new StorageContainer(this, `${purpose}-container`, { name: purpose, storageAccountId: account.id, containerAccessType: 'private' });
        const id = identity(purpose, sa, container.id, ['Storage Blob Data Contributor']);
        return { location: { backend: 'azure', accountName: account.name, container: container.name }, identity: federated(id) };
      },
    };

    this.secrets = keyVaultStore(this, props.keyVaultId, azureKeyVaultName(env.name, env.azure.subscriptionId));

    this.edge = new AzureHttpsEdge(this, 'edge', {
      env,
      resourceGroupName,
      resourceGroupId: group.id,
      location,
      subnetId: props.ingressSubnetId,
      nodeResourceGroupId: resourceGroupId(aksNodeResourceGroupName(env.name)),
      oidcIssuerUrl: props.oidcIssuerUrl,
      workspaceId: props.logAnalyticsWorkspaceId,
      secrets: this.secrets,
    });
  }
}
