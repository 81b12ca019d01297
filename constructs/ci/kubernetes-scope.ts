/**
 * What the CI plan identity may read in a cluster. The helm provider refreshes a release by reading
 * its release Secrets (sh.helm.release.v1.<release>.v<n>) in the release's namespace, and the
 * kubernetes provider refreshes the Secrets the stacks manage; a "view"-style role has no Secrets, so
 * plans of the platform and app layers would fail with it. The plan identity therefore reads:
 * - every object except Secrets, cluster-wide (refresh of namespaces, storage classes, policies, ...);
 * - Secrets only in the namespaces where the stacks install Helm releases or manage Secrets.
 * Everything it can read there is also in the Terraform state it must read to plan (passwords the
 * stacks generate, Helm values), so this adds no secret it does not already hold.
 * A test checks this list against every helm_release and kubernetes_secret the stacks synthesize.
 */
import { componentEnabled } from '../../config/components';
import type { Environment } from '../../config/schema';
import { NAMESPACES, ROCKETCHAT } from '../../config/names';

const CLOUD_NAMESPACES = {
  // AWS Load Balancer Controller, metrics-server and cluster-autoscaler are installed in kube-system.
  aws: 'kube-system',
  // The Application Gateway for Containers ALB Controller.
  azure: 'azure-alb-system',
} as const;

/** Namespaces whose Secrets the plan identity reads: external-dns's only while it is installed (platform.components). */
export function ciPlanSecretNamespaces(env: Pick<Environment, 'cloud' | 'platform' | 'app'>): string[] {
  const external = componentEnabled(env, 'externalDns') ? [NAMESPACES.externalDns] : [];
  return [NAMESPACES.certManager, ...external, NAMESPACES.monitoring, NAMESPACES.mongodb, ROCKETCHAT.namespace, CLOUD_NAMESPACES[env.cloud]].sort();
}

/** Kubernetes group of the EKS plan access entry, bound to a read-everything-but-Secrets ClusterRole by the platform layer. */
export const CI_PLAN_KUBERNETES_GROUP = 'rocketchat-ci-plan';
