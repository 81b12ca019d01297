import { Fn } from 'cdktf';
import type { KubernetesAccess } from '../kubernetes-access';

export interface EksEndpoint {
  readonly region: string;
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  /** Base64, as EKS returns it. */
  readonly clusterCertificateAuthorityData: string;
}

/**
 * Reaching EKS from a later layer: a token from `aws eks get-token` at plan and
 * apply time, with whatever AWS credentials the shell or CI job has. Nothing
 * long-lived lands in state (the aws_eks_cluster_auth data source would put
 * the token there).
 */
export function eksKubernetesAccess(cluster: EksEndpoint): KubernetesAccess {
  return {
    host: cluster.clusterEndpoint,
    clusterCaCertificate: Fn.base64decode(cluster.clusterCertificateAuthorityData),
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', cluster.clusterName, '--region', cluster.region, '--output', 'json'],
    },
  };
}
