// Lint for the TypeScript sources. The one project-specific rule: providers are
// imported by deep path only (the package root costs 5x time and 6x memory).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdktf.out/**', 'cdktf.out.staging/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@cdktf/provider-[a-z]+$',
              message: 'Import providers by deep path, e.g. @cdktf/provider-aws/lib/vpc: the package root loads every binding (5x slower synth, 6x memory).',
            },
          ],
        },
      ],
      // Synthesized Terraform JSON is untyped by nature; tests and policies read it as such.
      '@typescript-eslint/no-explicit-any': 'off',
      // Lazy loading of heavy modules is a deliberate pattern where it appears.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
