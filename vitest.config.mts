import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    globalSetup: ['__tests__/global-setup.ts'],
    // Synthesizing loads large provider bindings; forks keep memory per file bounded.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
