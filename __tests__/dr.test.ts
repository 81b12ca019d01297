/**
 * Disaster recovery (issue 17): backups and uploads copied to a second region, the secrets a new
 * cluster needs kept outside the cluster, the declarative restore and its refusals, and the DR
 * example environment's wiring.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { byPath, clone, problemsOf, resources, synthExamples, type Json } from './helpers';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const app = (env: string): Json => stacks[`${env}-app`]!;
const underDr = (stack: Json, type: string): Json[] =>
  Object.values<Json>(stack.resource?.[type] ?? {})
    .filter((r) => r['//']?.metadata?.path?.includes('/cloud/dr/'))
    .map(({ '//': _meta, ...rest }) => rest);
const policyOf = (doc: string): Json => JSON.parse(doc);

describe('AWS: backups and uploads replicated to the DR region (aws-prod, app.backups.dr eu-central-1)', () => {
  it('adds a second AWS provider for eu-central-1, pinned to the same account', () => {
    const providers = app('aws-prod').provider.aws as Json[];
    expect(providers.map((p) => [p.alias, p.region, p.allowed_account_ids])).toEqual([
      [undefined, 'eu-west-1', ['222222222222']],
      ['dr', 'eu-central-1', ['222222222222']],
    ]);
  });

  it.each(['mongodb-backups', 'uploads'])('%s: a replica bucket in eu-central-1 with its own rotating key and every protection', (purpose) => {
    const stack = app('aws-prod');
    const bucket = byPath(stack, 'aws_s3_bucket', `/cloud/dr/${purpose}-replica/bucket`);
    expect(bucket).toMatchObject({ provider: 'aws.dr', force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(bucket.bucket).toMatch(new RegExp(`^aws-prod-${purpose}-dr-[0-9a-f]{8}$`));
    const key = byPath(stack, 'aws_kms_key', `/cloud/dr/${purpose}-key/key`);
    expect(key).toMatchObject({ provider: 'aws.dr', enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    const sse = byPath(stack, 'aws_s3_bucket_server_side_encryption_configuration', `/cloud/dr/${purpose}-replica/encryption`);
    expect(sse.provider).toBe('aws.dr');
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(new RegExp(`^\\$\\{aws_kms_key\\.cloud_dr_${purpose}-key_[0-9A-F]+\\.arn\\}$`)) });
    expect(byPath(stack, 'aws_s3_bucket_versioning', `/cloud/dr/${purpose}-replica/versioning`).versioning_configuration).toEqual({ status: 'Enabled' });
    expect(byPath(stack, 'aws_s3_bucket_public_access_block', `/cloud/dr/${purpose}-replica/public-access`)).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const tls = policyOf(byPath(stack, 'aws_s3_bucket_policy', `/cloud/dr/${purpose}-replica/tls-only`).policy);
    expect(tls.Statement.map((s: Json) => [s.Sid, s.Effect, s.Condition])).toEqual([
      ['DenyInsecureTransport', 'Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
      ['DenyTlsBelow12', 'Deny', { NumericLessThan: { 's3:TlsVersion': '1.2' } }],
    ]);
    const lifecycle = byPath(stack, 'aws_s3_bucket_lifecycle_configuration', `/cloud/dr/${purpose}-replica/lifecycle`).rule[0];
    expect(lifecycle.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it('replicates with replication time control (15 min) and metrics, KMS objects included, delete markers too', () => {
    const stack = app('aws-prod');
    const config = byPath(stack, 'aws_s3_bucket_replication_configuration', '/cloud/dr/mongodb-backups-replication');
    expect(config.bucket).toMatch(/^\$\{aws_s3_bucket\.cloud_mongodb-backups-bucket_[0-9A-F]+\.id\}$/);
    expect(config.rule).toEqual([
      {
        id: 'dr-region',
        status: 'Enabled',
        filter: {},
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
        destination: {
          bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.cloud_dr_mongodb-backups-replica_bucket_[0-9A-F]+\.arn\}$/),
          storage_class: 'STANDARD',
          encryption_configuration: { replica_kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cloud_dr_mongodb-backups-key_[0-9A-F]+\.arn\}$/) },
          replication_time: { status: 'Enabled', time: { minutes: 15 } },
          metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
        },
      },
    ]);
    expect(config.depends_on).toHaveLength(2);
  });

  it('gives each replication its own role: S3 only, this account and bucket only, each key only through S3 in its region', () => {
    const stack = app('aws-prod');
    const role = byPath(stack, 'aws_iam_role', '/cloud/dr/uploads-replication-role');
    expect(role.name).toBe('aws-prod-uploads-replication');
    const trust = policyOf(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': '222222222222' });
    const statements = policyOf(byPath(stack, 'aws_iam_role_policy', '/cloud/dr/uploads-replication-policy').policy).Statement as Json[];
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['SourceBucket', ['s3:GetReplicationConfiguration', 's3:ListBucket']],
      ['SourceVersions', ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging']],
      ['ReplicaObjects', ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags']],
      ['DecryptSource', 'kms:Decrypt'],
      ['EncryptReplica', ['kms:Encrypt', 'kms:GenerateDataKey']],
    ]);
    expect(statements[3]!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
    expect(statements[4]!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } });
    for (const s of statements) expect(s.Resource).not.toBe('*');
  });

  it('alarms on replication latency over 15 minutes and on any failed replication, to an encrypted SNS topic', () => {
    const stack = app('aws-prod');
    const alarms = underDr(stack, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => [a.alarm_name, a.namespace, a.metric_name, a.statistic, a.threshold]).sort()).toEqual([
      ['aws-prod-mongodb-backups-replication-failed', 'AWS/S3', 'OperationsFailedReplication', 'Sum', 0],
      ['aws-prod-mongodb-backups-replication-latency', 'AWS/S3', 'ReplicationLatency', 'Maximum', 900],
      ['aws-prod-uploads-replication-failed', 'AWS/S3', 'OperationsFailedReplication', 'Sum', 0],
      ['aws-prod-uploads-replication-latency', 'AWS/S3', 'ReplicationLatency', 'Maximum', 900],
    ]);
    for (const a of alarms) {
      expect(Object.keys(a.dimensions).sort()).toEqual(['DestinationBucket', 'RuleId', 'SourceBucket']);
      expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.cloud_dr_alarms_[0-9A-F]+\.arn\}$/)]);
    }
    const topic = byPath(stack, 'aws_sns_topic', '/cloud/dr/alarms');
    expect(topic).toMatchObject({ name: 'aws-prod-dr-alarms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cloud_dr_alarm-key_[0-9A-F]+\.arn\}$/) });
  });

  it('publishes the replica backup bucket name the DR environment restores from', () => {
    expect(app('aws-prod').output.dr_backup_bucket.value).toBe('aws-prod-mongodb-backups-dr-48e7e59a');
  });

  it('replicates nothing where app.backups.dr is absent (aws-dev)', () => {
    expect(resources(app('aws-dev'), 'aws_s3_bucket_replication_configuration')).toEqual([]);
    expect((app('aws-dev').provider.aws as Json[]).map((p) => p.alias)).toEqual([undefined]);
  });
});

const base = (name: string): Json => clone(ENVIRONMENTS[name]) as Json;
const validate = (name: string, input: Json) => () => loadEnvironments({ [name]: input }, undefined);

describe('DR region configuration', () => {
  it('refuses a DR region equal to the primary region (AWS)', () => {
    const input = base('aws-prod');
    input.app.backups.dr.region = 'eu-west-1';
    expect(problemsOf(validate('aws-prod', input))).toEqual([
      'config/aws-prod: app.backups.dr.region: "eu-west-1" is this environment\'s own region (aws.region), so one regional outage takes the backups and their copy (allowed: any other region; fix: name the region the DR environment runs in, such as eu-central-1)',
    ]);
  });

  it('refuses an Azure DR region that is not the paired region, and the primary location itself', () => {
    const input = base('azure-prod');
    input.app.backups.dr.region = 'swedencentral';
    expect(problemsOf(validate('azure-prod', input))).toEqual([
      'config/azure-prod: app.backups.dr.region: "swedencentral" is not the paired region of azure.location "westeurope"; geo-redundant storage copies only to the pair (allowed: northeurope; fix: set it to northeurope)',
    ]);
    input.app.backups.dr.region = 'westeurope';
    expect(problemsOf(validate('azure-prod', input))).toEqual([
      'config/azure-prod: app.backups.dr.region: "westeurope" is this environment\'s own region (azure.location), so one regional outage takes the backups and their copy (allowed: any other region; fix: name the region the DR environment runs in, such as northeurope)',
    ]);
  });

  it('refuses an Azure location name as an AWS DR region', () => {
    const input = base('aws-prod');
    input.app.backups.dr.region = 'northeurope';
    expect(problemsOf(validate('aws-prod', input))).toEqual([
      'config/aws-prod: app.backups.dr.region: "northeurope" is not an AWS region (allowed: a region such as eu-central-1; fix: use the region code, not a location name)',
    ]);
  });
});

describe('secrets a new cluster needs, kept outside the cluster', () => {
  const secretByName = (stack: Json, name: string): { secret: Json; version: Json } => {
    const [id, secret] = Object.entries<Json>(stack.resource.aws_secretsmanager_secret).find(([, s]) => s.name === name)!;
    const version = resources(stack, 'aws_secretsmanager_secret_version').find((v) => v.secret_id === `\${aws_secretsmanager_secret.${id}.id}`)!;
    return { secret, version };
  };

  it('aws-prod: users and encryption key generated by Terraform, in Secrets Manager with a replica in eu-central-1 under its own key', () => {
    const stack = app('aws-prod');
    for (const name of ['aws-prod-mongodb-users', 'aws-prod-mongodb-encryption-key', 'aws-prod-rocketchat-admin-password']) {
      const { secret } = secretByName(stack, name);
      expect(secret.replica, name).toEqual([{ region: 'eu-central-1', kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cloud_dr_secrets-key_[0-9A-F]+\.arn\}$/) }]);
      expect(secret.recovery_window_in_days).toBe(30);
    }
    const users = secretByName(stack, 'aws-prod-mongodb-users').version.secret_string as string;
    for (const user of ['backup', 'databaseAdmin', 'clusterAdmin', 'clusterMonitor', 'userAdmin', 'rocketchat']) {
      expect(users).toMatch(new RegExp(`"${user}" = random_password\\.mongodb_(system-)?${user}-password_[0-9A-F]+\\.result`));
    }
    expect(secretByName(stack, 'aws-prod-mongodb-encryption-key').version.secret_string).toMatch(/^\$\{random_bytes\.mongodb_encryption-key_[0-9A-F]+\.base64\}$/);
    expect(Object.values<Json>(stack.resource.random_bytes)[0]).toMatchObject({ length: 32 });
  });

  it.each(['aws-prod', 'azure-prod'])('%s: the operator gets the encryption key from a Terraform secret instead of generating one', (env) => {
    const stack = app(env);
    const secret = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-encryption-key')!;
    expect(secret.metadata.namespace).toBe('mongodb');
    expect(secret.data).toEqual({ 'encryption-key': expect.stringMatching(/^\$\{random_bytes\.mongodb_encryption-key_[0-9A-F]+\.base64\}$/) });
    const release = resources(stack, 'helm_release').find((r) => r.name === 'rocketchat-mongodb')!;
    const cr = (JSON.parse(release.values[0]).objects as Json[]).find((o) => o.kind === 'PerconaServerMongoDB')!;
    expect(cr.spec.secrets.encryptionKey).toMatch(/^\$\{kubernetes_secret_v1\.mongodb_encryption-key-secret_[0-9A-F]+\.metadata\[0\]\.name\}$/);
    expect(release.depends_on.some((d: string) => d.startsWith("kubernetes_secret_v1.mongodb_encryption-key-secret_"))).toBe(true);
  });

  it('azure-prod: users and encryption key in Key Vault', () => {
    const names = resources(app('azure-prod'), 'azurerm_key_vault_secret').map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['azure-prod-mongodb-users', 'azure-prod-mongodb-encryption-key', 'azure-prod-rocketchat-admin-password']));
  });
});
