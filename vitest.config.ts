import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Spawned-CLI tests start real node processes; keep the pool small on 2-core machines.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
