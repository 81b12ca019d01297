/**
 * How `<env>-app` connects to AWS: the AWS, helm and kubernetes providers
 * from the cluster contract, the certificate from the platform contract, and
 * the AWS AppCloud.
 */
import type { AwsEnvironment } from '../config/schema';
import { AwsAppCloud } from '../constructs/aws/app-cloud';
import { eksKubernetesAccess } from '../constructs/aws/eks-kubernetes-access';
import { partitionOf } from '../constructs/aws/policy';
import { awsProvider } from '../constructs/aws/provider';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import type { LayerStack } from '../constructs/layer-stack';
import { standardTags } from '../constructs/naming';
import { consume } from '../constructs/remote-state';
import type { ConnectAppCloud } from './app-stack';
import { awsClusterContract, awsPlatformContract } from './aws-contracts';

export function connectAwsApp(env: AwsEnvironment, cluster: LayerStack, platform: LayerStack): ConnectAppCloud {
  return (stack) => {
    const { accountId, region } = env.aws;
    awsProvider(stack, { accountId, region, tags: standardTags(env) });
    const eks = consume(stack, cluster, awsClusterContract);
    const edge = consume(stack, platform, awsPlatformContract);
    kubernetesProviders(stack, eksKubernetesAccess(eks));
    return new AwsAppCloud(stack, 'cloud', {
      env,
      partition: partitionOf(region),
      oidcProviderArn: eks.oidcProviderArn,
      oidcIssuerUrl: eks.oidcIssuerUrl,
      certificateArn: edge.certificateArn,
    });
  };
}
