/** Who may connect into `cert-manager`: the API server to its webhook, Prometheus to its metrics. */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { defaultDeny, networkPolicy } from '../../network-policy';
import { NAMESPACES } from '../../../config/names';
import { fromApiServer, fromPrometheus } from '../ingress-rules';

/** Pod labels of the webhook server: cert-manager v1.21.1 webhook-deployment.yaml. */
const CERT_MANAGER_WEBHOOK_PODS = { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' };

export function certManagerNetworkPolicies(scope: Construct, dependsOn: ITerraformDependable[]): ITerraformDependable[] {
  const namespace = NAMESPACES.certManager;
  return [
    defaultDeny(scope, namespace, dependsOn, 'ingress-only'),
    networkPolicy(scope, 'webhook-from-api-server', { namespace, pods: CERT_MANAGER_WEBHOOK_PODS, ingress: [fromApiServer], dependsOn }),
    networkPolicy(scope, 'metrics-from-prometheus', { namespace, pods: {}, ingress: [fromPrometheus], dependsOn }),
  ];
}
