import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Layering (ARCHITECTURE.md): only src-main/hosts/electron imports electron; src-main/domain does
// no I/O; the renderer imports nothing from src-main except src-main/contract. tests/static checks
// the same rules by scanning imports, so a rule switched off here still fails a test.
const NODE_IO = [
  'fs',
  'net',
  'http',
  'https',
  'child_process',
  'dgram',
  'tls',
  'worker_threads',
  'cluster',
  'dns',
  'os',
  'path',
  'readline',
]
const ioPatterns = [...NODE_IO, ...NODE_IO.map((m) => `node:${m}`), 'fs/promises', 'node:fs/promises']
const noElectron = { name: 'electron', message: 'Only src-main/hosts/electron may import electron (STACK.md §2).' }

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'release/**',
      'reports/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
      'migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src-main/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/hosts/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['@electron/remote'], message: 'Banned.' }] },
      ],
    },
  },
  {
    files: ['src-main/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...ioPatterns.map((name) => ({ name, message: 'src-main/domain is pure: no I/O.' }))],
          patterns: [
            {
              group: [
                '**/store/**',
                '**/broker/**',
                '**/hosts/**',
                '**/rpc/**',
                '**/engine/**',
                'better-sqlite3',
                'drizzle-orm*',
                'undici',
                'ws',
                'openai',
              ],
              message: 'src-main/domain is pure: no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              regex: '^(\\.\\./)+src-main/(?!contract/|domain/indicators$)',
              message: 'The renderer imports only src-main/contract (and the pure indicator engine).',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'bridge', message: 'Only src-renderer/rpc.ts picks a transport.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Never render raw HTML (RELIABILITY.md S8).',
        },
        {
          selector: "MemberExpression[property.name='innerHTML']",
          message: 'Never use innerHTML (RELIABILITY.md S8).',
        },
      ],
    },
  },
  {
    files: ['src-renderer/rpc.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src-preload/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
