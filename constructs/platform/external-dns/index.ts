/**
 * external-dns for the environment's zone: publishes the hosts of Ingresses
 * and LoadBalancer Services, and owns only records it created (TXT registry,
 * owner id = environment name), so two clusters can share a zone.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { chartRelease } from '../chart-release';
import { NAMESPACES } from '../../../config/names';
import type { DnsZone } from '../platform-cloud';
import { resourcesFor } from '../../../config/sizing';
import { componentValues } from '../../../config/components';

export const EXTERNAL_DNS_SERVICE_ACCOUNT = { namespace: NAMESPACES.externalDns, name: 'external-dns' } as const;

export class ExternalDns extends Construct {
  constructor(scope: Construct, id: string, props: { env: Environment; dns: DnsZone; gatewayApi: boolean; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env, dns } = props;
    const identity = dns.bind('external-dns-dns', EXTERNAL_DNS_SERVICE_ACCOUNT, { listZones: true });
    chartRelease(this, 'external-dns', {
      pin: CHARTS.externalDns,
      overrides: componentValues(env, 'externalDns'),
      namespace: NAMESPACES.externalDns,
      dependsOn: [...props.dependsOn, ...dns.externalDnsPrerequisites('external-dns-config', NAMESPACES.externalDns, props.dependsOn)],
      // Its crds/ holds only DNSEndpoint, which a `crd` source would read; the sources here are not that.
      skipCrds: true,
      values: {
        ...dns.externalDnsValues(),
        domainFilters: [dns.zoneName],
        policy: env.platform.externalDnsPolicy,
        registry: 'txt',
        txtOwnerId: env.name,
        // A prefix keeps the ownership TXT record from colliding with CNAME records of the same name.
        txtPrefix: 'extdns-',
        // gateway-httproute: hostnames of HTTPRoutes, pointed at their Gateway's address (edges that serve Gateways).
        sources: ['ingress', 'service', ...(props.gatewayApi ? ['gateway-httproute'] : [])],
        serviceAccount: { name: EXTERNAL_DNS_SERVICE_ACCOUNT.name, annotations: identity.serviceAccountAnnotations, labels: identity.serviceAccountLabels },
        podLabels: identity.podLabels,
        resources: resourcesFor(env, 'controller'),
        serviceMonitor: { enabled: true },
      },
    });
  }
}
