/**
 * The ClusterRole behind the EKS plan access entry's Kubernetes group (constructs/aws/eks-ci-access.ts):
 * read-only, cluster-scoped kinds the AmazonEKSViewPolicy leaves out and the stacks manage or Helm
 * releases contain. No Secrets: those are readable only in the release namespaces, through the access
 * entry's namespace-scoped AmazonEKSAdminViewPolicy. Built with the platform layer, the first layer
 * with a Kubernetes provider; nothing cluster-scoped exists to refresh before it.
 */
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Construct } from 'constructs';
import { CI_PLAN_KUBERNETES_GROUP } from '../ci/kubernetes-scope';

const READ = ['get', 'list', 'watch'];

/** Kubernetes API group → cluster-scoped (or RBAC) resources plans refresh. */
export const CI_PLAN_CLUSTER_READS: Readonly<Record<string, readonly string[]>> = {
  '': ['namespaces', 'nodes', 'persistentvolumes'],
  'storage.k8s.io': ['storageclasses', 'csidrivers'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'rbac.authorization.k8s.io': ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'],
  'admissionregistration.k8s.io': ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
  'scheduling.k8s.io': ['priorityclasses'],
  'networking.k8s.io': ['ingressclasses'],
  'apiregistration.k8s.io': ['apiservices'],
  'cert-manager.io': ['clusterissuers'],
};

export class CiPlanClusterReader extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const name = `${CI_PLAN_KUBERNETES_GROUP}-cluster-reader`;
    const role = new ClusterRoleV1(this, 'role', {
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'terraform' } },
      rule: Object.entries(CI_PLAN_CLUSTER_READS).map(([group, resources]) => ({ apiGroups: [group], resources: [...resources], verbs: READ })),
    });
    new ClusterRoleBindingV1(this, 'binding', {
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'terraform' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
      subject: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: CI_PLAN_KUBERNETES_GROUP }],
    });
  }
}
