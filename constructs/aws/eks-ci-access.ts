/**
 * Kubernetes access of the environment's CI roles (created by the bootstrap stack, found here by
 * their fixed names), through EKS access entries:
 * - deploy: AmazonEKSClusterAdminPolicy on the cluster: applies install CRDs, cluster roles and
 *   webhooks through Helm.
 * - plan: AmazonEKSViewPolicy on the cluster (reads namespaced objects, no Secrets),
 *   AmazonEKSAdminViewPolicy limited to the namespaces whose Secrets plans must read (Helm release
 *   records, managed Secrets: constructs/ci/kubernetes-scope.ts), and the Kubernetes group the
 *   platform layer binds to a read-only ClusterRole for cluster-scoped kinds (storage classes, CRDs,
 *   cluster roles, webhooks, cluster issuers) that the view policy leaves out.
 */
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { Construct } from 'constructs';
import { ciRoleArns } from '../../config/delivery';
import type { AwsEnvironment } from '../../config/schema';
import { CI_PLAN_KUBERNETES_GROUP, ciPlanSecretNamespaces } from '../ci/kubernetes-scope';

export interface EksCiAccessProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  readonly clusterName: string;
}

export class EksCiAccess extends Construct {
  constructor(scope: Construct, id: string, props: EksCiAccessProps) {
    super(scope, id);
    const { partition, clusterName } = props;
    const roles = ciRoleArns(props.env, partition);
    const policy = (name: string) => `arn:${partition}:eks::aws:cluster-access-policy/${name}`;

    const deploy = new EksAccessEntry(this, 'deploy', { clusterName, principalArn: roles.deploy, type: 'STANDARD' });
    new EksAccessPolicyAssociation(this, 'deploy-cluster-admin', {
      clusterName,
      principalArn: deploy.principalArn,
      policyArn: policy('AmazonEKSClusterAdminPolicy'),
      accessScope: { type: 'cluster' },
    });

    const plan = new EksAccessEntry(this, 'plan', {
      clusterName,
      principalArn: roles.plan,
      type: 'STANDARD',
      kubernetesGroups: [CI_PLAN_KUBERNETES_GROUP],
    });
    new EksAccessPolicyAssociation(this, 'plan-view', {
      clusterName,
      principalArn: plan.principalArn,
      policyArn: policy('AmazonEKSViewPolicy'),
      accessScope: { type: 'cluster' },
    });
    new EksAccessPolicyAssociation(this, 'plan-release-secrets', {
      clusterName,
      principalArn: plan.principalArn,
      policyArn: policy('AmazonEKSAdminViewPolicy'),
      accessScope: { type: 'namespace', namespaces: ciPlanSecretNamespaces(props.env) },
    });
  }
}
