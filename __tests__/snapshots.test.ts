/**
 * A safety net over the behavioural tests: any change to synthesized Terraform
 * shows up as a reviewable diff in __tests__/__snapshots__/stacks/. Update with
 * `npm run test:update` and review the diff like code.
 *
 * One difference from cdktf.out, for reviewers: each helm_release's `values`
 * documents (one JSON string each when synthesized) are stored parsed and
 * indented, so changing one chart value changes one line of the diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { stackNames } from '../stacks/environments';
import { synthExamples, type Json } from './support';

const { stacks } = synthExamples();
const SNAPSHOT_DIR = join(__dirname, '__snapshots__', 'stacks');

/** The stack as a reviewer reads it: Helm values documents parsed. */
export function reviewable(stack: Json): Json {
  const copy = structuredClone(stack);
  for (const release of Object.values<Json>(copy.resource?.helm_release ?? {})) {
    if (Array.isArray(release.values)) release.values = release.values.map((doc: unknown) => (typeof doc === 'string' && doc.startsWith('{') ? JSON
      .parse(doc) : doc));
  }
  return copy;
}

describe('synthesized stacks', () => {
  it('are synthesized by cdktf 0.21.0, whose code the synth speed-ups copy and patch (constructs/synth-speedups/)', () => {
    // A cdktf upgrade must revisit those copies (SYNTH_SPEEDUPS=off first); the snapshots below then show any difference byte for byte.
    expect(JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', 'cdktf', 'package.json'), 'utf8')).version).toBe('0.21.0');
  });

  it('synthesizes the bootstrap stacks and all four layers of every registered environment', () => {
    const expected = stackNames(loadEnvironments(ENVIRONMENTS, undefined));
    expect(Object.keys(stacks).sort()).toEqual(expected.sort());
    // Four layers per registered environment, plus one bootstrap stack per state store (the examples share none).
    expect(expected.filter((s) => !s.startsWith('bootstrap-') && !s.startsWith('gh-'))).toHaveLength(Object.keys(ENVIRONMENTS).length * 4);
    expect(expected).toContain('bootstrap-euw1-222222222222');
  });

  it('keeps no snapshot of a stack that is no longer synthesized', () => {
    const orphans = readdirSync(SNAPSHOT_DIR).filter((file) => !stacks[file.replace(/\.tf\.json$/, '')]);
    expect(orphans, `delete these from ${SNAPSHOT_DIR}`).toEqual([]);
  });

  it('stores Helm values one setting per line', () => {
    const release = Object.values<Json>(reviewable(stacks['aws-prod-platform']!).resource.helm_release).find((r) => r.chart === 'external-dns')!;
    expect(release.values[0].txtPrefix).toBe('extdns-');
  });

  it.each(Object.keys(stacks).sort())('%s matches its snapshot', async (name) => {
    await expect(`${JSON.stringify(reviewable(stacks[name]!), null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/stacks/${name}.tf.json`);
  });
});
