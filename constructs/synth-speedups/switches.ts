/**
 * The switches of the synth speed-ups in this folder, read here and nowhere else. Every
 * speed-up is on unless switched off:
 *   SYNTH_SPEEDUPS=off                          all of them off (cdktf's and tsx's own behaviour)
 *   SYNTH_SPEEDUPS_OFF=resolve-document,asset-copy   the named ones off
 *   CDKTF_SOURCE_MAPS=1                         the start-up ones off (a debugging session's stack traces)
 * They change how fast a synth runs, never what it writes: __tests__/synth-speedups.test.ts
 * synthesizes every example with all of them off and compares the output byte for byte.
 * Each is a patch of, or a copy from, cdktf 0.21's private code (the final cdktf release);
 * moving to another cdktf (the cdktn fork) starts with SYNTH_SPEEDUPS=off, then re-verifies each.
 */

/** Every speed-up, by the name its switch uses, with what it replaces (README, "Synth speed-ups", has what each saves). */
export const SPEEDUPS = {
  'source-maps': "tsx's source-map support off during synth (startup.ts)",
  'stack-traces': "cdktf's per-token creation stack trace not captured (startup.ts)",
  'jsii-loader': "cdktf's and the providers' CommonJS compiled without tsx's ESM scan (startup.ts)",
  'jsii-source-map-cut': "their inline source maps cut before compiling; needs jsii-loader (startup.ts)",
  'skip-prepare': "cdktf's preparing pass over every token of a stack skipped (stack-document.ts)",
  'stack-document': "a stack's document without cdktf's second resolution of the merged whole (stack-document.ts)",
  'resolve-document': 'tokens resolved only where there are tokens; needs stack-document (resolve-document.ts)',
  'asset-hash': "an asset source's hash computed once per process (asset-hash.ts)",
  'asset-copy': "an asset source listed once per process, copied with cdktf's steps (asset-copy.ts)",
  'output-move': 'a new output directory moved with one rename (output-move.ts)',
} as const;

export type Speedup = keyof typeof SPEEDUPS;

const NAMES = Object.keys(SPEEDUPS) as Speedup[];
const STARTUP: readonly Speedup[] = ['source-maps', 'stack-traces', 'jsii-loader', 'jsii-source-map-cut'];

export interface Switches {
  /** The speed-ups switched off. */
  readonly off: ReadonlySet<Speedup>;
  /** One line per value that is not a setting (the speed-ups it names stay on until it is fixed). */
  readonly problems: readonly string[];
}

function isSpeedup(name: string): name is Speedup {
  return Object.hasOwn(SPEEDUPS, name);
}

export function readSwitches(env: NodeJS.ProcessEnv): Switches {
  const off = new Set<Speedup>();
  const problems: string[] = [];
  const all = env.SYNTH_SPEEDUPS?.trim();
  if (all === 'off') NAMES.forEach((n) => off.add(n));
  else if (all && all !== 'on') problems.push(`SYNTH_SPEEDUPS: ${JSON.stringify(env.SYNTH_SPEEDUPS)} is not a setting (allowed: on, off)`);
  for (const name of (env.SYNTH_SPEEDUPS_OFF ?? '').split(',').map((n) => n.trim()).filter(Boolean)) {
    if (isSpeedup(name)) off.add(name);
    else problems.push(`SYNTH_SPEEDUPS_OFF: ${JSON.stringify(name)} is not a speed-up (allowed: ${NAMES.join(', ')})`);
  }
  if (env.CDKTF_SOURCE_MAPS === '1') STARTUP.forEach((n) => off.add(n));
  return { off, problems };
}

const SWITCHES = readSwitches(process.env);

export function enabled(name: Speedup): boolean {
  return !SWITCHES.off.has(name);
}

/** Invalid switch values in the environment, rejected by the synth (synth/run.ts) before anything is written. */
export function switchProblems(): readonly string[] {
  return readSwitches(process.env).problems;
}
