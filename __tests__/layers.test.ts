/**
 * The layer rules (.dependency-cruiser.cjs, docs/layers.md), run with dependency-cruiser: the
 * repository passes, and a small project written to a temporary directory, with one wrong-way
 * import of each kind and a cycle, is refused with each of them named and none of its allowed
 * imports. `npm run layers` runs the same check from the command line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

/** Each file imports the modules listed; every file exports one constant. */
const FILES: Record<string, string[]> = {
  'config/facts.ts': ['node:path'],
  'config/wrong-up.ts': ['../constructs/thing'],
  'config/cycle-a.ts': ['./cycle-b'],
  'config/cycle-b.ts': ['./cycle-a'],
  'policies/rule.ts': ['../config/facts'],
  'policies/wrong-up.ts': ['../stacks/stack'],
  'constructs/thing.ts': ['../config/facts', '../policies/rule'],
  'constructs/app/app.ts': ['../platform/platform', '../thing'],
  'constructs/platform/platform.ts': ['../../config/facts'],
  'constructs/platform/wrong-app.ts': ['../app/app'],
  'constructs/wrong-new-folder.ts': ['../speedups/patch'],
  'speedups/patch.ts': [],
  'stacks/stack.ts': ['../constructs/thing', '../config/facts'],
  'stacks/wrong-policies.ts': ['../policies/rule'],
  'stacks/wrong-scripts.ts': ['../scripts/tool'],
  'synth/run.ts': ['../stacks/stack', '../policies/rule', '../constructs/thing', '../config/facts'],
  'synth/wrong-scripts.ts': ['../scripts/tool'],
  'scripts/tool.ts': ['../synth/run', '../stacks/stack', '../constructs/app/app', '../config/facts'],
  'main.ts': ['./synth/run', './scripts/tool'],
};

let dir: string;
/** A cruise of `baseDir`: the modules it read and its violations, one line each: `<rule>: <from> -> <to>` (a cycle: its whole path). */
let cruiseOf: (baseDir: string) => Promise<{ modules: string[]; violations: string[] }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [file, imports] of Object.entries(FILES)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    // The cycle's second edge is type-only: a type cycle counts as much as a value cycle.
    const typeOnly = file === 'config/cycle-b.ts';
    const lines = imports.map((from, i) => (typeOnly ? `import type { value as m${i} } from '${from}';` : `import * as m${i} from '${from}';`));
    const value = typeOnly ? 'export const value: unknown = 0;' : `export const value: unknown = [${imports.map((_, i) => `m${i}`).join(', ')}];`;
    writeFileSync(join(dir, file), [...lines, value, ''].join('\n'));
  }
  // ESM-only packages: loaded once for both cruises.
  const { cruise } = await import('dependency-cruiser');
  const { default: extractOptions } = await import('dependency-cruiser/config-utl/extract-depcruise-options');
  const options = await extractOptions(join(ROOT, '.dependency-cruiser.cjs'));
  cruiseOf = async (baseDir) => {
    const { output } = await cruise(['.'], { ...options, baseDir, validate: true, outputType: 'json' });
    const result: ICruiseResult = JSON.parse(String(output));
    const line = (v: ICruiseResult['summary']['violations'][number]) =>
      `${v.rule.name}: ${v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' -> ') : `${v.from} -> ${v.to}`}`;
    return { modules: result.modules.map((m) => m.source), violations: result.summary.violations.map(line).sort() };
  };
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('layer rules (dependency-cruiser)', () => {
  it('the repository has no wrong-way import and no cycle', async () => {
    const { modules, violations } = await cruiseOf(ROOT);
    // Every layer was read (a cruise of nothing would pass too); tests are not cruised.
    const layers = ['config/names.ts', 'policies/engine.ts', 'constructs/preflight.ts', 'stacks/environments.ts', 'synth/run.ts', 'scripts/graph.ts'];
    expect(modules).toEqual(expect.arrayContaining(layers));
    expect(modules.filter((m) => m.startsWith('__tests__/'))).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a wrong-way import of each kind and a cycle are refused, each named; allowed imports are not', async () => {
    expect((await cruiseOf(dir)).violations).toEqual([
      'config-imports-only-itself: config/wrong-up.ts -> constructs/thing.ts',
      'constructs-imports-config-policies: constructs/wrong-new-folder.ts -> speedups/patch.ts',
      'no-circular: config/cycle-a.ts -> config/cycle-b.ts -> config/cycle-a.ts',
      'platform-does-not-import-app: constructs/platform/wrong-app.ts -> constructs/app/app.ts',
      'policies-imports-config: policies/wrong-up.ts -> stacks/stack.ts',
      'stacks-imports-constructs-config: stacks/wrong-policies.ts -> policies/rule.ts',
      'stacks-imports-constructs-config: stacks/wrong-scripts.ts -> scripts/tool.ts',
      'synth-imports-stacks-constructs-policies-config: synth/wrong-scripts.ts -> scripts/tool.ts',
    ]);
  });
});
