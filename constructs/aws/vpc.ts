/**
 * A VPC across the configured zones: a public and a private subnet per zone,
 * NAT gateways (one per zone, or one shared), explicit routes, and the default
 * security group stripped of every rule so nothing can use it by accident.
 */
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';

export interface VpcNetworkProps {
  readonly name: string;
  readonly cidr: string;
  readonly zones: readonly string[];
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly natGateways: 'one-per-az' | 'single';
  /** Cluster whose load balancers may use these subnets. */
  readonly clusterName: string;
}

export class VpcNetwork extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly privateRouteTables: RouteTable[];
  readonly natIps: Eip[];

  constructor(scope: Construct, id: string, props: VpcNetworkProps) {
    super(scope, id);
    const { name, zones } = props;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      // Both are needed for private EKS endpoints and interface endpoint DNS.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });

    // Adopting the default group with no ingress/egress blocks removes all its rules.
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpc.id,
      tags: { Name: `${name}-default-deny` },
    });

    const igw = new InternetGateway(this, 'internet-gateway', { vpcId: this.vpc.id, tags: { Name: name } });
    const clusterTag = `kubernetes.io/cluster/${props.clusterName}`;

    this.publicSubnets = zones.map(
      (zone, i) =>
        new Subnet(this, `public-${zone}`, {
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: props.publicSubnetCidrs[i]!,
          // Only load balancers and NAT gateways live here; they get addresses explicitly.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${zone}`, 'kubernetes.io/role/elb': '1', [clusterTag]: 'shared' },
        }),
    );
    this.privateSubnets = zones.map(
      (zone, i) =>
        new Subnet(this, `private-${zone}`, {
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: props.privateSubnetCidrs[i]!,
          tags: { Name: `${name}-private-${zone}`, 'kubernetes.io/role/internal-elb': '1', [clusterTag]: 'shared' },
        }),
    );

    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'public-default-route', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-${zones[i]}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
    });

    const natZones = props.natGateways === 'one-per-az' ? zones : zones.slice(0, 1);
    this.natIps = [];
    const nats = natZones.map((zone, i) => {
      const ip = new Eip(this, `nat-ip-${zone}`, { domain: 'vpc', tags: { Name: `${name}-nat-${zone}` } });
      this.natIps.push(ip);
      return new NatGateway(this, `nat-${zone}`, {
        allocationId: ip.allocationId,
        subnetId: this.publicSubnets[i]!.id,
        tags: { Name: `${name}-${zone}` },
        dependsOn: [igw],
      });
    });

    // One route table per zone even with a single NAT: moving to one-per-az later changes routes, not tables.
    this.privateRouteTables = zones.map((zone, i) => {
      const table = new RouteTable(this, `private-${zone}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${zone}` } });
      new Route(this, `private-${zone}-default-route`, {
        routeTableId: table.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: (nats[i] ?? nats[0]!).id,
      });
      new RouteTableAssociation(this, `private-${zone}-association`, { subnetId: this.privateSubnets[i]!.id, routeTableId: table.id });
      return table;
    });
  }
}
