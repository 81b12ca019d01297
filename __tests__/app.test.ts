import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { CHARTS, IMAGES } from '../config/versions';
import { ALB_SSL_POLICY } from '../constructs/aws/https-edge';
import { backupsToKeep, MONGOD_POD_LABELS } from '../constructs/app/mongodb';
import { ROCKETCHAT_POD_LABELS } from '../constructs/app/rocketchat';
import { example, type Json, objectsOf, problemsOf, release, resources, synthExamples, validate, valuesOf } from './support';
import type { Environment } from '../config/schema';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const app = (env: string): Json => stacks[`${env}-app`]!;
const values = valuesOf;
const rocketchat = (env: string): Json => release(app(env), 'rocketchat');
const objects = (env: string, name: string): Json[] => objectsOf(app(env), name);
const replicaSet = (env: string): Json => objects(env, 'rocketchat-mongodb').find((o: Json) => o.kind === 'PerconaServerMongoDB')!;
const envVars = (r: Json): Record<string, string> => Object.fromEntries(values(r).extraEnv.map((e: Json) => [e.name, e.value]));
const policy = (env: string, namespace: string, name: string): Json =>
  resources(app(env), 'kubernetes_network_policy_v1').find((p) => p.metadata.namespace === namespace && p.metadata.name === name)!;
/** Every registered environment: one added by the README's steps is checked too. */
const ENVS = Object.keys(ENVIRONMENTS);
const config = (name: string): Environment => ENVIRONMENTS[name] as Environment;
/** A reference to a secret this stack creates: the dependency is implied and the name comes from one place. */
const SECRET_REF = expect.stringMatching(/^\$\{kubernetes_secret_v1\.[^}]+\.metadata\[0\]\.name\}$/);

describe('MongoDB replica set', () => {
  it.each(ENVS)('%s: members, zone spread, PDB, retained encrypted volumes and resources from config', (env) => {
    const mongo = config(env).app.mongodb;
    const rs = replicaSet(env).spec.replsets[0];
    expect(replicaSet(env).spec.crVersion).toBe('1.22.0');
    expect(replicaSet(env).spec.image).toBe(IMAGES.perconaServerMongodb);
    expect(replicaSet(env).spec.sharding.enabled).toBe(false);
    expect(rs.size).toBe(mongo.members);
    expect(rs.affinity.antiAffinityTopologyKey).toBe('kubernetes.io/hostname');
    expect(rs.topologySpreadConstraints).toEqual([
      { labelSelector: { matchLabels: MONGOD_POD_LABELS }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
    ]);
    expect(rs.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(rs.volumeSpec.persistentVolumeClaim).toEqual({ storageClassName: 'encrypted-retain', resources: { requests: { storage: `${mongo.storageGb}Gi` } } });
    expect(rs.resources).toEqual({ requests: { cpu: mongo.cpu, memory: mongo.memory }, limits: { memory: mongo.memory } });
  });

  it.each(ENVS)('%s: leaves PMM out entirely (the v1.22.0 CRD requires pmm.image whenever spec.pmm exists)', (env) => {
    expect(replicaSet(env).spec).not.toHaveProperty('pmm');
  });

  it('places aws-prod members on the tainted data pool and azure-prod members on the apps pool', () => {
    const aws = replicaSet('aws-prod').spec.replsets[0];
    expect(aws.nodeSelector).toEqual({ workload: 'data' });
    expect(aws.tolerations).toEqual([{ key: 'workload', operator: 'Equal', value: 'data', effect: 'NoSchedule' }]);
    expect(replicaSet('azure-prod').spec.replsets[0].nodeSelector).toEqual({ 'kubernetes.azure.com/agentpool': 'apps' });
    expect(replicaSet('aws-dev').spec.replsets[0].nodeSelector).toEqual({});
  });

  it('requires TLS with certificates from the internal CA, for members and for Rocket.Chat as a client', () => {
    const spec = replicaSet('aws-prod').spec;
    expect(spec.tls).toMatchObject({ mode: 'requireTLS', allowInvalidCertificates: false, issuerConf: { name: 'internal-ca', kind: 'ClusterIssuer',
      group: 'cert-manager.io' } });
    const client = objects('aws-prod', 'rocketchat-mongodb').find((o: Json) => o.kind === 'Certificate')!;
    expect(client.metadata.namespace).toBe('rocketchat');
    expect(client.spec).toMatchObject({ secretName: 'mongodb-client-tls', usages: ['client auth', 'digital signature', 'key encipherment'], issuerRef: {
      name: 'internal-ca', kind: 'ClusterIssuer' } });
    const uri = resources(app('aws-prod'), 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-uri')!.data['mongo-uri'];
    expect(uri).toMatch(new RegExp('^mongodb://rocketchat:\\$\\{random_password\\.[^}]+\\.result\\}@rocketchat-mongodb-rs0\\.mongodb\\.svc\\.cluster\\.local:' +
      '27017/rocketchat\\?replicaSet=rs0&authSource=admin&tls=true&tlsCAFile=/etc/mongodb-client/ca\\.crt&tlsCertificateKeyFile=/etc/mongodb-client/' +
      'tls-combined\\.pem$'));
  });

  it('gives Rocket.Chat a SCRAM user with readWrite on its database and cluster monitoring only, and every system user a generated password', () => {
    const spec = replicaSet('azure-dev').spec;
    expect(spec.users).toEqual([{ name: 'rocketchat', db: 'admin', passwordSecretRef: { name: SECRET_REF, key: 'password' }, roles: [{ name: 'readWrite',
      db: 'rocketchat' }, { name: 'clusterMonitor', db: 'admin' }] }]);
    const users = resources(app('azure-dev'), 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-users')!;
    expect(spec.secrets.users).toEqual(SECRET_REF);
    const passwords = Object.entries<string>(users.data).filter(([k]) => k.endsWith('_PASSWORD'));
    expect(passwords.map(([k]) => k).sort()).toEqual(['MONGODB_BACKUP_PASSWORD', 'MONGODB_CLUSTER_ADMIN_PASSWORD', 'MONGODB_CLUSTER_MONITOR_PASSWORD',
      'MONGODB_DATABASE_ADMIN_PASSWORD', 'MONGODB_USER_ADMIN_PASSWORD']);
    for (const [, value] of passwords) expect(value).toMatch(/^\$\{random_password\.[^}]+\.result\}$/);
    expect(resources(app('azure-dev'), 'random_password').every((p) => p.special === false && p.length >= 32)).toBe(true);
  });

  it('runs mongodb_exporter in compatible mode as a sidecar, with the monitor user from the secret', () => {
    const sidecar = replicaSet('aws-dev').spec.replsets[0].sidecars[0];
    expect(sidecar.image).toBe(IMAGES.mongodbExporter);
    expect(sidecar.args).toContain('--compatible-mode');
    expect(sidecar.ports).toEqual([{ name: 'metrics', containerPort: 9216 }]);
    const monitor = objects('aws-dev', 'rocketchat-mongodb').find((o: Json) => o.kind === 'PodMonitor')!;
    expect(monitor.spec).toEqual({ selector: { matchLabels: MONGOD_POD_LABELS }, podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }] });
    expect(sidecar.env).toEqual([{ name: 'MONGODB_USER', valueFrom: { secretKeyRef: { name: SECRET_REF, key: 'MONGODB_CLUSTER_MONITOR_USER' } } },
      { name: 'MONGODB_PASSWORD', valueFrom: { secretKeyRef: { name: SECRET_REF, key: 'MONGODB_CLUSTER_MONITOR_PASSWORD' } } }]);
  });
});

describe('MongoDB backups', () => {
  it.each(ENVS)('%s: scheduled full backups with retention from config, and point-in-time recovery', (env) => {
    const plan = config(env).app.backups;
    const backup = replicaSet(env).spec.backup;
    expect(backup).toMatchObject({ enabled: true, image: IMAGES.perconaBackupMongodb, pitr: { enabled: true, oplogSpanMin: plan.pitrOplogSpanMinutes } });
    expect(backup.tasks).toEqual([{ name: 'full', enabled: true, schedule: plan.fullBackupSchedule, type: 'logical', storageName: 'main',
      compressionType: 'zstd', retention: { type: 'count', count: plan.deleteAfterDays, deleteFromStorage: true } }]);
  });

  it('sizes the backup-agent sidecar per tier: CPU and memory requests and a memory limit, no CPU limit', () => {
    const prod = { requests: { cpu: '300m', memory: '1Gi' }, limits: { memory: '1536Mi' } };
    const dev = { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '768Mi' } };
    expect(replicaSet('aws-prod').spec.backup.resources).toEqual(prod);
    expect(replicaSet('azure-prod').spec.backup.resources).toEqual(prod);
    expect(replicaSet('aws-dev').spec.backup.resources).toEqual(dev);
    expect(replicaSet('azure-dev').spec.backup.resources).toEqual(dev);
  });

  it('keeps a week per weekly backup', () => {
    expect(backupsToKeep('0 2 * * 0', 90)).toBe(13);
    expect(backupsToKeep('0 2 * * *', 90)).toBe(90);
  });

  it('AWS: writes to a versioned bucket encrypted by default with the app key, through IRSA on the mongod service account, cool tier from config', () => {
    const stack = app('aws-prod');
    const storage = replicaSet('aws-prod').spec.backup.storages.main;
    expect(storage).toEqual({ main: true, type: 's3', s3: { bucket: expect.any(String), region: 'eu-west-1', prefix: 'aws-prod' } });
    const bucket = resources(stack, 'aws_s3_bucket').find((b) => b.bucket.startsWith('aws-prod-mongodb-backups-'))!;
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    const sse = resources(stack, 'aws_s3_bucket_server_side_encryption_configuration').find((c) => String(c.bucket).includes('mongodb-backups'))!;
    expect(sse.rule[0].apply_server_side_encryption_by_default).toMatchObject({ sse_algorithm: 'aws:kms', kms_master_key_id: expect
      .stringMatching(/aws_kms_key\./) });
    expect(storage.s3.bucket).toMatch(/^\$\{aws_s3_bucket\.cloud_mongodb-backups-bucket/);
    const lifecycle = resources(stack, 'aws_s3_bucket_lifecycle_configuration').find((l) => String(l.bucket).includes('mongodb-backups'))!;
    expect(lifecycle.rule[0].transition).toEqual([{ days: 30, storage_class: 'STANDARD_IA' }]);
    const sa = resources(stack, 'kubernetes_service_account_v1').find((s) => s.metadata.name === 'rocketchat-mongodb')!;
    expect(sa.metadata.namespace).toBe('mongodb');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{aws_iam_role\.cloud_mongodb-backups-identity/);
    const role = resources(stack, 'aws_iam_role').find((r) => r.name === 'aws-prod-mongodb-backups')!;
    expect(role.assume_role_policy).toContain('system:serviceaccount:mongodb:rocketchat-mongodb');
    expect(replicaSet('aws-prod').spec.replsets[0].serviceAccountName).toBe('rocketchat-mongodb');
  });

  it('AWS: gives the operator (which deletes expired backups itself) its own read-and-delete role and rolls it', () => {
    const stack = app('aws-prod');
    const role = resources(stack, 'aws_iam_role').find((r) => r.name === 'aws-prod-mongodb-operator')!;
    expect(role.assume_role_policy).toContain('system:serviceaccount:mongodb:psmdb-operator');
    const policy = resources(stack, 'aws_iam_role_policy').find((p) => String(p.role).includes('mongodb-operator'))!;
    expect(policy.policy).toContain('s3:DeleteObject');
    expect(policy.policy).not.toContain('s3:PutObject');
    const [sa, rollout] = ['ServiceAccount', 'Deployment'].map((kind) => resources(stack, 'kubernetes_annotations').find((a) => a.kind === kind)!);
    expect(sa!.metadata).toEqual({ name: 'psmdb-operator', namespace: 'mongodb' });
    expect(sa!.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{aws_iam_role\.cloud_mongodb-operator-identity/);
    expect(rollout!.template_annotations['rocketchat-platform/irsa-role']).toMatch(/mongodb-operator-identity/);
    expect(resources(app('azure-prod'), 'kubernetes_annotations')).toEqual([]);
  });

  it('Azure: a dedicated private RA-GZRS account in prod (app.backups.dr), cool tier from config, the key only in a Kubernetes secret', () => {
    const stack = app('azure-prod');
    const account = resources(stack, 'azurerm_storage_account')[0]!;
    expect(account).toMatchObject({ account_replication_type: 'RAGZRS', public_network_access_enabled: false, shared_access_key_enabled: true, lifecycle: {
      prevent_destroy: true } });
    expect(resources(stack, 'azurerm_private_endpoint')).toHaveLength(1);
    const policy = resources(stack, 'azurerm_storage_management_policy')[0]!;
    expect(policy.rule[0].actions.base_blob.tier_to_cool_after_days_since_modification_greater_than).toBe(30);
    const storage = replicaSet('azure-prod').spec.backup.storages.main;
    expect(storage).toMatchObject({ type: 'azure', azure: { prefix: 'azure-prod', credentialsSecret: SECRET_REF } });
    const secret = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'mongodb-backup-azure')!;
    expect(secret.metadata.namespace).toBe('mongodb');
    expect(secret.data.AZURE_STORAGE_ACCOUNT_KEY).toMatch(/^\$\{azurerm_storage_account\.[^}]+\.primary_access_key\}$/);
  });
});

describe('Rocket.Chat', () => {
  it.each(ENVS)('%s: official chart pinned, bundled MongoDB, microservices and NATS off, connection string from a secret', (env) => {
    const r = rocketchat(env);
    expect([r.repository, r.version, r.namespace]).toEqual([CHARTS.rocketchat.repository, CHARTS.rocketchat.version, 'rocketchat']);
    const v = values(r);
    expect(v.mongodb).toEqual({ enabled: false, serviceMonitor: { enabled: false } });
    expect(v.microservices).toEqual({ enabled: false });
    // Without it the chart's NATS subchart deploys for the monolith too (Helm misreads its condition).
    expect(v.nats).toEqual({ enabled: false });
    expect(v.existingMongodbSecret).toEqual(SECRET_REF);
    expect(v.externalMongodbUrl).toBeUndefined();
    expect(v.podMonitor.enabled).toBe(true);
    expect(v.resources.requests.cpu).toBeDefined();
    expect(v.resources.limits.memory).toBeDefined();
    // aws-dev turns Tempo off (platform.components.tempo.enabled false): no traces are sent there.
    const traced = env !== 'aws-dev';
    expect(envVars(r).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(traced ? 'http://alloy.monitoring.svc.cluster.local:4317' : undefined);
    expect(envVars(r).TRACING_ENABLED).toBe(traced ? 'true' : undefined);
  });

  it('scales aws-prod between replicas and maxReplicas on CPU, and has one replica without an HPA in dev', () => {
    const hpa = resources(app('aws-prod'), 'kubernetes_horizontal_pod_autoscaler_v2')[0]!;
    expect(hpa.spec.scale_target_ref).toEqual({ api_version: 'apps/v1', kind: 'Deployment', name: 'rocketchat-rocketchat' });
    expect([hpa.spec.min_replicas, hpa.spec.max_replicas]).toEqual([3, 9]);
    expect(hpa.spec.metric.map((m: Json) => [m.resource.name, m.resource.target.average_utilization])).toEqual([['cpu', 70]]);
    expect(values(rocketchat('aws-prod'))).toMatchObject({ replicaCount: 3, podDisruptionBudget: { enabled: false } });
    expect(resources(app('aws-dev'), 'kubernetes_horizontal_pod_autoscaler_v2')).toEqual([]);
    expect(values(rocketchat('aws-dev')).replicaCount).toBe(1);
  });

  it('creates the first admin with a generated password kept in the cloud secret store, license and SMTP from secrets', () => {
    const stack = app('aws-prod');
    const bootstrap = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-bootstrap')!;
    expect(values(rocketchat('aws-prod')).extraSecret).toEqual(SECRET_REF);
    expect(bootstrap.data.ADMIN_PASS).toMatch(/^\$\{random_password\./);
    expect(bootstrap.data.ROCKETCHAT_LICENSE).toMatch(/^\$\{data\.aws_secretsmanager_secret_version\./);
    expect(bootstrap.data.MAIL_URL)
      .toMatch(new RegExp(
        '^smtp:\\/\\/\\$\\{urlencode\\("rocketchat"\\)\\}:\\$\\{urlencode\\(data\\.aws_secretsmanager_secret_version\\.[^}]+\\)' +
        '\\}@smtp\\.example\\.com:587\\?requireTLS=true$',
      ));
    const kept = resources(stack, 'aws_secretsmanager_secret').map((s) => s.name);
    expect(kept).toEqual(expect.arrayContaining(['aws-prod-rocketchat-admin-password', 'aws-prod-mongodb-database-admin-password']));
    expect(resources(app('azure-prod'), 'azurerm_key_vault_secret').map((s) => s.name)).toEqual(
      expect.arrayContaining(['azure-prod-rocketchat-admin-password', 'azure-prod-mongodb-database-admin-password']),
    );
  });
});

describe('uploads', () => {
  it('AWS: S3 through IRSA with no access keys, CORS for the site origin only', () => {
    const stack = app('aws-prod');
    const vars = envVars(rocketchat('aws-prod'));
    expect(vars.OVERWRITE_SETTING_FileUpload_Storage_Type).toBe('AmazonS3');
    expect(vars.OVERWRITE_SETTING_FileUpload_S3_AWSAccessKeyId).toBe('');
    expect(vars.OVERWRITE_SETTING_FileUpload_S3_AWSSecretAccessKey).toBe('');
    expect(vars.OVERWRITE_SETTING_FileUpload_S3_Bucket).toMatch(/^\$\{aws_s3_bucket\.cloud_uploads-bucket/);
    const sa = resources(stack, 'kubernetes_service_account_v1').find((s) => s.metadata.name === 'rocketchat')!;
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{aws_iam_role\.cloud_uploads-identity/);
    // No Kubernetes API token in the internet-facing pods; IRSA projects its own.
    expect(sa.automount_service_account_token).toBe(false);
    expect(values(rocketchat('aws-prod')).serviceAccount).toEqual({ create: false, name: expect
      .stringMatching(/^\$\{kubernetes_service_account_v1\.rocketchat_service-account_\w+\.metadata\[0\]\.name\}$/) });
    const cors = resources(stack, 'aws_s3_bucket_cors_configuration');
    expect(cors).toHaveLength(1);
    expect(cors[0]!.cors_rule[0].allowed_origins).toEqual(['https://chat.example.com']);
    expect(resources(stack, 'aws_iam_access_key')).toEqual([]);
  });

  it('Azure: GridFS, so the MongoDB backups cover uploads', () => {
    expect(envVars(rocketchat('azure-prod')).OVERWRITE_SETTING_FileUpload_Storage_Type).toBe('GridFS');
  });
});

describe('ingress', () => {
  it('AWS: the ALB contract with the platform certificate, HTTPS redirect and /api/v1/info health check', () => {
    const ingress = values(rocketchat('aws-prod')).ingress;
    expect(ingress).toMatchObject({ enabled: true, ingressClassName: 'alb', tls: [] });
    expect(ingress.annotations).toMatchObject({ 'alb.ingress.kubernetes.io/ssl-redirect': '443', 'alb.ingress.kubernetes.io/ssl-policy': ALB_SSL_POLICY,
      'alb.ingress.kubernetes.io/healthcheck-path': '/api/v1/info' });
    expect(ingress.annotations['alb.ingress.kubernetes.io/certificate-arn'])
      .toBe('${data.terraform_remote_state.aws-prod-platform-state.outputs.certificate_arn}');
    expect(values(rocketchat('aws-prod')).host).toBe('chat.example.com');
  });

  it('AWS: the Ingress names the platform\'s web ACL', () => {
    const ingress = values(rocketchat('aws-prod')).ingress;
    expect(ingress.annotations['alb.ingress.kubernetes.io/wafv2-acl-arn']).toBe('${data.terraform_remote_state.aws-prod-platform-state.outputs.web_acl_arn}');
  });

  it('Azure: no Ingress; HTTPRoutes on the edge Gateway, each with its WAF policy, and the health probe', () => {
    expect(values(rocketchat('azure-prod')).ingress).toEqual({ enabled: false });
    const companions = objects('azure-prod', 'rocketchat-edge');
    const health = companions.find((o: Json) => o.kind === 'HealthCheckPolicy')!;
    expect(health.spec.targetRef).toMatchObject({ kind: 'Service', name: 'rocketchat-rocketchat', namespace: 'rocketchat' });
    expect(health.spec.default.http.path).toBe('/api/v1/info');
    const routes = companions.filter((o: Json) => o.kind === 'HTTPRoute');
    expect(routes.map((r: Json) => r.metadata.name)).toEqual(['chat-example-org', 'chat-example-org-bodies', 'chat-example-org-messages']);
    for (const r of routes) {
      expect(r.spec.hostnames).toEqual(['chat.example.org']);
      expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'azure-alb-system',
        sectionName: 'https-chat-example-org' }]);
    }
    const matches = (i: number) => routes[i]!.spec.rules[0].matches.map((m: Json) => `${m.path.type} ${m.path.value}`);
    // Files: uploads and downloads; a method.call path never (only the message policy reads its body's method).
    expect(matches(1)).toEqual(expect.arrayContaining(['PathPrefix /api/v1/rooms.upload/', 'PathPrefix /ufs/', 'PathPrefix /file-upload/', 'Exact ' +
      '/api/v1/users.setAvatar']));
    expect(matches(1).join()).not.toContain('method.call');
    expect(matches(2)).toEqual(expect.arrayContaining(['Exact /api/v1/chat.sendMessage', 'Exact /api/v1/method.call/sendMessage', 'Exact ' +
      '/api/v1/method.call/setAvatarFromService', 'PathPrefix /hooks/']));
    const waf = (route: string) => companions.find((o: Json) => o.kind === 'WebApplicationFirewallPolicy' && o.spec.targetRef.name === route)!.spec
      .webApplicationFirewall.id;
    expect(waf('chat-example-org')).toBe('${data.terraform_remote_state.azure-prod-platform-state.outputs.waf_policy_id}');
    expect(waf('chat-example-org-bodies')).toBe('${data.terraform_remote_state.azure-prod-platform-state.outputs.bodies_waf_policy_id}');
    expect(waf('chat-example-org-messages')).toBe('${data.terraform_remote_state.azure-prod-platform-state.outputs.messages_waf_policy_id}');
  });
});

describe('network policies', () => {
  it.each(['rocketchat', 'mongodb'])('denies everything by default in %s and allows only DNS to all pods', (ns) => {
    const deny = policy('aws-prod', ns, 'default-deny');
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
    const dns = policy('aws-prod', ns, 'dns');
    expect(dns.spec.pod_selector).toEqual({ match_labels: {} });
    expect(dns.spec.policy_types).toEqual(['Egress']);
    expect(dns.spec.egress[0].to[0]).toEqual({ pod_selector: { match_labels: { 'k8s-app': 'kube-dns' } }, namespace_selector: { match_labels: {
      'kubernetes.io/metadata.name': 'kube-system' } } });
  });

  it('lets the load balancer and Prometheus in to Rocket.Chat, its pods reach each other, and Rocket.Chat out to MongoDB, Alloy and HTTPS', () => {
    const rc = policy('aws-prod', 'rocketchat', 'rocketchat').spec;
    expect(rc.pod_selector.match_labels).toEqual(ROCKETCHAT_POD_LABELS);
    expect(rc.ingress[0]).toEqual({ from: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'].map((cidr) => ({ ip_block: { cidr } })), ports: [{ port: '3000',
      protocol: 'TCP' }] });
    expect(rc.ingress[1].from[0].pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
    expect(rc.ingress[1].ports).toEqual([{ port: '9100', protocol: 'TCP' }]);
    // Enterprise instances broadcast to each other on the fixed TCP_PORT.
    const peers = { from: [{ pod_selector: { match_labels: ROCKETCHAT_POD_LABELS }, namespace_selector: { match_labels: {
      'kubernetes.io/metadata.name': 'rocketchat' } } }], ports: [{ port: '4000', protocol: 'TCP' }] };
    expect(rc.ingress[2]).toEqual({ from: peers.from, ports: peers.ports });
    expect(rc.egress[0]).toEqual({ to: peers.from, ports: peers.ports });
    expect(values(rocketchat('aws-prod')).extraEnv).toContainEqual({ name: 'TCP_PORT', value: '4000' });
    expect(rc.egress[1]).toEqual({
      to: [{ pod_selector: { match_labels: MONGOD_POD_LABELS }, namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'mongodb' } } }],
      ports: [{ port: '27017', protocol: 'TCP' }],
    });
    expect(rc.egress[2].to[0].pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'alloy' });
    expect(rc.egress[2].ports).toEqual([{ port: '4317', protocol: 'TCP' }]);
    expect(rc.egress[3].ports).toEqual([{ port: '443', protocol: 'TCP' }, { port: '587', protocol: 'TCP' }]);
    const azure = config('azure-prod');
    expect(policy('azure-prod', 'rocketchat', 'rocketchat').spec.ingress[0].from).toEqual([{ ip_block: { cidr: azure.cloud === 'azure' ? azure.network
      .ingressSubnetCidr : '' } }]);
  });

  it('lets Rocket.Chat, the other members and the operator reach mongod, Prometheus its exporter, and backups out to storage', () => {
    const mongod = policy('azure-prod', 'mongodb', 'mongod').spec;
    expect(mongod.pod_selector.match_labels).toEqual(MONGOD_POD_LABELS);
    expect(mongod.ingress[0].from.map((p: Json) => p.pod_selector.match_labels)).toEqual([ROCKETCHAT_POD_LABELS, MONGOD_POD_LABELS, {
      'app.kubernetes.io/name': 'psmdb-operator', 'app.kubernetes.io/instance': 'psmdb-operator' }]);
    expect(mongod.ingress[1].ports).toEqual([{ port: '9216', protocol: 'TCP' }]);
    const azure = config('azure-prod');
    expect(mongod.egress[1]).toEqual({ to: [{ ip_block: { cidr: azure.cloud === 'azure' ? azure.network.privateEndpointSubnetCidr : '' } }], ports: [{
      port: '443', protocol: 'TCP' }] });
    const operator = policy('azure-prod', 'mongodb', 'psmdb-operator').spec;
    expect(operator.policy_types).toEqual(['Egress']);
    expect(operator.pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'psmdb-operator', 'app.kubernetes.io/instance': 'psmdb-operator' });
    expect(operator.egress[0].to[0].pod_selector.match_labels).toEqual(MONGOD_POD_LABELS);
    expect(operator.egress[0].ports).toEqual([{ port: '27017', protocol: 'TCP' }]);
  });

  it('creates the policies before the database and Rocket.Chat start', () => {
    const stack = app('aws-dev');
    const rc = rocketchat('aws-dev');
    const mongo = release(stack, 'rocketchat-mongodb');
    for (const r of [rc, mongo]) expect(r.depends_on.join(' ')).toMatch(/kubernetes_network_policy_v1\.netpol-mongodb-default-deny/);
  });

  it('labels the app namespaces (Rocket.Chat, the weekly restore check) Pod Security restricted', () => {
    const ns = resources(app('aws-dev'), 'kubernetes_namespace_v1');
    expect(ns.map((n) => [n.metadata.name, n.metadata.labels['pod-security.kubernetes.io/enforce']])).toEqual([['rocketchat', 'restricted'],
      ['mongodb-restore-check', 'restricted']]);
  });
});

describe('app configuration', () => {
  it.each<[string, string, (c: Json) => void, string[]]>([
    ['more than one replica without a license secret', 'aws-prod', (c) => delete c.app.rocketchat.licenseSecret, [
      'config/aws-prod: app.rocketchat.licenseSecret: is missing but up to 9 replicas are configured; more than one Rocket.Chat replica needs an ' +
        'Enterprise license (allowed: the name of a secret holding the license, or replicas 1 without autoscaling above 1)']],
    ['an autoscaler ceiling below the replicas, an unknown node pool, and deletion before the cool tier', 'aws-prod', (c) => {
      c.app.rocketchat.autoscaling.maxReplicas = 2;
      c.app.mongodb.nodePool = 'gpu';
      c.app.backups.deleteAfterDays = 30;
    }, [
      'config/aws-prod: app.rocketchat.autoscaling.maxReplicas: 2 is below replicas 3 (allowed: an integer from 3 to 50)',
      'config/aws-prod: app.mongodb.nodePool: "gpu" is not a node pool of this environment (allowed: general, data)',
      'config/aws-prod: app.backups.deleteAfterDays: 30 is not after coolAfterDays 30, so backups would never reach the cool tier (allowed: more than 30)']],
    ['a backup schedule that is not daily or weekly, naming the field and value', 'azure-dev', (c) => (c.app.backups.fullBackupSchedule = '*/5 * * * *'), [
      'config/azure-dev: app.backups.fullBackupSchedule: "*/5 * * * *" is not valid (allowed: a daily or weekly cron in UTC such as "0 2 * * *" or "0 2 ' +
        '* * 0")']],
  ])('refuses %s', (_what, env, change, problems) => {
    const input = example(env);
    change(input);
    expect(problemsOf(validate(env, input))).toEqual(problems);
  });
});

describe('no password literal in cdktf.out', () => {
  it('every secret value in the synthesized app stacks is a Terraform reference', () => {
    // `stacks` is cdktf.out read back (helpers.synthExamples); platform.test.ts also scans every file of it for key material.
    for (const name of Object.keys(stacks).filter((s) => s.endsWith('-app'))) {
      for (const s of resources(stacks[name]!, 'kubernetes_secret_v1')) {
        for (const [key, value] of Object.entries<string>(s.data)) {
          if (/PASS|PASSWORD|KEY|LICENSE|password|uri|MAIL_URL/.test(key)) expect(value, `${name} ${s.metadata.name} ${key}`).toMatch(/\$\{/);
        }
      }
    }
  });
});
