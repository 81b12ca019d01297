/**
 * How later layers reach a cluster's API: endpoint, CA and a short-lived token
 * from an exec plugin (`aws eks get-token`, `kubelogin`). No kubeconfig file,
 * no client certificate and no token is ever stored in state or outputs.
 * Each cloud's cluster layer provides a function returning KubernetesAccess
 * from its contract; this file turns it into the helm and kubernetes providers.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';

export interface KubernetesAccess {
  /** https:// URL of the API server. */
  readonly host: string;
  /** PEM CA certificate (decoded, not base64). */
  readonly clusterCaCertificate: string;
  /** client.authentication.k8s.io exec plugin that prints a token. */
  readonly exec: { readonly apiVersion: string; readonly command: string; readonly args: string[] };
}

export interface KubernetesProviders {
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;
}

export function kubernetesProviders(scope: Construct, access: KubernetesAccess): KubernetesProviders {
  const exec = { apiVersion: access.exec.apiVersion, command: access.exec.command, args: access.exec.args };
  return {
    // helm provider 3.x: `kubernetes` and its `exec` are single objects.
    helm: new HelmProvider(scope, 'helm', {
      kubernetes: { host: access.host, clusterCaCertificate: access.clusterCaCertificate, exec },
      // The release's rendered manifest in state (Secret data as a hash, helm/manifest_json.go):
      // a plan renders each chart and shows object by object what an upgrade changes, and the
      // nightly drift check sees a release changed outside Terraform (helm upgrade/rollback by
      // hand). Cost and limits: docs/operations.md, "Drift and the helm manifest diff".
      experiments: { manifest: true },
    }),
    // kubernetes provider 2.x: `exec` is still a list.
    kubernetes: new KubernetesProvider(scope, 'kubernetes', {
      host: access.host,
      clusterCaCertificate: access.clusterCaCertificate,
      exec: [exec],
    }),
  };
}
