import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../config/versions';
import { ALB_SSL_POLICY } from '../constructs/aws/https-edge';
import { alloyConfig } from '../constructs/platform/alloy';
import { ENVIRONMENTS } from '../config/environments';
import { byPath, examplesOutdir, type Json, objectsOf, only, registryWith, release, releaseRef, resources, synthExamples, synthWith,
  valuesOf } from './support';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const platform = (env: string): Json => stacks[`${env}-platform`]!;
const values = valuesOf;
/** The trust policy embeds a Terraform expression for the issuer host, so it is read as text. */
const trust = (stack: Json, suffix: string): string => byPath(stack, 'aws_iam_role', suffix).assume_role_policy;
const federated = (stack: Json, suffix: string): Json => byPath(stack, 'azurerm_federated_identity_credential', suffix);

describe('platform charts', () => {
  const common = [
    ['cert-manager', CHARTS.certManager, 'cert-manager'],
    ['external-dns', CHARTS.externalDns, 'external-dns'],
    ['kube-prometheus-stack', CHARTS.kubePrometheusStack, 'monitoring'],
    ['loki', CHARTS.loki, 'monitoring'],
    ['tempo', CHARTS.tempo, 'monitoring'],
    ['alloy', CHARTS.alloy, 'monitoring'],
    ['psmdb-operator', CHARTS.psmdbOperator, 'mongodb'],
  ] as const;
  it.each(Object.keys(ENVIRONMENTS))('%s installs every component from its pinned repository, version and namespace', (env) => {
    for (const [chart, pin, namespace] of common) {
      // aws-dev turns Tempo off (config-components.test.ts holds what that removes).
      if (env === 'aws-dev' && chart === 'tempo') continue;
      const r = release(platform(env), chart);
      expect([r.repository, r.version, r.namespace, r.atomic, r.create_namespace]).toEqual([pin.repository, pin.version, namespace, true, false]);
    }
  });
  it('runs the cluster-autoscaler image built for the cluster minor', () => {
    expect(values(release(platform('aws-prod'), 'cluster-autoscaler')).image).toEqual({ tag: 'v1.35.0' });
    const { stacks } = synthWith(
      registryWith('aws-dev', (c) => {
        c.kubernetes.version = '1.34';
        // The node image release must be one built for the same minor (config/rules-aws.ts).
        c.kubernetes.nodeImageRelease = '1.34.9-20260714';
      }),
    );
    expect(values(release(stacks['aws-dev-platform']!, 'cluster-autoscaler')).image).toEqual({ tag: 'v1.34.5' });
  });

  it('installs the AWS-only add-ons on EKS and the AGC controller on AKS', () => {
    for (const [chart, pin] of [['aws-load-balancer-controller', CHARTS.awsLoadBalancerController], ['metrics-server', CHARTS.metricsServer],
      ['cluster-autoscaler', CHARTS.clusterAutoscaler]] as const) {
      expect(release(platform('aws-prod'), chart)).toMatchObject({ repository: pin.repository, version: pin.version, namespace: 'kube-system' });
      expect(() => release(platform('azure-prod'), chart)).toThrow('found 0');
    }
    expect(release(platform('azure-prod'), 'alb-controller')).toMatchObject({ repository: CHARTS.albController.repository,
      version: CHARTS.albController.version, namespace: 'azure-alb-system', take_ownership: true });
  });
  it('creates every platform namespace with a Pod Security level: restricted, node-exporter alone privileged', () => {
    const levels = Object.fromEntries(
      resources(platform('azure-prod'), 'kubernetes_namespace_v1').map((n) => [n.metadata.name, n.metadata.labels['pod-security.kubernetes.io/enforce']]),
    );
    expect(levels).toEqual({ 'cert-manager': 'restricted', 'external-dns': 'restricted', monitoring: 'restricted', mongodb: 'restricted',
      'monitoring-node': 'privileged', 'azure-alb-system': 'restricted' });
    expect(values(release(platform('aws-prod'), 'kube-prometheus-stack'))['prometheus-node-exporter'].namespaceOverride).toBe('monitoring-node');
    expect(values(release(platform('aws-prod'), 'alloy')).alloy.mounts).toEqual({ varlog: false, dockercontainers: false });
  });
  it('orders the charts: Prometheus CRDs before any ServiceMonitor, Loki and Tempo before Alloy, cert-manager before its issuers', () => {
    const stack = platform('aws-prod');
    const kps = releaseRef(stack, 'kube-prometheus-stack');
    for (const chart of ['cert-manager', 'external-dns', 'loki', 'tempo', 'alloy']) expect(release(stack, chart).depends_on).toContain(kps);
    const alloyDeps = release(stack, 'alloy').depends_on.join(' ');
    expect(alloyDeps).toMatch(/helm_release\.loki_[0-9A-F]{8}\b/);
    expect(alloyDeps).toMatch(/helm_release\.tempo_[0-9A-F]{8}\b/);
    expect(release(stack, 'cluster-issuers').depends_on).toEqual([expect.stringMatching(/^helm_release\.cert-manager_[0-9A-F]{8}$/)]);
  });
});

describe('namespaced objects', () => {
  it.each(['aws-prod', 'azure-prod'])('%s: every secret, config map and release waits for the namespace it lives in', (env) => {
    const stack = platform(env);
    const created = new Map(
      Object.entries<Json>(stack.resource.kubernetes_namespace_v1).map(([id, ns]) => [ns.metadata.name, `kubernetes_namespace_v1.${id}`]),
    );
    const dependsOn = (address: string): string[] => {
      const [type, id] = address.split('.') as [string, string];
      return stack.resource[type]?.[id]?.depends_on ?? [];
    };
    /** Direct and indirect depends_on of one resource. */
    const waitsFor = (address: string, seen = new Set<string>()): Set<string> => {
      for (const dep of dependsOn(address)) if (!seen.has(dep)) waitsFor(dep, seen.add(dep));
      return seen;
    };
    const late: string[] = [];
    for (const type of ['kubernetes_secret_v1', 'kubernetes_config_map_v1', 'helm_release']) {
      for (const [id, body] of Object.entries<Json>(stack.resource[type] ?? {})) {
        const namespace = type === 'helm_release' ? body.namespace : body.metadata.namespace;
        const ns = created.get(namespace);
        if (ns && !waitsFor(`${type}.${id}`).has(ns)) late.push(`${type}.${id} in ${namespace}`);
      }
    }
    expect(late).toEqual([]);
  });
});

describe('network policies', () => {
  const policies = (env: string): Record<string, Json> =>
    Object.fromEntries(resources(platform(env), 'kubernetes_network_policy_v1').map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.spec]));
  const prometheus = { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'prometheus' } }, namespace_selector: { match_labels: {
    'kubernetes.io/metadata.name': 'monitoring' } } };

  it.each(['monitoring', 'cert-manager', 'external-dns'])('denies all ingress into %s by default, leaving egress to the components', (ns) => {
    expect(policies('aws-prod')[`${ns}/default-deny-ingress`]).toEqual({ pod_selector: {}, policy_types: ['Ingress'] });
  });

  it('lets monitoring talk within itself, any pod send OTLP to Alloy, and the API server reach webhooks', () => {
    const p = policies('azure-prod');
    expect(p['monitoring/within-namespace']).toEqual({ pod_selector: { match_labels: {} }, policy_types: ['Ingress'],
      ingress: [{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }] });
    expect(p['monitoring/otlp-from-workloads']).toEqual({ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'alloy' } }, policy_types: ['Ingress'],
      ingress: [{ from: [{ namespace_selector: {} }], ports: [{ port: '4317', protocol: 'TCP' }, { port: '4318', protocol: 'TCP' }] }] });
    // Only the webhook servers, only their port, from any source: Cilium (AKS) never matches the API server's konnectivity path with an ipBlock.
    expect(p['monitoring/webhooks-from-api-server']!.pod_selector).toEqual({ match_labels: {
      'app.kubernetes.io/name': 'kube-prometheus-stack-prometheus-operator' } });
    expect(p['cert-manager/webhook-from-api-server']!.pod_selector).toEqual({ match_labels: { 'app.kubernetes.io/name': 'webhook',
      'app.kubernetes.io/component': 'webhook' } });
    for (const key of ['monitoring/webhooks-from-api-server', 'cert-manager/webhook-from-api-server']) {
      expect(p[key]!.ingress).toEqual([{ from: [], ports: [{ port: '10250', protocol: 'TCP' }] }]);
    }
    for (const ns of ['cert-manager', 'external-dns']) expect(p[`${ns}/metrics-from-prometheus`]!.ingress).toEqual([{ from: [prometheus] }]);
  });

  it('lets the load balancer reach Grafana only where Grafana is exposed', () => {
    expect(policies('aws-dev')['monitoring/grafana-from-load-balancer']).toEqual({ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'grafana' } },
      policy_types: ['Ingress'], ingress: [{ from: ['10.10.0.0/24', '10.10.1.0/24', '10.10.2.0/24'].map((cidr) => ({ ip_block: { cidr } })),
      ports: [{ port: '3000', protocol: 'TCP' }] }] });
    expect(policies('azure-dev')['monitoring/grafana-from-load-balancer']!.ingress[0].from).toEqual([{ ip_block: { cidr: expect.stringMatching(/^10\./) } }]);
    for (const env of ['aws-prod', 'azure-prod']) expect(policies(env)['monitoring/grafana-from-load-balancer']).toBeUndefined();
  });

  it('exists before any chart installs into those namespaces', () => {
    const stack = platform('aws-prod');
    const waitsFor = (address: string, seen = new Set<string>()): Set<string> => {
      const [type, id] = address.split('.') as [string, string];
      for (const dep of stack.resource[type]?.[id]?.depends_on ?? []) if (!seen.has(dep)) waitsFor(dep, seen.add(dep));
      return seen;
    };
    const deny = Object.keys(stack.resource.kubernetes_network_policy_v1).filter((id) => id.startsWith('netpol-monitoring-default-deny-ingress'));
    expect(deny).toHaveLength(1);
    const guarded = Object.entries<Json>(stack.resource.helm_release).filter(([, r]) => ['monitoring', 'cert-manager', 'external-dns'].includes(r.namespace));
    expect(guarded.map(([, r]) => r.name).sort()).toEqual(['alloy', 'cert-manager', 'cluster-issuers', 'external-dns', 'kube-prometheus-stack',
      'kube-prometheus-stack-alertmanager-crds', 'kube-prometheus-stack-monitors-crds', 'kube-prometheus-stack-prometheus-crds', 'loki', 'tempo', 'tempo-ha']);
    for (const [id] of guarded) expect(waitsFor(`helm_release.${id}`).has(`kubernetes_network_policy_v1.${deny[0]}`), id).toBe(true);
  });
});

describe('identity bindings', () => {
  const subject = (ns: string, sa: string) => `system:serviceaccount:${ns}:${sa}`;
  it.each([
    ['cert-manager', 'cloud/cert-manager-dns-identity/role', 'cert-manager', 'cert-manager', (v: Json) => v.serviceAccount],
    ['external-dns', 'cloud/external-dns-dns-identity/role', 'external-dns', 'external-dns', (v: Json) => v.serviceAccount],
    ['loki', 'cloud/loki-identity/role', 'monitoring', 'loki', (v: Json) => v.serviceAccount],
    ['tempo', 'cloud/tempo-identity/role', 'monitoring', 'tempo', (v: Json) => v.serviceAccount],
    ['aws-load-balancer-controller', 'cloud/edge/identity/role', 'kube-system', 'aws-load-balancer-controller', (v: Json) => v.serviceAccount],
    ['cluster-autoscaler', 'cloud/cluster-autoscaler-identity/role', 'kube-system', 'cluster-autoscaler', (v: Json) => v.rbac.serviceAccount],
  ])('AWS %s: the service account carries the IRSA role whose trust names exactly that account', (chart, rolePath, ns, sa, saValues) => {
    const stack = platform('aws-prod');
    const serviceAccount = saValues(values(release(stack, chart)));
    const roleName = rolePath.replace(/\//g, '_');
    expect(serviceAccount.name).toBe(sa);
    expect(serviceAccount.annotations['eks.amazonaws.com/role-arn']).toMatch(new RegExp(`^\\$\\{aws_iam_role\\.${roleName}_[0-9A-F]{8}\\.arn\\}$`));
    const policy = trust(stack, rolePath);
    expect(policy).toContain(`:sub":"${subject(ns, sa)}"`);
    expect(policy).toContain(':aud":"sts.amazonaws.com"');
    expect(policy.match(/system:serviceaccount:/g)).toHaveLength(1);
  });

  it.each([
    ['cert-manager', 'cloud/cert-manager-dns-identity/federated-credential', 'cert-manager', 'cert-manager'],
    ['external-dns', 'cloud/external-dns-dns-identity/federated-credential', 'external-dns', 'external-dns'],
    ['loki', 'cloud/loki-identity/federated-credential', 'monitoring', 'loki'],
    ['tempo', 'cloud/tempo-identity/federated-credential', 'monitoring', 'tempo'],
  ])('Azure %s: the service account and pods opt in to workload identity, federated for exactly that account', (chart, credentialPath, ns, sa) => {
    const stack = platform('azure-prod');
    const v = values(release(stack, chart));
    expect(v.serviceAccount.annotations['azure.workload.identity/client-id']).toMatch(/^\$\{azurerm_user_assigned_identity\..+\.client_id\}$/);
    expect(v.serviceAccount.labels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(chart === 'loki' ? v.loki.podLabels : v.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(federated(stack, credentialPath)).toMatchObject({ subject: subject(ns, sa), audience: ['api://AzureADTokenExchange'] });
  });

  it('Azure ALB controller: its client id in the chart, federated for azure-alb-system/alb-controller-sa, configuration rights on the platform group only',
    () => {
    const stack = platform('azure-prod');
    expect(values(release(stack, 'alb-controller')).albController.podIdentity.clientID).toMatch(/client_id\}$/);
    expect(federated(stack, 'edge/controller-identity/federated-credential').subject).toBe(subject('azure-alb-system', 'alb-controller-sa'));
    expect(byPath(stack, 'azurerm_role_assignment', 'edge/controller-identity/role-0')).toMatchObject({
      role_definition_name: 'AppGw for Containers Configuration Manager',
      scope: expect.stringMatching(/^\$\{azurerm_resource_group\.cloud_resource-group_.+\.id\}$/),
    });
  });

  it('grants object storage on one bucket or container only, and DNS changes on one zone only', () => {
    const aws = platform('aws-prod');
    const loki = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'cloud/loki-identity/inline').policy);
    expect(loki.Statement.map((s: Json) => s.Resource)).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.cloud_loki-bucket_[0-9A-F]{8}\.arn\}$/),
      expect.stringMatching(/^\$\{aws_s3_bucket\.cloud_loki-bucket_[0-9A-F]{8}\.arn\}\/\*$/),
      expect.stringMatching(/^\$\{aws_kms_key\.cloud_platform-key_[0-9A-F]{8}\.arn\}$/)]);
    const zone = expect.stringContaining(':route53:::hostedzone/${data.aws_route53_zone.');
    const dns = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'cloud/external-dns-dns-identity/inline').policy);
    expect(dns.Statement.map((s: Json) => s.Sid)).toEqual(['ReadRecordsInZone', 'ChangeRecordsInZone', 'FollowChanges', 'FindZone']);
    expect(dns.Statement[1]).toEqual({ Sid: 'ChangeRecordsInZone', Effect: 'Allow', Action: 'route53:ChangeResourceRecordSets', Resource: zone });
    // cert-manager: _acme-challenge TXT records only, and no zone discovery (the issuer names the zone id).
    const acme = JSON.parse(byPath(aws, 'aws_iam_role_policy', 'cloud/cert-manager-dns-identity/inline').policy);
    expect(acme.Statement.map((s: Json) => s.Sid)).toEqual(['ReadRecordsInZone', 'ChangeRecordsInZone', 'FollowChanges']);
    expect(acme.Statement[1]).toEqual({ Sid: 'ChangeRecordsInZone', Effect: 'Allow', Action: 'route53:ChangeResourceRecordSets', Resource: zone,
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_acme-challenge.*'] } } });
    const azure = platform('azure-prod');
    expect(byPath(azure, 'azurerm_role_assignment', 'cloud/tempo-identity/role-0')).toMatchObject({
      role_definition_name: 'Storage Blob Data Contributor',
      scope: expect.stringMatching(/^\$\{azurerm_storage_container\.cloud_tempo-container_.+\.id\}$/),
    });
    // Azure: external-dns may change any record of the zone; cert-manager only its TXT records, through a custom role.
    const azureZone = expect.stringMatching(/^\$\{data\.azurerm_dns_zone\.cloud_zone_\w+\.id\}$/);
    expect(byPath(azure, 'azurerm_role_assignment', 'cloud/external-dns-dns-identity/role-0')).toMatchObject({ role_definition_name: 'DNS Zone Contributor',
      scope: azureZone });
    const acmeGrant = byPath(azure, 'azurerm_role_assignment', 'cloud/cert-manager-dns-identity/role-0');
    // The TXT-records role is defined by the bootstrap stack (the deploy identity writes no role definition) and named by its fixed id.
    const definition = resources(synthExamples().stacks['bootstrap-exrctfstateprod01']!, 'azurerm_role_definition').find((d) => d.name === 'azure-prod ' +
      'ACME DNS01 TXT records')!;
    expect(acmeGrant).toMatchObject({ scope: azureZone,
      role_definition_id: `/subscriptions/00000000-0000-0000-0000-000000000002/providers/Microsoft.Authorization/roleDefinitions/${definition
      .role_definition_id}` });
    expect(acmeGrant.role_definition_name).toBeUndefined();
    expect(resources(azure, 'azurerm_role_definition')).toEqual([]);
    expect(definition.permissions).toEqual([{ actions: ['Microsoft.Network/dnsZones/read', 'Microsoft.Network/dnsZones/TXT/read',
      'Microsoft.Network/dnsZones/TXT/write', 'Microsoft.Network/dnsZones/TXT/delete'], data_actions: [], not_data_actions: [] }]);
  });
});

describe('HTTPS only', () => {
  it('AWS: a DNS-validated ACM certificate for the domain and its subdomains, TLS 1.2+ and HTTP redirected on the ALB', () => {
    const stack = platform('aws-prod');
    expect(resources(stack, 'aws_acm_certificate')[0]).toMatchObject({ domain_name: 'chat.example.com', subject_alternative_names: ['*.chat.example.com'],
      validation_method: 'DNS' });
    const v = values(release(stack, 'aws-load-balancer-controller'));
    // TLS 1.3 with 1.2 as the floor, no older protocol.
    expect(v.defaultSSLPolicy).toMatch(/^ELBSecurityPolicy-TLS13-1-2-/);
    expect(v).toMatchObject({ defaultSSLPolicy: ALB_SSL_POLICY, ingressClass: 'alb', enableServiceMutatorWebhook: false, region: 'eu-west-1' });
    // Enforced for the whole class, not only by each Ingress's annotations.
    expect(v.ingressClassParams).toEqual({ create: true, spec: { sslPolicy: ALB_SSL_POLICY, sslRedirectPort: '443', wafv2AclArn: expect
      .stringMatching(/^\$\{aws_wafv2_web_acl\..+\.arn\}$/) } });
    // Grafana is exposed in the dev examples only.
    const grafana = values(release(platform('aws-dev'), 'kube-prometheus-stack')).grafana.ingress;
    expect(grafana).toMatchObject({ enabled: true, ingressClassName: 'alb', hosts: ['grafana.dev.chat.example.com'], tls: [{
      hosts: ['grafana.dev.chat.example.com'] }] });
    expect(grafana.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443', 'alb.ingress.kubernetes.io/ssl-policy': ALB_SSL_POLICY,
        'alb.ingress.kubernetes.io/certificate-arn': expect.stringMatching(/^\$\{aws_acm_certificate\..+\.arn\}$/),
        'alb.ingress.kubernetes.io/healthcheck-path': '/api/health' });
  });

  it('Azure: AGC on the delegated subnet, a cert-manager certificate per host, an HTTPS redirect and a health probe', () => {
    const stack = platform('azure-prod');
    expect(resources(stack, 'azurerm_application_load_balancer_subnet_association')[0]!.subnet_id).toBe(
      '${data.terraform_remote_state.azure-prod-network-state.outputs.ingress_subnet_id}',
    );
    const grafana = values(release(platform('azure-dev'), 'kube-prometheus-stack')).grafana;
    expect(grafana.ingress).toEqual({ enabled: false });
    expect(grafana.extraObjects.map((o: Json) => o.kind)).toEqual(['HTTPRoute', 'WebApplicationFirewallPolicy', 'HealthCheckPolicy']);
    expect(grafana.extraObjects[0].spec.hostnames).toEqual(['grafana.dev.chat.example.org']);
    expect(grafana.extraObjects[2].spec.default.http.path).toBe('/api/health');
    const edge = objectsOf(platform('azure-dev'), 'edge-gateway');
    const gateway = edge.find((o) => o.kind === 'Gateway')!;
    expect(gateway.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
    expect(gateway.spec.listeners.map((l: Json) => [l.name, l.protocol, l.hostname, l.tls?.certificateRefs[0].name])).toEqual([
      ['http', 'HTTP', undefined, undefined],
      ['https-dev-chat-example-org', 'HTTPS', 'dev.chat.example.org', 'dev-chat-example-org-tls'],
      ['https-grafana-dev-chat-example-org', 'HTTPS', 'grafana.dev.chat.example.org', 'grafana-dev-chat-example-org-tls'],
    ]);
    // Port 80 only redirects: its one route answers every request with a 301 to https.
    const redirect = edge.find((o) => o.kind === 'HTTPRoute')!;
    expect(redirect.spec.parentRefs[0].sectionName).toBe('http');
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(edge.find((o) => o.kind === 'WebApplicationFirewallPolicy')!.spec.targetRef).toMatchObject({ kind: 'Gateway', name: 'edge' });
    expect(values(release(platform('azure-dev'), 'cert-manager')).extraArgs).toEqual(['--enable-gateway-api']);
    expect(values(release(platform('aws-dev'), 'cert-manager')).extraArgs).toBeUndefined();
    // Without an Ingress, DNS records come from the HTTPRoutes' hostnames.
    expect(values(release(platform('azure-dev'), 'external-dns')).sources).toEqual(['ingress', 'service', 'gateway-httproute']);
    expect(values(release(platform('aws-dev'), 'external-dns')).sources).toEqual(['ingress', 'service']);
  });

  it('keeps Grafana off the internet where config says so (the prod examples)', () => {
    for (const env of ['aws-prod', 'azure-prod']) expect(values(release(platform(env), 'kube-prometheus-stack')).grafana.ingress).toEqual({ enabled: false });
  });
});

describe('cert-manager issuers', () => {
  it('Let\'s Encrypt staging and production over DNS01 in the zone, and an internal CA chain', () => {
    const objects = values(release(platform('azure-prod'), 'cluster-issuers')).objects as Json[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ClusterIssuer/letsencrypt-staging', 'ClusterIssuer/letsencrypt',
      'ClusterIssuer/selfsigned-bootstrap', 'Certificate/internal-ca-root', 'ClusterIssuer/internal-ca']);
    expect(objects[1]!.spec.acme.solvers[0]).toMatchObject({ selector: { dnsZones: ['example.org'] }, dns01: { azureDNS: { hostedZoneName: 'example.org',
      resourceGroupName: 'rg-dns', managedIdentity: { clientID: expect.stringMatching(/client_id\}$/) } } } });
    expect(objects[3]!.spec).toMatchObject({ isCA: true, secretName: 'internal-ca-root' });
    expect(objects[4]!.spec).toEqual({ ca: { secretName: 'internal-ca-root' } });
    const aws = values(release(platform('aws-prod'), 'cluster-issuers')).objects as Json[];
    expect(aws[1]!.spec.acme.solvers[0].dns01).toEqual({ route53: { region: 'eu-west-1', hostedZoneID: expect
      .stringMatching(/aws_route53_zone\..+\.zone_id\}$/) } });
  });
  it('ships the cluster-objects chart inside cdktf.out, pinned to its Chart.yaml version', () => {
    const r = release(platform('aws-prod'), 'cluster-issuers');
    expect(r.chart).toMatch(/^assets\//);
    expect(readFileSync(join(__dirname, '..', 'charts', 'cluster-objects', 'Chart.yaml'), 'utf8')).toContain(`version: ${r.version}`);
  });
});

describe('external-dns', () => {
  it('manages only its own records in the zone, with the policy from config', () => {
    expect(values(release(platform('aws-prod'), 'external-dns'))).toMatchObject({ provider: { name: 'aws' }, domainFilters: ['example.com'],
      policy: 'upsert-only', registry: 'txt', txtOwnerId: 'aws-prod' });
    const azure = values(release(platform('azure-dev'), 'external-dns'));
    expect(azure).toMatchObject({ provider: { name: 'azure' }, policy: 'sync', txtOwnerId: 'azure-dev' });
    const config = resources(platform('azure-dev'), 'kubernetes_secret_v1').find((s) => s.metadata.name === 'external-dns-azure')!;
    expect(JSON.parse(config.data['azure.json'])).toEqual({ tenantId: '00000000-0000-0000-0000-0000000000aa', subscriptionId: expect.any(String),
      resourceGroup: 'rg-dns', useWorkloadIdentityExtension: true });
  });
});

describe('storage classes', () => {
  it('AWS: encrypted gp3 with the cluster EBS key, expandable, one Delete (default) and one Retain', () => {
    const classes = resources(platform('aws-prod'), 'kubernetes_storage_class_v1').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(classes.map((c) => [c.metadata.name, c.reclaim_policy, c.allow_volume_expansion])).toEqual([
      ['encrypted', 'Delete', true],
      ['encrypted-retain', 'Retain', true],
    ]);
    expect(classes[0]!.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(classes[0]!.parameters).toEqual({
      type: 'gp3',
      encrypted: 'true',
      kmsKeyId: '${data.terraform_remote_state.aws-prod-cluster-state.outputs.ebs_kms_key_arn}',
      'csi.storage.k8s.io/fstype': 'ext4',
    });
  });
  it('Azure: zone-redundant Premium SSD, with the disk encryption set when the cluster uses a customer key', () => {
    const prod = resources(platform('azure-prod'), 'kubernetes_storage_class_v1')[1]!;
    expect(prod.parameters).toEqual({
      skuName: 'Premium_ZRS',
      diskEncryptionSetID: '${data.terraform_remote_state.azure-prod-cluster-state.outputs.disk_encryption_set_id}',
      diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
    });
    expect(resources(platform('azure-dev'), 'kubernetes_storage_class_v1')[0]!.parameters.diskEncryptionSetID).toBeUndefined();
  });
});

describe('observability', () => {
  it('sets retention from config: Prometheus, Loki (compactor) and Tempo', () => {
    const stack = platform('aws-prod');
    const prometheus = values(release(stack, 'kube-prometheus-stack')).prometheus.prometheusSpec;
    expect([prometheus.retention, prometheus.retentionSize]).toEqual(['30d', '170GB']);
    expect(prometheus.storageSpec.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'encrypted', resources: { requests: { storage: '200Gi' } } });
    const loki = values(release(stack, 'loki'));
    expect(loki.loki.limits_config.retention_period).toBe('720h');
    expect(loki.loki.compactor).toEqual({ retention_enabled: true, delete_request_store: 's3' });
    expect(loki).toMatchObject({ deploymentMode: 'Monolithic', singleBinary: { replicas: 3 }, read: { replicas: 0 }, write: { replicas: 0 }, backend: {
      replicas: 0 } });
    const tempo = values(release(stack, 'tempo')).tempo;
    expect(tempo.retention).toBe('168h');
    expect(values(release(platform('azure-dev'), 'tempo')).tempo.retention).toBe('72h');
  });

  it.each(Object.keys(ENVIRONMENTS))('%s: gives Prometheus a startup-probe budget the CRD accepts (>= 60 s), not the chart\'s 0', (env) => {
    expect(values(release(platform(env), 'kube-prometheus-stack')).prometheus.prometheusSpec.maximumStartupDurationSeconds).toBe(900);
  });

  it('receives OTLP alone in Tempo: no Jaeger Service port, no Jaeger receiver in its config', () => {
    for (const env of ['azure-dev', 'aws-prod']) {
      const tempo = values(release(platform(env), 'tempo'));
      expect(tempo.tempo.receivers).toEqual({ jaeger: { protocols: { grpc: null, thrift_binary: null, thrift_compact: null, thrift_http: null } },
        otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } });
      expect(tempo.config).toContain('receivers:\n    {{- toYaml (omit .Values.tempo.receivers "jaeger") | nindent 8 }}\n');
      expect(tempo.config).not.toContain('toYaml .Values.tempo.receivers');
    }
  });

  it('keeps Loki and Tempo data in object storage reached without keys', () => {
    const aws = values(release(platform('aws-prod'), 'loki')).loki.storage;
    expect(aws).toMatchObject({ type: 's3', s3: { region: 'eu-west-1' }, bucketNames: { chunks: expect.stringMatching(/aws_s3_bucket\..+\.bucket\}$/) } });
    expect(JSON.stringify(aws)).not.toMatch(/accessKey|secretAccessKey/);
    const azure = values(release(platform('azure-prod'), 'loki')).loki.storage;
    expect(azure).toMatchObject({ type: 'azure', azure: { useFederatedToken: true }, bucketNames: { chunks: expect
      .stringMatching(/azurerm_storage_container\..+\.name\}$/) } });
    expect(values(release(platform('azure-prod'), 'tempo')).tempo.storage.trace).toMatchObject({ backend: 'azure', azure: { use_federated_token: true } });
    const account = resources(platform('azure-prod'), 'azurerm_storage_account')[0]!;
    expect([account.public_network_access_enabled, account.shared_access_key_enabled, account.lifecycle.prevent_destroy]).toEqual([false, false, true]);
    const dataBuckets = resources(platform('aws-prod'), 'aws_s3_bucket').filter((b) => /^aws-prod-(loki|tempo)-/.test(b.bucket));
    expect(dataBuckets.map((b) => b.lifecycle.prevent_destroy)).toEqual([true, true]);
  });

  it('expires what Loki and Tempo delete: old versions go after 30 days on both clouds', () => {
    const policy = only(platform('azure-prod'), 'azurerm_storage_management_policy');
    expect(policy.storage_account_id).toMatch(/azurerm_storage_account\.cloud_observability-storage_account_\w+\.id/);
    expect(policy.rule).toEqual([{ name: 'expire-old-versions', enabled: true, filters: { blob_types: ['blockBlob'] }, actions: { version: {
      delete_after_days_since_creation: 30 } } }]);
    // Loki's and Tempo's buckets; the edge canary's artifact bucket keeps 14 days (edge-probe.test.ts).
    const dataBucketIds = Object.entries<Json>(platform('aws-prod').resource.aws_s3_bucket).filter(([, b]) => /^aws-prod-(loki|tempo)-/.test(b.bucket))
      .map(([id]) => `\${aws_s3_bucket.${id}.id}`);
    const lifecycles = resources(platform('aws-prod'), 'aws_s3_bucket_lifecycle_configuration').filter((l) => dataBucketIds.includes(l.bucket));
    expect(lifecycles).toHaveLength(2);
    for (const l of lifecycles) {
      expect(l.rule.some((r: Json) => r.noncurrent_version_expiration?.[0]?.noncurrent_days === 30)).toBe(true);
    }
  });

  it('ships the alert rules the platform promises', () => {
    const synthesized: Json[] = values(release(platform('aws-prod'), 'kube-prometheus-stack')).additionalPrometheusRulesMap.platform.groups
      .flatMap((g: Json) => g.rules);
    const rules = synthesized.filter((r) => r.alert).map((r) => r.alert);
    const expr = (name: string): string => synthesized.find((r) => r.alert === name)!.expr;
    // Crash loops, unready pods, filling volumes and node memory are the chart's own
    // (KubePodCrashLooping, KubePodNotReady, KubePersistentVolumeFillingUp, NodeMemoryHighUtilization).
    expect(rules).toEqual(['NodeHighCpu', 'CertificateExpiringSoon', 'MongoDBDown', 'MongoDBMembersMissing', 'MongoDBReplicationLag', 'MongoDBConnectionsLow',
      'RocketChatHighLatencyP99', 'MongoDBFullBackupTooOld', 'MongoDBPITRLagging', 'MongoDBBackupFailed', 'MongoDBBackupStuck', 'MongoDBBackupOverRpoBudget',
      'MongoDBRestoreFailed', 'MongoDBBackupConfigNotApplied', 'MongoDBBackupStatusMissing', 'MongoDBRestoreCheckFailed', 'MongoDBRestoreCheckStale',
      'LokiIngestionFailing', 'LokiDiscardingLogs', 'LokiFlushFailing', 'TempoIngestionFailing', 'TempoDiscardingSpans', 'TempoFlushFailing',
      'TempoIngesterUnhealthy', 'RocketChatAvailabilityBudgetBurn', 'RocketChatAvailabilityBudgetBurn', 'RocketChatLatencyBudgetBurn',
      'RocketChatLatencyBudgetBurn', 'RocketChatErrorBudgetBurn', 'RocketChatErrorBudgetBurn']);
    expect(expr('NodeHighCpu')).toMatch(/> 80$/);
    expect(expr('CertificateExpiringSoon')).toContain('< 14 * 86400');
    // Only while the app layer is deployed: a DR standby has no replica set (promtool cases in alert-cases.ts).
    expect(expr('MongoDBMembersMissing')).toBe('((count(mongodb_up{namespace="mongodb"} == 1) or vector(0)) < 3) and on () ' +
      'kube_namespace_created{namespace="rocketchat"}');
    expect(expr('RocketChatHighLatencyP99'))
      .toMatch(new RegExp(
        '^max\\(rocketchat_rest_api\\{quantile="0\\.99"\\} and on \\(pod, method, entrypoint, user_agent, status, version\\) rate' +
        '\\(rocketchat_rest_api_count\\[10m\\]\\) > 0\\.1\\) > 2$',
      ));
    // aws-prod's objectives watch REST errors and the mean (slo-rules.ts); dev keeps fixed thresholds.
    const dev: Json[] = values(release(platform('aws-dev'), 'kube-prometheus-stack')).additionalPrometheusRulesMap.platform.groups.flatMap((g: Json) => g
      .rules);
    expect(dev.find((r) => r.alert === 'RocketChatHigh5xxRate')!.expr).toContain('status=~"5.."');
  });

  it('routes alerts to the configured receivers, reading every credential from a mounted secret', () => {
    const stack = platform('azure-prod');
    const am = values(release(stack, 'kube-prometheus-stack')).alertmanager;
    expect(am.alertmanagerSpec.secrets).toEqual(['alertmanager-receivers']);
    expect(am.config.receivers.map((r: Json) => r.name)).toEqual(['null', 'heartbeat', 'team-slack', 'on-call-mail']);
    expect(am.config.receivers[2].slack_configs[0].api_url_file).toBe('/etc/alertmanager/secrets/alertmanager-receivers/team-slack-webhook-url');
    expect(am.config.receivers[3].email_configs[0]).toMatchObject({
      auth_password_file: '/etc/alertmanager/secrets/alertmanager-receivers/on-call-mail-smtp-password', require_tls: true });
    const secret = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'alertmanager-receivers')!;
    expect(secret.data).toEqual({ 'team-slack-webhook-url': expect.stringMatching(/^\$\{data\.azurerm_key_vault_secret\..+\.value\}$/),
      'on-call-mail-smtp-password': expect.stringMatching(/^\$\{data\.azurerm_key_vault_secret\..+\.value\}$/),
      'heartbeat-url': expect.stringMatching(/^\$\{data\.azurerm_key_vault_secret\..+\.value\}$/) });
    const names = Object.values<Json>(stack.data.azurerm_key_vault_secret).map((d) => d.name).sort();
    expect(names).toEqual(['alerts-heartbeat-url', 'alerts-slack-webhook', 'alerts-smtp-password', 'edge-pager-url']);
  });

  it('generates the Grafana admin password and keeps it in the cluster and in the cloud secret store', () => {
    for (const [env, store] of [['aws-prod', 'aws_secretsmanager_secret_version'], ['azure-prod', 'azurerm_key_vault_secret']] as const) {
      const stack = platform(env);
      const password = Object.keys(stack.resource.random_password)[0]!;
      const ref = `\${random_password.${password}.result}`;
      const admin = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'grafana-admin')!;
      expect(admin.data['admin-password']).toBe(ref);
      expect(resources(stack, store).map((s) => s.secret_string ?? s.value)).toContain(ref);
      expect(values(release(stack, 'kube-prometheus-stack')).grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user',
        passwordKey: 'admin-password' });
    }
    expect(resources(platform('aws-prod'), 'aws_secretsmanager_secret')[0]!.kms_key_id).toMatch(/aws_kms_key\.cloud_platform-key_[0-9A-F]{8}\.arn/);
  });

  it('links Grafana datasources: exemplars to Tempo, traces to logs and metrics, logs to traces', () => {
    const grafana = values(release(platform('aws-prod'), 'kube-prometheus-stack')).grafana;
    expect(grafana.sidecar.datasources.exemplarTraceIdDestinations).toEqual({ datasourceUid: 'tempo', traceIdLabelName: 'trace_id' });
    const [loki, tempo] = grafana.additionalDataSources;
    expect(loki.jsonData.derivedFields[0]).toMatchObject({ datasourceUid: 'tempo', url: '$$${__value.raw}' });
    expect(tempo.jsonData).toMatchObject({ tracesToLogsV2: { datasourceUid: 'loki' }, tracesToMetrics: { datasourceUid: 'prometheus' }, serviceMap: {
      datasourceUid: 'prometheus' } });
    // The metrics those links read: Tempo's generator writes span metrics and the service graph into Prometheus.
    const generator = values(release(platform('aws-prod'), 'tempo')).tempo;
    expect(generator.metricsGenerator).toMatchObject({ enabled: true });
    expect(generator.metricsGenerator.storage.remote_write[0]).toEqual({
      url: 'http://prometheus-kube-prometheus-stack-prometheus-0.prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' });
    expect(generator.metricsGenerator.storage.path).toMatch(/^\/var\/tempo\//);
    expect(generator.overrides.defaults.metrics_generator.processors).toEqual(['service-graphs', 'span-metrics']);
    expect(values(release(platform('aws-prod'), 'kube-prometheus-stack')).prometheus.prometheusSpec.enableRemoteWriteReceiver).toBe(true);
    const dashboards = resources(platform('aws-prod'), 'kubernetes_config_map_v1');
    expect(dashboards.map((c) => c.metadata.name).sort()).toEqual(['dashboard-platform-cluster', 'dashboard-platform-mongodb',
      'dashboard-platform-rocketchat', 'dashboard-platform-slo']);
    expect(dashboards.every((c) => c.metadata.labels.grafana_dashboard === '1')).toBe(true);
  });

  it('Alloy tails pod logs through the API on its own node and forwards OTLP to Tempo, with nothing Helm or Terraform would expand', () => {
    const config = alloyConfig('aws-prod');
    expect(config).toContain('loki.source.kubernetes "pods"');
    expect(config).toContain('field = "spec.nodeName=" + sys.env("NODE_NAME")');
    expect(config).toContain('otelcol.exporter.otlp "tempo"');
    expect(config).not.toMatch(/\{\{|\$\{/);
    const v = values(release(platform('aws-prod'), 'alloy'));
    expect(v.controller.type).toBe('daemonset');
    expect(v.alloy.extraPorts.map((p: Json) => p.port)).toEqual([4317, 4318]);
    expect(v.alloy.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});

describe('sizing', () => {
  const sized = (r: Json) => expect(r).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String),
    memory: expect.any(String) } });
  it.each(['aws-dev', 'azure-prod'])('%s: every container the charts run has requests and limits, reloaders and sidecars included', (env) => {
    const chart = (name: string): Json => values(release(platform(env), name));
    const [kps, certManager] = [chart('kube-prometheus-stack'), chart('cert-manager')];
    for (const r of [kps.prometheusOperator.resources, kps.prometheusOperator.prometheusConfigReloader.resources,
      kps.prometheusOperator.admissionWebhooks.patch.resources, kps.prometheus.prometheusSpec.resources, kps.alertmanager.alertmanagerSpec.resources,
      kps.grafana.resources, kps.grafana.sidecar.resources, kps['kube-state-metrics'].resources, kps['prometheus-node-exporter'].resources,
      chart('loki').singleBinary.resources, chart('loki').sidecar.resources,
      // aws-dev turns Tempo off.
      ...(env === 'aws-dev' ? [] : [chart('tempo').tempo.resources]), chart('alloy').alloy.resources, chart('alloy').configReloader.resources,
      certManager.resources, certManager.webhook.resources, certManager.cainjector.resources, certManager.startupapicheck.resources,
      chart('external-dns').resources]) sized(r);
  });
});

describe('no secret in cdktf.out', () => {
  it('holds no password, webhook URL or key material anywhere in the synthesized output', () => {
    // The run's synth of every example; what the render wrote there (chart-generated certificates) is not synth output.
    const outdir = examplesOutdir();
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (dir === outdir && (name === 'rendered' || name === 'rendered-releases.json')) continue;
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(outdir);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const leaks: [string, RegExp][] = [
      ['Slack webhook', /hooks\.slack\.com/],
      ['Slack token', /xox[abprs]-[0-9A-Za-z-]{10,}/],
      ['PEM private key or certificate', /-----BEGIN/],
      ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
      ['Azure storage connection string', /AccountKey=|SharedAccessSignature=|[?&]sig=[0-9A-Za-z%]{20,}/],
      ['Azure storage account key', /"[0-9A-Za-z+/]{86}=="/],
      ['GitHub token', /\bgh[pousr]_[0-9A-Za-z]{30,}/],
      // Keys named password/secret/token (or ending in _password etc.) hold a reference or a file path, never a value.
      ['password-like key with a literal value', /"(?:[\w.-]*[_.-])?(password|passwd|secret|token)":\s*"(?!\$\{|\/)[^"]+"/],
    ];
    // Helm values are JSON inside JSON strings: unescape once so their keys are seen too.
    const unescaped = text.replace(/\\"/g, '"');
    expect(leaks.filter(([, pattern]) => pattern.test(text) || pattern.test(unescaped)).map(([name]) => name)).toEqual([]);
    for (const stack of Object.keys(stacks).filter((s) => s.endsWith('-platform'))) {
      const secrets = resources(stacks[stack]!, 'kubernetes_secret_v1');
      for (const s of secrets) {
        for (const [key, value] of Object.entries<string>(s.data)) {
          if (/password|url$/.test(key)) expect(value, `${stack} ${s.metadata.name} ${key}`).toMatch(/^\$\{/);
        }
      }
    }
  });
});
