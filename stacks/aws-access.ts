/**
 * What every AWS stack above the cluster starts with: the AWS provider pinned
 * to the environment's account, the cluster contract, and helm/kubernetes
 * providers that sign in with `aws eks get-token`.
 */
import type { AwsEnvironment } from '../config/schema';
import { eksKubernetesAccess } from '../constructs/aws/eks-kubernetes-access';
import { boundCreatedRoles } from '../constructs/aws/deploy-fence';
import { partitionOf } from '../constructs/aws/policy';
import { awsProvider } from '../constructs/aws/provider';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import type { LayerStack } from '../constructs/layer-stack';
import { standardTags } from '../config/names';
import { consume } from '../constructs/remote-state';
import { awsClusterContract, type AwsClusterOutputs } from './aws-contracts';

export function connectToEks(stack: LayerStack, env: AwsEnvironment, cluster: LayerStack): AwsClusterOutputs {
  const { accountId, region } = env.aws;
  awsProvider(stack, { accountId, region, tags: standardTags(env) });
  // Roles this stack creates stay inside the fences of the deploy role that applies it.
  boundCreatedRoles(stack, env, partitionOf(region));
  const eks = consume(stack, cluster, awsClusterContract);
  kubernetesProviders(stack, eksKubernetesAccess(eks));
  return eks;
}
