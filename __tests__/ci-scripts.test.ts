import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedStacks, stackHashes } from '../scripts/ci/changes';
import { missingOutputs, remoteReads, waitingFromPlanError, waitingText } from '../scripts/ci/remote-outputs';
import { runStacks, type Mode } from '../scripts/ci/run-stacks';
import { open, runContext, seal } from '../scripts/ci/seal';
import { environmentMarkdown, planLines } from '../scripts/ci/summary';
import { dependencyOrder, deployOrder } from '../scripts/ci/targets';
import { main as matrix } from '../scripts/ci/matrix';
import { examplesOutdir, problemsOf, synthExamples, tempDir, type Json } from './support';

process.env.RUN_STACKS_QUIET = '1';
const { stacks } = synthExamples();

describe('CI: which stacks a pull request changes', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('manifest.json', JSON.stringify({ stacks: { a: { workingDirectory: 'stacks/a' }, b: { workingDirectory: 'stacks/b' } } }));
  write('stacks/a/cdk.tf.json', '{"resource":{}}');
  write('stacks/b/cdk.tf.json', '{"resource":{}}');
  write('stacks/b/assets/chart/values.yaml', 'x: 1\n');

  it('hashes every synthesized file of a stack (assets included), not Terraform working files', () => {
    const before = stackHashes(dir);
    write('stacks/a/.terraform/terraform.tfstate', '{}');
    write('stacks/a/tfplan', 'binary');
    expect(stackHashes(dir)).toEqual(before);
    write('stacks/b/assets/chart/values.yaml', 'x: 2\n');
    const after = stackHashes(dir);
    expect(changedStacks(before, after)).toEqual(['b']);
  });

  it('plans new stacks, and every stack when the base could not be synthesized', () => {
    expect(changedStacks({ a: 'same' }, { a: 'same', b: 'new' })).toEqual(['b']);
    expect(changedStacks(undefined, { b: '1', a: '2' })).toEqual(['a', 'b']);
  });
});

describe('CI: dependency order', () => {
  it('puts every producer before its consumers across the whole manifest, bootstrap stacks first', () => {
    const manifest = synthExamples().manifest as { stacks: Record<string, { dependencies?: string[] }> };
    const order = dependencyOrder(manifest);
    for (const [stack, { dependencies = [] }] of Object.entries(manifest.stacks)) {
      for (const dep of dependencies) expect(order.indexOf(dep), `${dep} before ${stack}`).toBeLessThan(order.indexOf(stack));
    }
    expect(deployOrder(manifest, 'azure-prod')).toEqual(['azure-prod-network', 'azure-prod-cluster', 'azure-prod-platform', 'azure-prod-app']);
  });

  it('keeps only the selected stacks, still in dependency order, and refuses a cycle', () => {
    const fake = { stacks: { 'x-app': { dependencies: ['x-platform'] }, 'x-cluster': { dependencies: ['x-network'] }, 'x-network': {}, 'x-platform': {
      dependencies: ['x-cluster'] } } };
    expect(dependencyOrder(fake, ['x-app', 'x-network'])).toEqual(['x-network', 'x-app']);
    expect(() => deployOrder(fake, 'y')).toThrow('no stacks for environment "y" in the manifest');
    expect(() => dependencyOrder({ stacks: { 'a-app': { dependencies: ['a-network'] }, 'a-network': { dependencies: ['a-app'] } } }))
      .toThrow('dependency cycle: a-app -> a-network -> a-app');
  });
});

describe('CI: a consumer waiting for its producer', () => {
  it('maps each remote state of a synthesized consumer to its producer and the outputs it reads', () => {
    expect(remoteReads(stacks['aws-prod-app']!, stacks)).toEqual([
      { dataSource: 'aws-prod-cluster-state', producer: 'aws-prod-cluster',
        outputs: ['cluster_certificate_authority_data', 'cluster_endpoint', 'cluster_name', 'oidc_issuer_url', 'oidc_provider_arn', 'region'] },
      { dataSource: 'aws-prod-platform-state', producer: 'aws-prod-platform', outputs: ['certificate_arn', 'web_acl_arn'] },
    ]);
    expect(remoteReads(stacks['azure-dev-app']!, stacks).map((r) => r.producer)).toEqual(['azure-dev-cluster', 'azure-dev-network', 'azure-dev-platform']);
  });

  it('waits for outputs missing from the producer state, and for a producer with no state at all', () => {
    const reads = remoteReads(stacks['aws-prod-app']!, stacks);
    const applied = { 'aws-prod-cluster': ['cluster_certificate_authority_data', 'cluster_endpoint', 'cluster_name', 'oidc_provider_arn', 'region'] };
    const waiting = missingOutputs(reads, applied);
    expect(waitingText(waiting)).toBe('waiting for aws-prod-cluster to apply oidc_issuer_url; waiting for aws-prod-platform to apply certificate_arn, ' +
      'web_acl_arn');
  });

  it('reads the two remote-state errors from plan output, and nothing else as waiting', () => {
    const reads = [{ dataSource: 'p-state', producer: 'p', outputs: ['a', 'b'] }];
    const noState = 'Error: Unable to find remote state\n\n  with data.terraform_remote_state.p-state,\n  on cdk.tf.json line 2\n\nNo stored state was found';
    expect(waitingFromPlanError(noState, reads)).toEqual([{ producer: 'p', outputs: ['a', 'b'] }]);
    const other = `${noState}\n\nError: Invalid provider configuration\n\nsomething else`;
    expect(waitingFromPlanError(other, reads)).toBeUndefined();
    expect(waitingFromPlanError('no error at all', reads)).toBeUndefined();
  });
});

describe('CI: run-stacks with terraform (builtin provider only, local state)', () => {
  const outdir = tempDir();
  const out = join(outdir, 'plans');
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const stack = (name: string, body: Json) => {
    mkdirSync(join(outdir, 'stacks', name), { recursive: true });
    writeFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: `../../state/${name}.tfstate` } } },
      ...body }));
  };
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({
    stacks: { 'x-network': { workingDirectory: 'stacks/x-network', synthesizedStackPath: 'stacks/x-network/cdk.tf.json' },
      'x-cluster': { workingDirectory: 'stacks/x-cluster', synthesizedStackPath: 'stacks/x-cluster/cdk.tf.json', dependencies: ['x-network'] } },
  }));
  const producer = (outputs: Record<string, string>) =>
    stack('x-network', { resource: { terraform_data: { n: { input: 'net' } } }, output: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, {
      value: v }])) });
  producer({ vpc_id: 'vpc-1' });
  stack('x-cluster', {
    data: { terraform_remote_state: { 'x-network-state': { backend: 'local', config: { path: '../../state/x-network.tfstate' } } } },
    resource: { terraform_data: { c: {
      input: '${data.terraform_remote_state.x-network-state.outputs.vpc_id}/${data.terraform_remote_state.x-network-state.outputs.subnet_ids}' } } },
  });
  const run = (mode: Mode) => runStacks(mode, { outdir, out, stacks: ['x-network', 'x-cluster'], lock: true, planJson: false, environment: 'x' });
  const statuses = (r: ReturnType<typeof run>) => r.result.stacks.map((s) => `${s.stack}: ${s.status}: ${s.headline}`);

  it('plans a producer, and its consumer waits for the output the producer has not applied', () => {
    const first = run('plan');
    expect(statuses(first)).toEqual(['x-network: changes: Plan: 1 to add, 0 to change, 0 to destroy.',
      'x-cluster: waiting: waiting for x-network to apply subnet_ids, vpc_id']);
    expect(first.exitCode).toBe(0);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| `x-cluster` | ⏳ waiting | waiting for x-network to apply subnet_ids, vpc_id |');
  });

  it('applies exactly the saved plans, and stops at the waiting consumer whose producer just applied outputs it reads', () => {
    const applied = run('apply');
    expect(statuses(applied)).toEqual([
      'x-network: applied: Plan: 1 to add, 0 to change, 0 to destroy.',
      'x-cluster: failed: re-plan needed: x-cluster: x-network.vpc_id changed after this plan was made; run the deploy again to plan against the applied ' +
        'values',
    ]);
    expect(applied.exitCode).toBe(1);
  });

  it('still waits for an output the applied producer lacks; the real plan error says the same', () => {
    expect(statuses(run('plan'))[1]).toBe('x-cluster: waiting: waiting for x-network to apply subnet_ids');
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const plan = spawnSync('terraform', [`-chdir=${join(outdir, 'stacks/x-cluster')}`, 'plan', '-input=false', '-no-color'], { encoding: 'utf8' });
    expect(plan.status).toBe(1);
    expect(waitingFromPlanError(`${plan.stdout}${plan.stderr}`, remoteReads(JSON.parse(readFileSync(join(outdir, 'stacks/x-cluster/cdk.tf.json'),
      'utf8')) as Json, {}))).toEqual([{ producer: 'x-network', outputs: ['subnet_ids'] }]);
  });

  it('deploys producer then consumer in one run once the contract is complete (dev)', () => {
    producer({ vpc_id: 'vpc-1', subnet_ids: 'a,b' });
    const deployed = run('deploy');
    expect(deployed.result.stacks.map((s) => s.status)).toEqual(['applied', 'applied']);
    expect(deployed.exitCode).toBe(0);
    expect(run('drift').exitCode).toBe(0);
  });

  it('stops at a consumer planned "no changes" whose producer output the same gated run then changed, and drift sees it', () => {
    // The producer's code moves an output; the consumer's plan, made against vpc-1, says "no changes".
    producer({ vpc_id: 'vpc-2', subnet_ids: 'a,b' });
    expect(statuses(run('plan'))).toEqual(['x-network: changes: Changes to Outputs:', 'x-cluster: no-changes: No changes. Your infrastructure matches ' +
      'the configuration.']);
    const applied = run('apply');
    expect(statuses(applied)).toEqual([
      'x-network: applied: Changes to Outputs:',
      'x-cluster: failed: re-plan needed: x-cluster: x-network.vpc_id changed after this plan was made; run the deploy again to plan against the applied ' +
        'values',
    ]);
    expect(applied.exitCode).toBe(1);
    expect(run('drift').exitCode).toBe(2);
  });

  it('never applies a bootstrap stack, the one holding CI trust', () => {
    for (const mode of ['apply', 'deploy'] as const) {
      expect(() => runStacks(mode, { outdir, out, stacks: ['bootstrap-euw1-222222222222', 'x-network'], lock: true, planJson: false, environment: 'x' }))
        .toThrow('bootstrap-euw1-222222222222: CI does not ' + mode + ' bootstrap stacks; an administrator applies them from a workstation (docs/delivery.md)');
    }
  });
});

describe('CI: sealed plan bundles', () => {
  const keys = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: {
    type: 'pkcs8', format: 'pem' } });
  const { publicKey, privateKey } = keys();
  const run = { repository: 'example-org/rocketchat-platform', runId: '4242', commit: '0123456789abcdef0123456789abcdef01234567', environment: 'aws-prod' };
  const sealedAt = new Date('2026-12-04T17:00:00Z');
  const plain = Buffer.from('tfplan with a secret: hunter2');
  const sealed = seal(plain, publicKey, run, sealedAt);

  it('opens only with the private key, and refuses a tampered bundle', () => {
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect(open(sealed, privateKey, run, sealedAt).toString()).toBe('tfplan with a secret: hunter2');
    expect(() => open(sealed, keys().privateKey, run, sealedAt)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => open(tampered, privateKey, run, sealedAt)).toThrow('sealed plan bundle failed authentication: it was altered after sealing');
  });

  it('opens only in the run, commit and environment that sealed it, and within the approval window', () => {
    expect(() => open(sealed, privateKey, { ...run, runId: '4243' }, sealedAt)).toThrow('sealed plans belong to runId 4242, not runId 4243: apply only ' +
      'the plans this run made and its reviewers approved');
    expect(() => open(sealed, privateKey, { ...run, environment: 'aws-dr', commit: 'f'.repeat(40) }, sealedAt)).toThrow(
      `sealed plans belong to commit ${run.commit}, environment aws-prod, not commit ${'f'.repeat(40)}, environment aws-dr`,
    );
    // The binding is authenticated: editing the clear-text header to claim another run breaks the tag.
    const relabelled = Buffer.from(sealed.toString('latin1').replace('"runId":"4242"', '"runId":"4243"'), 'latin1');
    expect(() => open(relabelled, privateKey, { ...run, runId: '4243' }, sealedAt)).toThrow('failed authentication');
    // Friday 17:00 to the next Friday 17:00 opens (APPROVAL_WINDOW_DAYS = 7); a minute later does not.
    expect(open(sealed, privateKey, run, new Date('2026-12-11T17:00:00Z')).toString()).toContain('hunter2');
    expect(() => open(sealed, privateKey, run, new Date('2026-12-11T17:01:00Z'))).toThrow('sealed plans are from 2026-12-04T17:00:00.000Z, older than ' +
      'the 7-day approval window: run the deploy again');
  });

  it('takes the run from the GitHub Actions variables, and names the ones missing', () => {
    expect(runContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1', GITHUB_SHA: 'abc', ENVIRONMENT: 'azure-prod' })).toEqual({ repository: 'o/r',
      runId: '1', commit: 'abc', environment: 'azure-prod' });
    expect(() => runContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'abc' })).toThrow('GITHUB_RUN_ID, ENVIRONMENT not set: a sealed plan is bound to its ' +
      'run, commit and environment');
  });
});

describe('CI: plan summaries', () => {
  it('keeps the resource lines and the totals of terraform show', () => {
    const show = 'Terraform will perform the following actions:\n\n  # aws_eks_cluster.this will be updated in-place\n  ~ resource "aws_eks_cluster" ' +
      '"this" {\n\nPlan: 0 to add, 1 to change, 0 to destroy.\n';
    expect(planLines(show)).toEqual({ headline: 'Plan: 0 to add, 1 to change, 0 to destroy.', details: ['# aws_eks_cluster.this will be updated in-place'] });
    const md = environmentMarkdown({ environment: 'aws-dev', stacks: [{ stack: 'aws-dev-app', status: 'failed', headline: 'plan failed: a|b' }],
      costNote: 'Cost estimate skipped: no INFRACOST_API_KEY secret is configured (README, "CI set-up").' });
    expect(md).toContain('| `aws-dev-app` | ❌ failed | plan failed: a\\|b |  |');
    expect(md).toContain('_Cost estimate skipped: no INFRACOST_API_KEY secret is configured');
  });
});

describe('CI: the one plan comment', () => {
  const { MARKER, commentBody, upsertComment } = require('../scripts/ci/plan-comment.cjs') as {
    MARKER: string;
    commentBody: (run: { targets: Array<{
      environment: string; stacks: string }>; summariesDir: string; synthResult: string; planResult: string; runUrl: string; sha: string; note?: string }) =>
      string;
    upsertComment: (github: unknown, where: Record<string, unknown>, body: string) => Promise<string>;
  };
  const summaries = tempDir();
  afterAll(() => rmSync(summaries, { recursive: true, force: true }));
  mkdirSync(join(summaries, 'plan-summary-aws-dev'));
  writeFileSync(join(summaries, 'plan-summary-aws-dev', 'summary.md'), '### aws-dev\n\n| `aws-dev-app` | 📝 changes |\n');
  const run = { summariesDir: summaries, synthResult: 'success', planResult: 'failure', runUrl: 'https://example.test/run/1', sha: '0123456789abcdef' };

  it('summarizes every planned environment, and says which failed before planning', () => {
    const body = commentBody({ ...run, targets: [{ environment: 'aws-dev', stacks: 'aws-dev-app' }, { environment: 'azure-prod',
      stacks: 'azure-prod-network azure-prod-app' }] });
    expect(body.startsWith('<!-- cdktf-plan-summary -->\n## Terraform plans')).toBe(true);
    expect(body).toContain('| `aws-dev-app` | 📝 changes |');
    expect(body).toContain('❌ No plan (plan job failure): `azure-prod-network`, `azure-prod-app` not planned. See [the run](https://example.test/run/1).');
    expect(body).toContain('Updated for 0123456 by [this run]');
    expect(commentBody({ ...run, targets: [] })).toContain("No stack's synthesized configuration changed: nothing to plan.");
    expect(commentBody({ ...run, synthResult: 'failure', targets: [] })).toContain('❌ Synth failure: no stack could be planned.');
    const bot = commentBody({ ...run, targets: [], note: 'Bot pull request: prod environments are not planned here; the deploy after merge plans them ' +
      'for review.' });
    expect(bot).toContain('_Bot pull request: prod environments are not planned here; the deploy after merge plans them for review._\n\nNo stack of the ' +
      'environments planned here changed.');
    expect(bot).not.toContain('nothing to plan');
  });

  it('updates the comment carrying the marker, or creates one', async () => {
    const calls: string[] = [];
    const fake = (existing: Array<{ id: number; body: string }>) => ({
      paginate: async () => existing,
      rest: {
        issues: { listComments: () => undefined, updateComment: async (a: { comment_id: number }) => void calls.push(`update ${a.comment_id}`),
          createComment: async () => void calls.push('create') },
      },
    });
    const where = { owner: 'o', repo: 'r', issue_number: 7 };
    expect(await upsertComment(fake([{ id: 1, body: 'hello' }, { id: 2, body: `${MARKER}\nold` }]), where, 'new')).toBe('updated');
    expect(await upsertComment(fake([{ id: 1, body: 'hello' }]), where, 'new')).toBe('created');
    expect(calls).toEqual(['update 2', 'create']);
  });
});

describe('CI: matrix.ts commands', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withOut = <T>(fn: () => T): T => {
    process.env.CDKTF_OUT = examplesOutdir();
    try {
      return fn();
    } finally {
      delete process.env.CDKTF_OUT;
    }
  };

  it('plans nothing when no stack changed, and only the changed stacks otherwise', () => {
    writeFileSync(join(dir, 'none.json'), '[]');
    writeFileSync(join(dir, 'some.json'), JSON.stringify(['aws-dev-app', 'aws-dev-cluster', 'bootstrap-exrctfstatedev01']));
    expect(withOut(() => matrix(['targets', '--changed', join(dir, 'none.json')]))).toBe('[]');
    const some = JSON.parse(withOut(() => matrix(['targets', '--changed', join(dir, 'some.json')]))) as Array<{ environment: string; stacks: string }>;
    expect(some.map((t) => [t.environment, t.stacks])).toEqual([['aws-dev', 'aws-dev-cluster aws-dev-app']]);
    const withBootstrap = JSON.parse(withOut(() => matrix(['targets', '--changed', join(dir, 'some.json'), '--bootstrap']))) as Array<{
      environment: string; stacks: string; planEnvironment: string }>;
    expect(withBootstrap.map((t) => [t.environment, t.stacks, t.planEnvironment])).toEqual([['aws-dev', 'aws-dev-cluster aws-dev-app', 'aws-dev-plan'],
      ['azure-dev', 'bootstrap-exrctfstatedev01', 'azure-dev-plan']]);
  });

  it('treats a missing or empty base as "everything changed", and refuses an unknown tier', () => {
    const head = join(dir, 'head.json');
    writeFileSync(head, withOut(() => matrix(['hashes'])));
    writeFileSync(join(dir, 'empty.json'), '');
    const everything = JSON.parse(matrix(['changed', join(dir, 'empty.json'), head])) as string[];
    expect(everything).toContain('azure-prod-app');
    expect(everything).toEqual(JSON.parse(matrix(['changed', join(dir, 'missing.json'), head])));
    expect(JSON.parse(matrix(['changed', head, head]))).toEqual([]);
    expect(problemsOf(() => withOut(() => matrix(['targets', '--tier', 'staging'])))).toEqual(['--tier: "staging" is not a tier (allowed: dev, prod)']);
    expect(withOut(() => matrix(['order', 'azure-dev']))).toBe('azure-dev-network\nazure-dev-cluster\nazure-dev-platform\nazure-dev-app');
  });
});
