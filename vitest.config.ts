import { defineConfig } from 'vitest/config';

// Test tiers: unit tests sit beside the source (src/**/*.test.ts); store, api and cli tests
// live in test/. Every tier runs in `npm test`.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/_util/global-setup.ts'],
  },
});
