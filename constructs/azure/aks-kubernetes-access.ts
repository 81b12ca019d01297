import { Fn } from 'cdktf';
import type { KubernetesAccess } from '../kubernetes-access';

/** The AKS Entra ID server application; kubelogin asks Entra ID for tokens with this audience. */
export const AKS_ENTRA_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

export interface AksEndpoint {
  /** https:// URL of the API server. */
  readonly clusterEndpoint: string;
  /** Base64 PEM, as AKS returns it. */
  readonly clusterCaCertificate: string;
}

/**
 * Reaching AKS from a later layer: local accounts are disabled, so the only
 * credential is an Entra ID token that kubelogin gets from the Azure CLI
 * session (az login, or the CI job's federated login) at plan and apply time.
 * No kubeconfig, client certificate or token lands in state or outputs.
 */
export function aksKubernetesAccess(cluster: AksEndpoint): KubernetesAccess {
  return {
    host: cluster.clusterEndpoint,
    clusterCaCertificate: Fn.base64decode(cluster.clusterCaCertificate),
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kubelogin',
      args: ['get-token', '--login', 'azurecli', '--server-id', AKS_ENTRA_SERVER_ID],
    },
  };
}
