// Type-aware linting: the rules that catch floating promises and unsafe `any` matter most in
// a system whose correctness hangs on awaited transactions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'bin/', '**/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // What the build compiles (tsconfig.build.json) must not depend on test support: harnesses and
    // fixtures under test/ would otherwise end up in dist/ and the production image. The benchmark
    // is not built (npm run bench runs it with tsx) and starts its systems with the e2e harness.
    files: ['services/**/*.ts', 'migrations/**/*.ts', 'scripts/token.ts', 'scripts/auth-keys.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+test/',
              message: 'Test support stays out of the build: move what both need under services/common/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The console's browser scripts: plain JavaScript served as is (no build), so not type-checked.
    files: ['services/relay/console/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'fetch',
          'EventSource',
          'FormData',
          'URLSearchParams',
          'Option',
          'setTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  prettier,
);
