/** Alloy receives OTLP traces from any namespace: instrumented workloads send them to it. */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { networkPolicy } from '../../network-policy';
import { NAMESPACES, POD_SELECTORS } from '../../../config/names';

const OTLP_PORTS = [{ port: 4317 }, { port: 4318 }];

export function alloyNetworkPolicies(scope: Construct, dependsOn: ITerraformDependable[]): ITerraformDependable[] {
  return [
    networkPolicy(scope, 'otlp-from-workloads', { namespace: NAMESPACES.monitoring, pods: POD_SELECTORS.alloy.labels, ingress: [{ peers: [{ anyNamespace: true }], ports: OTLP_PORTS }], dependsOn }),
  ];
}
