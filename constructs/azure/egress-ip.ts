/**
 * The cluster's egress address when AKS sends outbound traffic through its
 * Standard load balancer: a static Standard public IP in every configured
 * zone, which stays up when one zone goes down. It lives in the network layer
 * so the address outlives cluster rebuilds and third-party allow-lists keep
 * working; the cluster layer attaches it to AKS's outbound rule by id.
 *
 * Why not a NAT gateway: azurerm 4.55 accepts only the zonal "Standard" NAT
 * gateway SKU (the zone-redundant StandardV2 is refused by its validation),
 * and one zonal gateway cuts every zone's egress when its zone fails
 * (docs/decisions.md, "Azure egress across zones").
 */
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Construct } from 'constructs';
import { azureEgressIpName } from '../../config/names';

export function egressIpId(subscriptionId: string, resourceGroupName: string, envName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Network/publicIPAddresses/${azureEgressIpName(envName)}`;
}

export interface ZoneRedundantEgressIpProps {
  readonly envName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly zones: readonly string[];
}

export class ZoneRedundantEgressIp extends Construct {
  readonly publicIp: PublicIp;

  constructor(scope: Construct, id: string, props: ZoneRedundantEgressIpProps) {
    super(scope, id);
    this.publicIp = new PublicIp(this, 'public-ip', {
      name: azureEgressIpName(props.envName),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'Standard',
      allocationMethod: 'Static',
      zones: [...props.zones],
      // Allow-listed by others: a destroy would hand the address back to Azure for good.
      lifecycle: { preventDestroy: true },
    });
  }
}
