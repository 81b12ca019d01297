/**
 * Egress for the node subnet through a NAT gateway with a static public IP,
 * so outbound traffic has one known address. Standard NAT gateways are zonal:
 * it lives in the first configured zone, with a public IP in the same zone.
 */
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { Construct } from 'constructs';

export interface NatEgressProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly zone: string;
  readonly idleTimeoutMinutes: number;
  readonly subnetId: string;
}

export class NatEgress extends Construct {
  readonly gateway: NatGateway;
  readonly publicIp: PublicIp;

  constructor(scope: Construct, id: string, props: NatEgressProps) {
    super(scope, id);
    const { name, resourceGroupName, location } = props;
    this.publicIp = new PublicIp(this, 'public-ip', {
      name: `pip-${name}-nat`,
      resourceGroupName,
      location,
      sku: 'Standard',
      allocationMethod: 'Static',
      zones: [props.zone],
    });
    this.gateway = new NatGateway(this, 'gateway', {
      name: `ng-${name}`,
      resourceGroupName,
      location,
      skuName: 'Standard',
      idleTimeoutInMinutes: props.idleTimeoutMinutes,
      zones: [props.zone],
    });
    new NatGatewayPublicIpAssociation(this, 'public-ip-association', {
      natGatewayId: this.gateway.id,
      publicIpAddressId: this.publicIp.id,
    });
    new SubnetNatGatewayAssociation(this, 'subnet-association', { subnetId: props.subnetId, natGatewayId: this.gateway.id });
  }
}
