/**
 * Issue 25, item 7: the weekly restore check. Its rights are proven with the IAM evaluator of the
 * delivery access matrix (support/iam.ts) on aws-prod's synthesized app stack, its Azure identity
 * by the role assignments azure-prod's app stack makes, and its pod by the Helm render of its
 * release (the render audit holds it to Pod Security, quotas and network policy like every pod).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { restoreCheckCopyScript } from '../constructs/azure/app-cloud';
import { alertGroups } from '../stacks/platform-alerts';
import { example, type Json, parsed, problemsOf, renderedObjectsOf, resources, synthExamples, tempDir } from './support';
import { assertRequest, awsAccessModel, evaluate, type AwsAccessModel } from './support/iam';

const BACKUP = '2026-11-23T01:30:21Z';
const CONTRACT: Record<string, string> = {
  oidc_provider_arn: 'arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AWSPROD',
  oidc_issuer_url: 'https://oidc.eks.eu-west-1.amazonaws.com/id/AWSPROD',
};

/** The stack's remote-state reads of the cluster contract replaced by literals, and only its IAM side. */
function iamOnly(stack: Json): Json {
  const issuer = /\$\{replace\(data\.terraform_remote_state\.[^.]+\.outputs\.oidc_issuer_url, \\"https:\/\/\\", \\"\\"\)\}/g;
  const text = JSON.stringify(stack)
    .replace(issuer, 'oidc.eks.eu-west-1.amazonaws.com/id/AWSPROD')
    .replace(/\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([a-z_]+)\}/g, (whole, output: string) => CONTRACT[output] ?? whole);
  const parsed = JSON.parse(text) as Json;
  const keep = ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key'];
  return { ...parsed, resource: Object.fromEntries(Object.entries<Json>(parsed.resource).filter(([type]) => keep.includes(type))) };
}

let stacks: Record<string, Json>;
let model: AwsAccessModel;
let check: string;
let bucket: string;
let uploads: string;
let appKey: string;
beforeAll(() => {
  stacks = synthExamples().stacks;
  // The role carries the deploy permissions boundary, a managed policy the account's bootstrap stack defines.
  model = awsAccessModel({ 'aws-prod-app': iamOnly(stacks['aws-prod-app']!), 'bootstrap-euw1-222222222222': stacks['bootstrap-euw1-222222222222']! });
  check = [...model.roles.keys()].find((r) => r.endsWith('-restore-check'))!;
  const buckets = resources(stacks['aws-prod-app']!, 'aws_s3_bucket').map((b) => b.bucket as string);
  bucket = buckets.find((b) => /^aws-prod-mongodb-backups-[0-9a-f]{8}$/.test(b))!;
  uploads = buckets.find((b) => /^aws-prod-uploads-[0-9a-f]{8}$/.test(b))!;
  const [keyId] = Object.entries<Json>(stacks['aws-prod-app']!.resource.aws_kms_key).find(([id]) => id.startsWith('cloud_app-key'))!;
  appKey = model.kmsKeys.get(`aws-prod-app/aws_kms_key.${keyId}`)!;
});

const VIA_S3 = { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' };

describe("aws-prod's restore check role reads the backup bucket and nothing else", () => {
  it('is a role of its own, trusted by the check service account only', () => {
    expect(check).toBe('aws-prod-restore-check');
    const trust = JSON.stringify(model.roles.get(check)!.trust);
    expect(trust).toContain('system:serviceaccount:mongodb-restore-check:mongodb-restore-check');
  });

  it('lists the bucket, reads the marker file, a backup, its metadata and oplog, and decrypts through S3', async () => {
    await assertRequest(model, { role: check, action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` }, true);
    for (const key of ['.pbm.init', `${BACKUP}.pbm.json`, `${BACKUP}/rs0/meta.pbm`, `${BACKUP}/rs0/rocketchat.users.s2`]) {
      await assertRequest(model, { role: check, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/aws-prod/${key}` }, true);
    }
    await assertRequest(model, { role: check, action: 'kms:Decrypt', resource: appKey, context: VIA_S3 }, true);
  });

  it('writes nothing: no put or delete, not even the marker file a resync rewrites', async () => {
    const denied: Array<[string, string]> = [
      ['s3:PutObject', `arn:aws:s3:::${bucket}/aws-prod/.pbm.init`],
      ['s3:DeleteObject', `arn:aws:s3:::${bucket}/aws-prod/.pbm.init`],
      ['s3:PutObject', `arn:aws:s3:::${bucket}/aws-prod/${BACKUP}.pbm.json`],
      ['s3:DeleteObject', `arn:aws:s3:::${bucket}/aws-prod/${BACKUP}.pbm.json`],
      ['s3:DeleteObjectVersion', `arn:aws:s3:::${bucket}/aws-prod/${BACKUP}.pbm.json`],
      ['s3:PutBucketPolicy', `arn:aws:s3:::${bucket}`],
      ['s3:PutLifecycleConfiguration', `arn:aws:s3:::${bucket}`],
    ];
    for (const [action, resource] of denied) await assertRequest(model, { role: check, action, resource }, false);
    await assertRequest(model, { role: check, action: 'kms:Encrypt', resource: appKey, context: VIA_S3 }, false);
    await assertRequest(model, { role: check, action: 'kms:GenerateDataKey', resource: appKey, context: VIA_S3 }, false);
  });

  it('touches no other bucket and uses the key only through S3', async () => {
    await assertRequest(model, { role: check, action: 's3:GetObject', resource: `arn:aws:s3:::${uploads}/avatar.png` }, false);
    await assertRequest(model, { role: check, action: 's3:ListBucket', resource: `arn:aws:s3:::${uploads}` }, false);
    await assertRequest(model, { role: check, action: 'kms:Decrypt', resource: appKey, context: {
      'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } }, false);
    await assertRequest(model, { role: check, action: 'kms:Decrypt', resource: appKey }, false);
  });

  it('the evaluator dropped no context key', async () => {
    const decision = await evaluate(model, { role: check, action: 'kms:Decrypt', resource: appKey, context: VIA_S3 });
    expect(decision.ignoredContextKeys).toEqual([]);
    expect(decision.allowed).toBe(true);
  });
});

describe("azure-prod's restore check identity", () => {
  it('has read rights on the backup container (its custom reader role, defined by the bootstrap stack) and no other role', () => {
    const stack = stacks['azure-prod-app']!;
    const [identityId, identity] = Object.entries<Json>(stack.resource.azurerm_user_assigned_identity).find(([, i]) => i.name.includes('restore-check'))!;
    expect(identity.name).toBe('id-azure-prod-restore-check');
    const grants = resources(stack, 'azurerm_role_assignment').filter((g) => g
      .principal_id === `\${azurerm_user_assigned_identity.${identityId}.principal_id}`);
    const [containerId] = Object.entries<Json>(stack.resource.azurerm_storage_container).find(([, c]) => c.name === 'mongodb-backups')!;
    expect(grants.map((g) => [g.role_definition_name ?? g.role_definition_id, g.scope])).toEqual([[expect
      .stringMatching(/^\/subscriptions\/[0-9a-f-]+\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/),
      `\${azurerm_storage_container.${containerId}.id}`]]);
    const id = (grants[0]!.role_definition_id as string).split('/').pop();
    const definition = resources(stacks['bootstrap-exrctfstateprod01']!, 'azurerm_role_definition').find((d) => d.role_definition_id === id)!;
    expect(definition.name).toBe('azure-prod MongoDB backup reader');
    // Storage Blob Data Reader's read rights, nothing that writes, deletes or hands out keys.
    expect(definition.permissions).toEqual([{ actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read'],
      data_actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'], not_data_actions: [] }]);
    const credential = resources(stack, 'azurerm_federated_identity_credential').find((c) => c
      .parent_id === `\${azurerm_user_assigned_identity.${identityId}.id}`)!;
    expect(credential.subject).toBe('system:serviceaccount:mongodb-restore-check:mongodb-restore-check');
  });
});

/** The rendered CronJob and its pod template. */
function cronJob(env: string): { job: Json; pod: Json } {
  const job = renderedObjectsOf(`${env}-app`, 'mongodb-restore-check').find((o) => o.kind === 'CronJob')!;
  return { job, pod: job.spec.jobTemplate.spec.template.spec };
}

describe('the restore check pod', () => {
  it('runs weekly in its own namespace, once, deleted with its volumes an hour after it ends', () => {
    const { job, pod } = cronJob('aws-prod');
    expect(job.metadata.namespace).toBe('mongodb-restore-check');
    expect(job.spec).toMatchObject({ schedule: '30 5 * * 3', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(job.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 3600 });
    // 200 GB at 50 GB/h, twice, plus an hour.
    expect(job.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(9 * 3600);
    const data = pod.volumes.find((v: Json) => v.name === 'data');
    expect(data.ephemeral.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'encrypted', resources: { requests: { storage: '200Gi' } } });
    expect(pod.volumes.map((v: Json) => v.name).sort()).toEqual(['check', 'data', 'pbm-main', 'tmp', 'tools']);
  });

  it('holds its own replica set: mongod and pbm-agent as sidecars on localhost, reaching no live member', () => {
    const { pod } = cronJob('aws-prod');
    expect(pod.initContainers.map((c: Json) => [c.name, c.restartPolicy ?? 'once'])).toEqual([['pbm-cli', 'once'], ['mongod', 'Always'], ['pbm-agent',
      'Always']]);
    const mongod = pod.initContainers[1];
    // The kubelet starts the check (which initiates the set) only once the agent sidecar is Running: the agent must
    // survive the uninitiated set, so it runs under PBM's restart loop, as the operator runs it.
    const agent = pod.initContainers[2];
    expect(agent.command).toEqual(['pbm-agent-entrypoint']);
    expect(agent.env).toEqual(expect.arrayContaining([{ name: 'PBM_AGENT_SIDECAR', value: 'true' }, { name: 'PBM_AGENT_SIDECAR_SLEEP', value: '5' }]));
    expect(pod.containers[0].command).toEqual(['mongosh', '--nodb', '--quiet', '/check/check.js']);
    expect(mongod.command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip', '127.0.0.1', '--port', '27017', '--dbpath', '/data/db']);
    const text = JSON.stringify(pod);
    expect(text).not.toMatch(/rocketchat-mongodb/);
    expect(text).not.toMatch(/svc\.cluster\.local/);
    expect(pod.containers.map((c: Json) => c.name)).toEqual(['check']);
    expect(pod.serviceAccountName).toBe('mongodb-restore-check');
  });

  it("PBM's main storage is a local directory and the backups a read-only profile of the live store's prefix", () => {
    const stack = stacks['aws-prod-app']!;
    const config = resources(stack, 'kubernetes_config_map_v1').find((c) => c.metadata.name === 'mongodb-restore-check')!;
    expect(parse(config.data['main.yaml'])).toEqual({ storage: { type: 'filesystem', filesystem: { path: '/pbm/main' } } });
    expect(parse(config.data['profile.yaml'])).toEqual({ storage: { type: 's3', s3: { bucket: expect
      .stringMatching(/^\$\{aws_s3_bucket\.cloud_mongodb-backups-bucket_[0-9A-F]+\.bucket\}$/), region: 'eu-west-1', prefix: 'aws-prod' } } });
    // The script adds the profile with --sync, never sets it as main storage (which would resync and rewrite .pbm.init).
    const script: string = config.data['check.js'];
    expect(script).toContain("pbm('profile', 'add', 'store', '/check/profile.yaml', '--sync', '--wait', '--wait-time', '10m')");
    expect(script).toContain("pbm('config', '--file', '/check/main.yaml', '--wait', '--wait-time', '2m')");
    expect(script).not.toMatch(/profile\.yaml', '--wait'\)|config', '--file', '\/check\/profile/);
    // pbm list hides a backup of another FCV: the throwaway is set to the newest backup's FCV before listing.
    expect(script.indexOf('setFeatureCompatibilityVersion: newest.fcv')).toBeGreaterThan(script.indexOf("'--sync'"));
    expect(script.indexOf('setFeatureCompatibilityVersion: newest.fcv')).toBeLessThan(script.indexOf("pbm('list'"));
  });

  it('the check script parses (mongosh runs it with top-level await and Node modules) and reaches the ConfigMap unchanged through Terraform', () => {
    const source = readFileSync(join(__dirname, '..', 'constructs', 'app', 'restore-check', 'check.js'), 'utf8');
    const config = resources(stacks['aws-prod-app']!, 'kubernetes_config_map_v1').find((c) => c.metadata.name === 'mongodb-restore-check')!;
    const synthesized: string = config.data['check.js'];
    // Every template sequence escaped ($${ is Terraform's literal ${), so the file arrives as written.
    expect(synthesized).not.toMatch(/(^|[^$])\$\{/);
    expect(synthesized.replaceAll('$${', () => '${').replaceAll('%%{', () => '%{')).toBe(source);
    const copy = cronJob('azure-prod').pod.containers.find((c: Json) => c.name === 'copy');
    expect(copy.command[2]).not.toContain('${');
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
    expect(() => new AsyncFunction('require', 'print', 'Mongo', 'quit', source)).not.toThrow();
  });

  it('on Azure copies the newest finished backup with its workload identity first, and PBM reads the copy', () => {
    const { pod } = cronJob('azure-prod');
    const copy = pod.containers.find((c: Json) => c.name === 'copy');
    expect(copy.image).toBe('mcr.microsoft.com/azure-cli:2.91.0');
    const script: string = copy.command[2];
    expect(script).toContain('az login --service-principal -u "$AZURE_CLIENT_ID" -t "$AZURE_TENANT_ID" --federated-token');
    expect(script).not.toMatch(/account-key|AZURE_STORAGE_KEY|--sas-token/);
    expect(Object.fromEntries(copy.env.map((e: Json) => [e.name, e.value]))).toMatchObject({ CONTAINER: 'mongodb-backups', PREFIX: 'azure-prod',
      DEST: '/backup' });
    const agent = pod.initContainers.find((c: Json) => c.name === 'pbm-agent');
    expect(agent.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
    const config = resources(stacks['azure-prod-app']!, 'kubernetes_config_map_v1').find((c) => c.metadata.name === 'mongodb-restore-check')!;
    expect(parse(config.data['profile.yaml'])).toEqual({ storage: { type: 'filesystem', filesystem: { path: '/backup/azure-prod' } } });
    // No account key anywhere in the pod: the live backup agent's secret is not mounted.
    expect(JSON.stringify(pod)).not.toMatch(/mongodb-backup-azure/);
    expect(pod.volumes.find((v: Json) => v.name === 'backup').ephemeral.volumeClaimTemplate.spec.resources.requests.storage).toBe('100Gi');
  });

  it('lets in Prometheus only and out DNS and the store only', () => {
    const policies = resources(stacks['aws-prod-app']!, 'kubernetes_network_policy_v1').filter((p) => p.metadata.namespace === 'mongodb-restore-check');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['default-deny', 'dns', 'restore-check']);
    const check = policies.find((p) => p.metadata.name === 'restore-check')!;
    expect(check.spec.ingress).toEqual([{ from: [{ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'prometheus' } }, namespace_selector: {
      match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: '9100', protocol: 'TCP' }] }]);
    expect(check.spec.egress).toEqual([{ to: [{ ip_block: { cidr: '0.0.0.0/0' } }], ports: [{ port: '443', protocol: 'TCP' }] }]);
  });
});

describe('app.backups.restoreCheck', () => {
  it('is on by default, weekly on Wednesday 05:30 UTC', () => {
    expect(parsed('aws-dev').app.backups.restoreCheck).toEqual({ enabled: true, schedule: '30 5 * * 3' });
  });

  it('refuses a schedule that is not a daily or weekly cron, in one line', () => {
    const input = example('aws-dev');
    input.app.backups.restoreCheck = { schedule: '@weekly' };
    expect(problemsOf(() => parsed('aws-dev', input))).toEqual([
      'config/aws-dev: app.backups.restoreCheck.schedule: "@weekly" is not valid (allowed: a daily or weekly cron in UTC such as "30 5 * * 3")',
    ]);
  });

  it('turned off, its alerts go too', () => {
    const input = example('aws-dev');
    input.app.backups.restoreCheck = { enabled: false };
    const names = alertGroups(parsed('aws-dev', input)).flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).not.toContain('MongoDBRestoreCheckFailed');
    expect(names).toContain('MongoDBBackupFailed');
    expect(alertGroups(parsed('aws-dev')).flatMap((g) => g.rules.map((r) => r.alert))).toEqual(expect.arrayContaining(['MongoDBRestoreCheckFailed',
      'MongoDBRestoreCheckStale']));
  });
});

describe("the Azure check's copy, run against a stand-in az", () => {
  /** A fake `az` over a directory that plays the container: list, download, download-batch; every call logged. */
  const FAKE_AZ = `#!/bin/sh
echo "$*" >> "$STORE/calls"
cmd="$1 $2 $3"; shift 3
case "$cmd" in
  "login --service-principal -u") exit 0 ;;
  "storage blob list") pre=""; while [ $# -gt 0 ]; do case "$1" in --prefix) pre=$2 ;; esac; shift; done
    if [ "$pre" = "$PREFIX/" ]; then (cd "$STORE/blobs" && ls -1 "$PREFIX" | grep '[.]pbm[.]json$' | sed "s|^|$PREFIX/|"); else (cd "$STORE/blobs" && ` +
      `find "$pre" -type f | sort); fi; exit 0 ;;
  "storage blob download") while [ $# -gt 0 ]; do case "$1" in -n) n=$2 ;; -f) f=$2 ;; esac; shift; done
    case "$n" in *"$FAIL_ON"*) [ -n "$FAIL_ON" ] && { echo "ERROR: AADSTS700024: Client assertion is not within its valid time range" >&2; exit 1; } ;; esac
    cp "$STORE/blobs/$n" "$f" ;;
  *) echo "unexpected az $cmd" >&2; exit 2 ;;
esac
`;

  /** Runs `check` with a container in a temporary `dir` holding `blobs` (paths under azure-prod/), and the fake az on PATH. */
  const withStore = (blobs: Record<string, string>, extra: Record<string, string>, check: (env: Record<string, string>, dir: string) => void): void => {
    const dir = tempDir();
    try {
      for (const [path, content] of Object.entries(blobs)) {
        mkdirSync(join(dir, 'store', 'blobs', 'azure-prod', path, '..'), { recursive: true });
        writeFileSync(join(dir, 'store', 'blobs', 'azure-prod', path), content);
      }
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'az'), FAKE_AZ);
      chmodSync(join(dir, 'bin', 'az'), 0o755);
      writeFileSync(join(dir, 'token'), 'federated');
      check({ PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, STORE: join(dir, 'store'), ACCOUNT: 'bak', CONTAINER: 'mongodb-backups', PREFIX: 'azure-prod',
        DEST: join(dir, 'backup'), AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't', AZURE_FEDERATED_TOKEN_FILE: join(dir, 'token'), ...extra }, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const DONE = '{\n\t"name": "2026-12-01T01:30:00Z",\n\t"status": "done"\n}';

  it('picks the newest backup whose metadata says done (not one still running), copies it with its marker file, then signals', () => {
    withStore({
      '.pbm.init': 'v2.12.0',
      // PBM's json.MarshalIndent with tabs: the top-level status sits one tab in, each replica set's deeper.
      '2026-12-01T01:30:00Z.pbm.json': DONE,
      '2026-12-02T01:30:00Z.pbm.json': '{\n\t"name": "2026-12-02T01:30:00Z",\n\t"replsets": [\n\t\t{\n\t\t\t"status": "done"\n\t\t}\n\t],\n\t"status": ' +
        '"running"\n}',
      '2026-12-02T01:30:00Z/rs0/meta.pbm': 'meta',
      '2026-12-01T01:30:00Z/rs0/meta.pbm': 'meta',
      '2026-12-01T01:30:00Z/rs0/rocketchat.users.s2': 'users',
    }, {}, (env, dir) => {
      const dest = env.DEST!;
      const out = execFileSync('/bin/sh', ['-c', restoreCheckCopyScript()], { env, encoding: 'utf8' });
      expect(out).toContain('copied 2026-12-01T01:30:00Z');
      expect(readFileSync(join(dest, 'azure-prod', '.pbm.init'), 'utf8')).toBe('v2.12.0');
      expect(readFileSync(join(dest, 'azure-prod', '2026-12-01T01:30:00Z', 'rs0', 'meta.pbm'), 'utf8')).toBe('meta');
      expect(readFileSync(join(dest, 'azure-prod', '2026-12-01T01:30:00Z', 'rs0', 'rocketchat.users.s2'), 'utf8')).toBe('users');
      expect(existsSync(join(dest, 'azure-prod', '2026-12-01T01:30:00Z.pbm.json'))).toBe(true);
      // The running backup's metadata was looked at and dropped; nothing else of it was copied.
      expect(existsSync(join(dest, 'azure-prod', '2026-12-02T01:30:00Z.pbm.json'))).toBe(false);
      expect(existsSync(join(dest, 'azure-prod', '2026-12-02T01:30:00Z'))).toBe(false);
      expect(existsSync(join(dest, '.copied'))).toBe(true);
      const calls = readFileSync(join(dir, 'store', 'calls'), 'utf8');
      const lines = calls.trim().split('\n');
      expect(lines[0]).toBe('login --service-principal -u c -t t --federated-token federated --allow-no-subscriptions -o none');
      expect(calls).not.toMatch(/upload|delete|--account-key|--sas-token/);
      // The projected token lives about an hour and az cannot renew it: every file of the backup is fetched right after a fresh login.
      const files = lines.map((l, i) => [l, lines[i - 1]]).filter(([l]) => l!.includes('download') && l!.includes('-n azure-prod/2026-12-01T01:30:00Z/'));
      expect(files).toHaveLength(2);
      for (const [, before] of files) expect(before).toMatch(/^login --service-principal/);
      expect(existsSync(join(dest, '.failed'))).toBe(false);
    });
  });

  it('a copy that fails leaves .failed (which the check waits for too) and no .copied', () => {
    const blobs = { '.pbm.init': 'v2.12.0', '2026-12-01T01:30:00Z.pbm.json': DONE, '2026-12-01T01:30:00Z/rs0/rocketchat.users.s2': 'users' };
    withStore(blobs, { FAIL_ON: 'rocketchat.users.s2' }, (env) => {
      const dest = env.DEST!;
      expect(() => execFileSync('/bin/sh', ['-c', restoreCheckCopyScript()], { env, encoding: 'utf8', stdio: 'pipe' })).toThrow(/AADSTS700024/);
      expect(existsSync(join(dest, '.failed'))).toBe(true);
      expect(existsSync(join(dest, '.copied'))).toBe(false);
      const check = cronJob('azure-prod').pod.containers.find((c: Json) => c.name === 'check');
      expect(check.env).toEqual(expect.arrayContaining([{ name: 'WAIT_FOR', value: '/backup/.copied' }, { name: 'WAIT_FAILED', value: '/backup/.failed' }]));
    });
  });
});
