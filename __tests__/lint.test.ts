import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/** Rule ids eslint reports for one snippet, linted as a project source file. */
let lint: (code: string, filePath?: string) => Promise<Array<string | null>>;

beforeAll(() => {
  const eslint = new ESLint({ cwd: `${__dirname}/..` });
  lint = async (code, filePath = 'constructs/example.ts') => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.map((m) => m.ruleId);
  };
});

describe('lint: providers only by deep path', () => {
  it.each([
    ["export { Vpc } from '@cdktf/provider-aws';", 'no-restricted-imports'],
    ["export * from '@cdktf/provider-azurerm';", 'no-restricted-imports'],
    ["import * as aws from '@cdktf/provider-aws/';\nexport { aws };", 'no-restricted-imports'],
    ["import * as aws from '@cdktf/provider-aws/lib';\nexport { aws };", 'no-restricted-imports'],
    ["import * as aws from '@cdktf/provider-aws/lib/';\nexport { aws };", 'no-restricted-imports'],
    ["import { vpc } from '@cdktf/provider-aws/lib/index';\nexport { vpc };", 'no-restricted-imports'],
    ["import { vpc } from '@cdktf/provider-aws/lib/index.js';\nexport { vpc };", 'no-restricted-imports'],
    ["import type { vpc } from '@cdktf/provider-kubernetes';\nexport type { vpc };", 'no-restricted-imports'],
    ["export const aws = require('@cdktf/provider-aws');", 'no-restricted-syntax'],
    ["export const aws = require('@cdktf/provider-aws/lib/index');", 'no-restricted-syntax'],
    ['export const aws = require(`@cdktf/provider-aws/`);', 'no-restricted-syntax'],
    ["export const load = () => import('@cdktf/provider-aws');", 'no-restricted-syntax'],
    ["export const load = () => import('@cdktf/provider-helm/lib');", 'no-restricted-syntax'],
    ["import aws = require('@cdktf/provider-aws');\nexport default aws;", 'no-restricted-imports'],
  ])('refuses %s', async (code, rule) => {
    expect(await lint(code)).toEqual([rule]);
  });

  it('refuses a root require() in a CommonJS script too', async () => {
    expect(await lint("module.exports = require('@cdktf/provider-aws');\n", 'scripts/example.cjs')).toEqual(['no-restricted-syntax']);
  });

  it.each([
    "export { Vpc } from '@cdktf/provider-aws/lib/vpc';",
    "export { Vpc } from '@cdktf/provider-aws/lib/vpc/index';",
    "import type { Release } from '@cdktf/provider-helm/lib/release';\nexport type { Release };",
    "export const vpc = require('@cdktf/provider-aws/lib/vpc');",
    "export const load = () => import('@cdktf/provider-aws/lib/vpc');",
    "import vpc = require('@cdktf/provider-aws/lib/vpc');\nexport default vpc;",
    "export const providers = ['@cdktf/provider-aws'];",
  ])('accepts %s', async (code) => {
    expect(await lint(code)).toEqual([]);
  });
});

describe('lint: test files', () => {
  /** Lines over 160 characters in `files` (relative to __tests__), as file:line. */
  const longLines = (files: string[]) =>
    files.flatMap((f) => readFileSync(join(__dirname, f), 'utf8').split('\n').flatMap((l, i) => (l.length > 160 ? [`__tests__/${f}:${i + 1}`] : [])));

  it('has no line over 160 characters under __tests__', () => {
    const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('support/index.ts');
    expect(longLines(files)).toEqual([]);
  });
});
