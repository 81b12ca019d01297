/**
 * How `<env>-app` connects to AWS: the AWS, helm and kubernetes providers
 * from the cluster contract, the certificate from the platform contract, and
 * the AWS AppCloud.
 */
import type { AwsEnvironment } from '../config/schema';
import { AwsAppCloud } from '../constructs/aws/app-cloud';
import { partitionOf } from '../constructs/aws/policy';
import type { LayerStack } from '../constructs/layer-stack';
import { consume } from '../constructs/remote-state';
import type { ConnectAppCloud } from './app-stack';
import { connectToEks } from './aws-access';
import { awsPlatformContract } from './aws-contracts';

export function connectAwsApp(env: AwsEnvironment, cluster: LayerStack, platform: LayerStack): ConnectAppCloud {
  return (stack) => {
    const eks = connectToEks(stack, env, cluster);
    const edge = consume(stack, platform, awsPlatformContract);
    return new AwsAppCloud(stack, 'cloud', {
      env,
      partition: partitionOf(env.aws.region),
      oidcProviderArn: eks.oidcProviderArn,
      oidcIssuerUrl: eks.oidcIssuerUrl,
      certificateArn: edge.certificateArn,
      webAclArn: edge.webAclArn,
    });
  };
}
