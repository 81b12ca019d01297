/**
 * How `<env>-platform` connects to AWS: the AWS, helm and kubernetes providers
 * from the network and cluster contracts, the AWS PlatformCloud, and the
 * aws-platform contract for the app layer.
 */
import type { AwsEnvironment } from '../config/schema';
import { CiPlanClusterReader } from '../constructs/aws/ci-plan-cluster-reader';
import { AwsPlatformCloud } from '../constructs/aws/platform-cloud';
import { partitionOf } from '../constructs/aws/policy';
import type { LayerStack } from '../constructs/layer-stack';
import { consume, publish } from '../constructs/remote-state';
import { connectToEks } from './aws-access';
import { awsNetworkContract, awsPlatformContract } from './aws-contracts';
import type { ConnectCloud } from './platform-stack';

export function connectAws(env: AwsEnvironment, network: LayerStack, cluster: LayerStack): ConnectCloud {
  return (stack) => {
    const { region } = env.aws;
    const eks = connectToEks(stack, env, cluster);
    const net = consume(stack, network, awsNetworkContract);
    const cloud = new AwsPlatformCloud(stack, 'cloud', {
      env,
      partition: partitionOf(region),
      vpcId: net.vpcId,
      oidcProviderArn: eks.oidcProviderArn,
      oidcIssuerUrl: eks.oidcIssuerUrl,
      ebsKmsKeyArn: eks.ebsKmsKeyArn,
    });
    publish(stack, awsPlatformContract, { certificateArn: cloud.edge.certificate.arn, webAclArn: cloud.edge.webAcl.acl.arn });
    new CiPlanClusterReader(stack, 'ci-plan-cluster-reader');
    return cloud;
  };
}
