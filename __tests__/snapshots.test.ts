/**
 * A safety net over the behavioural tests: any change to synthesized Terraform
 * shows up as a reviewable diff in __tests__/__snapshots__/stacks/. Update with
 * `npm run test:update` and review the diff like code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthExamples } from './helpers';

const { stacks } = synthExamples();

describe('synthesized stacks', () => {
  it('are synthesized by cdktf 0.21.0, whose toTerraform LayerStack copies (constructs/layer-stack.ts)', () => {
    // A cdktf upgrade must revisit that copy; the snapshots below then show any difference byte for byte.
    expect(JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', 'cdktf', 'package.json'), 'utf8')).version).toBe('0.21.0');
  });

  it('synthesizes the bootstrap stacks and all four layers for every example environment', () => {
    expect(Object.keys(stacks).sort()).toEqual([
      'aws-dev-app',
      'aws-dev-cluster',
      'aws-dev-network',
      'aws-dev-platform',
      'aws-prod-app',
      'aws-prod-cluster',
      'aws-prod-network',
      'aws-prod-platform',
      'azure-dev-app',
      'azure-dev-cluster',
      'azure-dev-network',
      'azure-dev-platform',
      'azure-prod-app',
      'azure-prod-cluster',
      'azure-prod-network',
      'azure-prod-platform',
      'bootstrap-example-rocketchat-tfstate-111111111111',
      'bootstrap-example-rocketchat-tfstate-222222222222',
      'bootstrap-exrctfstatedev01',
      'bootstrap-exrctfstateprod01',
    ]);
  });

  it.each(Object.keys(stacks).sort())('%s matches its snapshot', async (name) => {
    await expect(`${JSON.stringify(stacks[name], null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/stacks/${name}.tf.json`);
  });
});
