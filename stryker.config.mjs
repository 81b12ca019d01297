// @ts-check
import process from 'node:process';
/**
 * Mutation testing of the security-bearing code: `npm run mutate` (not part of `npm test`).
 * Scope, run time and the survivors judged harmless: docs/mutation-testing.md.
 *
 * Bounded time on 2 cores: only the files below are mutated, only the fast test files below run
 * (vitest.mutate.config.mts, whose global setup synthesizes once per worker and renders nothing),
 * per-test coverage runs only the tests that reach a mutant, static mutants (module-level
 * constants, which would need every test per mutant) are skipped, and incremental mode re-tests
 * only mutants whose code or tests changed since reports/stryker-incremental.json.
 * MUTATE=<glob,...> narrows the mutated files for one run (e.g. MUTATE=policies/rules-aws.ts).
 */

/** Test files that exercise the mutated code without a Helm render or a Terraform plan. */
export const MUTATION_TESTS = [
  '__tests__/policies.test.ts',
  '__tests__/policies-constructs.test.ts',
  '__tests__/config-rules-delivery.test.ts',
  '__tests__/mutation-kills.test.ts',
];

/**
 * Tests left out of mutant runs (they still run in `npm test`): each synthesizes whole environments
 * (10-30 s), and per-test coverage would run them for every mutant of every rule, since a synth
 * runs every rule. The fixtures and real-construct cases cover the same rules in milliseconds.
 */
export const SLOW_TESTS = /policy checks at synth|real Ingresses once their HTTPS settings are removed/;

/** The slice that runs today (docs/mutation-testing.md says what remains and why). */
const MUTATE = [
  'policies/engine.ts',
  'policies/rule-kit.ts',
  'policies/rules-aws.ts',
  'policies/rules-azure.ts',
  'policies/rules-common.ts',
  'config/rules-delivery.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.mts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: process.env.MUTATE ? process.env.MUTATE.split(',') : MUTATE,
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  ignorePatterns: ['cdktf.out', 'cdktf.out.*', '.charts', 'reports', 'terraform-state', 'coverage'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 75, break: null },
};
