/**
 * Who may connect into `monitoring`: its components talk to each other (Grafana -> Prometheus,
 * Loki, Tempo; Alloy -> Loki, Tempo; Prometheus scrapes; Alertmanager and Loki peers); the API
 * server reaches the Prometheus operator's admission webhook; the load balancer reaches Grafana
 * when it is exposed. Nothing else, but Alloy's OTLP receiver (alloy/network-policy.ts): Loki
 * and Alertmanager have no authentication of their own.
 */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { defaultDeny, networkPolicy } from '../../network-policy';
import { NAMESPACES, POD_SELECTORS } from '../../../config/names';
import { fromApiServer } from '../ingress-rules';

/** Pod labels of the webhook server: kube-prometheus-stack 88.5.3 prometheus-operator.labels. */
const PROMETHEUS_OPERATOR_PODS = { 'app.kubernetes.io/name': 'kube-prometheus-stack-prometheus-operator' };
const GRAFANA_PORT = 3000;

/** The namespace's default-deny and the traffic within it. */
export function monitoringNamespacePolicies(scope: Construct, dependsOn: ITerraformDependable[]): ITerraformDependable[] {
  const monitoring = NAMESPACES.monitoring;
  return [
    defaultDeny(scope, monitoring, dependsOn, 'ingress-only'),
    networkPolicy(scope, 'within-namespace', { namespace: monitoring, pods: {}, ingress: [{ peers: [{ namespace: monitoring }] }], dependsOn }),
  ];
}

/** The operator's webhook from the API server, and Grafana from the load balancer when `grafanaEdge` (its source ranges) is given. */
export function monitoringEntryPolicies(scope: Construct, grafanaEdge: readonly string[] | undefined, dependsOn: ITerraformDependable[]): ITerraformDependable[] {
  const monitoring = NAMESPACES.monitoring;
  return [
    networkPolicy(scope, 'webhooks-from-api-server', { namespace: monitoring, pods: PROMETHEUS_OPERATOR_PODS, ingress: [fromApiServer], dependsOn }),
    ...(grafanaEdge
      ? [networkPolicy(scope, 'grafana-from-load-balancer', { namespace: monitoring, pods: POD_SELECTORS.grafana.labels, ingress: [{ peers: grafanaEdge.map((cidr) => ({ cidr })), ports: [{ port: GRAFANA_PORT }] }], dependsOn })]
      : []),
  ];
}
