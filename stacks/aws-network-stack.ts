/** `<env>-network` on AWS: VPC, subnets, NAT, endpoints and flow logs; publishes the aws-network contract. */
import type { Construct } from 'constructs';
import type { AwsEnvironment } from '../config/schema';
import { VpcFlowLogs } from '../constructs/aws/flow-logs';
import { partitionOf } from '../constructs/aws/policy';
import { boundCreatedRoles } from '../constructs/aws/deploy-fence';
import { awsProvider } from '../constructs/aws/provider';
import { VpcEndpoints } from '../constructs/aws/vpc-endpoints';
import { VpcNetwork } from '../constructs/aws/vpc';
import { LayerStack } from '../constructs/layer-stack';
import { clusterName, stackName, standardTags } from '../config/names';
import { publish } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { awsNetworkContract } from './aws-contracts';

export class AwsNetworkStack extends LayerStack {
  constructor(scope: Construct, env: AwsEnvironment) {
    const id = stackName(env, 'network');
    super(scope, id, stateLocation(env, id));
    const { accountId, region } = env.aws;
    const net = env.network;
    awsProvider(this, { accountId, region, tags: standardTags(env) });
    // Roles this stack creates stay inside the fences of the deploy role that applies it.
    boundCreatedRoles(this, env, partitionOf(region));

    const network = new VpcNetwork(this, 'vpc', {
      name: env.name,
      cidr: net.vpcCidr,
      zones: net.availabilityZones,
      publicSubnetCidrs: net.publicSubnetCidrs,
      privateSubnetCidrs: net.privateSubnetCidrs,
      natGateways: net.natGateways,
      clusterName: clusterName(env),
    });
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);
    const privateRouteTableIds = network.privateRouteTables.map((t) => t.id);

    new VpcFlowLogs(this, 'flow-logs', {
      name: env.name,
      vpcId: network.vpc.id,
      accountId,
      region,
      partition: partitionOf(region),
      retentionDays: net.flowLogRetentionDays,
    });

    new VpcEndpoints(this, 'endpoints', {
      name: env.name,
      region,
      vpcId: network.vpc.id,
      vpcCidr: net.vpcCidr,
      privateSubnetIds,
      privateRouteTableIds,
      interfaceServices: net.interfaceEndpoints,
    });

    publish(this, awsNetworkContract, {
      region,
      vpcId: network.vpc.id,
      vpcCidr: network.vpc.cidrBlock,
      availabilityZones: [...net.availabilityZones],
      privateSubnetIds,
      publicSubnetIds: network.publicSubnets.map((s) => s.id),
      privateRouteTableIds,
      natPublicIps: network.natIps.map((ip) => ip.publicIp),
    });
  }
}
