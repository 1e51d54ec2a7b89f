import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them.
    maxWorkers: 2,
    // electron-store is ESM that imports `electron`: inlined, it sees the tests' vi.mock('electron').
    server: { deps: { inline: ['electron-store'] } },
  },
});
