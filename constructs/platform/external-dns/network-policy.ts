/** Who may connect into `external-dns`: Prometheus, to its metrics. */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { defaultDeny, networkPolicy } from '../../network-policy';
import { NAMESPACES } from '../../../config/names';
import { fromPrometheus } from '../ingress-rules';

export function externalDnsNetworkPolicies(scope: Construct, dependsOn: ITerraformDependable[]): ITerraformDependable[] {
  return [
    defaultDeny(scope, NAMESPACES.externalDns, dependsOn, 'ingress-only'),
    networkPolicy(scope, 'metrics-from-prometheus', { namespace: NAMESPACES.externalDns, pods: {}, ingress: [fromPrometheus], dependsOn }),
  ];
}
