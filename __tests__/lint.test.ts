import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('lint', () => {
  it('refuses a provider package-root import and accepts a deep import', async () => {
    const eslint = new ESLint({ cwd: `${__dirname}/..` });
    const [root] = await eslint.lintText("export { Vpc } from '@cdktf/provider-aws';\n", { filePath: 'constructs/example.ts' });
    expect(root!.messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
    const [deep] = await eslint.lintText("export { Vpc } from '@cdktf/provider-aws/lib/vpc';\n", { filePath: 'constructs/example.ts' });
    expect(deep!.messages).toEqual([]);
  });
});
