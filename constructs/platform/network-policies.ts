/**
 * Who may connect into the platform's namespaces, in the order the stack creates them. Each
 * namespace starts from default-deny for ingress; egress stays open because these components
 * call cloud APIs, the Kubernetes API, ACME and DNS providers at addresses a NetworkPolicy cannot
 * name. The app namespaces (app layer) deny both ways. Each component's own policies are in its
 * folder (monitoring/, alloy/, cert-manager/, external-dns/ `network-policy.ts`); Loki and Tempo
 * are reached only from within `monitoring`, so they have none of their own. node-exporter runs
 * on the host network, where NetworkPolicies do not apply.
 */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { alloyNetworkPolicies } from './alloy/network-policy';
import { certManagerNetworkPolicies } from './cert-manager/network-policy';
import { externalDnsNetworkPolicies } from './external-dns/network-policy';
import { monitoringEntryPolicies, monitoringNamespacePolicies } from './monitoring/network-policy';

export interface PlatformNetworkPoliciesProps {
  /** Where the load balancer connects from, when Grafana is exposed through it. */
  readonly grafanaEdgeSourceCidrs?: readonly string[];
  /** external-dns is installed (its namespace exists). */
  readonly externalDns: boolean;
  /** Alloy receives OTLP traces from any namespace (Alloy and Tempo both on). */
  readonly otlpReceiver: boolean;
  readonly dependsOn: ITerraformDependable[];
}

export function platformNetworkPolicies(scope: Construct, props: PlatformNetworkPoliciesProps): ITerraformDependable[] {
  const { dependsOn } = props;
  return [
    ...monitoringNamespacePolicies(scope, dependsOn),
    ...(props.otlpReceiver ? alloyNetworkPolicies(scope, dependsOn) : []),
    ...monitoringEntryPolicies(scope, props.grafanaEdgeSourceCidrs, dependsOn),
    ...certManagerNetworkPolicies(scope, dependsOn),
    ...(props.externalDns ? externalDnsNetworkPolicies(scope, dependsOn) : []),
  ];
}
