/**
 * README "Adding an environment", followed in a temporary copy of the repository: copy the closest
 * environment file, change what must differ, register it, synthesize. Then the suite's
 * stack-driven checks see the new environment with no list edited under __tests__/ or .github/:
 * the CI and deploy matrices, the snapshot test's expected stacks, the render waivers.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { RENDER_WAIVERS } from '../config/render-waivers';
import { main as matrix } from '../scripts/ci/matrix';
import type { Target } from '../scripts/ci/targets';
import { stackNames } from '../stacks/environments';
import { readOutdir, tempDir } from './support';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const copy = tempDir();
const outdir = join(copy, 'cdktf.out');

/** What must differ from aws-dev: name (and so runner labels and secret names), account, CIDRs, domain. */
const differ = (text: string) =>
  text.replace(/aws-dev/g, 'aws-qa').replace(/111111111111/g, '333333333333').replace(/10\.10\./g, '10.50.').replace(/dev\.chat\.example\.com/g,
    'qa.chat.example.com');

for (const entry of ['config', 'constructs', 'stacks', 'synth', 'scripts', 'policies', 'post-renderers', 'canaries', 'charts', 'provider-locks', 'main.ts',
  'cdktf.json', 'package.json', 'tsconfig.json']) {
  cpSync(join(root, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
const envDir = join(copy, 'config', 'environments');
writeFileSync(join(envDir, 'aws-qa.ts'), differ(readFileSync(join(envDir, 'aws-dev.ts'), 'utf8')));
const index = readFileSync(join(envDir, 'index.ts'), 'utf8');
writeFileSync(
  join(envDir, 'index.ts'),
  index.replace("import awsProd from './aws-prod';", "import awsProd from './aws-prod';\nimport awsQa from './aws-qa';").replace("  'aws-prod': awsProd,",
    "  'aws-prod': awsProd,\n  'aws-qa': awsQa,"),
);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const inCopy = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(tsx, args, { cwd: copy, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir, ...env } });

/** The same registry in this process, for the checks that run here. */
const registry = { ...ENVIRONMENTS, 'aws-qa': JSON.parse(differ(JSON.stringify(ENVIRONMENTS['aws-dev']))) as unknown };

describe('adding an environment (README steps in a temporary copy)', () => {
  it('synthesizes it, its own state store included', () => {
    inCopy(['main.ts'], { ENVIRONMENTS: 'aws-qa' });
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['aws-qa-app', 'aws-qa-cluster', 'aws-qa-network', 'aws-qa-platform',
      'bootstrap-euw1-333333333333']);
  }, 120_000);

  it('is in the PR, drift and deploy matrices, with its stacks in order, runners and identities', () => {
    process.env.CDKTF_OUT = outdir;
    try {
      const all = JSON.parse(matrix(['targets'], registry)) as Target[];
      expect(all).toEqual([
        expect.objectContaining({ environment: 'aws-qa', gated: false, stacks: 'aws-qa-network aws-qa-cluster aws-qa-platform aws-qa-app',
          planRunner: ['self-hosted', 'linux', 'x64', 'aws-qa', 'plan'], planEnvironment: 'aws-qa-plan', deployEnvironment: 'aws-qa',
          planRoleArn: 'arn:aws:iam::333333333333:role/aws-qa-ci-plan', deployRoleArn: 'arn:aws:iam::333333333333:role/aws-qa-ci-deploy' }),
      ]);
      expect(JSON.parse(matrix(['targets', '--tier', 'dev'], registry))).toEqual(all);
      expect(JSON.parse(matrix(['targets', '--tier', 'prod'], registry))).toEqual([]);
    } finally {
      delete process.env.CDKTF_OUT;
    }
  });

  it("is in the snapshot test's expected stacks, which match what was synthesized", () => {
    // A selection leaves the repository-wide GitHub settings stack out.
    const expected = stackNames(loadEnvironments(registry, 'aws-qa'), loadEnvironments(registry, undefined));
    expect(expected.sort()).toEqual(Object.keys(readOutdir(outdir).stacks).sort());
    expect(stackNames(loadEnvironments(registry, undefined))).toEqual(expect.arrayContaining(['aws-prod-app', 'aws-qa-app']));
  });

  it('gets every render waiver its closest example gets (waivers are per chart, not per environment)', () => {
    for (const layer of ['network', 'cluster', 'platform', 'app']) {
      const applies = (stack: string) => RENDER_WAIVERS.filter((w) => new RegExp(`^(?:${w.stacks})$`).test(stack)).map((w) => w.reason);
      expect(applies(`aws-qa-${layer}`), layer).toEqual(applies(`aws-dev-${layer}`));
    }
  });

  it('needs no list under __tests__ or .github: none names every registered environment', () => {
    const names = Object.keys(ENVIRONMENTS);
    const files = [...readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(__dirname, f)),
      ...readdirSync(join(root, '.github', 'workflows')).map((f) => join(root, '.github', 'workflows', f))];
    const lists = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        // "contains at least the examples" is fine; "is exactly these" is the list that breaks.
        .filter((line) => !line.includes('arrayContaining'))
        .flatMap((line) => [...line.matchAll(/\[[^\]]*\]/g)].map((m) => m[0]))
        // Exactly the registered names: a list with other names too (a fake directory listing) is not one.
        .filter((list) => {
          const items = [...list.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!);
          return items.length === names.length && names.every((n) => items.includes(n));
        })
        .map((list) => `${file}: ${list}`),
    );
    expect(lists).toEqual([]);
  });
});
