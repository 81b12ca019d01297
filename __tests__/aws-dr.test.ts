/**
 * Disaster recovery (issue 17): backups and uploads copied to a second region, the secrets a new
 * cluster needs kept outside the cluster, the declarative restore and its refusals, and the DR
 * example environment's wiring.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { restoreResource } from '../constructs/app/mongodb-restore';
import { restoreEstimate } from '../constructs/app/restore-estimate';
import { heldForRestore, rolloutPatch } from '../constructs/app/rocketchat';
import { byPath, example, type Json, objectsOf, parsed, problemsOf, release, releaseRef, resources, synthExamples, synthWith, validate,
  valuesOf } from './support';

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
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: expect
      .stringMatching(new RegExp(`^\\$\\{aws_kms_key\\.cloud_dr_${purpose}-key_[0-9A-F]+\\.arn\\}$`)) });
    expect(byPath(stack, 'aws_s3_bucket_versioning', `/cloud/dr/${purpose}-replica/versioning`).versioning_configuration).toEqual({ status: 'Enabled' });
    expect(byPath(stack, 'aws_s3_bucket_public_access_block', `/cloud/dr/${purpose}-replica/public-access`)).toMatchObject({ block_public_acls: true,
      block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const tls = policyOf(byPath(stack, 'aws_s3_bucket_policy', `/cloud/dr/${purpose}-replica/tls-only`).policy);
    expect(tls.Statement.map((s: Json) => [s.Sid, s.Effect, s.Condition])).toEqual([
      ['DenyInsecureTransport', 'Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
      ['DenyTlsBelow12', 'Deny', { NumericLessThan: { 's3:TlsVersion': '1.2' } }],
    ]);
    const lifecycle = byPath(stack, 'aws_s3_bucket_lifecycle_configuration', `/cloud/dr/${purpose}-replica/lifecycle`).rule[0];
    expect(lifecycle.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it('locks the backup replica (Object Lock, governance, 90 days = deleteAfterDays) and lets it expire backups itself a week after PBM would', () => {
    const stack = app('aws-prod');
    const lock = byPath(stack, 'aws_s3_bucket_object_lock_configuration', '/cloud/dr/mongodb-backups-replica-lock');
    expect(lock).toMatchObject({ provider: 'aws.dr', object_lock_enabled: 'Enabled', rule: { default_retention: { mode: 'GOVERNANCE', days: 90 } } });
    expect(lock.bucket).toMatch(/^\$\{aws_s3_bucket\.cloud_dr_mongodb-backups-replica_bucket_[0-9A-F]+\.id\}$/);
    expect(byPath(stack, 'aws_s3_bucket_lifecycle_configuration', '/cloud/dr/mongodb-backups-replica/lifecycle').rule[0].expiration).toEqual([{ days: 97 }]);
    // Uploads mirror users' deletions and are not locked.
    expect(resources(stack, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(1);
    expect(byPath(stack, 'aws_s3_bucket_replication_configuration', '/cloud/dr/uploads-replication').rule[0].delete_marker_replication).toEqual({
      status: 'Enabled' });
  });

  it('replicates with replication time control (15 min) and metrics, KMS objects included, not delete markers', () => {
    const stack = app('aws-prod');
    const config = byPath(stack, 'aws_s3_bucket_replication_configuration', '/cloud/dr/mongodb-backups-replication');
    expect(config.bucket).toMatch(/^\$\{aws_s3_bucket\.cloud_mongodb-backups-bucket_[0-9A-F]+\.id\}$/);
    expect(config.rule).toEqual([{ id: 'dr-region', status: 'Enabled', filter: {}, delete_marker_replication: { status: 'Disabled' },
      source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
      destination: { bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.cloud_dr_mongodb-backups-replica_bucket_[0-9A-F]+\.arn\}$/), storage_class: 'STANDARD',
      encryption_configuration: { replica_kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cloud_dr_mongodb-backups-key_[0-9A-F]+\.arn\}$/) },
      replication_time: { status: 'Enabled', time: { minutes: 15 } }, metrics: { status: 'Enabled', event_threshold: { minutes: 15 } } } }]);
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
    expect(topic).toMatchObject({ name: 'aws-prod-dr-alarms', kms_master_key_id: expect
      .stringMatching(/^\$\{aws_kms_key\.cloud_dr_alarm-key_[0-9A-F]+\.arn\}$/) });
  });

  it('mails the alarm topic to app.backups.dr.alarmEmails', () => {
    expect(underDr(app('aws-prod'), 'aws_sns_topic_subscription')).toEqual([
      { topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.cloud_dr_alarms_[0-9A-F]+\.arn\}$/), protocol: 'email', endpoint: 'platform-oncall@example.com' },
    ]);
  });

  it('publishes the replica backup bucket name the DR environment restores from', () => {
    expect(app('aws-prod').output.dr_backup_bucket.value).toBe('aws-prod-mongodb-backups-dr-48e7e59a');
  });

  it('replicates nothing where app.backups.dr is absent (aws-dev)', () => {
    expect(resources(app('aws-dev'), 'aws_s3_bucket_replication_configuration')).toEqual([]);
    expect((app('aws-dev').provider.aws as Json[]).map((p) => p.alias)).toEqual([undefined]);
  });
});


describe('DR region configuration', () => {
  it.each<[string, string, (dr: Json) => void, string[]]>([
    ['a DR copy nobody is told about', 'aws-prod', (dr) => delete dr.alarmEmails, [
      'config/aws-prod: app.backups.dr.alarmEmails: is required (allowed: a list of 1 to 5 e-mail addresses)']],
    ['an address that is not one', 'aws-prod', (dr) => (dr.alarmEmails = ['on-call']), [
      'config/aws-prod: app.backups.dr.alarmEmails[0]: "on-call" is not valid (allowed: an e-mail address such as ops@example.com)']],
    ['a DR region equal to the primary region (AWS)', 'aws-prod', (dr) => (dr.region = 'eu-west-1'), [
      'config/aws-prod: app.backups.dr.region: "eu-west-1" is this environment\'s own region (aws.region), so one regional outage takes the backups and ' +
        'their copy (allowed: any other region; fix: name the region the DR environment runs in, such as eu-central-1)']],
    ['an Azure DR region that is not the paired region', 'azure-prod', (dr) => (dr.region = 'swedencentral'), [
      'config/azure-prod: app.backups.dr.region: "swedencentral" is not the paired region of azure.location "westeurope"; geo-redundant storage copies ' +
        'only to the pair (allowed: northeurope; fix: set it to northeurope)']],
    ['the primary Azure location itself', 'azure-prod', (dr) => (dr.region = 'westeurope'), [
      'config/azure-prod: app.backups.dr.region: "westeurope" is this environment\'s own region (azure.location), so one regional outage takes the ' +
        'backups and their copy (allowed: any other region; fix: name the region the DR environment runs in, such as northeurope)']],
    ['an Azure location name as an AWS DR region', 'aws-prod', (dr) => (dr.region = 'northeurope'), [
      'config/aws-prod: app.backups.dr.region: "northeurope" is not an AWS region (allowed: a region such as eu-central-1; fix: use the region code, not ' +
        'a location name)']],
  ])('refuses %s', (_what, env, edit, problems) => {
    const input = example(env);
    edit(input.app.backups.dr);
    expect(problemsOf(validate(env, input))).toEqual(problems);
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
      expect(secret.replica, name).toEqual([{ region: 'eu-central-1', kms_key_id: expect
        .stringMatching(/^\$\{aws_kms_key\.cloud_dr_secrets-key_[0-9A-F]+\.arn\}$/) }]);
      expect(secret.recovery_window_in_days).toBe(30);
    }
    const users = secretByName(stack, 'aws-prod-mongodb-users').version.secret_string as string;
    for (const user of ['backup', 'databaseAdmin', 'clusterAdmin', 'clusterMonitor', 'userAdmin', 'rocketchat']) {
      expect(users).toMatch(new RegExp(`"${user}" = random_password\\.mongodb_(system-)?${user}-password_[0-9A-F]+\\.result`));
    }
    expect(secretByName(stack, 'aws-prod-mongodb-encryption-key').version.secret_string)
      .toMatch(/^\$\{random_bytes\.mongodb_encryption-key_[0-9A-F]+\.base64\}$/);
    expect(Object.values<Json>(stack.resource.random_bytes)[0]).toMatchObject({ length: 32 });
  });

  it.each(['aws-prod', 'azure-prod'])('%s: the operator gets the encryption key from a Terraform secret instead of generating one', (env) => {
    const stack = app(env);
    const secret = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-encryption-key')!;
    expect(secret.metadata.namespace).toBe('mongodb');
    expect(secret.data).toEqual({ 'encryption-key': expect.stringMatching(/^\$\{random_bytes\.mongodb_encryption-key_[0-9A-F]+\.base64\}$/) });
    const mongodb = release(stack, 'rocketchat-mongodb');
    const cr = valuesOf(mongodb).objects.find((o: Json) => o.kind === 'PerconaServerMongoDB')!;
    expect(cr.spec.secrets.encryptionKey).toMatch(/^\$\{kubernetes_secret_v1\.mongodb_encryption-key-secret_[0-9A-F]+\.metadata\[0\]\.name\}$/);
    expect(mongodb.depends_on.some((d: string) => d.startsWith("kubernetes_secret_v1.mongodb_encryption-key-secret_"))).toBe(true);
  });

  it('azure-prod: users and encryption key in Key Vault', () => {
    const names = resources(app('azure-prod'), 'azurerm_key_vault_secret').map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['azure-prod-mongodb-users', 'azure-prod-mongodb-encryption-key', 'azure-prod-rocketchat-admin-password']));
  });
});

describe('declarative restore (aws-dr: app.restore from aws-prod, latest backup, every oplog slice)', () => {
  const drRelease = (name: string): Json => release(app('aws-dr'), name);
  const releaseAddress = (name: string): string => releaseRef(app('aws-dr'), name);

  it('synthesizes a PerconaServerMongoDBRestore with the replica bucket as external backup source and PITR to the newest slice', () => {
    const objects = objectsOf(app('aws-dr'), 'rocketchat-mongodb-restore');
    expect(objects).toEqual([{ apiVersion: 'psmdb.percona.com/v1', kind: 'PerconaServerMongoDBRestore', metadata: { name: 'restore-from-aws-prod-1',
      namespace: 'mongodb', annotations: { 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-failed' } }, spec: {
      clusterName: 'rocketchat-mongodb', pitr: { type: 'latest' }, backupSource: { type: 'logical', s3: { bucket: 'aws-prod-mongodb-backups-dr-48e7e59a',
        region: 'eu-central-1', prefix: 'aws-prod' }, destination: expect.stringMatching(new RegExp('^s3:\\/\\/aws-prod-mongodb-backups-dr-48e7e59a\\/' +
        'aws-prod\\/\\$\\{terraform_data\\.mongodb-restore_latest-backup_[0-9A-F]+\\.output\\.name\\}$')) } } }]);
  });

  it('finds the backup by listing <prefix>/*.pbm.json at plan time and freezes it on first apply', () => {
    const stack = app('aws-dr');
    const listing = Object.values<Json>(stack.data.aws_s3_objects)[0]!;
    expect(listing).toMatchObject({ bucket: 'aws-prod-mongodb-backups-dr-48e7e59a', prefix: 'aws-prod/', delimiter: '/' });
    const frozen = byPath(stack, 'terraform_data', '/mongodb-restore/latest-backup');
    expect(frozen.lifecycle).toEqual({ ignore_changes: ['input'] });
    // The second newest when there are two or more (restore-source.ts says why; app-mongodb-restore.test.ts evaluates it with Terraform).
    const newestFirst = `reverse(sort(flatten(regexall("(?m)^aws-prod/([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)[.]pbm[.]json$", ` +
      `join("\\n", data.aws_s3_objects.${Object.keys(stack.data.aws_s3_objects)[0]}.keys)))))`;
    expect(frozen.input.name).toBe(`\${element(${newestFirst}, (length(${newestFirst}) > 1) ? 1 : 0)}`);
  });

  it('orders the restore after the replica set and Rocket.Chat after the restore', () => {
    expect(drRelease('rocketchat-mongodb-restore').depends_on).toContain(releaseAddress('rocketchat-mongodb'));
    expect(drRelease('rocketchat').depends_on).toContain(releaseAddress('rocketchat-mongodb-restore'));
  });

  it("lets the backup agent read the source's prefix, rewrite only PBM's marker file there (the resync), and use the key only through S3 in eu-central-1 " +
    "for that bucket", () => {
    const policy = JSON.parse(byPath(app('aws-dr'), 'aws_iam_role_policy', '/cloud/mongodb-backups-identity/inline').policy).Statement as Json[];
    const context = {
      StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::aws-prod-mongodb-backups-dr-48e7e59a',
        'arn:aws:s3:::aws-prod-mongodb-backups-dr-48e7e59a/*'] },
    };
    expect(policy.filter((s) => s.Sid.startsWith('RestoreSourceResync'))).toEqual([
      { Sid: 'RestoreSourceResyncMarker', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::aws-prod-mongodb-backups-dr-48e7e59a/aws-prod/.pbm.init' },
      { Sid: 'RestoreSourceResyncKey', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*', Condition: context },
    ]);
    // The operator validates the backup but never resyncs: read only.
    const operator = JSON.parse(byPath(app('aws-dr'), 'aws_iam_role_policy', '/cloud/mongodb-operator-identity/inline').policy).Statement as Json[];
    expect(operator.filter((s) => s.Sid.startsWith('RestoreSourceResync'))).toEqual([]);
    expect(policy.filter((s) => s.Sid.startsWith('RestoreSource') && !s.Sid.startsWith('RestoreSourceResync'))).toEqual([
      { Sid: 'RestoreSourceList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: 'arn:aws:s3:::aws-prod-mongodb-backups-dr-48e7e59a' },
      { Sid: 'RestoreSourceObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::aws-prod-mongodb-backups-dr-48e7e59a/aws-prod/*' },
      { Sid: 'RestoreSourceKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: context },
    ]);
  });

  it("takes aws-prod's users, encryption key and admin password from the Secrets Manager replicas in eu-central-1, and keeps them as its own", () => {
    const stack = app('aws-dr');
    const reads = Object.fromEntries(Object.entries<Json>(stack.data.aws_secretsmanager_secret_version).map(([id, d]) => [d.secret_id, id]));
    expect(Object.keys(reads).sort()).toEqual(['aws-dr-rocketchat-license', 'aws-dr-rocketchat-smtp', 'aws-prod-mongodb-encryption-key',
      'aws-prod-mongodb-users', 'aws-prod-rocketchat-admin-password']);
    const users = `jsondecode(data.aws_secretsmanager_secret_version.${reads['aws-prod-mongodb-users']}.secret_string)`;
    const system = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-users')!;
    expect(system.data.MONGODB_DATABASE_ADMIN_PASSWORD).toBe(`\${${users}.databaseAdmin}`);
    expect(system.data.MONGODB_BACKUP_PASSWORD).toBe(`\${${users}.backup}`);
    const key = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-encryption-key')!;
    expect(key.data['encryption-key']).toBe(`\${data.aws_secretsmanager_secret_version.${reads['aws-prod-mongodb-encryption-key']}.secret_string}`);
    // Nothing generated that a restored database would not accept.
    expect(Object.keys(stack.resource.random_password ?? {})).toEqual([]);
    expect(stack.resource.random_bytes).toBeUndefined();
    const kept = resources(stack, 'aws_secretsmanager_secret').map((s) => s.name);
    expect(kept).toEqual(expect.arrayContaining(['aws-dr-mongodb-users', 'aws-dr-mongodb-encryption-key', 'aws-dr-rocketchat-admin-password']));
  });

  it('keeps Rocket.Chat without pods and without an autoscaler while the restore runs (serve: false)', () => {
    const stack = app('aws-dr');
    expect(valuesOf(drRelease('rocketchat')).replicaCount).toBe(0);
    expect(resources(stack, 'kubernetes_horizontal_pod_autoscaler_v2')).toEqual([]);
    // aws-prod, same Rocket.Chat settings, serving: 3 replicas and the autoscaler.
    expect(valuesOf(release(app('aws-prod'), 'rocketchat')).replicaCount).toBe(3);
    expect(resources(app('aws-prod'), 'kubernetes_horizontal_pod_autoscaler_v2')).toHaveLength(1);
  });

  it('hands the replica count to the autoscaler once serve is true, and not before', () => {
    const dr = parsed('aws-dr');
    expect(heldForRestore(dr)).toBe(true);
    expect(rolloutPatch(dr).remove).toEqual([]);
    const serving = { ...dr, app: { ...dr.app, restore: { ...dr.app.restore!, serve: true } } };
    expect(heldForRestore(serving)).toBe(false);
    expect(rolloutPatch(serving).remove).toEqual([['spec', 'replicas']]);
  });

  it('removes the restore release once serve is true, so no later install can run the restore again', () => {
    const restoring = resources(app('aws-dr'), 'helm_release').map((r) => r.name);
    expect(restoring).toContain('rocketchat-mongodb-restore');
    const config = example('aws-dr');
    config.app.restore.serve = true;
    const serving = synthWith({ ...ENVIRONMENTS, 'aws-dr': config }, 'aws-dr').stacks['aws-dr-app']!;
    // The serving deploy swaps the restore release for the first full backup's (item 2 of the region-loss review).
    expect(resources(serving, 'helm_release').map((r) => r.name).sort()).toEqual([...restoring.filter((n) => n !== 'rocketchat-mongodb-restore'),
      'rocketchat-mongodb-first-backup'].sort());
    expect(JSON.stringify(serving)).not.toContain('PerconaServerMongoDBRestore');
        expect(objectsOf(serving, 'rocketchat-mongodb-first-backup').map((o: Json) => [o.kind, o.metadata.name])).toEqual([['PerconaServerMongoDBBackup',
          'after-restore-from-aws-prod-1']]);
    // One-shot per restore: once config records the first backup as done, its release goes, so no re-install takes another.
    config.app.restore.firstBackupDone = true;
    const done = synthWith({ ...ENVIRONMENTS, 'aws-dr': config }, 'aws-dr').stacks['aws-dr-app']!;
    expect(resources(done, 'helm_release').map((r) => r.name).sort()).toEqual(restoring.filter((n) => n !== 'rocketchat-mongodb-restore').sort());
    expect(JSON.stringify(done)).not.toContain('PerconaServerMongoDBBackup');
  });

  it('builds a date restore from a named backup in the format the CRD validates', () => {
    const source = { storage: { s3: { bucket: 'b', region: 'eu-central-1', prefix: 'aws-prod' } }, destinationPrefix: 's3://b/aws-prod' };
    const restore = { from: { environment: 'aws-prod', store: 'b', prefix: 'aws-prod', region: 'eu-central-1' }, backup: '2026-11-22T01:30:09Z',
      pointInTime: '2026-11-22T14:15:00Z', serve: false, firstBackupDone: false };
    expect(restoreResource(restore, source, restore.backup).spec).toEqual({
      clusterName: 'rocketchat-mongodb',
      backupSource: { type: 'logical', destination: 's3://b/aws-prod/2026-11-22T01:30:09Z', s3: { bucket: 'b', region: 'eu-central-1', prefix: 'aws-prod' } },
      pitr: { type: 'date', date: '2026-11-22 14:15:00' },
    });
    expect(restoreResource({ ...restore, pointInTime: undefined }, source, restore.backup).spec).not.toHaveProperty('pitr');
  });
});

describe('the DR environment aws-dr', () => {
  const layers = ['network', 'cluster', 'platform', 'app'].map((l) => `aws-dr-${l}`);

  it('has its own state store in eu-central-1 and reads no state of aws-prod (whose store is in the lost region)', () => {
    expect(Object.keys(stacks)).toEqual(expect.arrayContaining(['bootstrap-euc1-222222222222', ...layers]));
    for (const name of layers) {
      const stack = stacks[name]!;
      expect(stack.terraform.backend.s3, name).toMatchObject({ bucket: 'example-rocketchat-tfstate-dr-222222222222', region: 'eu-central-1' });
      for (const remote of Object.values<Json>(stack.data?.terraform_remote_state ?? {})) {
        expect(remote.config.bucket, name).toBe('example-rocketchat-tfstate-dr-222222222222');
        expect(remote.config.key, name).toMatch(/\/aws-dr-/);
      }
      expect((stack.provider.aws as Json[])[0]!.region, name).toBe('eu-central-1');
    }
  });

  it("restores from the bucket aws-prod replicates its backups into", () => {
    const store = objectsOf(app('aws-dr'), 'rocketchat-mongodb-restore')[0]!.spec.backupSource.s3.bucket;
    expect(store).toBe(app('aws-prod').output.dr_backup_bucket.value);
    expect(store).toBe(byPath(app('aws-prod'), 'aws_s3_bucket', '/cloud/dr/mongodb-backups-replica/bucket').bucket);
  });

  it('does not clash with aws-prod: its own names for state, cluster, roles, keys and secrets', () => {
    const names = (env: string, type: string, field: string): string[] =>
      ['cluster', 'platform', 'app'].flatMap((l) => resources(stacks[`${env}-${l}`]!, type).map((r) => r[field] as string));
    for (const [type, field] of [['aws_iam_role', 'name'], ['aws_kms_alias', 'name'], ['aws_secretsmanager_secret', 'name'], ['aws_s3_bucket', 'bucket'],
      ['aws_eks_cluster', 'name']] as const) {
      const prod = new Set(names('aws-prod', type, field));
      expect(names('aws-dr', type, field).filter((n) => prod.has(n)), type).toEqual([]);
    }
  });
});

describe('restore configuration', () => {
  const NAMED = '2026-11-22T01:30:09Z';
  it.each<[string, (restore: Json) => void, string[]]>([
    ["restoring from the environment's own live store", (r) => Object.assign(r.from, { environment: 'aws-dr', prefix: 'aws-dr' }), [
      'config/aws-dr: app.restore.from.environment: "aws-dr" is this environment, which writes its backups and oplog slices to that store while the ' +
        'restore reads it (allowed: another environment\'s backups, such as its DR replica; fix: restore in place by hand, docs/restore.md "In place")',
      'config/aws-dr: app.restore.from.prefix: "aws-dr" is the prefix this environment writes its own backups under, so PBM would read its own live ' +
        'metadata (allowed: the source environment\'s prefix, such as aws-prod; fix: set it to from.environment)']],
    ['a point in time before (or at) the backup it replays from', (r) => Object.assign(r, { backup: NAMED, pointInTime: '2026-11-21T23:00:00Z' }), [
      'config/aws-dr: app.restore.pointInTime: "2026-11-21T23:00:00Z" is not after app.restore.backup "2026-11-22T01:30:09Z", the backup the oplog is ' +
        'replayed from (allowed: a time after 2026-11-22T01:30:09Z; fix: pick an older backup, or a later time)']],
    ['a point in time in the future', (r) => Object.assign(r, { backup: NAMED, pointInTime: '2999-01-01T00:00:00Z' }), [
      'config/aws-dr: app.restore.pointInTime: "2999-01-01T00:00:00Z" is in the future (allowed: a UTC time before now, or "latest" for the newest oplog ' +
        'slice; fix: use "latest" or a past time)']],
    ['a malformed point in time', (r) => Object.assign(r, { backup: NAMED, pointInTime: '2026-11-22 14:15' }), [
      'config/aws-dr: app.restore.pointInTime: "2026-11-22 14:15" is not valid (allowed: "latest" or a UTC time such as 2026-11-23T14:15:00Z)']],
    ['a date the calendar does not have', (r) => Object.assign(r, { backup: NAMED, pointInTime: '2026-02-30T10:00:00Z' }), [
      'config/aws-dr: app.restore.pointInTime: "2026-02-30T10:00:00Z" is not a real UTC second (allowed: "latest" or YYYY-MM-DDTHH:MM:SSZ with a valid ' +
        'date; fix: check the day of the month)']],
    ['a point in time on top of "latest", which may be newer than it', (r) => (r.pointInTime = '2026-11-22T14:15:00Z'), [
      'config/aws-dr: app.restore.pointInTime: "2026-11-22T14:15:00Z" needs a named backup: "latest" may have started after it (allowed: ' +
        'app.restore.backup set to the newest backup that started before 2026-11-22T14:15:00Z, or pointInTime "latest"; fix: pick it from pbm list)']],
    ['a future backup name and a source store in another region', (r) => Object.assign(r, { backup: '2999-01-01T00:00:00Z', from: { ...r.from,
      region: 'eu-west-1' } }), [
      'config/aws-dr: app.restore.from.region: "eu-west-1" is not this environment\'s region aws.region "eu-central-1"; a restore reads the copy in its ' +
        'own region (allowed: eu-central-1; fix: restore from the source\'s DR replica in eu-central-1, or deploy this environment there)',
      'config/aws-dr: app.restore.backup: "2999-01-01T00:00:00Z" is in the future, so no such backup exists yet (allowed: "latest" or a backup name from ' +
        'pbm list; fix: copy the name from pbm list)']],
  ])('refuses %s', (_what, edit, problems) => {
    const input = example('aws-dr');
    edit(input.app.restore);
    expect(problemsOf(validate('aws-dr', input))).toEqual(problems);
  });

  it('refuses firstBackupDone before serve, in one line', () => {
    const input = example('aws-dr');
    input.app.restore.firstBackupDone = true;
    expect(problemsOf(validate('aws-dr', input))).toEqual([
      'config/aws-dr: app.restore.firstBackupDone: true before app.restore.serve is true: the first backup is taken by the serving deploy (allowed: ' +
        'false until serve is true and the after-restore backup is ready; fix: set serve true first)',
    ]);
    input.app.restore.serve = true;
    expect(validate('aws-dr', input)).not.toThrow();
  });
});

describe('recovery time and point estimates (docs/restore.md)', () => {
  it('aws-prod: 200 GB (no measured dataGb) at 50 GB/h is 4 h of data restore; every other step counted; RPO = max(span 5, backup budget 45) + 15 min ' +
    'replication', () => {
    expect(restoreEstimate(parsed('aws-prod'))).toEqual({
      dataGb: 200,
      dataHours: { logical: 4, physical: 0.8 },
      // A daily schedule: one day of oplog from the newest backup, two from the second newest (a region lost).
      replayHours: { newest: 0.25, secondNewest: 0.5 },
      // in place: declare 0.25 + restore 4 + replay 0.25;
      // cluster lost: declare 0.5 + 0.75 + 4 + 0.25 + serve deploy 0.25 + DNS TTL 0.0833;
      // region lost pre-deployed: declare 0.5 + app layer 0.25 + uploads 100 GB / 300 GB/h + 4 + replay 0.5 + serve 0.25 + DNS edit 0.0833 + TTL 0.0833;
      // cold: 1.25 instead of 0.25; one failed attempt: + decision 0.25 + restore 4 of the next older backup + replay 0.75 (three days).
      rtoHours: { inPlace: 4.5, clusterLost: 5.83, regionLost: 6, regionLostCold: 7, regionLostRetry: 11 },
      rpoMinutes: { inPlace: 45, regionLost: 60 },
    });
  });

  it('azure-prod with a measured 60 GB: the config PR, the 10-minute role wait and both copy passes (2 x 60 GB at 200 GB/h) replace the uploads sync', () => {
    const input = example('azure-prod');
    input.app.mongodb.dataGb = 60;
    // region lost: 0.5 + 0.25 + (0.25 + 0.1667 + 0.6) + 1.2 + 0.5 + 0.4167; a retry copies the next older backup: + 0.25 + 0.6 + 1.2 + 0.75.
    expect(restoreEstimate(parsed('azure-prod', input)).rtoHours).toEqual({ inPlace: 1.7, clusterLost: 3.03, regionLost: 3.88, regionLostCold: 4.88,
      regionLostRetry: 6.68 });
  });

  it('a weekly schedule replays up to a week of oplog from the newest backup and two from the second newest; uploads sync by their size', () => {
    const input = example('aws-prod');
    input.app.backups.fullBackupSchedule = '30 1 * * 0';
    input.app.rocketchat.uploadsGb = 600;
    const e = restoreEstimate(parsed('aws-prod', input));
    expect(e.replayHours).toEqual({ newest: 1.75, secondNewest: 3.5 });
    // 0.5 + 0.25 + 600 / 300 + 4 + 3.5 + 0.4167
    expect(e.rtoHours.regionLost).toBe(10.67);
  });
});

