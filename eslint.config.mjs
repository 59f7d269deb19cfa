import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'data/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allow: [{ from: 'lib', name: 'BigInt' }] }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `_name` marks a value left out on purpose, as in `const { dropped: _dropped, ...rest } = x`.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The dashboard's script runs in the browser: its own project, with the DOM's types.
    files: ['services/api/dashboard/**/*.ts'],
    languageOptions: { parserOptions: { project: './services/api/dashboard/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The core and the simulator are pure: no Node built-ins, no drivers. Adapters and services are exempt.
    files: ['packages/core/src/**/*.ts', 'packages/simulator/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'net', 'http', 'child_process', 'util'], message: 'the core holds no I/O' },
            { group: ['pg', 'better-sqlite3', 'kafkajs', 'pino', '@kurrent/*'], message: 'drivers belong in adapters' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
