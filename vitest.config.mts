import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/support/global-setup.ts'],
    // Synthesizing loads large provider bindings; forks keep them out of the runner process.
    pool: 'forks',
    // Vitest runs one worker on a 2-core machine (cores - 1): the offline plan (terraform) then ran
    // alone for ~45 s while a core idled. Two workers overlap it with the other files.
    maxWorkers: 2,
    // Files share a worker's module cache: re-importing cdktf and the providers per file cost
    // ~25 s of a 2-core run. No test depends on fresh module state (each synthesizes its own App).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
