/**
 * The environment's Key Vault: Azure RBAC instead of access policies, purge
 * protection and soft delete, default-deny firewall, and a private endpoint
 * (with its privatelink DNS zone linked to the VNet) so pods reach it without
 * leaving the VNet. Public access is off unless config lists deployer ranges.
 */
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Construct } from 'constructs';
import { sendDiagnostics } from './diagnostics';

export interface ClusterKeyVaultProps {
  /** Globally unique, 3-24 letters, digits and hyphens. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  readonly publicNetworkAccess: boolean;
  /** Public sources let through the firewall; ignored while public access is off. */
  readonly allowedIpRanges: readonly string[];
  readonly softDeleteRetentionDays: number;
  readonly privateEndpointSubnetId: string;
  readonly vnetId: string;
  readonly workspaceId: string;
}

export class ClusterKeyVault extends Construct {
  readonly vault: KeyVault;
  /** privatelink.vaultcore.azure.net, linked to the VNet: private endpoints to other vaults register here too. */
  readonly privateDnsZone: PrivateDnsZone;

  constructor(scope: Construct, id: string, props: ClusterKeyVaultProps) {
    super(scope, id);
    const { name, resourceGroupName, location } = props;
    this.vault = new KeyVault(this, 'vault', {
      name,
      resourceGroupName,
      location,
      tenantId: props.tenantId,
      skuName: 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: props.softDeleteRetentionDays,
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      networkAcls: {
        defaultAction: 'Deny',
        // Disk encryption sets reach the key as a trusted Azure service.
        bypass: 'AzureServices',
        ipRules: props.publicNetworkAccess ? [...props.allowedIpRanges] : [],
      },
      lifecycle: { preventDestroy: true },
    });

    const zone = new PrivateDnsZone(this, 'dns-zone', { name: 'privatelink.vaultcore.azure.net', resourceGroupName });
    this.privateDnsZone = zone;
    new PrivateDnsZoneVirtualNetworkLink(this, 'dns-zone-link', {
      name: `${name}-vnet`,
      resourceGroupName,
      privateDnsZoneName: zone.name,
      virtualNetworkId: props.vnetId,
      registrationEnabled: false,
    });
    new PrivateEndpoint(this, 'private-endpoint', {
      name: `pe-${name}`,
      resourceGroupName,
      location,
      subnetId: props.privateEndpointSubnetId,
      privateServiceConnection: {
        name: `${name}-vault`,
        privateConnectionResourceId: this.vault.id,
        subresourceNames: ['vault'],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: 'vault', privateDnsZoneIds: [zone.id] },
    });
    // AuditEvent records every secret and key access.
    sendDiagnostics(this, 'diagnostics', { targetResourceId: this.vault.id, workspaceId: props.workspaceId, logs: true, metrics: true });
  }
}
