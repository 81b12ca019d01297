import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { ConfigError } from '../config/load';
import { POLICY_SUPPRESSIONS } from '../config/policy-suppressions';
import { RENDER_WAIVERS } from '../config/render-waivers';
import { RULES, checkStacks, formatFinding } from '../policies';
import type { Json } from '../policies/engine';
import { policiesDocument } from '../scripts/policies-doc';
import { PolicyError, run } from '../synth/run';
import { editValues, synthExamples, tempDir } from './support';

/** A one-stack fixture; each resource's construct path is its name. */
function fixture(resource: Record<string, Record<string, Json>>, provider?: Json): Record<string, Json> {
  const withMeta = Object.fromEntries(
    Object.entries(resource).map(([type, items]) => [type,
      Object.fromEntries(Object.entries(items).map(([name, body]) => [name, { '//': { metadata: { path: `s/${name}` } }, ...body }]))]),
  );
  return { s: { resource: withMeta, ...(provider ? { provider } : {}) } };
}

const bucket = { aws_s3_bucket: { b: { bucket: 'x', lifecycle: { prevent_destroy: true } } } };
const goodAccount = { min_tls_version: 'TLS1_2', https_traffic_only_enabled: true, allow_nested_items_to_be_public: false,
  infrastructure_encryption_enabled: true, shared_access_key_enabled: false,
  blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 7 } }, lifecycle: { prevent_destroy: true } };
const goodAks = { local_account_disabled: true, azure_active_directory_role_based_access_control: { azure_rbac_enabled: true },
  api_server_access_profile: { authorized_ip_ranges: ['198.51.100.0/24'] }, network_profile: { network_policy: 'cilium' },
  oms_agent: { log_analytics_workspace_id: '${x}' }, key_vault_secrets_provider: { secret_rotation_enabled: true } };
const goodCluster = {
  encryption_config: { resources: ['secrets'], provider: { key_arn: '${k}' } }, enabled_cluster_log_types: ['api', 'audit', 'authenticator'],
  vpc_config: { endpoint_public_access: false, subnet_ids: '${data.x.outputs.private_subnet_ids}' },
  access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
};

/** Each rule, a configuration that breaks it, and the exact line it must produce. */
const cases: Array<[string, Record<string, Json>, string]> = [
  ['AWS-S3-001', fixture(bucket), 's/b: AWS-S3-001 has no SSE-KMS encryption with a customer key'],
  ['AWS-S3-002', fixture({ ...bucket, aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}', block_public_acls: true } } }), 's/b: ' +
    'AWS-S3-002 does not block all public access'],
  ['AWS-S3-003', fixture({ ...bucket, aws_s3_bucket_policy: { p: { bucket: '${aws_s3_bucket.b.id}',
    policy: '{"Statement":[{"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}' } } }), 's/b: AWS-S3-003 has no policy refusing ' +
    'plain HTTP and TLS below 1.2'],
  ['AWS-S3-004', fixture({ ...bucket, aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: {
    status: 'Suspended' } } } }), 's/b: AWS-S3-004 is not versioned'],
  ['AWS-S3-005', fixture(bucket), 's/b: AWS-S3-005 still honours ACLs'],
  ['AWS-KMS-001', fixture({ aws_kms_key: { k: { enable_key_rotation: false } } }), 's/k: AWS-KMS-001 does not rotate'],
  ['AWS-KMS-002', fixture({ aws_kms_key: { k: { enable_key_rotation: true, deletion_window_in_days: 7 } } }), 's/k: AWS-KMS-002 deletes after 7 days'],
  ['AWS-LOG-001', fixture({ aws_cloudwatch_log_group: { l: { retention_in_days: 30 } } }), 's/l: AWS-LOG-001 is not encrypted with a customer key'],
  ['AWS-LOG-002', fixture({ aws_cloudwatch_log_group: { l: { kms_key_id: '${k}' } } }), 's/l: AWS-LOG-002 keeps logs forever (no retention)'],
  ['AWS-EC2-001', fixture({ aws_launch_template: { t: { metadata_options: { http_tokens: 'optional' } } } }), 's/t: AWS-EC2-001 allows IMDSv1'],
  ['AWS-EC2-002', fixture({ aws_launch_template: { t: { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 3 } } } }), 's/t: ' +
    'AWS-EC2-002 lets IMDS answer 3 hops away'],
  ['AWS-EC2-003', fixture({ aws_launch_template: { t: { block_device_mappings: [{ ebs: { encrypted: 'true' } }] } } }), 's/t: AWS-EC2-003 has a volume ' +
    'without customer-key encryption'],
  ['AWS-EC2-004', fixture({ aws_default_security_group: { d: { ingress: [{ from_port: 0 }] } } }), 's/d: AWS-EC2-004 allows traffic'],
  ['AWS-EC2-005', fixture({ aws_vpc_security_group_ingress_rule: { r: { cidr_ipv4: '0.0.0.0/0', from_port: 22, to_port: 22, ip_protocol: 'tcp' } } }),
    's/r: AWS-EC2-005 opens an admin port to the internet'],
  ['AWS-EC2-006', fixture({ aws_subnet: { n: { map_public_ip_on_launch: true } } }), 's/n: AWS-EC2-006 assigns public IPs on launch'],
  ['AWS-VPC-001', fixture({ aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } }), 's/v: AWS-VPC-001 has no flow logs'],
  ['AWS-EKS-001', fixture({ aws_eks_cluster: { c: { ...goodCluster, encryption_config: undefined } } }), 's/c: AWS-EKS-001 stores secrets without ' +
    'envelope encryption'],
  ['AWS-EKS-002', fixture({ aws_eks_cluster: { c: { ...goodCluster, enabled_cluster_log_types: ['api'] } } }), 's/c: AWS-EKS-002 does not log audit, ' +
    'authenticator'],
  ['AWS-EKS-003', fixture({ aws_eks_cluster: { c: { ...goodCluster, vpc_config: { ...goodCluster.vpc_config, endpoint_public_access: true,
    public_access_cidrs: ['0.0.0.0/0'] } } } }), 's/c: AWS-EKS-003 exposes its API endpoint to 0.0.0.0/0'],
  ['AWS-EKS-004', fixture({ aws_eks_cluster: { c: { ...goodCluster, access_config: { authentication_mode: 'API_AND_CONFIG_MAP' } } } }), 's/c: ' +
    'AWS-EKS-004 uses aws-auth or an implicit creator admin'],
  ['AWS-EKS-005', fixture({ aws_eks_node_group: { g: { subnet_ids: '${data.x.outputs.public_subnet_ids}', launch_template: { id: '${t}' } } } }), "s/g: " +
    "AWS-EKS-005 is not placed only in the network contract's private subnets"],
  ['AWS-EKS-006', fixture({ aws_eks_node_group: { g: { subnet_ids: '${data.x.outputs.private_subnet_ids}' } } }), 's/g: AWS-EKS-006 has no launch template'],
  ['AWS-IAM-001', fixture({ aws_iam_access_key: { a: { user: 'ci' } } }), 's/a: AWS-IAM-001 creates a long-lived credential'],
  ['AWS-IAM-002', fixture({ aws_iam_role: { r: {
    assume_role_policy: '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"x:aud":' +
      '"sts.amazonaws.com"}}}]}' } } }),
    's/r: AWS-IAM-002 can be assumed by any subject of the identity provider'],
  ['AWS-IAM-003', fixture({ aws_iam_role_policy: { p: { policy: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' } } }), 's/p: ' +
    'AWS-IAM-003 allows "*"'],
  // Two inline policies of one role: 5,202 + 5,202 characters, over the role's 10,240 together (each alone fits).
  ['AWS-IAM-004', fixture({ aws_iam_role_policy: { a: { role: 'r', policy: `{"Statement":"${'a'.repeat(5186)}"}` }, b: { role: 'r',
    policy: `{"Statement":"${'b'.repeat(5186)}"}` } } }), "s/b: AWS-IAM-004 brings its role's inline policies to 10404 characters with references " +
    'resolved (allowed: 10,240 per role)'],
  ['AWS-EBS-001', fixture({ kubernetes_storage_class_v1: { c: { metadata: { name: 'gp3' }, storage_provisioner: 'ebs.csi.aws.com', parameters: {
    type: 'gp3' } } } }), 's/c: AWS-EBS-001 provisions unencrypted EBS volumes'],
  ['AWS-PRV-001', { s: { provider: { aws: [{ region: 'eu-west-1' }] } } }, 's/provider/aws[0]: AWS-PRV-001 may run against any account'],
  ['AZ-ST-001', fixture({ azurerm_storage_account: { a: { ...goodAccount, min_tls_version: 'TLS1_0' } } }), 's/a: AZ-ST-001 accepts TLS1_0'],
  ['AZ-ST-002', fixture({ azurerm_storage_account: { a: { ...goodAccount, https_traffic_only_enabled: false } } }), 's/a: AZ-ST-002 accepts plain HTTP'],
  ['AZ-ST-003', fixture({ azurerm_storage_account: { a: { ...goodAccount, allow_nested_items_to_be_public: true } } }), 's/a: AZ-ST-003 allows anonymous ' +
    'blob access'],
  ['AZ-ST-004', fixture({ azurerm_storage_account: { a: { ...goodAccount, infrastructure_encryption_enabled: false } } }), 's/a: AZ-ST-004 encrypts data ' +
    'once only'],
  ['AZ-ST-005', fixture({ azurerm_storage_account: { a: { ...goodAccount, shared_access_key_enabled: true } } }), 's/a: AZ-ST-005 accepts account keys'],
  ['AZ-ST-006', fixture({ azurerm_storage_account: { a: { ...goodAccount, blob_properties: { versioning_enabled: true } } } }), 's/a: AZ-ST-006 cannot ' +
    'restore deleted or overwritten blobs'],
  ['AZ-ST-007', fixture({ azurerm_storage_container: { c: { container_access_type: 'blob' } } }), 's/c: AZ-ST-007 is readable anonymously'],
  ['AZ-NET-001', fixture({ azurerm_network_security_rule: { r: { direction: 'Inbound', access: 'Allow', source_address_prefix: 'Internet',
    destination_port_range: '3389' } } }), 's/r: AZ-NET-001 opens an admin port to the internet'],
  ['AZ-NET-002', fixture({ azurerm_subnet: { n: { default_outbound_access_enabled: true, delegation: [{}] } } }), 's/n: AZ-NET-002 uses Azure\'s ' +
    'implicit outbound access'],
  ['AZ-NET-003', fixture({ azurerm_subnet: { n: { default_outbound_access_enabled: false } } }), 's/n: AZ-NET-003 has no network security group'],
  ['AZ-LOG-001', fixture({ azurerm_log_analytics_workspace: { w: {} } }), 's/w: AZ-LOG-001 accepts workspace keys'],
  ['AZ-AKS-001', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, local_account_disabled: false } } }), 's/k: AZ-AKS-001 keeps the static admin ' +
    'kubeconfig'],
  ['AZ-AKS-002', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, azure_active_directory_role_based_access_control: {} } } }), 's/k: AZ-AKS-002 ' +
    'does not authorize with Azure RBAC'],
  ['AZ-AKS-003', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, api_server_access_profile: { authorized_ip_ranges: ['0.0.0.0/0'] } } } }),
    's/k: AZ-AKS-003 exposes its API server to the internet'],
  ['AZ-AKS-004', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, network_profile: {} } } }), 's/k: AZ-AKS-004 has no network policy engine'],
  ['AZ-AKS-005', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, oms_agent: undefined } } }), 's/k: AZ-AKS-005 has no Container Insights'],
  ['AZ-AKS-006', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, key_vault_secrets_provider: {} } } }), 's/k: AZ-AKS-006 does not rotate ' +
    'mounted secrets'],
  ['AZ-AKS-007', fixture({ azurerm_kubernetes_cluster: { k: { ...goodAks, default_node_pool: { name: 'system', host_encryption_enabled: false } } } }),
    's/k: AZ-AKS-007 node pool system has neither host encryption nor a disk encryption set'],
  ['AZ-KV-001', fixture({ azurerm_key_vault: { v: { rbac_authorization_enabled: true, lifecycle: { prevent_destroy: true } } } }), 's/v: AZ-KV-001 can ' +
    'be purged with its keys'],
  ['AZ-KV-002', fixture({ azurerm_key_vault: { v: { purge_protection_enabled: true, lifecycle: { prevent_destroy: true } } } }), 's/v: AZ-KV-002 uses ' +
    'access policies'],
  ['AZ-PRV-001', { s: { provider: { azurerm: [{ features: [{}] }] } } }, 's/provider/azurerm[0]: AZ-PRV-001 follows whatever subscription the shell selected'],
  ['GEN-001', fixture({ azurerm_storage_account: { a: { ...goodAccount, lifecycle: undefined } } }), 's/a: GEN-001 can be destroyed by a plain destroy'],
  ['GEN-002', fixture({ helm_release: { h: { version: '1.2.3', set_sensitive: [{ name: 'adminPassword', value: '${random_password.p.result}' }], values: [],
    admin_password: 'hunter22' } } }), 's/h: GEN-002 has a literal credential at admin_password'],
  ['GEN-003', fixture({ aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.private.id}'] }, role_arn: '${aws_iam_role.r.arn}' } },
    aws_iam_role: { r: {} } }), 's/c: GEN-003 references aws_subnet.private, which this stack does not define'],
  ['K8S-001', fixture({ helm_release: { h: { version: '~> 1.2' } } }), 's/h: K8S-001 uses chart version "~> 1.2"'],
  ['K8S-002', fixture({ helm_release: { h: { version: '1.2.3', values: ['{"image":{"repository":"rocketchat/rocket.chat","tag":"latest"}}'] } } }),
    's/h: K8S-002 runs image ":latest"'],
  ['K8S-003', fixture({ kubernetes_namespace_v1: { n: { metadata: [{ name: 'app', labels: {} }] } } }), 's/n: K8S-003 has no Pod Security enforce label'],
  ['K8S-004', fixture({ kubernetes_ingress_v1: { i: { spec: [{ rule: [] }] } } }), 's/i: K8S-004 serves plain HTTP: no tls section'],
  ['EDGE-001', fixture({ kubernetes_ingress_v1: { i: { metadata: [{ annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing' } }], spec: [{
    ingress_class_name: 'alb' }] } } }),
    's/i: EDGE-001 is an internet-facing ALB without a web ACL (alb.ingress.kubernetes.io/wafv2-acl-arn)'],
];

describe('policy rules', () => {
  it('has at least 40 rules with unique ids, a title and a fix each', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.title && r.fix, r.id).toBeTruthy();
  });

  it('has a breaking case below for every rule', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(cases)('%s reports the resource, the problem and the fix', (id, stacks, line) => {
    const rule = RULES.find((r) => r.id === id)!;
    const lines = checkStacks(stacks, [rule], []).violations.map(formatFinding);
    expect(lines).toEqual([`${line} — ${rule.fix}`]);
  });

  it('passes every synthesized example stack, with the waivers from config listed', () => {
    const report = checkStacks(synthExamples().stacks, RULES, POLICY_SUPPRESSIONS);
    expect(report.violations.map(formatFinding)).toEqual([]);
    expect(report.suppressed.map((s) => `${s.stack}/${s.path} ${s.rule}`)).toEqual(['aws-dev-platform/namespace-monitoring-node K8S-003',
      'aws-dr-platform/namespace-monitoring-node K8S-003', 'aws-prod-platform/namespace-monitoring-node K8S-003',
      'azure-dev-app/cloud/backup-storage/account AZ-ST-005', 'azure-dev-cluster/aks/cluster AZ-AKS-007', 'azure-dev-cluster/pool-apps/pool AZ-AKS-007',
      'azure-dev-cluster/pool-spot/pool AZ-AKS-007', 'azure-dev-network/flow-logs/storage/account AZ-ST-005',
      'azure-dev-platform/namespace-monitoring-node K8S-003', 'azure-dr-app/cloud/backup-storage/account AZ-ST-005',
      'azure-dr-network/flow-logs/storage/account AZ-ST-005', 'azure-dr-platform/namespace-monitoring-node K8S-003',
      'azure-prod-app/cloud/backup-storage/account AZ-ST-005', 'azure-prod-network/flow-logs/storage/account AZ-ST-005',
      'azure-prod-platform/namespace-monitoring-node K8S-003', 'bootstrap-euc1-222222222222/ci-aws-dr/deploy-boundary AWS-IAM-003',
      'bootstrap-euw1-111111111111/ci-aws-dev/deploy-boundary AWS-IAM-003', 'bootstrap-euw1-222222222222/ci-aws-prod/deploy-boundary AWS-IAM-003']);
  });

  it('is documented in docs/policies.md (run npm run graph)', () => {
    expect(readFileSync(join(__dirname, '..', 'docs', 'policies.md'), 'utf8')).toBe(policiesDocument(RULES, POLICY_SUPPRESSIONS));
  });
});

describe('GEN-003 beyond resources', () => {
  const gen003 = RULES.filter((r) => r.id === 'GEN-003');
  const meta = (path: string) => ({ '//': { metadata: { path: `s/${path}` } } });
  const lines = (json: Json) => checkStacks({ s: json }, gen003, []).violations.map((v) => `${v.stack}/${v.path}: ${v.message}`);

  it('reports a foreign address in a provider block, a data source, an output and a local', () => {
    expect(lines({ provider: { kubernetes: [{ host: '${aws_eks_cluster.other.endpoint}' }] },
      data: { aws_subnets: { s: { ...meta('subnets'), filter: [{ name: 'vpc-id', values: ['${aws_vpc.other.id}'] }] } } },
      output: { leak: { value: '${data.aws_vpc.other.id}' } }, locals: { ids: ['${aws_subnet.other.id}'] } })).toEqual([
      's/subnets: references aws_vpc.other, which this stack does not define',
      's/provider/kubernetes[0]: references aws_eks_cluster.other, which this stack does not define',
      's/output/leak: references data.aws_vpc.other, which this stack does not define',
      's/locals/ids: references aws_subnet.other, which this stack does not define',
    ]);
  });

  it('accepts the stack\'s own data sources, remote-state outputs, variables, locals and escaped literals', () => {
    expect(lines({
      provider: { kubernetes: [{ host: '${data.terraform_remote_state.cluster-state.outputs.cluster_endpoint}',
        token: '${data.aws_eks_cluster_auth.a.token}' }] },
      data: { terraform_remote_state: { 'cluster-state': { ...meta('cluster-state'), backend: 's3' } },
        aws_eks_cluster_auth: { a: { ...meta('auth'), name: '${data.terraform_remote_state.cluster-state.outputs.cluster_name}' } } },
      resource: { aws_s3_bucket: { b: { ...meta('b'), bucket: '${local.bucket_name}', tags: { note: '$${aws_vpc.literal.id}', v: '${var.some_var}' } } } },
      output: { bucket: { value: '${aws_s3_bucket.b.arn}' } },
      locals: { bucket_name: '${lower(data.terraform_remote_state.cluster-state.outputs.cluster_name)}' },
    })).toEqual([]);
  });
});

describe('K8S-004 on Ingresses in Helm values and manifests', () => {
  const k8s004 = RULES.filter((r) => r.id === 'K8S-004');
  const release = (values: Json, extra: Json = {}) => fixture({ helm_release: { h: { version: '1.0.0', values: [JSON.stringify(values)], ...extra } } });
  const lines = (stacks: Record<string, Json>) => checkStacks(stacks, k8s004, []).violations.map((v) => `${v.stack}/${v.path}: ${v.message}`);
  const ingress = (spec: Json, annotations: Json = {}) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'apps', annotations },
    spec: { ingressClassName: 'x', rules: [{ host: 'chat.example.com' }], ...spec },
  });
  const alb = (extra: Json) => ({ 'alb.ingress.kubernetes.io/certificate-arn': '${data.terraform_remote_state.p.outputs.certificate_arn}', ...extra });
  const agc = (redirect: Json) => ({
    objects: [
      { apiVersion: 'alb.networking.azure.io/v1', kind: 'IngressExtension', metadata: { name: 'to-https', namespace: 'apps' }, spec: { rules: [{
        host: 'chat.example.com', requestRedirect: redirect }] } },
      ingress({ ingressClassName: 'azure-alb-external' }, { 'alb.networking.azure.io/alb-ingress-extension': 'to-https' }),
    ],
  });

  it.each<[string, Record<string, Json>, string]>([
    ['an Ingress in the cluster-objects chart without tls', release({ objects: [ingress({})] }),
      's/h: renders Ingress apps/web (values.objects[0]) that serves plain HTTP: no tls section'],
    ['an Ingress in a chart\'s extraObjects without tls', release({ grafana: { extraObjects: [ingress({ tls: [] })] } }),
      's/h: renders Ingress apps/web (values.grafana.extraObjects[0]) that serves plain HTTP: no tls section'],
    ['a kubernetes_manifest Ingress without tls', fixture({ kubernetes_manifest: { m: { manifest: ingress({}) } } }),
      's/m: renders Ingress apps/web (manifest) that serves plain HTTP: no tls section'],
    ['a chart ingress: block without tls', release({ ingress: { enabled: true, ingressClassName: 'nginx', tls: [] } }),
      's/h: enables a chart Ingress (values.ingress) that serves plain HTTP: no tls section'],
    ['a chart ingress switched on by a set entry', release({ ingress: { ingressClassName: 'nginx' } }, { set: [{ name: 'ingress.enabled', value: 'true' }] }),
      's/h: enables a chart Ingress (values.ingress) that serves plain HTTP: no tls section'],
    ['an ALB ingress whose HTTP listener is not redirected', release({ ingress: { enabled: true, ingressClassName: 'alb', annotations: alb({
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]' }), tls: [{ hosts: ['chat.example.com'] }] } }),
      's/h: enables a chart Ingress (values.ingress) that serves plain HTTP: ALB listener HTTP:80 is not redirected to HTTPS ' +
        '(alb.ingress.kubernetes.io/ssl-redirect)'],
    ['an ALB ingress on the controller default (HTTP:80, no certificate)', release({ objects: [ingress({ ingressClassName: 'alb' })] }),
      's/h: renders Ingress apps/web (values.objects[0]) that serves plain HTTP: its ALB listens on HTTP only'],
    ['an ALB ingress with an HTTPS listener and no certificate', release({ objects: [ingress({ ingressClassName: 'alb' }, {
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]' })] }),
      's/h: renders Ingress apps/web (values.objects[0]) that has an HTTPS ALB listener without a certificate (alb.ingress.kubernetes.io/certificate-arn ' +
        'or tls hosts)'],
    ['an ALB ingress with unreadable listen-ports', release({ objects: [ingress({}, alb({ 'alb.ingress.kubernetes.io/listen-ports': 'HTTPS:443' }))] }),
      's/h: renders Ingress apps/web (values.objects[0]) that has alb.ingress.kubernetes.io/listen-ports "HTTPS:443", which is not a JSON list of ' +
        '{"HTTP"|"HTTPS": port}'],
    ['an AGC redirect Ingress whose IngressExtension does not redirect to HTTPS', release(agc({ scheme: 'http', statusCode: 301 })),
      's/h: renders Ingress apps/web (values.objects[1]) that serves plain HTTP: IngressExtension to-https does not redirect chat.example.com to HTTPS'],
    ['an AGC redirect Ingress whose IngressExtension is missing', release({ objects: [agc({}).objects[1]] }),
      's/h: renders Ingress apps/web (values.objects[0]) that serves plain HTTP: no tls section, and its IngressExtension to-https is not defined in ' +
        'this stack'],
    ['a Gateway API Gateway with HTTP listeners only', release({ objects: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {
      name: 'gw', namespace: 'apps' }, spec: { gatewayClassName: 'azure-alb-external', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } }] }),
      's/h: renders Gateway apps/gw (values.objects[0]) that serves plain HTTP: no HTTPS or TLS listener'],
    ['a Gateway whose HTTP listener admits routes from any namespace', release({ objects: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'edge' }, spec: { listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: {
      from: 'All' } } }, { name: 'https', port: 443, protocol: 'HTTPS' }] } }] }),
      's/h: renders Gateway edge/gw (values.objects[0]) that serves plain HTTP: HTTP listener http admits routes from other namespaces, so their ' +
        'redirects cannot be checked (allowedRoutes.namespaces.from: Same)'],
    ['a Gateway whose HTTP listener serves a route instead of redirecting', release({ objects: [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'edge' }, spec: { listeners: [{ name: 'http',
        port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }, { name: 'https', port: 443, protocol: 'HTTPS' }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'app', namespace: 'edge' }, spec: { parentRefs: [{ name: 'gw' }],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } },
    ] }),
      's/h: renders Gateway edge/gw (values.objects[0]) that serves plain HTTP: HTTPRoute app on HTTP listener http does not redirect every request to https'],
    ['Helm values that are not JSON and mention an ingress', fixture({ helm_release: { h: { version: '1.0.0', values: ['ingress:\n  enabled: true\n'] } } }),
      's/h: has Helm values that are not JSON and mention an Ingress, which this check cannot read (write values with JSON.stringify, as chartRelease does)'],
  ])('fires on %s', (_name, stacks, line) => {
    expect(lines(stacks)).toEqual([line]);
  });

  it.each<[string, Record<string, Json>]>([
    ['an Ingress with tls', release({ objects: [ingress({ tls: [{ hosts: ['chat.example.com'], secretName: 'tls' }] })] })],
    ['an ALB ingress listening on HTTPS only', release({ ingress: { enabled: true, ingressClassName: 'alb', annotations: alb({
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]' }), tls: [] } })],
    ['an ALB ingress with a certificate on the controller default listener', release({ objects: [ingress({ ingressClassName: 'alb' }, alb({}))] })],
    ['an ALB ingress redirecting HTTP to HTTPS', release({ ingress: { enabled: true, annotations: alb({
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]', 'alb.ingress.kubernetes.io/ssl-redirect': '443' }) } })],
    ['an AGC redirect Ingress with its HTTPS IngressExtension', release(agc({ scheme: 'https', statusCode: 301 }))],
    ['a disabled chart ingress', release({ ingress: { enabled: false } })],
    ['a Gateway with an HTTPS listener and a redirecting HTTP listener, and AGC and Gateway API companions', release({ objects: [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { listeners: [{ name: 'http', port: 80,
        protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }, { name: 'https', port: 443, protocol: 'HTTPS' }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw', sectionName: 'https' }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'up' }, spec: { parentRefs: [{ name: 'gw', sectionName: 'http' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }] } },
      { apiVersion: 'alb.networking.azure.io/v1', kind: 'HealthCheckPolicy', metadata: { name: 'h' }, spec: {} },
    ] })],
    ['a NetworkPolicy and networkPolicy values (their ingress: is traffic, not an Ingress)', release({ objects: [{ apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { ingress: [{}] } }], networkPolicy: { ingress: { enabled: true, from: [] } } })],
  ])('accepts %s', (_name, stacks) => {
    expect(lines(stacks)).toEqual([]);
  });

  it('fires on the example stacks\' real Ingress and Gateway once their HTTPS settings are removed', () => {
    // Rocket.Chat's Ingress (AWS) is always on; on Azure the edge Gateway serves every host.
    const { stacks } = synthExamples();
    const edit = (stack: string, name: string, change: (doc: Json) => void) => editValues(stacks[stack]!, name, change);
    const gateway = (d: Json) => d.objects.find((o: Json) => o.kind === 'Gateway');
    const redirect = (d: Json) => d.objects.find((o: Json) => o.metadata.name === 'https-redirect');
    edit('aws-prod-app', 'rocketchat', (d) => delete d.ingress.annotations['alb.ingress.kubernetes.io/ssl-redirect']);
    edit('azure-prod-platform', 'edge-gateway', (d) => (redirect(d).spec.rules = [{ backendRefs: [{ name: 'rocketchat-rocketchat', namespace: 'rocketchat',
      port: 80 }] }]));
    edit('azure-dev-platform', 'edge-gateway', (d) => (gateway(d).spec.listeners = gateway(d).spec.listeners.filter((l: Json) => l.protocol === 'HTTP')));
    const found = lines({ 'aws-prod-app': stacks['aws-prod-app']!, 'azure-prod-platform': stacks['azure-prod-platform']!,
      'azure-dev-platform': stacks['azure-dev-platform']! });
    expect(found.sort()).toEqual([
      'aws-prod-app/rocketchat/release: enables a chart Ingress (values.ingress) that serves plain HTTP: ALB listener HTTP:80 is not redirected to HTTPS ' +
        '(alb.ingress.kubernetes.io/ssl-redirect)',
      'azure-dev-platform/cloud/edge/gateway/release: renders Gateway azure-alb-system/edge (values.objects[0]) that serves plain HTTP: no HTTPS or TLS ' +
        'listener',
      'azure-prod-platform/cloud/edge/gateway/release: renders Gateway azure-alb-system/edge (values.objects[0]) that serves plain HTTP: HTTPRoute ' +
        'https-redirect on HTTP listener http does not redirect every request to https',
    ]);
  });
});

describe('EDGE-001: every public frontend sits behind a WAF', () => {
  const edge001 = RULES.filter((r) => r.id === 'EDGE-001');
  const release = (values: Json) => fixture({ helm_release: { h: { version: '1.0.0', values: [JSON.stringify(values)] } } });
  const lines = (stacks: Record<string, Json>) => checkStacks(stacks, edge001, []).violations.map((v) => `${v.stack}/${v.path}: ${v.message}`);
  const albIngress = (annotations: Json) => ({ ingress: { enabled: true, ingressClassName: 'alb', annotations: {
    'alb.ingress.kubernetes.io/scheme': 'internet-facing', ...annotations } } });
  const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'agc' }, spec: {
    gatewayClassName: 'azure-alb-external', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] } };
  const wafPolicy = (targetRef: Json) => ({ apiVersion: 'alb.networking.azure.io/v1', kind: 'WebApplicationFirewallPolicy', metadata: { name: 'waf',
    namespace: 'agc' }, spec: { targetRef, webApplicationFirewall: { id: '${azurerm_web_application_firewall_policy.p.id}' } } });
  const wholeGateway = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'agc' };

  it.each<[string, Record<string, Json>, string]>([
    ['an internet-facing ALB Ingress without a web ACL', release(albIngress({})),
      's/h: enables a chart Ingress (values.ingress) that is an internet-facing ALB without a web ACL (alb.ingress.kubernetes.io/wafv2-acl-arn)'],
    ['an Ingress on Application Gateway for Containers', release({ ingress: { enabled: true, ingressClassName: 'azure-alb-external', tls: [{
      secretName: 't' }] } }),
      's/h: enables a chart Ingress (values.ingress) that is public on Application Gateway for Containers, where no WAF can attach to an Ingress (serve ' +
        'it through a Gateway with a WebApplicationFirewallPolicy)'],
    ['an AGC Gateway without a WAF policy', release({ objects: [gateway] }),
      's/h: renders Gateway agc/edge (values.objects[0]) that has no WebApplicationFirewallPolicy targeting the whole Gateway (spec.targetRef kind ' +
        'Gateway, no sectionNames) with a WAF policy id'],
    ['an AGC Gateway whose WAF policy covers one listener only', release({ objects: [gateway, wafPolicy({ ...wholeGateway, sectionNames: ['https'] })] }),
      's/h: renders Gateway agc/edge (values.objects[0]) that has no WebApplicationFirewallPolicy targeting the whole Gateway (spec.targetRef kind ' +
        'Gateway, no sectionNames) with a WAF policy id'],
    ['an internet-facing Terraform ALB without an association', fixture({ aws_lb: { lb: { internal: false, load_balancer_type: 'application' } } }),
      's/lb: is an internet-facing ALB without an aws_wafv2_web_acl_association'],
  ])('fires on %s', (_name, stacks, line) => {
    expect(lines(stacks)).toEqual([line]);
  });

  it.each<[string, Record<string, Json>]>([
    ['an internet-facing ALB Ingress naming a web ACL', release(albIngress({ 'alb.ingress.kubernetes.io/wafv2-acl-arn': '${aws_wafv2_web_acl.a.arn}' }))],
    ['an internal ALB Ingress', release({ ingress: { enabled: true, ingressClassName: 'alb', annotations: {} } })],
    ['an AGC Gateway with a Gateway-wide WAF policy', release({ objects: [gateway, wafPolicy(wholeGateway)] })],
    ['a Terraform ALB with an association, and an NLB', fixture({ aws_lb: { lb: { load_balancer_type: 'application' }, nlb: { load_balancer_type: 'network' } },
      aws_wafv2_web_acl_association: { a: { resource_arn: '${aws_lb.lb.arn}', web_acl_arn: '${aws_wafv2_web_acl.a.arn}' } } })],
  ])('accepts %s', (_name, stacks) => {
    expect(lines(stacks)).toEqual([]);
  });

  it('fires on the example stacks once the web ACL or the WAF policy is taken away', () => {
    const { stacks } = synthExamples();
    const edit = (stack: string, name: string, change: (doc: Json) => void) => editValues(stacks[stack]!, name, change);
    const picked = { 'aws-prod-app': stacks['aws-prod-app']!, 'azure-prod-platform': stacks['azure-prod-platform']! };
    expect(lines(picked)).toEqual([]);
    edit('aws-prod-app', 'rocketchat', (d) => delete d.ingress.annotations['alb.ingress.kubernetes.io/wafv2-acl-arn']);
    edit('azure-prod-platform', 'edge-gateway', (d) => (d.objects = d.objects.filter((o: Json) => o.kind !== 'WebApplicationFirewallPolicy')));
    expect(lines(picked).sort()).toEqual([
      'aws-prod-app/rocketchat/release: enables a chart Ingress (values.ingress) that is an internet-facing ALB without a web ACL ' +
        '(alb.ingress.kubernetes.io/wafv2-acl-arn)',
      'azure-prod-platform/cloud/edge/gateway/release: renders Gateway azure-alb-system/edge (values.objects[0]) that has no ' +
        'WebApplicationFirewallPolicy targeting the whole Gateway (spec.targetRef kind Gateway, no sectionNames) with a WAF policy id',
    ]);
  });
});

describe('disk encryption rules', () => {
  const only = (id: string, stacks: Record<string, Json>) => checkStacks(stacks, RULES.filter((r) => r.id === id), []).violations.map((v) => `${v.stack}/${v
    .path}: ${v.message}`);
  const cluster = (extra: Json) => ({ default_node_pool: { name: 'system', host_encryption_enabled: true }, ...extra });

  it('AZ-AKS-007 checks each node pool, which may rely on its cluster\'s disk encryption set', () => {
    expect(only('AZ-AKS-007', fixture({
      azurerm_kubernetes_cluster: { k: cluster({}) },
      azurerm_kubernetes_cluster_node_pool: { plain: { name: 'apps', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.k.id}' },
        host: { name: 'data', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.k.id}', host_encryption_enabled: true } },
    }))).toEqual(['s/plain: node pool apps has neither host encryption nor a disk encryption set']);
    expect(only('AZ-AKS-007', fixture({
      azurerm_kubernetes_cluster: { k: { default_node_pool: [{ name: 'system' }], disk_encryption_set_id: '${azurerm_disk_encryption_set.s.id}' } },
      azurerm_kubernetes_cluster_node_pool: { plain: { name: 'apps', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.k.id}' } },
    }))).toEqual([]);
  });

  it('AZ-LOG-001 accepts either spelling of Entra-only workspaces, and AWS-EKS-005 only the network contract\'s private subnets', () => {
    expect(only('AZ-LOG-001', fixture({
      azurerm_log_analytics_workspace: { current: { local_authentication_enabled: false }, deprecated: { local_authentication_disabled: true }, keys: {
        local_authentication_enabled: true } },
    }))).toEqual(['s/keys: accepts workspace keys']);
    const template = { launch_template: { id: '${t}' } };
    expect(only('AWS-EKS-005', fixture({
      aws_eks_node_group: { contract: { ...template, subnet_ids: '${data.terraform_remote_state.net.outputs.private_subnet_ids}' },
        indexed: { ...template, subnet_ids: ['${data.terraform_remote_state.net.outputs.private_subnet_ids[0]}'] },
        element: { ...template, subnet_ids: ['${element(data.terraform_remote_state.net.outputs.private_subnet_ids, 2)}'] },
        literal: { ...template, subnet_ids: ['subnet-0123456789abcdef0'] }, named: { ...template, subnet_ids: ['${aws_subnet.private-a.id}'] } },
    }))).toEqual(["s/literal: is not placed only in the network contract's private subnets", "s/named: is not placed only in the network contract's " +
      "private subnets"]);
  });

  it('AWS-EBS-001 checks EBS StorageClasses as resources and in Helm values, and leaves other provisioners alone', () => {
    const sc = (name: string, provisioner: string, parameters: Json) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name },
      provisioner, parameters });
    expect(only('AWS-EBS-001', fixture({
      kubernetes_storage_class_v1: { good: { storage_provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: '${x}' } },
        intree: { storage_provisioner: 'kubernetes.io/aws-ebs', parameters: { encrypted: 'false' } },
        azure: { storage_provisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_ZRS' } } },
      helm_release: { h: { version: '1.0.0', values: [JSON.stringify({ objects: [sc('gp2', 'ebs.csi.aws.com', { type: 'gp2' }), sc('efs', 'efs.csi.aws.com',
        {})] })] } },
    }))).toEqual(['s/intree: provisions unencrypted EBS volumes', 's/h: renders StorageClass gp2 (values.objects[0]) that provisions unencrypted EBS volumes']);
  });
});

describe('policy checks at synth', () => {
  it('fail the synth with one line per violation and write nothing', () => {
    const outdir = join(tempDir(), 'cdktf.out');
    let problems: readonly string[] = [];
    try {
      run(ENVIRONMENTS, 'azure-dev', outdir, { suppressions: [], log: () => undefined });
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      problems = error.problems;
    }
    const diskFix = RULES.find((r) => r.id === 'AZ-AKS-007')!.fix;
    expect(problems).toEqual([
      'azure-dev-app/cloud/backup-storage/account: AZ-ST-005 accepts account keys — set shared_access_key_enabled = false and use Entra ID',
      ...['aks/cluster: AZ-AKS-007 node pool system', 'pool-apps/pool: AZ-AKS-007 node pool apps', 'pool-spot/pool: AZ-AKS-007 node pool spot']
        .map((p) => `azure-dev-cluster/${p} has neither host encryption nor a disk encryption set — ${diskFix}`),
      'azure-dev-network/flow-logs/storage/account: AZ-ST-005 accepts account keys — set shared_access_key_enabled = false and use Entra ID',
      'azure-dev-platform/namespace-monitoring-node: K8S-003 enforces Pod Security level "privileged" — label it pod-security.kubernetes.io/enforce: ' +
        'restricted (or baseline, with the reason in docs)',
    ]);
    expect(existsSync(outdir)).toBe(false);
    expect(existsSync(`${outdir}.staging`)).toBe(false);
  });

  it('print one line for the waivers in effect: their count and where they are listed', () => {
    const lines: string[] = [];
    run(ENVIRONMENTS, 'azure-dev', join(tempDir(), 'cdktf.out'), { log: (l) => lines.push(l), listWaivers: false });
    expect(lines).toEqual([
      `Waivers: 6 policy findings waived by 4 entries of config/policy-suppressions.ts; ${RENDER_WAIVERS.length} render audit waivers in ` +
        `config/render-waivers.ts (applied by npm test). SHOW_WAIVERS=1 lists them.`,
    ]);
  });

  it('print every waiver in effect with its reason on request', () => {
    const lines: string[] = [];
    run(ENVIRONMENTS, 'azure-dev', join(tempDir(), 'cdktf.out'), { log: (l) => lines.push(l), listWaivers: true });
    expect(lines.slice(0, 7)).toEqual([
      `Waivers: 6 policy findings waived by 4 entries of config/policy-suppressions.ts; ${RENDER_WAIVERS.length} render audit waivers in ` +
        `config/render-waivers.ts (applied by npm test):`,
      `  azure-dev-app/cloud/backup-storage/account: AZ-ST-005 accepts account keys — set shared_access_key_enabled = false and use Entra ID ` +
        `[waived: ${POLICY_SUPPRESSIONS[1]!.reason}]`,
      ...['aks/cluster: AZ-AKS-007 node pool system', 'pool-apps/pool: AZ-AKS-007 node pool apps', 'pool-spot/pool: AZ-AKS-007 node pool spot'].map(
        (p) => `  azure-dev-cluster/${p} has neither host encryption nor a disk encryption set — ${RULES.find((r) => r.id === 'AZ-AKS-007')!.fix} ` +
          `[waived: ${POLICY_SUPPRESSIONS[3]!.reason}]`,
      ),
      `  azure-dev-network/flow-logs/storage/account: AZ-ST-005 accepts account keys — set shared_access_key_enabled = false and use Entra ID ` +
        `[waived: ${POLICY_SUPPRESSIONS[0]!.reason}]`,
      `  azure-dev-platform/namespace-monitoring-node: K8S-003 enforces Pod Security level "privileged" — label it pod-security.kubernetes.io/enforce: ` +
        `restricted (or baseline, with the reason in docs) [waived: ${POLICY_SUPPRESSIONS[2]!.reason}]`,
    ]);
    expect(lines.slice(7)).toHaveLength(RENDER_WAIVERS.length);
    expect(lines[7]).toBe(`  render schema in azure-[a-z0-9-]+-(app|platform) (HealthCheckPolicy apiVersion) [waived: ${RENDER_WAIVERS[0]!.reason}]`);
  });

  it('refuse a waiver for an unknown rule or without a reason', () => {
    const attempt = () => run(ENVIRONMENTS, 'aws-dev', join(tempDir(), 'cdktf.out'), { suppressions: [{ rule: 'AWS-NOPE-1', target: '*', reason: 'because' }],
      log: () => undefined });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        `config/policy-suppressions: [0].rule: "AWS-NOPE-1" is not a rule (allowed: ${RULES.map((r) => r.id).join(', ')})`,
        'config/policy-suppressions: [0].reason: "because" does not explain the waiver (allowed: a sentence of 20 characters or more)',
      ]);
    }
  });
});
