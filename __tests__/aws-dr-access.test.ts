/**
 * Issue 25: the restore's rights, proven with the IAM evaluator of the delivery access matrix
 * (support/iam.ts) on the synthesized JSON of aws-dr's and aws-prod's app stacks and aws-dr's
 * bootstrap stack. What PBM needs comes from the pinned sources: with `pitr` the operator makes
 * the backup source PBM's main storage and resyncs it (operator 1.22 psmdb_restore_controller.go
 * resyncStorage); the resync reads `.pbm.init`, deletes and rewrites it, then lists and reads
 * metadata (PBM 2.12 pbm/resync/rsync.go, pbm/util/storage.go Reinitialize); a logical restore
 * then reads the backup and the oplog slices and writes nothing to storage.
 *
 * The app stacks read the cluster contract's OIDC provider through remote state; the evaluator
 * needs literals, so those outputs are filled in with what the cluster stack would publish.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resources, synthExamples, type Json } from './support';
import { assertRequest, awsAccessModel, evaluate, type AwsAccessModel } from './support/iam';

const REPLICA = 'aws-prod-mongodb-backups-dr-48e7e59a';
const OBJECTS = `arn:aws:s3:::${REPLICA}/aws-prod`;
const BACKUP = '2026-11-23T01:30:21Z';
const VIA_S3 = { 'kms:ViaService': 's3.eu-central-1.amazonaws.com', 'kms:RequestAlias': `arn:aws:s3:::${REPLICA}` };

const CONTRACT: Record<string, string> = { oidc_provider_arn: 'arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/AWSDR',
  oidc_provider: 'oidc.eks.eu-central-1.amazonaws.com/id/AWSDR', oidc_issuer_url: 'https://oidc.eks.eu-central-1.amazonaws.com/id/AWSDR' };

/** The stack with its remote-state reads of the cluster contract replaced by literals (a read the test does not know throws). */
function withContract(stack: Json): Json {
  const issuer = /\$\{replace\(data\.terraform_remote_state\.[^.]+\.outputs\.oidc_issuer_url, \\"https:\/\/\\", \\"\\"\)\}/g;
  return JSON.parse(
    JSON.stringify(stack)
      .replace(issuer, CONTRACT.oidc_provider!)
      .replace(/\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([a-z_]+)\}/g, (whole, output: string) => CONTRACT[output] ?? whole),
  );
}

/**
 * The evaluator (iam-simulate) keeps a request's variable context key only in the slash form
 * (`aws:ResourceTag/x`); `kms:EncryptionContext:aws:s3:arn` would be ignored, and the case would
 * prove nothing. As the harness does for GitHub's sub and aud, the key is renamed on both sides,
 * in the policies and in the request, to `kms:RequestAlias`, a String key of the same KMS actions
 * that S3's calls never carry; operators and values are untouched.
 */
const CONTEXT_KEY = 'kms:EncryptionContext:aws:s3:arn';
const EVALUATED_AS = 'kms:RequestAlias';

/** Only the IAM side of an app stack (roles, policies, buckets, keys), with the context key renamed. */
function iamOnly(stack: Json): Json {
  const keep = ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key'];
  const text = JSON.stringify({ ...stack, resource: Object.fromEntries(Object.entries<Json>(stack.resource).filter(([type]) => keep.includes(type))) });
  if (text.includes(EVALUATED_AS)) throw new Error(`a policy already uses ${EVALUATED_AS}`);
  return JSON.parse(text.replaceAll(CONTEXT_KEY, EVALUATED_AS));
}

let model: AwsAccessModel;
let agent: string;
let operator: string;
let replicaKey: string;
let primaryBucket: string;
beforeAll(() => {
  const { stacks } = synthExamples();
  model = awsAccessModel({ 'aws-dr-app': iamOnly(withContract(stacks['aws-dr-app']!)), 'aws-prod-app': iamOnly(withContract(stacks['aws-prod-app']!)),
    'bootstrap-euc1-222222222222': stacks['bootstrap-euc1-222222222222']! });
  const roles = [...model.roles.keys()];
  agent = roles.find((r) => r.startsWith('aws-dr') && r.endsWith('mongodb-backups'))!;
  operator = roles.find((r) => r.startsWith('aws-dr') && r.endsWith('mongodb-operator'))!;
  const [keyId] = Object.entries<Json>(stacks['aws-prod-app']!.resource.aws_kms_key).find(([id]) => id.startsWith('cloud_dr_mongodb-backups-key'))!;
  replicaKey = model.kmsKeys.get(`aws-prod-app/aws_kms_key.${keyId}`)!;
  primaryBucket = resources(stacks['aws-prod-app']!, 'aws_s3_bucket').find((b) => /^aws-prod-mongodb-backups-[0-9a-f]{8}$/.test(b.bucket))!.bucket;
});

describe("aws-dr's backup agent (pbm-agent) on aws-prod's replica in eu-central-1", () => {
  it('is the role the restore runs as', () => {
    expect(agent).toMatch(/^aws-dr-.*mongodb-backups$/);
    // The harness names a key after its stack and logical id (its region is the stack's default provider's): the replica key's policy is the one evaluated.
    expect(replicaKey).toMatch(/:key\/aws-prod-app\.cloud_dr_mongodb-backups-key_[0-9A-F]+$/);
  });

  it('lists the replica and reads the backup, its metadata and the oplog slices', async () => {
    await assertRequest(model, { role: agent, action: 's3:ListBucket', resource: `arn:aws:s3:::${REPLICA}` }, true);
    for (const key of ['.pbm.init', `${BACKUP}.pbm.json`, `${BACKUP}/rs0/rocketchat.users.s2`,
      'pbmPitr/rs0/20261123/20261123013021-1.20261123014021-4.oplog.s2']) {
      await assertRequest(model, { role: agent, action: 's3:GetObject', resource: `${OBJECTS}/${key}` }, true);
    }
  });

  it("writes exactly what the resync writes: deletes and puts <prefix>/.pbm.init", async () => {
    await assertRequest(model, { role: agent, action: 's3:DeleteObject', resource: `${OBJECTS}/.pbm.init` }, true);
    await assertRequest(model, { role: agent, action: 's3:PutObject', resource: `${OBJECTS}/.pbm.init` }, true);
  });

  it('decrypts and encrypts with the replica key only through S3 in eu-central-1 for that bucket', async () => {
    await assertRequest(model, { role: agent, action: 'kms:Decrypt', resource: replicaKey, context: VIA_S3 }, true);
    await assertRequest(model, { role: agent, action: 'kms:GenerateDataKey', resource: replicaKey, context: VIA_S3 }, true);
    await assertRequest(model, { role: agent, action: 'kms:Decrypt', resource: replicaKey, context: { ...VIA_S3,
      'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }, false);
    await assertRequest(model, { role: agent, action: 'kms:Decrypt', resource: replicaKey, context: { ...VIA_S3,
      'kms:RequestAlias': 'arn:aws:s3:::another-bucket' } }, false);
  });

  it('cannot delete or overwrite a backup, the oplog, or a version, nor change the bucket', async () => {
    const denied: Array<[string, string]> = [['s3:DeleteObject', `${OBJECTS}/${BACKUP}.pbm.json`],
      ['s3:DeleteObject', `${OBJECTS}/${BACKUP}/rs0/rocketchat.users.s2`],
      ['s3:DeleteObject', `${OBJECTS}/pbmPitr/rs0/20261123/20261123013021-1.20261123014021-4.oplog.s2`], ['s3:DeleteObjectVersion', `${OBJECTS}/.pbm.init`],
      ['s3:PutObject', `${OBJECTS}/${BACKUP}.pbm.json`], ['s3:PutObject', `${OBJECTS}/pbmPitr/rs0/x.oplog.s2`], ['s3:PutObject', `${OBJECTS}/.pbm.restore/x`],
      ['s3:PutBucketPolicy', `arn:aws:s3:::${REPLICA}`], ['s3:PutLifecycleConfiguration', `arn:aws:s3:::${REPLICA}`],
      ['s3:PutBucketVersioning', `arn:aws:s3:::${REPLICA}`]];
    for (const [action, resource] of denied) await assertRequest(model, { role: agent, action, resource }, false);
  });

  it("writes nowhere else: another prefix of the replica, aws-prod's live bucket", async () => {
    await assertRequest(model, { role: agent, action: 's3:PutObject', resource: `arn:aws:s3:::${REPLICA}/aws-dev/.pbm.init` }, false);
    await assertRequest(model, { role: agent, action: 's3:GetObject', resource: `arn:aws:s3:::${REPLICA}/aws-dev/${BACKUP}.pbm.json` }, false);
    await assertRequest(model, { role: agent, action: 's3:PutObject', resource: `arn:aws:s3:::${primaryBucket}/aws-prod/.pbm.init` }, false);
    await assertRequest(model, { role: agent, action: 's3:DeleteObject', resource: `arn:aws:s3:::${primaryBucket}/aws-prod/${BACKUP}.pbm.json` }, false);
  });

  it('the operator validates (reads) but writes nothing on the replica', async () => {
    await assertRequest(model, { role: operator, action: 's3:GetObject', resource: `${OBJECTS}/${BACKUP}.pbm.json` }, true);
    await assertRequest(model, { role: operator, action: 's3:PutObject', resource: `${OBJECTS}/.pbm.init` }, false);
    await assertRequest(model, { role: operator, action: 's3:DeleteObject', resource: `${OBJECTS}/${BACKUP}.pbm.json` }, false);
  });

  it('the evaluator really reads the encryption-context condition (renamed), no key ignored', async () => {
    const decision = await evaluate(model, { role: agent, action: 'kms:Decrypt', resource: replicaKey, context: VIA_S3 });
    expect(decision.ignoredContextKeys).toEqual([]);
  });
});

describe("aws-dr's CI plan role reads every source secret aws-dr-app reads", () => {
  it('GetSecretValue on each Secrets Manager secret the app stack reads, in eu-central-1', async () => {
    const { stacks } = synthExamples();
    const read = Object.values<Json>(stacks['aws-dr-app']!.data.aws_secretsmanager_secret_version).map((d) => d.secret_id as string).sort();
    expect(read).toEqual(['aws-dr-rocketchat-license', 'aws-dr-rocketchat-smtp', 'aws-prod-mongodb-encryption-key', 'aws-prod-mongodb-users',
      'aws-prod-rocketchat-admin-password']);
    const plan = [...model.roles.keys()].find((r) => r.startsWith('aws-dr') && r.endsWith('plan'))!;
    expect(plan).toBeDefined();
    for (const name of read) {
      // Secrets Manager appends six random characters to a secret's ARN.
      await assertRequest(model, { role: plan, action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:eu-central-1:222222222222:secret:${name}-AbC123` }, true);
    }
  });
});
