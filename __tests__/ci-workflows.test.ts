import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { targets, type Manifest } from '../scripts/ci/targets';
import { synthExamples, tempDir } from './support';

type Job = Record<string, any>;
type Json = Record<string, any>;
type Workflow = { on: any; permissions: any; jobs: Record<string, Job>; env?: Record<string, string> };

const dir = join(__dirname, '..', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const ci = workflow('ci.yml');
const deploy = workflow('deploy.yml');
const deployEnv = workflow('deploy-environment.yml');
const drift = workflow('drift.yml');
const runs = (job: Job): string => (job.steps ?? []).map((s: Job) => s.run ?? '').join('\n');
const uses = (job: Job): string[] => (job.steps ?? []).flatMap((s: Job) => (s.uses ? [String(s.uses)] : []));
const stepIndex = (job: Job, pred: (s: Job) => boolean) => (job.steps as Job[]).findIndex(pred);

interface RunContext {
  readonly event: string;
  readonly ref: string;
  readonly gated: boolean;
  readonly planResult?: string;
}

/**
 * Evaluates a job's `if:` the way the runner would, for the subset of GitHub's expression syntax
 * these workflows use (string literals, ==, !=, &&, ||, !, parentheses, github.ref,
 * github.event_name, fromJSON(inputs.target).<field>, needs.<job>.result). Anything else throws,
 * so a guard written in syntax this does not know fails the test instead of passing it.
 */
function jobRuns(condition: string, run: RunContext): boolean {
  const body = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const values: Record<string, unknown> = { 'github.ref': run.ref, 'github.event_name': run.event, 'fromJSON(inputs.target).gated': run.gated,
    'needs.plan.result': run.planResult ?? 'success' };
  const tokens = body.match(/'[^']*'|==|!=|&&|\|\||!|\(|\)|fromJSON\(inputs\.target\)\.\w+|[a-z_]+(\.[a-z_]+)+|\S/g) ?? [];
  const js = tokens.map((t) => {
    if (t.startsWith("'")) return JSON.stringify(t.slice(1, -1));
    if (t === '==') return '===';
    if (t === '!=') return '!==';
    if (['&&', '||', '!', '(', ')'].includes(t)) return t;
    if (t in values) return JSON.stringify(values[t]);
    throw new Error(`unknown token ${t} in ${condition}`);
  });
  return new Function(`return (${js.join(' ')});`)() as boolean;
}

describe('workflows: the matrix comes from the registry and the synthesized manifest', () => {
  it('lists no environment anywhere under .github (every one comes from the registry)', () => {
    for (const file of files) for (const name of Object.keys(ENVIRONMENTS)) expect(text(file), `${file} names ${name}`).not.toContain(name);
  });

  it('PR plans: matrix.ts over the head and base synth picks the changed stacks, one job per environment on its plan runner', () => {
    const synth = ci.jobs.synth!;
    expect(runs(synth)).toContain('npx tsx scripts/ci/matrix.ts changed base-hashes.json head-hashes.json > changed.json');
    expect(runs(synth)).toContain('targets=$(npx tsx scripts/ci/matrix.ts targets --changed changed.json --bootstrap --pull-request "${tier[@]}")');
    expect(synth.outputs.targets).toBe('${{ steps.targets.outputs.targets }}');
    const plan = ci.jobs.plan!;
    expect(plan.strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.targets) }}');
    expect(plan['runs-on']).toBe('${{ matrix.planRunner }}');
    expect(plan.environment).toBe('${{ matrix.planEnvironment }}');
    expect(plan.env.STACKS).toBe('${{ matrix.stacks }}');
    expect(runs(plan)).toContain('npx tsx scripts/ci/run-stacks.ts plan --environment "$ENVIRONMENT" --stacks "$STACKS" --out plans --no-lock --plan-json');
  });

  it('targets list each environment with its stacks in dependency order, runners and identities from config', () => {
    const manifest = synthExamples().manifest as Manifest & { stacks: Record<string, { dependencies?: string[] }> };
    const all = targets(loadEnvironments(ENVIRONMENTS, undefined), manifest);
    expect(all.map((t) => t.environment)).toEqual(Object.keys(ENVIRONMENTS).sort());
    const awsProd = all.find((t) => t.environment === 'aws-prod')!;
    expect(awsProd).toMatchObject({ stacks: 'aws-prod-network aws-prod-cluster aws-prod-platform aws-prod-app', gated: true,
      planRunner: ['self-hosted', 'linux', 'x64', 'aws-prod', 'plan'], planEnvironment: 'aws-prod-plan', deployEnvironment: 'aws-prod',
      planRoleArn: 'arn:aws:iam::222222222222:role/aws-prod-ci-plan', deployRoleArn: 'arn:aws:iam::222222222222:role/aws-prod-ci-deploy',
      awsRegion: 'eu-west-1' });
    expect(all.find((t) => t.environment === 'azure-dev')).toMatchObject({ gated: false, deployEnvironment: 'azure-dev',
      azureTenantId: '00000000-0000-0000-0000-0000000000aa', planRoleArn: '' });
    for (const target of all) {
      const order = target.stacks.split(' ');
      for (const [i, stack] of order.entries()) {
        for (const dep of manifest.stacks[stack]!.dependencies ?? []) if (order.includes(dep)) expect(order.indexOf(dep)).toBeLessThan(i);
      }
    }
    const changedOnly = targets(loadEnvironments(ENVIRONMENTS, undefined), manifest, { stacks: ['azure-prod-app', 'azure-prod-network'] });
    expect(changedOnly.map((t) => [t.environment, t.stacks])).toEqual([['azure-prod', 'azure-prod-network azure-prod-app']]);
    expect(all.flatMap((t) => t.stacks.split(' ')).filter((s) => s.startsWith('bootstrap-'))).toEqual([]);
  });

  it('bot pull requests plan dev environments only: no prod plan identity runs their dependency code', () => {
    const step = ci.jobs.synth!.steps.find((s: Job) => s.id === 'targets');
    expect(step.env).toEqual({ PR_AUTHOR: '${{ github.event.pull_request.user.login }}', PR_AUTHOR_TYPE: '${{ github.event.pull_request.user.type }}' });
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    // The step's own shell, with matrix.ts stubbed to print its arguments: what each author gets.
    const script = (step.run as string).replace(/npx tsx scripts\/ci\/matrix\.ts (hashes|changed)[^\n]*/g, ':').replace('npx tsx scripts/ci/matrix.ts', 'echo');
    const argsFor = (login: string, type: string) => {
      const out = tempDir();
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', cwd: out, env: { PATH: process.env.PATH, PR_AUTHOR: login,
        PR_AUTHOR_TYPE: type, GITHUB_OUTPUT: join(out, 'o'), GITHUB_STEP_SUMMARY: join(out, 's') } });
      expect(run.status, run.stderr).toBe(0);
      const result = [readFileSync(join(out, 'o'), 'utf8').trim(), readFileSync(join(out, 's'), 'utf8').includes('prod environments are not planned ' +
        'here')] as const;
      rmSync(out, { recursive: true, force: true });
      return result;
    };
    const note = 'note=Bot pull request: prod environments are not planned here; the deploy after merge plans them for review.';
    expect(argsFor('renovate[bot]', 'Bot')).toEqual([`${note}\ntargets=targets --changed changed.json --bootstrap --pull-request --tier dev`, true]);
    expect(argsFor('dependabot[bot]', 'User')).toEqual([`${note}\ntargets=targets --changed changed.json --bootstrap --pull-request --tier dev`, true]);
    expect(argsFor('octocat', 'User')).toEqual(['targets=targets --changed changed.json --bootstrap --pull-request', false]);
    expect(ci.jobs.comment!.steps.at(-1).env.NOTE).toBe('${{ needs.synth.outputs.note }}');
    expect(ci.jobs.comment!.steps.at(-1).with.script).toContain('note: process.env.NOTE,');
  });

  it('PR plans and drift plan the bootstrap stacks with a plan identity; deploys never name one', () => {
    const manifest = synthExamples().manifest as Manifest;
    const withBootstrap = targets(loadEnvironments(ENVIRONMENTS, undefined), manifest, { bootstrap: true });
    expect(withBootstrap.find((t) => t.environment === 'aws-prod')).toMatchObject({
      stacks: 'bootstrap-euw1-222222222222 aws-prod-network aws-prod-cluster aws-prod-platform aws-prod-app',
      planRoleArn: 'arn:aws:iam::222222222222:role/aws-prod-ci-plan',
      planEnvironment: 'aws-prod-plan',
    });
    const bootstraps = withBootstrap.flatMap((t) => t.stacks.split(' ')).filter((s) => s.startsWith('bootstrap-')).sort();
    expect(bootstraps).toEqual(Object.keys((manifest as { stacks: object }).stacks).filter((s) => s.startsWith('bootstrap-')).sort());
    expect(bootstraps).toHaveLength(6);
    // A bootstrap-only change still plans (a PR that changes CI trust is never "nothing to plan").
    expect(targets(loadEnvironments(ENVIRONMENTS, undefined), manifest, { bootstrap: true, stacks: ['bootstrap-exrctfstateprod01'] }).map((t) => [t
      .environment, t.stacks, t.planEnvironment]))
      .toEqual([['azure-prod', 'bootstrap-exrctfstateprod01', 'azure-prod-plan']]);
    expect(runs(drift.jobs.synth!)).toContain('npx tsx scripts/ci/matrix.ts targets --bootstrap');
    expect(runs(drift.jobs.drift!)).toContain('run-stacks.ts drift --environment "$ENVIRONMENT" --stacks "$STACKS" --out plans --no-lock');
    expect(runs(deploy.jobs.synth!)).not.toContain('--bootstrap');
  });

  it('deploys: the environment list is the registry by tier (dispatch takes any registered name), prod after dev', () => {
    expect(deploy.on.workflow_dispatch.inputs.environment.type).toBe('string');
    expect(runs(deploy.jobs.synth!)).toContain('npx tsx scripts/ci/matrix.ts targets --tier dev');
    expect(runs(deploy.jobs.synth!)).toContain('npx tsx scripts/ci/matrix.ts targets --tier prod');
    expect(deploy.jobs.dev!.strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.dev) }}');
    expect(deploy.jobs.prod!.strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.prod) }}');
    expect(deploy.jobs.prod!.needs).toEqual(['synth', 'dev']);
    expect(deploy.jobs.prod!.if).toContain("needs.dev.result == 'success'");
    for (const job of ['dev', 'prod']) {
      expect(deploy.jobs[job]!.uses).toBe('./.github/workflows/deploy-environment.yml');
      expect(deploy.jobs[job]!.with.target).toBe('${{ toJSON(matrix) }}');
      expect(deploy.jobs[job]!.concurrency).toEqual({ group: 'deploy-${{ matrix.environment }}', 'cancel-in-progress': false });
    }
    expect(drift.jobs.drift!.strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.targets) }}');
  });
});

describe('workflows: prod applies only the saved plans, after an approval that follows the plan', () => {
  const { plan, apply, deploy: straight } = deployEnv.jobs as Record<string, Job>;

  it('plans every stack with the plan identity and publishes the plan before anything waits for approval', () => {
    expect(jobRuns(plan!.if, { event: 'push', ref: 'refs/heads/main', gated: true })).toBe(true);
    expect(jobRuns(plan!.if, { event: 'push', ref: 'refs/heads/main', gated: false })).toBe(false);
    expect(plan!.environment).toBe('${{ fromJSON(inputs.target).planEnvironment }}');
    expect(plan!['runs-on']).toBe('${{ fromJSON(inputs.target).planRunner }}');
    expect(runs(plan!)).toContain('run-stacks.ts plan --environment "$ENVIRONMENT" --stacks "$STACKS" --out plans --no-lock');
    expect(runs(plan!)).not.toMatch(/run-stacks\.ts (apply|deploy)|terraform apply/);
    const published = stepIndex(plan!, (s) => String(s.run ?? '').includes('GITHUB_STEP_SUMMARY'));
    const artifact = stepIndex(plan!, (s) => s.with?.name === 'plan-summary-${{ fromJSON(inputs.target).environment }}');
    expect(published).toBeGreaterThan(0);
    expect(artifact).toBeGreaterThan(published);
    expect(plan!.steps[published].if).toBe('always()');
    expect(uses(plan!).some((u) => u.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true);
    expect(plan!.steps.find((s: Job) => s.uses?.startsWith('aws-actions/'))!.with['role-to-assume']).toBe('${{ fromJSON(inputs.target).planRoleArn }}');
  });

  it('carries the saved plans sealed to this run, commit and environment, kept for the 7-day approval window', () => {
    const seal = plan!.steps.find((s: Job) => String(s.run ?? '').includes('seal.ts seal'));
    expect(seal.env.PLAN_SEALING_PUBLIC_KEY).toBe('${{ vars.PLAN_SEALING_PUBLIC_KEY }}');
    // seal.ts reads the run from GITHUB_REPOSITORY/GITHUB_RUN_ID/GITHUB_SHA (set by the runner) and ENVIRONMENT.
    expect(deployEnv.env!.ENVIRONMENT).toBe('${{ fromJSON(inputs.target).environment }}');
    const upload = plan!.steps.find((s: Job) => s.with?.name === 'sealed-plans-${{ fromJSON(inputs.target).environment }}');
    expect(upload.with).toMatchObject({ path: 'sealed-plans.bin\nsealed-plans.sig\n', 'retention-days': 7, 'if-no-files-found': 'error' });
    expect(readFileSync(join(__dirname, '..', 'scripts', 'ci', 'seal.ts'), 'utf8')).toContain('export const APPROVAL_WINDOW_DAYS = 7;');
    const open = apply!.steps.find((s: Job) => String(s.run ?? '').includes('seal.ts open'));
    expect(open.env.PLAN_SEALING_PRIVATE_KEY).toBe('${{ secrets.PLAN_SEALING_PRIVATE_KEY }}');
  });

  it('signs the sealed bundle with the plan role\'s KMS key, bound to repository, run, commit and environment, and verifies it before opening', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const step = (job: Job, name: string) => (job.steps as Job[]).findIndex((s) => s.name === name);
    const sign = plan!.steps[step(plan!, 'sign the sealed plans')];
    const verify = apply!.steps[step(apply!, 'verify the plan signature')];
    expect(step(plan!, 'sign the sealed plans')).toBeGreaterThan(step(plan!, 'seal the saved plans'));
    expect(step(plan!, 'sign the sealed plans')).toBeLessThan(stepIndex(plan!, (s) => s.with?.name === 'sealed-plans-${{ ' +
      'fromJSON(inputs.target).environment }}'));
    // The deploy role's credentials verify, and nothing is opened before.
    const credentials = stepIndex(apply!, (s) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'));
    expect(step(apply!, 'verify the plan signature')).toBeGreaterThan(credentials);
    expect(step(apply!, 'verify the plan signature')).toBeLessThan(step(apply!, 'open the saved plans'));
    expect(sign.run).toContain('aws kms sign --key-id "alias/$ENVIRONMENT-plan-signing" --message-type DIGEST');
    expect(verify.env).toEqual({ PLAN_SIGNING_KEY_ARN: '${{ vars.PLAN_SIGNING_KEY_ARN }}' });
    // Run each step's digest line: both compute the same digest for the same run, and another run, commit, environment or bundle changes it.
    const digestLine = (run: string, bundle: string) => run.split('\n').find((l) => l.includes('openssl ' +
      'dgst'))!.replace(/sealed\/sealed-plans\.bin|sealed-plans\.bin/, bundle);
    const work = tempDir();
    require('node:fs').writeFileSync(join(work, 'bundle'), 'sealed');
    require('node:fs').writeFileSync(join(work, 'other'), 'sealed2');
    const digest = (run: string, bundle: string, over: Record<string, string> = {}) => {
      const env = { PATH: process.env.PATH, RUNNER_TEMP: work, GITHUB_REPOSITORY: 'example-org/rocketchat-platform', GITHUB_RUN_ID: '100',
        GITHUB_SHA: 'a'.repeat(40), ENVIRONMENT: 'aws-prod', ...over };
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', `${digestLine(run, bundle)} && od -An -tx1 "$RUNNER_TEMP/plans.digest" | tr -d ' \\n'`], {
        cwd: work, encoding: 'utf8', env });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const signed = digest(sign.run, 'bundle');
    expect(signed).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(verify.run, 'bundle')).toBe(signed);
    const changes: Array<Record<string, string>> = [{ GITHUB_RUN_ID: '101' }, { GITHUB_SHA: 'b'.repeat(40) }, { ENVIRONMENT: 'aws-dr' }, {
      GITHUB_REPOSITORY: 'fork/rocketchat-platform' }];
    for (const over of changes) {
      expect(digest(verify.run, 'bundle', over), JSON.stringify(over)).not.toBe(signed);
    }
    expect(digest(verify.run, 'other')).not.toBe(signed);
    rmSync(work, { recursive: true, force: true });
  });

  it('verifies by the pinned key ARN and accepts only a valid signature that KMS says that key made', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const fs = require('node:fs') as typeof import('node:fs');
    const verify = (apply!.steps as Job[]).find((s) => s.name === 'verify the plan signature')!;
    const pinned = 'arn:aws:kms:eu-west-1:222222222222:key/11111111-2222-3333-4444-555555555555';
    const work = tempDir();
    fs.mkdirSync(join(work, 'sealed'));
    fs.writeFileSync(join(work, 'sealed', 'sealed-plans.bin'), 'sealed');
    fs.writeFileSync(join(work, 'sealed', 'sealed-plans.sig'), Buffer.from('sig').toString('base64'));
    // A stand-in for the AWS CLI: records its arguments and prints what KMS would answer.
    fs.writeFileSync(join(work, 'aws'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$RUNNER_TEMP/aws.args"\nprintf "%s\\n" "$ANSWER"\n', { mode: 0o755 });
    const run = (answer: string, key = pinned) => {
      const env = { PATH: `${work}:${process.env.PATH}`, RUNNER_TEMP: work, GITHUB_REPOSITORY: 'example-org/rocketchat-platform', GITHUB_RUN_ID: '100',
        GITHUB_SHA: 'a'.repeat(40), ENVIRONMENT: 'aws-prod', PLAN_SIGNING_KEY_ARN: key, ANSWER: answer };
      return spawnSync('bash', ['-euo', 'pipefail', '-c', verify.run as string], { cwd: work, encoding: 'utf8', env }).status;
    };
    expect(run(`True\t${pinned}`)).toBe(0);
    const args = fs.readFileSync(join(work, 'aws.args'), 'utf8').split('\n');
    expect(args.slice(0, 4)).toEqual(['kms', 'verify', '--key-id', pinned]);
    // Another key answering (an alias moved, a key CI made), an invalid signature, or no pinned ARN: refused.
    expect(run('True\tarn:aws:kms:eu-west-1:222222222222:key/99999999-2222-3333-4444-555555555555')).not.toBe(0);
    expect(run(`False\t${pinned}`)).not.toBe(0);
    expect(run(`True\t${pinned}`, '')).not.toBe(0);
    rmSync(work, { recursive: true, force: true });
    // The pinned ARN comes from the bootstrap output, written by the administrator-applied settings stack into each gated AWS environment.
    const settings = synthExamples().stacks['gh-rocketchat-platform-settings']!;
    const variables = Object.values((settings.resource.github_actions_environment_variable ?? {}) as Record<string, Json>).filter((v) => v
      .variable_name === 'PLAN_SIGNING_KEY_ARN');
    expect(variables.map((v) => [v.environment, v.value])).toEqual([
      ['${github_repository_environment.aws-dr.environment}',
        '${data.terraform_remote_state.bootstrap-euc1-222222222222-aws-dr-state.outputs.aws_dr_plan_signing_key_arn}'],
      ['${github_repository_environment.aws-prod.environment}',
        '${data.terraform_remote_state.bootstrap-euw1-222222222222-aws-prod-state.outputs.aws_prod_plan_signing_key_arn}'],
    ]);
    for (const stack of ['bootstrap-euc1-222222222222', 'bootstrap-euw1-222222222222']) {
      const env = stack.includes('euc1') ? 'aws_dr' : 'aws_prod';
      expect(synthExamples().stacks[stack]!.output[`${env}_plan_signing_key_arn`].value)
        .toMatch(/^\$\{aws_kms_key\.ci-aws-(dr|prod)_plan-signing_key_[0-9A-F]+\.arn\}$/);
    }
  });

  it('takes only the saved plans and their results out of the bundle, whatever else a tampered plan runner packed', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const open = apply!.steps.find((s: Job) => String(s.run ?? '').includes('seal.ts open'));
    const extract = (open.run as string).replace(/^[\s\S]*?npx tsx scripts\/ci\/seal\.ts open[^\n]*\n/, '');
    const work = tempDir();
    const packed = ['plans/results.json', 'cdktf.out/stacks/aws-prod-app/tfplan', 'cdktf.out/stacks/aws-prod-app/.terraform.lock.hcl',
      'scripts/ci/run-stacks.ts', 'node_modules/x/index.js'];
    const made = spawnSync('bash', ['-euc', `mkdir -p src && cd src && for f in ${packed.join(' ')}; do mkdir -p "$(dirname "$f")"; echo x > "$f"; done ` +
      `&& tar -czf ../plans.tgz ${packed.join(' ')}`], { cwd: work, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', extract], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, RUNNER_TEMP: work } });
    expect(run.status, run.stderr).toBe(0);
    const found = spawnSync('bash', ['-c', 'find plans cdktf.out scripts node_modules -type f 2>/dev/null | sort'], { cwd: work, encoding: 'utf8' }).stdout
      .trim().split('\n');
    rmSync(work, { recursive: true, force: true });
    expect(found).toEqual(['cdktf.out/stacks/aws-prod-app/tfplan', 'plans/results.json']);
  });

  it('applies after the plan job, in the deploy environment (its reviewers), from the saved plans only', () => {
    expect(apply!.needs).toBe('plan');
    expect(jobRuns(apply!.if, { event: 'push', ref: 'refs/heads/main', gated: true })).toBe(true);
    expect(jobRuns(apply!.if, { event: 'push', ref: 'refs/heads/main', gated: true, planResult: 'failure' })).toBe(false);
    expect(apply!.environment).toBe('${{ fromJSON(inputs.target).deployEnvironment }}');
    expect(plan!.environment).not.toBe(apply!.environment);
    expect(runs(apply!)).toContain('run-stacks.ts apply --environment "$ENVIRONMENT" --stacks "$STACKS" --out plans');
    expect(runs(apply!)).not.toMatch(/run-stacks\.ts (plan|deploy|drift)|terraform (plan|apply)/);
    expect(apply!.steps.find((s: Job) => s.uses?.startsWith('aws-actions/'))!.with['role-to-assume']).toBe('${{ fromJSON(inputs.target).deployRoleArn }}');
    expect(readFileSync(join(__dirname, '..', 'scripts', 'ci', 'run-stacks.ts'), 'utf8')).toContain("terraform(dir, ['apply', '-input=false', " +
      "'-no-color', LOCK_TIMEOUT, PLAN_FILE])");
  });

  it('dev plans and applies straight away, only when not gated', () => {
    expect(jobRuns(straight!.if, { event: 'workflow_dispatch', ref: 'refs/heads/main', gated: false })).toBe(true);
    expect(jobRuns(straight!.if, { event: 'workflow_dispatch', ref: 'refs/heads/main', gated: true })).toBe(false);
    expect(straight!.environment).toBe('${{ fromJSON(inputs.target).deployEnvironment }}');
    expect(runs(straight!)).toContain('run-stacks.ts deploy');
  });

  it('runs no job unless the run is main\'s, pushed or dispatched (a pull request calling this workflow reaches no runner)', () => {
    // Inside a called workflow github.ref and github.event_name are the caller's (GitHub docs, "Reusing workflows").
    const refused: Array<[string, string]> = [['pull_request', 'refs/pull/42/merge'], ['pull_request_target', 'refs/heads/main'],
      ['pull_request', 'refs/heads/main'], ['workflow_dispatch', 'refs/heads/feature'], ['push', 'refs/heads/feature'], ['push', 'refs/tags/v1'],
      ['schedule', 'refs/heads/main'], ['workflow_run', 'refs/heads/main'], ['workflow_call', 'refs/heads/main']];
    expect(Object.keys(deployEnv.jobs).sort()).toEqual(['apply', 'deploy', 'plan']);
    for (const [name, job] of Object.entries(deployEnv.jobs)) {
      for (const gated of [true, false]) {
        for (const [event, ref] of refused) expect(jobRuns(job.if, { event, ref, gated }), `${name} on ${event} ${ref}`).toBe(false);
      }
      const runsOnMain = ['push', 'workflow_dispatch'].map((event) => [true, false].some((gated) => jobRuns(job.if, { event, ref: 'refs/heads/main', gated })));
      expect(runsOnMain, name).toEqual([true, true]);
    }
  });

  it('removes plan files whatever happens, in every job that makes or opens them', () => {
    const jobs: Array<[string, Job]> = [...Object.entries(deployEnv.jobs), ['ci plan', ci.jobs.plan!], ['drift', drift.jobs.drift!]];
    for (const [name, job] of jobs) {
      const cleanup = (job.steps as Job[]).at(-1)!;
      expect(cleanup.if, name).toBe('always()');
      expect(cleanup.run, name).toMatch(/^rm -rf plans .*cdktf\.out\/stacks\/\*\/tfplan/);
    }
  });
});

describe('workflows: least privilege', () => {
  const all = files.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => [`${file} ${name}`, job, workflow(file)] as const));
  const oidcLogin = (job: Job) => uses(job).some((u) => /^(aws-actions\/configure-aws-credentials|azure\/login)@/.test(u));

  it('grants nothing at the top, and every job states its own permissions', () => {
    for (const file of files) expect(workflow(file).permissions, file).toEqual({});
    for (const [name, job] of all) expect(job.permissions, name).toBeDefined();
  });

  it('id-token: write only where a job logs in with OIDC (or calls the workflow that does)', () => {
    for (const [name, job] of all) {
      const wantsToken = oidcLogin(job) || job.uses === './.github/workflows/deploy-environment.yml';
      expect(job.permissions['id-token'] === 'write', name).toBe(wantsToken);
    }
  });

  it('pull-requests: write only in the comment job; nothing else writes; contents read at most', () => {
    for (const [name, job] of all) {
      const perms = job.permissions as Record<string, string>;
      const writes = Object.entries(perms).filter(([, level]) => level === 'write').map(([scope]) => scope);
      expect(writes.filter((s) => s !== 'id-token'), name).toEqual(name === 'ci.yml comment' ? ['pull-requests'] : []);
      if (perms.contents) expect(perms.contents, name).toBe('read');
    }
  });

  it('pins every action by full commit SHA with its version in a comment', () => {
    for (const file of files) {
      for (const line of text(file).split('\n').filter((l) => /^\s*(- )?uses: /.test(l))) {
        if (line.includes('./.github/workflows/')) continue;
        expect(line, file).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
      }
    }
  });
});

describe('workflows: pull requests', () => {
  it('skips plans on fork pull requests with a message, instead of failing at login', () => {
    const sameRepo = 'github.event.pull_request.head.repo.full_name == github.repository';
    expect(ci.jobs.plan!.if).toContain(sameRepo);
    expect(ci.jobs.comment!.if).toContain(sameRepo);
    expect(ci.jobs['plan-skipped']!.if).toBe('github.event.pull_request.head.repo.full_name != github.repository');
    expect(runs(ci.jobs['plan-skipped']!)).toContain('Plans skipped: pull requests from forks get no OIDC token or secrets');
  });

  it('updates one comment on every run, failure included', () => {
    const comment = ci.jobs.comment!;
    expect(comment.needs).toEqual(['synth', 'plan']);
    expect(comment.if).toMatch(/^always\(\) && /);
    expect(comment.steps.at(-1).with.script).toContain('upsertComment(github');
  });

  it('estimates cost with Infracost only when its API key is configured', () => {
    const plan = ci.jobs.plan!;
    expect(plan.env.INFRACOST_API_KEY).toBe('${{ secrets.INFRACOST_API_KEY }}');
    expect(plan.steps.find((s: Job) => s.uses?.startsWith('infracost/actions/setup@')).if).toBe("env.INFRACOST_API_KEY != ''");
  });

  it('runs Node from .nvmrc, a supported LTS line, and caches Terraform providers', () => {
    const nvmrc = readFileSync(join(__dirname, '..', '.nvmrc'), 'utf8').trim();
    expect(['22', '24']).toContain(nvmrc);
    const engines = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('^22.12.0 || >=24.0.0');
    for (const file of files) {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of (job.steps ?? []) as Job[]) {
          if (String(step.uses).startsWith('actions/setup-node@')) expect(step.with, file).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
        }
        if (uses(job).some((u) => u.startsWith('hashicorp/setup-terraform@'))) {
          expect(runs(job), file).toContain('TF_PLUGIN_CACHE_DIR=$RUNNER_TEMP/terraform-plugins');
          expect(job.steps.find((s: Job) => s.with?.path === '${{ runner.temp }}/terraform-plugins').uses).toMatch(/^actions\/cache@/);
        }
      }
    }
  });
});
