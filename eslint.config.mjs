// Lint for the TypeScript sources. The one project-specific rule: providers are
// imported by deep path only (the package root costs 5x time and 6x memory).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * A provider package's root in any spelling that loads every binding:
 * `@cdktf/provider-aws`, with a trailing `/`, `/lib`, `/lib/index`, `/lib/index.js`, `/index`.
 * Deep paths such as `@cdktf/provider-aws/lib/vpc` do not match.
 */
const PROVIDER_ROOT = /^@cdktf\/provider-[a-z0-9-]+(\/lib(\/index(\.js)?)?|\/index(\.js)?)?\/?$/;
const PROVIDER_MESSAGE =
  'Import providers by deep path, e.g. @cdktf/provider-aws/lib/vpc: the package root loads every binding (5x slower synth, 6x memory).';
/** The same paths loaded with require() or import(), which no-restricted-imports does not see (it does see `import x = require()`). */
const rootLoads = [
  'CallExpression[callee.type="Identifier"][callee.name="require"] > Literal.arguments',
  'CallExpression[callee.type="Identifier"][callee.name="require"] > TemplateLiteral.arguments[expressions.length=0] > TemplateElement',
  'ImportExpression > Literal.source',
  'ImportExpression > TemplateLiteral.source[expressions.length=0] > TemplateElement',
].map((node) => ({
  selector: `${node}[${node.endsWith('TemplateElement') ? 'value.cooked' : 'value'}=/${PROVIDER_ROOT.source}/]`,
  message: PROVIDER_MESSAGE,
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdktf.out/**', 'cdktf.out.staging/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.cjs', '**/*.mjs', '**/*.js'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: PROVIDER_ROOT.source, message: PROVIDER_MESSAGE }] }],
      'no-restricted-syntax': ['error', ...rootLoads],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
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
