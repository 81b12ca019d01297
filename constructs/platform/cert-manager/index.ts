/**
 * cert-manager with its CRDs from the chart (templated, so upgrades update
 * them), then the ClusterIssuers: Let's Encrypt staging and production over
 * ACME DNS01 against the environment's zone (cloud identity, no keys), and an
 * internal CA (self-signed root -> CA issuer) for in-cluster TLS such as the
 * MongoDB members and clients in the app layer.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { chartRelease } from '../chart-release';
import { ClusterObjects, type KubernetesObject } from '../cluster-objects';
import { CLUSTER_ISSUERS, NAMESPACES } from '../../../config/names';
import type { DnsZone } from '../platform-cloud';
import { controllerReplicas, resourcesFor, zoneSpread } from '../../../config/sizing';
import { componentValues } from '../../../config/components';

export const CERT_MANAGER_SERVICE_ACCOUNT = { namespace: NAMESPACES.certManager, name: 'cert-manager' } as const;

const ACME_SERVERS = {
  [CLUSTER_ISSUERS.letsEncryptStaging]: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  [CLUSTER_ISSUERS.letsEncrypt]: 'https://acme-v02.api.letsencrypt.org/directory',
};

const SELF_SIGNED = 'selfsigned-bootstrap';
/** Secret (in the cert-manager namespace) holding the internal root CA; the CA ClusterIssuer signs with it. */
export const INTERNAL_CA_SECRET = 'internal-ca-root';

export function clusterIssuers(env: Environment, dns: DnsZone, dns01: object): KubernetesObject[] {
  const acme = Object.entries(ACME_SERVERS).map(([name, server]) => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name },
    spec: {
      acme: {
        server,
        email: env.platform.acmeEmail,
        privateKeySecretRef: { name: `${name}-account-key` },
        solvers: [{ selector: { dnsZones: [dns.zoneName] }, dns01 }],
      },
    },
  }));
  return [
    ...acme,
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: SELF_SIGNED }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: INTERNAL_CA_SECRET, namespace: NAMESPACES.certManager },
      spec: {
        isCA: true,
        commonName: `${env.name} internal CA`,
        secretName: INTERNAL_CA_SECRET,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Never' },
        issuerRef: { name: SELF_SIGNED, kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: CLUSTER_ISSUERS.internalCa }, spec: { ca: { secretName: INTERNAL_CA_SECRET } } },
  ];
}

export class CertManager extends Construct {
  readonly release: Release;
  readonly issuers: ClusterObjects;

  constructor(scope: Construct, id: string, props: { env: Environment; dns: DnsZone; gatewayApi: boolean; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env, dns } = props;
    const identity = dns.bind('cert-manager-dns', CERT_MANAGER_SERVICE_ACCOUNT, { acmeChallengesOnly: true });
    const replicas = controllerReplicas(env);
    // maxUnavailable, not the chart's default minAvailable 1: the same budget whatever the replica count.
    const ha = (component: string, name: string) => ({
      replicaCount: replicas,
      podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
      topologySpreadConstraints: zoneSpread(replicas, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': component }),
      resources: resourcesFor(env, 'controller'),
    });

    this.release = chartRelease(this, 'cert-manager', {
      pin: CHARTS.certManager,
      overrides: componentValues(env, 'certManager'),
      namespace: NAMESPACES.certManager,
      dependsOn: props.dependsOn,
      values: {
        crds: { enabled: true, keep: true },
        ...ha('controller', 'cert-manager'),
        serviceAccount: { name: CERT_MANAGER_SERVICE_ACCOUNT.name, annotations: identity.serviceAccountAnnotations, labels: identity.serviceAccountLabels },
        podLabels: identity.podLabels,
        global: { leaderElection: { namespace: NAMESPACES.certManager } },
        webhook: ha('webhook', 'webhook'),
        cainjector: ha('cainjector', 'cainjector'),
        startupapicheck: { resources: resourcesFor(env, 'helper') },
        prometheus: { enabled: true, servicemonitor: { enabled: true } },
        // The gateway-shim issues a certificate for each HTTPS listener of an annotated Gateway (edges that serve Gateways only).
        // The flag behind ControllerConfiguration.enableGatewayAPI (pkg/apis/config/controller/v1alpha1); the chart's own
        // comment suggests a gatewayAPI.enabled config key that the config types do not have, so the flag is the safe spelling.
        ...(props.gatewayApi ? { extraArgs: ['--enable-gateway-api'] } : {}),
      },
    });
    this.issuers = new ClusterObjects(this, 'issuers', {
      name: 'cluster-issuers',
      namespace: NAMESPACES.certManager,
      objects: clusterIssuers(env, dns, dns.acmeDns01(identity)),
      dependsOn: [this.release],
    });
  }
}
