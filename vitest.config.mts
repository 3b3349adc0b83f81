import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // An accidental `import 'electron'` under Node would try to download the binary (STACK.md §2).
    alias: { electron: resolve(import.meta.dirname, 'tests/mocks/electron.ts') },
  },
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-renderer/**/*.test.ts',
      'tests/unit/**/*.test.ts',
      'tests/integration/**/*.test.ts',
      'tests/static/**/*.test.ts',
    ],
    environment: 'node',
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
