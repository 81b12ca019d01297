/**
 * Private paths to AWS APIs: an S3 gateway endpoint on every private route
 * table (free, keeps image layers and backups off the NAT), and interface
 * endpoints from config behind a security group that admits HTTPS from the VPC.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

export interface VpcEndpointsProps {
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly interfaceServices: readonly string[];
}

export class VpcEndpoints extends Construct {
  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    new VpcEndpoint(this, 's3', {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: props.privateRouteTableIds,
      tags: { Name: `${props.name}-s3` },
    });

    if (props.interfaceServices.length === 0) return;

    const group = new SecurityGroup(this, 'interface-endpoints', {
      name: `${props.name}-vpc-endpoints`,
      description: 'HTTPS from inside the VPC to AWS interface endpoints',
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, 'https-from-vpc', {
      securityGroupId: group.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    for (const service of props.interfaceServices) {
      new VpcEndpoint(this, service.replace(/\./g, '-'), {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.privateSubnetIds,
        securityGroupIds: [group.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
  }
}
