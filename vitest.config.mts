import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/global-setup.ts'],
    // Synthesizing loads large provider bindings; forks keep them out of the runner process.
    pool: 'forks',
    // Files share a worker's module cache: re-importing cdktf and the providers per file cost
    // ~25 s of a 2-core run. No test depends on fresh module state (each synthesizes its own App).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
