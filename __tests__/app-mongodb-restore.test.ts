/**
 * Issue 25: the restore object applies once and validates against the pinned operator's CRD, the
 * drill manifest in docs/restore.md is one the operator can run, and the docs name only stacks
 * that exist. Helm is the real engine here: `helm template` prints a release's hooks and its
 * manifest, `--no-hooks` the manifest alone, which is all `helm upgrade` ever applies (Helm runs
 * install hooks on install only and keeps hooks out of the release manifest).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { restoreSourceProblems } from '../config/registry';
import { firstBackupResource, restoreResource } from '../constructs/app/mongodb-restore';
import { restoreEstimate } from '../constructs/app/restore-estimate';
import { helmBinary } from '../scripts/render/helm-binary';
import { CrdSchemas } from '../scripts/render/schema';
import { byPath, clone, example, type Json, parsed, problemsOf, release, synthExamples, tempDir, validate } from './support';

const ROOT = join(__dirname, '..');
const DOCS = join(ROOT, 'docs');
const CRDS = new CrdSchemas(parseAllDocuments(readFileSync(join(ROOT, 'charts/crds/psmdb-operator/files/crd.yaml'), 'utf8')).map((d) => d.toJSON())
  .filter(Boolean));

/** The drill's restore manifest exactly as docs/restore.md shows it, with its placeholders filled. */
function drillManifest(): Json {
  const text = readFileSync(join(DOCS, 'restore.md'), 'utf8');
  const block = /```yaml\n(\s*# drill-restore\.yaml[^\n]*\n[\s\S]*?)```/.exec(text);
  if (!block) throw new Error('docs/restore.md has no drill-restore.yaml block');
  const filled = block[1]!
    .replace(/<backup bucket>/g, 'aws-prod-mongodb-backups-0a1b2c3d')
    .replace(/<env>/g, 'aws-prod')
    .replace(/<region>/g, 'eu-west-1')
    .replace(/<backup name>/g, '2026-11-23T01:30:21Z');
  expect(filled).not.toMatch(/<[a-z ]+>/);
  return parseAllDocuments(filled.replace(/^ {3}/gm, ''))[0]!.toJSON();
}

/**
 * What the operator makes of a restore's storage (1.22 psmdb_restore_controller.go getStorage):
 * `storageName` wins and names one of the cluster's storages; otherwise exactly one storage block
 * of `backupSource` is the source. A restore that names neither has no storage PBM can open.
 */
function operatorStorageProblem(restore: Json): string | undefined {
  const source = restore.spec.backupSource;
  if (!source) return undefined;
  if (restore.spec.storageName) return `storageName ${restore.spec.storageName} replaces backupSource's storage`;
  const blocks = ['s3', 'azure', 'gcs', 'minio', 'filesystem'].filter((k) => source[k]);
  return blocks.length === 1 ? undefined : `backupSource has ${blocks.length} storage blocks`;
}

let hooked: Json[];
let manifest: Json[];
let upgraded: Json[];
const restoreValues = (): Json => {
  const restore = release(synthExamples().stacks['aws-dr-app']!, 'rocketchat-mongodb-restore');
  // The frozen backup name is Terraform's; any backup name stands in for it in a render.
  return JSON.parse(restore.values[0].replace(/\$\{terraform_data\.[^}]+\}/g, '2026-11-23T01:30:21Z'));
};

beforeAll(() => {
  const dir = tempDir();
  try {
    const values = restoreValues();
    values.objects.push(drillManifest());
    writeFileSync(join(dir, 'values.json'), JSON.stringify(values));
    const template = (...flags: string[]) =>
      parseAllDocuments(execFileSync(helmBinary().path, ['template', 'rocketchat-mongodb-restore', join(ROOT, 'charts/cluster-objects'), '-n', 'mongodb',
        '-f', join(dir, 'values.json'), ...flags], { encoding: 'utf8' }))
        .map((d) => d.toJSON())
        .filter(Boolean);
    const all = template();
    manifest = template('--no-hooks');
    upgraded = template('--no-hooks', '--is-upgrade');
    hooked = all.filter((o) => !manifest.some((m) => m.metadata.name === o.metadata.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the restore applies once (aws-dr)', () => {
  it('is an install hook only: Helm keeps it out of the manifest every upgrade applies', () => {
    expect(hooked.map((o) => [o.kind, o.metadata.name])).toEqual([['PerconaServerMongoDBRestore', 'restore-from-aws-prod-1']]);
    expect(manifest.filter((o) => o.metadata.name.startsWith('restore-from'))).toEqual([]);
    // Install only: no upgrade or rollback event, and no before-hook-creation (Helm's default), which would delete and re-create it on a re-install.
    expect(hooked[0]!.metadata.annotations).toEqual({ 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-failed' });
  });

  it('a second render, as an upgrade, still leaves it out of what Helm applies', () => {
    expect(upgraded.map((o) => o.kind)).toEqual(['PerconaServerMongoDBRestore']);
    expect(upgraded[0]!.metadata.name).toBe('drill-20261123');
  });

  it('validates against the pinned operator CRD, with a storage the operator can open', () => {
    const restore = hooked[0]!;
    expect(CRDS.has(restore.apiVersion, restore.kind)).toBe(true);
    expect(CRDS.problems(restore)).toEqual([]);
    expect(operatorStorageProblem(restore)).toBeUndefined();
  });

  it('runs again only when app.restore.attempt changes: a new object name, and the release is replaced (installed again)', () => {
    const stack = synthExamples().stacks['aws-dr-app']!;
    const attempt = byPath(stack, 'terraform_data', '/mongodb-restore/attempt');
    expect(attempt.input).toEqual({ attempt: '1' });
    expect(attempt.lifecycle).toBeUndefined();
    const release = byPath(stack, 'helm_release', '/mongodb-restore/objects/release');
    expect(release.lifecycle.replace_triggered_by).toEqual([expect.stringMatching(/^terraform_data\.mongodb-restore_attempt_[0-9A-F]+$/)]);
  });
});

describe('the quarterly drill manifest (docs/restore.md)', () => {
  it('renders with Helm and validates against the pinned CRD', () => {
    const drill = manifest.find((o) => o.metadata.name === 'drill-20261123')!;
    expect(drill.kind).toBe('PerconaServerMongoDBRestore');
    expect(CRDS.problems(drill)).toEqual([]);
  });

  it('names its source storage in backupSource, not storageName', () => {
    expect(operatorStorageProblem(manifest.find((o) => o.metadata.name === 'drill-20261123')!)).toBeUndefined();
    // The manifest the issue found: storageName main with a backupSource of no storage block.
    expect(operatorStorageProblem({ spec: { storageName: 'main', backupSource: { type: 'logical', destination: 's3://b/p/n' } } })).toBe("storageName " +
      "main replaces backupSource's storage");
  });
});

describe('docs name real stacks only', () => {
  const STACK = /\b(bootstrap-[a-z0-9]+(?:-[a-z0-9]+)*|(?:aws|azure)-[a-z0-9]+-(?:network|cluster|platform|app))\b(?![<…-])/g;
  const files = [join(ROOT, 'README.md'), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))];

  it('every stack name in README.md and docs/ is a synthesized stack', () => {
    const stacks = new Set(Object.keys(synthExamples().stacks));
    const named = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(STACK)].map((m) => `${f.slice(ROOT.length + 1)}: ${m[1]}`));
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((n) => !stacks.has(n.split(': ')[1]!))).toEqual([]);
  });

  it('would catch the name the issue found', () => {
    expect([...'npx cdktf deploy bootstrap-example-rocketchat-tfstate-dr-222222222222'.matchAll(STACK)].map((m) => m[1]))
      .toEqual(['bootstrap-example-rocketchat-tfstate-dr-222222222222']);
  });
});

describe('short retentions (app.backups)', () => {
  const dev = (): Json => example('aws-dev');

  it('keeps backups 7 days with no tier move when coolAfterDays is absent', () => {
    const input = dev();
    delete input.app.backups.coolAfterDays;
    input.app.backups.deleteAfterDays = 7;
    const { backups } = parsed('aws-dev', input).app;
    expect(backups).toMatchObject({ deleteAfterDays: 7 });
    expect(backups.coolAfterDays).toBeUndefined();
  });

  it('refuses fewer than 7 days in one line', () => {
    const input = dev();
    delete input.app.backups.coolAfterDays;
    input.app.backups.deleteAfterDays = 6;
    expect(problemsOf(validate('aws-dev', input))).toEqual([
      'config/aws-dev: app.backups.deleteAfterDays: 6 is not valid (allowed: an integer from 7 to 3650)']);
  });
});

describe('safe backup selection: latest (aws-dr)', () => {
  /** Terraform's own evaluation of the synthesized expression, with the listing's keys in place of the data source. */
  const pick = (keys: string[]): string => {
    const stack = synthExamples().stacks['aws-dr-app']!;
    const expr = byPath(stack, 'terraform_data', '/mongodb-restore/latest-backup').input.name as string;
    const body = expr.replace(/^\$\{/, '').replace(/\}$/, '').replace(/data\.aws_s3_objects\.[A-Za-z0-9_-]+\.keys/g, JSON.stringify(keys));
    const dir = tempDir();
    try {
      return JSON.parse(execFileSync('terraform', ['console'], { cwd: dir, input: `jsonencode(${body})\n`, encoding: 'utf8' }).trim().replace(/^"|"$/g, '')
        .replace(/\\"/g, '"'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('skips the newest backup, whose files may still have been in flight when the region was lost, for the one before it', () => {
    const keys = ['aws-prod/.pbm.init', 'aws-prod/2026-11-21T01:30:05Z.pbm.json', 'aws-prod/2026-11-23T01:30:21Z.pbm.json',
      'aws-prod/2026-11-22T01:30:09Z.pbm.json', 'aws-prod/2026-11-10T01:30:00Z.pbm.json.tmp'];
    expect(pick(keys)).toBe('2026-11-22T01:30:09Z');
  });

  it('takes the only backup when there is one', () => {
    expect(pick(['aws-prod/.pbm.init', 'aws-prod/2026-11-23T01:30:21Z.pbm.json'])).toBe('2026-11-23T01:30:21Z');
  });
});

describe('bad restore input: one line each, nothing synthesized', () => {
  const registry = (edit: (envs: Record<string, Json>) => void): Record<string, Json> => {
    const envs = clone(ENVIRONMENTS) as Record<string, Json>;
    edit(envs);
    return envs;
  };

  it("refuses a restore source in the source's own region (its live store, which goes with the region)", () => {
    const envs = registry((e) => {
      e['aws-dr']!.app.restore.from.region = 'eu-west-1';
      e['aws-dr']!.app.restore.from.store = 'aws-prod-mongodb-backups-48e7e59a';
    });
    expect(problemsOf(() => loadEnvironments(envs, undefined))).toEqual([
      'config/aws-dr: app.restore.from.region: "eu-west-1" is not this environment\'s region aws.region "eu-central-1"; a restore reads the copy in its ' +
        'own region (allowed: eu-central-1; fix: restore from the source\'s DR replica in eu-central-1, or deploy this environment there)',
    ]);
    // A sibling in eu-west-1 passes that rule; the registry rule still refuses aws-prod's live store.
    const dr = parsed('aws-dr');
    const sibling = { ...dr, app: { ...dr.app, restore: { ...dr.app.restore!, from: { ...dr.app.restore!.from, region: 'eu-west-1',
      store: 'aws-prod-mongodb-backups-48e7e59a' } } } };
    expect(restoreSourceProblems([parsed('aws-prod'), sibling])).toEqual([
      'config/aws-dr: app.restore.from.region: "eu-west-1" is aws-prod\'s own region, where its live store is written by its own backups while a restore ' +
        'would resync it, and which a regional outage takes with it (allowed: eu-central-1, where its replica is; fix: restore from the replica there)',
    ]);
  });

  it('refuses a point in time before the oldest backup the config keeps', () => {
    const input = example('aws-dr');
    input.app.restore.backup = '2025-01-01T01:30:00Z';
    input.app.restore.pointInTime = '2025-01-01T12:00:00Z';
    const problems = problemsOf(validate('aws-dr', input));
    expect(problems).toHaveLength(1);
    expect(problems[0])
      .toMatch(new RegExp(
        '^config\\/aws-dr: app\\.restore\\.pointInTime: "2025-01-01T12:00:00Z" is before the oldest backup the config keeps \\(ap' +
        'p\\.backups\\.deleteAfterDays 90: nothing before \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z\\) \\(allowed: a time after ' +
        '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z; fix: pick a later time\\)$',
      ));
  });
});

describe('docs/restore.md publishes RPO and RTO per environment', () => {
  it('the table between the rpo-rto markers is what restore-estimate.ts computes for every example', () => {
    const text = readFileSync(join(DOCS, 'restore.md'), 'utf8');
    const table = text.slice(text.indexOf('<!-- rpo-rto:start -->'), text.indexOf('<!-- rpo-rto:end -->'));
    const rows = loadEnvironments(ENVIRONMENTS, undefined).map((env) => {
      const e = restoreEstimate(env);
      const dr = env.app.backups.dr !== undefined;
      const none = 'no DR copy';
      return `| ${env.name} | ${e.dataGb} | ${e.rpoMinutes.inPlace} min | ${dr ? `${e.rpoMinutes.regionLost} min` : none} | ${e.rtoHours.inPlace} h | ${e
        .rtoHours.clusterLost} h | ${dr ? `${e.rtoHours.regionLost} h` : none} | ${dr ? `${e.rtoHours.regionLostCold} h` : none} | ${dr ? `${e.rtoHours
        .regionLostRetry} h` : none} |`;
    });
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(table).toContain(row);
    // The prod line as a literal, so a formula change shows here too.
    expect(table).toContain('| aws-prod | 200 | 45 min | 60 min | 4.5 h | 5.83 h | 6 h | 7 h | 11 h |');
  });
});

describe('after failover: the first full backup with the serve deploy (region-loss review, item 2)', () => {
  it('is a post-install hook only, validates against the pinned CRD and writes to the environment\'s own storage', () => {
    const dir = tempDir();
    try {
      const from = { environment: 'aws-prod', store: 'aws-prod-mongodb-backups-dr-48e7e59a', prefix: 'aws-prod', region: 'eu-central-1' };
      writeFileSync(join(dir, 'values.json'), JSON.stringify({ objects: [firstBackupResource({ from, attempt: 2 })] }));
      const template = (...flags: string[]) =>
        parseAllDocuments(execFileSync(helmBinary().path, ['template', 'rocketchat-mongodb-first-backup', join(ROOT, 'charts/cluster-objects'), '-n',
          'mongodb', '-f', join(dir, 'values.json'), ...flags], { encoding: 'utf8' }))
          .map((d) => d.toJSON())
          .filter(Boolean);
      const [backup] = template();
      expect(template('--no-hooks', '--is-upgrade')).toEqual([]);
      expect(backup.metadata).toEqual({
        name: 'after-restore-from-aws-prod-2',
        namespace: 'mongodb',
        // hook-failed alone: a re-install (rebuilt cluster, lost release record) meets the object and fails instead of
        // replacing it with a backup of whatever the database holds then (issue 25 drill review, item 4).
        annotations: { 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-failed' },
      });
      expect(backup.spec).toEqual({ clusterName: 'rocketchat-mongodb', storageName: 'main', type: 'logical', compressionType: 'zstd' });
      expect(CRDS.has(backup.apiVersion, backup.kind)).toBe(true);
      expect(CRDS.problems(backup)).toEqual([]);
      // No delete-backup finalizer: deleting the object by hand leaves the backup in the store.
      expect(backup.metadata.finalizers).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a gap in the replicated oplog (region-loss review, item 1): pin the end of the backup\'s timeline', () => {
  const source = { storage: { s3: { bucket: 'b', region: 'eu-central-1', prefix: 'aws-prod' } }, destinationPrefix: 's3://b/aws-prod' };
  // Two days ago and 18 h later: inside the config's retention whenever the test runs.
  const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const backup = second(Date.now() - 2 * 86_400_000);
  const timelineEnd = second(Date.parse(backup) + 18 * 3_600_000);
  const restoring = (restore: Json): Json => {
    const input = example('aws-dr');
    input.app.restore = { from: input.app.restore.from, ...restore };
    return input;
  };

  it('config takes a named backup, a new attempt and pointInTime at the timeline end, and the restore replays to that second only', () => {
    const { restore: config } = parsed('aws-dr', restoring({ backup, attempt: 2, pointInTime: timelineEnd })).app;
    const restore = restoreResource(config!, source, config!.backup);
    expect(restore.metadata.name).toBe('restore-from-aws-prod-2');
    expect((restore.spec as Json).pitr).toEqual({ type: 'date', date: timelineEnd.replace('T', ' ').replace('Z', '') });
    expect(CRDS.problems(restore as Json)).toEqual([]);
  });

  it('refuses, in one line, a timeline end that is not after the pinned backup, and a timeline end with backup latest', () => {
    expect(problemsOf(() => parsed('aws-dr', restoring({ backup, attempt: 2, pointInTime: backup })))).toEqual([
      `config/aws-dr: app.restore.pointInTime: "${backup}" is not after app.restore.backup "${backup}", the backup the oplog is replayed from (allowed: ` +
        `a time after ${backup}; fix: pick an older backup, or a later time)`,
    ]);
    const latest = problemsOf(() => parsed('aws-dr', restoring({ backup: 'latest', attempt: 2, pointInTime: timelineEnd })));
    expect(latest).toEqual([expect
      .stringMatching(/^config\/aws-dr: app\.restore\.pointInTime: "[^"]+" needs a named backup: "latest" may have started after it/)]);
  });
});
