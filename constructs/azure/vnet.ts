/**
 * The VNet and its three subnets. Nodes and private endpoints sit behind NSGs
 * whose rules are written out (allow what the cluster needs, then deny all
 * other inbound) rather than left to Azure's implicit defaults. The ingress
 * subnet is delegated to Application Gateway for Containers, which manages it.
 */
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';

export interface VnetProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly cidr: string;
  readonly nodeSubnetCidr: string;
  readonly ingressSubnetCidr: string;
  readonly privateEndpointSubnetCidr: string;
  readonly podCidr: string;
}

interface InboundRule {
  readonly name: string;
  readonly priority: number;
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | '*';
  readonly sources: string[];
  readonly destinations: string[];
  readonly ports: string;
  readonly description: string;
}

export class Vnet extends Construct {
  readonly vnet: VirtualNetwork;
  readonly nodeSubnet: Subnet;
  readonly ingressSubnet: Subnet;
  readonly privateEndpointSubnet: Subnet;
  /** NSGs by the subnet key they protect. */
  readonly securityGroups = new Map<string, NetworkSecurityGroup>();

  constructor(scope: Construct, id: string, private readonly props: VnetProps) {
    super(scope, id);
    const { name, resourceGroupName, location } = props;
    this.vnet = new VirtualNetwork(this, 'vnet', {
      name: `vnet-${name}`,
      resourceGroupName,
      location,
      addressSpace: [props.cidr],
    });
    const subnet = (key: string, cidr: string, extra: Partial<ConstructorParameters<typeof Subnet>[2]> = {}) =>
      new Subnet(this, `${key}-subnet`, {
        name: `snet-${key}`,
        resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [cidr],
        // Azure's implicit outbound access is being retired; egress is the NAT gateway only.
        defaultOutboundAccessEnabled: false,
        ...extra,
      });

    this.nodeSubnet = subnet('nodes', props.nodeSubnetCidr);
    this.ingressSubnet = subnet('ingress', props.ingressSubnetCidr, {
      delegation: [
        {
          name: 'application-gateway-for-containers',
          serviceDelegation: {
            name: 'Microsoft.ServiceNetworking/trafficControllers',
            actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
          },
        },
      ],
    });
    this.privateEndpointSubnet = subnet('private-endpoints', props.privateEndpointSubnetCidr, {
      // Let the NSG below apply to private endpoints too.
      privateEndpointNetworkPolicies: 'Enabled',
    });

    const workloads = [props.nodeSubnetCidr, props.podCidr];
    this.protect('nodes', this.nodeSubnet, [
      rule('allow-cluster-internal', 100, '*', workloads, workloads, '*', 'Node and pod traffic inside the cluster (overlay pods keep their addresses)'),
      rule('allow-ingress-to-backends', 110, 'Tcp', [props.ingressSubnetCidr], workloads, '*', 'Application Gateway for Containers to backend pods'),
      rule('allow-azure-load-balancer', 120, '*', ['AzureLoadBalancer'], [props.nodeSubnetCidr], '*', 'Azure load balancer health probes'),
      rule('deny-all-other-inbound', 4096, '*', ['*'], ['*'], '*', 'Anything not allowed above'),
    ]);
    this.protect('private-endpoints', this.privateEndpointSubnet, [
      rule('allow-https-from-cluster', 100, 'Tcp', workloads, [props.privateEndpointSubnetCidr], '443', 'Nodes and pods to private endpoints over HTTPS'),
      rule('deny-all-other-inbound', 4096, '*', ['*'], ['*'], '*', 'Anything not allowed above'),
    ]);
  }

  private protect(key: string, subnet: Subnet, rules: InboundRule[]): void {
    const { name, resourceGroupName, location } = this.props;
    const nsg = new NetworkSecurityGroup(this, `${key}-nsg`, { name: `nsg-${name}-${key}`, resourceGroupName, location });
    for (const r of rules) {
      new NetworkSecurityRule(this, `${key}-${r.name}`, {
        name: r.name,
        description: r.description,
        networkSecurityGroupName: nsg.name,
        resourceGroupName,
        priority: r.priority,
        direction: 'Inbound',
        access: r.access,
        protocol: r.protocol,
        sourcePortRange: '*',
        destinationPortRange: r.ports,
        ...prefixes('source', r.sources),
        ...prefixes('destination', r.destinations),
      });
    }
    new SubnetNetworkSecurityGroupAssociation(this, `${key}-nsg-association`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    this.securityGroups.set(key, nsg);
  }
}

function rule(
  name: string,
  priority: number,
  protocol: InboundRule['protocol'],
  sources: string[],
  destinations: string[],
  ports: string,
  description: string,
): InboundRule {
  return { name, priority, access: name.startsWith('deny') ? 'Deny' : 'Allow', protocol, sources, destinations, ports, description };
}

/** azurerm takes one prefix or a list, never both. */
function prefixes(side: 'source' | 'destination', values: string[]) {
  return values.length === 1
    ? { [`${side}AddressPrefix`]: values[0] }
    : { [`${side}AddressPrefixes`]: values };
}
