/**
 * Who may connect into the platform's namespaces. Each starts from
 * default-deny for ingress; egress stays open because these components call
 * cloud APIs, the Kubernetes API, ACME and DNS providers at addresses a
 * NetworkPolicy cannot name. The app namespaces (app layer) deny both ways.
 *
 * - monitoring: its components talk to each other (Grafana -> Prometheus,
 *   Loki, Tempo; Alloy -> Loki, Tempo; Prometheus scrapes; Alertmanager and
 *   Loki peers); any pod may send OTLP to Alloy; the API server reaches the
 *   Prometheus operator's admission webhook; the load balancer reaches
 *   Grafana when it is exposed. Nothing else: Loki and Alertmanager have no
 *   authentication of their own.
 * - cert-manager: the API server reaches its webhook; Prometheus scrapes.
 *
 * Webhook pods take their port from any source: the API server calls from
 * the control plane's ENIs on EKS, and through konnectivity-agent on AKS,
 * whose pod and node addresses Cilium never matches with an ipBlock (AKS
 * documents this limit). Only the webhook pods are opened, on that port only.
 * - external-dns: Prometheus scrapes.
 * node-exporter runs on the host network, where NetworkPolicies do not apply.
 */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { defaultDeny, networkPolicy, type Rule } from '../network-policy';
import { NAMESPACES, POD_SELECTORS } from '../../config/names';

export interface PlatformNetworkPoliciesProps {
  /** Where the load balancer connects from, when Grafana is exposed through it. */
  readonly grafanaEdgeSourceCidrs?: readonly string[];
  /** external-dns is installed (its namespace exists). */
  readonly externalDns: boolean;
  /** Alloy receives OTLP traces from any namespace (Alloy and Tempo both on). */
  readonly otlpReceiver: boolean;
  readonly dependsOn: ITerraformDependable[];
}

/** Port of the Prometheus operator's and cert-manager's webhooks (their charts' default). */
export const WEBHOOK_PORT = 10250;
/** Pod labels of the webhook servers: kube-prometheus-stack 88.5.3 prometheus-operator.labels, cert-manager v1.21.1 webhook-deployment.yaml. */
const PROMETHEUS_OPERATOR_PODS = { 'app.kubernetes.io/name': 'kube-prometheus-stack-prometheus-operator' };
const CERT_MANAGER_WEBHOOK_PODS = { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' };
const GRAFANA_PORT = 3000;
const OTLP_PORTS = [{ port: 4317 }, { port: 4318 }];

/** No peers: every source, so the API server is let in whatever address it calls from (see above). */
const fromApiServer: Rule = { peers: [], ports: [{ port: WEBHOOK_PORT }] };
const fromPrometheus: Rule = { peers: [{ pods: POD_SELECTORS.prometheus.labels, namespace: POD_SELECTORS.prometheus.namespace }] };

export function platformNetworkPolicies(scope: Construct, props: PlatformNetworkPoliciesProps): ITerraformDependable[] {
  const { dependsOn } = props;
  const monitoring = NAMESPACES.monitoring;
  const grafanaEdge = props.grafanaEdgeSourceCidrs;
  return [
    defaultDeny(scope, monitoring, dependsOn, 'ingress-only'),
    networkPolicy(scope, 'within-namespace', { namespace: monitoring, pods: {}, ingress: [{ peers: [{ namespace: monitoring }] }], dependsOn }),
    ...(props.otlpReceiver ? [networkPolicy(scope, 'otlp-from-workloads', { namespace: monitoring, pods: POD_SELECTORS.alloy.labels, ingress: [{ peers: [{ anyNamespace: true }], ports: OTLP_PORTS }], dependsOn })] : []),
    networkPolicy(scope, 'webhooks-from-api-server', { namespace: monitoring, pods: PROMETHEUS_OPERATOR_PODS, ingress: [fromApiServer], dependsOn }),
    ...(grafanaEdge
      ? [networkPolicy(scope, 'grafana-from-load-balancer', { namespace: monitoring, pods: POD_SELECTORS.grafana.labels, ingress: [{ peers: grafanaEdge.map((cidr) => ({ cidr })), ports: [{ port: GRAFANA_PORT }] }], dependsOn })]
      : []),

    defaultDeny(scope, NAMESPACES.certManager, dependsOn, 'ingress-only'),
    networkPolicy(scope, 'webhook-from-api-server', { namespace: NAMESPACES.certManager, pods: CERT_MANAGER_WEBHOOK_PODS, ingress: [fromApiServer], dependsOn }),
    networkPolicy(scope, 'metrics-from-prometheus', { namespace: NAMESPACES.certManager, pods: {}, ingress: [fromPrometheus], dependsOn }),

    ...(props.externalDns
      ? [
          defaultDeny(scope, NAMESPACES.externalDns, dependsOn, 'ingress-only'),
          networkPolicy(scope, 'metrics-from-prometheus', { namespace: NAMESPACES.externalDns, pods: {}, ingress: [fromPrometheus], dependsOn }),
        ]
      : []),
  ];
}
