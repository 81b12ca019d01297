/**
 * Vitest as Stryker runs it (`npm run mutate`): the project's settings, only the test files of the
 * mutation scope (stryker.config.mjs) minus its slow tests, and a global setup that synthesizes
 * without rendering Helm.
 */
import { defineConfig } from 'vitest/config';
import { MUTATION_TESTS, SLOW_TESTS } from './stryker.config.mjs';
import base from './vitest.config.mts';

export default defineConfig({
  test: {
    ...base.test,
    include: MUTATION_TESTS,
    // Every test whose name does not match SLOW_TESTS.
    testNamePattern: new RegExp(`^(?!.*(?:${SLOW_TESTS.source}))`),
    globalSetup: ['__tests__/support/global-setup-synth.ts'],
  },
});
