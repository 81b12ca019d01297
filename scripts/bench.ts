/**
 * `npm run bench`: times a full synth of every example environment against
 * cdktf's floor (scripts/bench-floor.ts), with the synth speed-ups on (as
 * `cdktf synth` runs) and all off (SYNTH_SPEEDUPS=off, constructs/synth-speedups/).
 * Each runs exactly as `cdktf synth` runs the app (the tsx CLI from cdktf.json,
 * without npx's own start-up), in fresh processes with empty output directories,
 * alternating, BENCH_RUNS times each. Prints the fastest and the median run of
 * each, their ratios and peak RSS. The gate uses the fastest runs with the
 * speed-ups on: on a shared 2-core VM the median moves by ±15% between identical
 * runs, while the minimum is the closest reading of the work itself. Also one
 * in-process breakdown of each (scripts/bench-phases.ts) and how the synth grows
 * per added environment: ENVIRONMENTS with the first 1, 2, ... N registered
 * environments (BENCH_GROWTH_RUNS fastest of each; 0 skips it).
 * `npm run bench -- --pieces` also times the synth with each speed-up alone off
 * (SYNTH_SPEEDUPS_OFF=<name>), which is what that speed-up saves.
 * Writes every figure to docs/measurements.md (the one place figures live), and
 * with --pieces the README's table of what each speed-up saves; `--tests` also
 * times one `npm test` (CI=true, as CI runs it) and writes its block; `--no-write`
 * only prints. Exits 0 when the targets are met (full synth
 * <= 2.5x the floor, peak RSS <= 350 MB, speed-ups on), 1 when missed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { SPEEDUPS, type Speedup } from '../constructs/synth-speedups/switches';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GROWTH_RUNS = Number(process.env.BENCH_GROWTH_RUNS ?? 3);
const PIECES = process.argv.includes('--pieces');
const WRITE = !process.argv.includes('--no-write');
const TESTS = process.argv.includes('--tests');
const TARGET_RATIO = 2.5;
const TARGET_RSS_MB = 350;
const root = join(__dirname, '..');
const MEASUREMENTS = join(root, 'docs', 'measurements.md');
const README = join(root, 'README.md');
/** The README's table of what each speed-up saves, between these lines, is written by `--pieces`. */
const README_START = '<!-- speedups:start (npm run bench -- --pieces) -->';
const README_END = '<!-- speedups:end -->';

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
}

/** Switch settings of one timed process: every variable set, so the shell's own cannot leak in. */
function switches(off: 'none' | 'all' | Speedup): Record<string, string> {
  if (off === 'none') return { SYNTH_SPEEDUPS: 'on', SYNTH_SPEEDUPS_OFF: '', CDKTF_SOURCE_MAPS: '' };
  if (off === 'all') return { SYNTH_SPEEDUPS: 'off', SYNTH_SPEEDUPS_OFF: '', CDKTF_SOURCE_MAPS: '' };
  return { SYNTH_SPEEDUPS: 'on', SYNTH_SPEEDUPS_OFF: off, CDKTF_SOURCE_MAPS: '' };
}

function once(entry: string, off: 'none' | 'all' | Speedup = 'none', environments?: string): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const rssDir = join(dir, 'rss');
  mkdirSync(rssDir);
  const outdir = join(dir, 'cdktf.out');
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'rss-probe.cjs')}`.trim();
  const start = process.hrtime.bigint();
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: root,
    env: { ...process.env, ...switches(off), CDKTF_OUTDIR: outdir, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: nodeOptions, ENVIRONMENTS: environments ?? '' },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${entry} failed:\n${result.stderr}`);
  const stacks = readdirSync(join(outdir, 'stacks')).length;
  if (stacks === 0) throw new Error(`${entry} wrote no stacks`);
  const rssMb = Math.max(...readdirSync(rssDir).map((pid) => Number(readFileSync(join(rssDir, pid), 'utf8')))) / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rssMb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fastest = (samples: readonly Sample[]): number => Math.min(...samples.map((s) => s.seconds));
const peak = (samples: readonly Sample[]): number => Math.max(...samples.map((s) => s.rssMb));
const s2 = (n: number): string => `${n.toFixed(2)} s`;

/** One in-process breakdown of the full synth (scripts/bench-phases.ts). */
function phases(off: 'none' | 'all'): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/bench-phases.ts'], {
    cwd: root,
    env: { ...process.env, ...switches(off), CDKTF_OUTDIR: join(dir, 'cdktf.out') },
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`bench-phases failed:\n${result.stderr}`);
  const p = JSON.parse(result.stdout) as Record<string, number>;
  return `start-up and load ${p.load}, build ${p.build}, synth ${p.synth}, policy ${p.policy}`;
}

/** One `npm test` as CI runs it (CI=true), timed; its block for docs/measurements.md. */
function testSuite(): string {
  const start = process.hrtime.bigint();
  const result = spawnSync('npm', ['test'], { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`npm test failed, so it was not timed:\n${result.stdout.slice(-3000)}${result.stderr.slice(-2000)}`);
  const plain = result.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const counts = (/Tests\s+(.*?)\s*\(/.exec(plain)?.[1] ?? 'unknown').replaceAll(' | ', ', ');
  const vitest = /Duration\s+([\d.]+)s/.exec(plain)?.[1];
  return [
    '<!-- tests:start -->',
    `Written by \`npm run bench -- --tests\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: one \`npm test\` with \`CI=true\`, ` +
      `load average (1 min) ${loadavg()[0]!.toFixed(2)} after, on ${availableParallelism()} cores (budget: 150 s on 2 cores).`,
    '',
    '| `npm test` (wall) | vitest | tests |',
    '| --- | --- | --- |',
    `| ${seconds.toFixed(0)} s | ${vitest ? `${Number(vitest).toFixed(0)} s` : 'unknown'} | ${counts} |`,
    '<!-- tests:end -->',
  ].join('\n');
}

const loadBefore = loadavg()[0]!;
const floor: Sample[] = [];
const on: Sample[] = [];
const off: Sample[] = [];
once('main.ts'); // warm the file system cache and tsx's transform cache
for (let i = 0; i < RUNS; i++) {
  floor.push(once('scripts/bench-floor.ts'));
  on.push(once('main.ts', 'none'));
  off.push(once('main.ts', 'all'));
}

const floorS = fastest(floor);
const floorMedian = median(floor.map((s) => s.seconds));
const row = (samples: Sample[]) => {
  const best = fastest(samples);
  const mid = median(samples.map((s) => s.seconds));
  return { best, mid, ratio: best / floorS, ratioMedian: mid / floorMedian, rss: peak(samples) };
};
const full = { on: row(on), off: row(off) };
const inProcess = { on: phases('none'), off: phases('all') };

const out = (line: string): void => console.log(line);

out(`runs each:                  ${RUNS}`);
out(`floor (1 resource):         ${s2(floorS)} fastest, ${s2(floorMedian)} median, peak RSS ${peak(floor).toFixed(0)} MB`);
for (const [name, r] of Object.entries(full)) {
  out(`full synth, speed-ups ${name.padEnd(3)}:  ${s2(r.best)} fastest, ${s2(r.mid)} median, peak RSS ${r.rss.toFixed(0)} MB, ratio ${r.ratio.toFixed(2)} fastest / ${r.ratioMedian.toFixed(2)} median`);
}
out(`full synth, in process (ms, one run): on: ${inProcess.on}; off: ${inProcess.off}`);

/** What each speed-up saves: the full synth with it alone off, against all on (fastest of each). */
const pieces: { name: Speedup; seconds: number }[] = [];
if (PIECES) {
  const names = Object.keys(SPEEDUPS) as Speedup[];
  const samples = new Map<Speedup, Sample[]>(names.map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const name of names) samples.get(name)!.push(once('main.ts', name));
    on.push(once('main.ts', 'none'));
  }
  out(`each speed-up alone off (fastest of ${RUNS}; all on: ${s2(fastest(on))}):`);
  for (const name of names) {
    const seconds = fastest(samples.get(name)!);
    pieces.push({ name, seconds });
    out(`  ${name.padEnd(20)} ${s2(seconds)}, saves ${s2(seconds - fastest(on))}`);
  }
}

// Growth: the fixed start-up is paid once; what each environment adds is its stacks' build and synthesis.
const growth: { n: number; name: string; seconds: number }[] = [];
if (GROWTH_RUNS > 0) {
  const names = Object.keys(ENVIRONMENTS).sort();
  out(`synth by environment count, speed-ups on (fastest of ${GROWTH_RUNS}):`);
  for (let n = 1; n <= names.length; n++) {
    const seconds = Math.min(...Array.from({ length: GROWTH_RUNS }, () => once('main.ts', 'none', names.slice(0, n).join(',')).seconds));
    const previous = growth.at(-1)?.seconds;
    growth.push({ n, name: names[n - 1]!, seconds });
    out(`  ${n} env${n > 1 ? 's' : ' '} ${s2(seconds)} (${(seconds / floorS).toFixed(2)}x floor${previous === undefined ? '' : `, +${s2(seconds - previous)} for ${names[n - 1]}`})`);
  }
}

const loadAfter = loadavg()[0]!;
// Last: the test suite loads both cores for minutes, and the synth timings above must not run in its wake.
const tests = TESTS ? testSuite() : undefined;
const met = full.on.ratio <= TARGET_RATIO && full.on.rss <= TARGET_RSS_MB;
const verdict = `ratio ${full.on.ratio.toFixed(2)} (target <= ${TARGET_RATIO}), peak RSS ${full.on.rss.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`;
out(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${availableParallelism()} cores`);

const when = new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
const piecesTable = [
  `The full synth with one speed-up alone off (\`SYNTH_SPEEDUPS_OFF=<name>\`), fastest of ${RUNS}, against all on (fastest ${s2(fastest(on))}; ` +
    `all off: ${s2(full.off.best)}). Measured ${when}, ${availableParallelism()} cores, load average ${loadBefore.toFixed(2)} before and ` +
    `${loadAfter.toFixed(2)} after. A saving smaller than the run-to-run noise (about 0.1 s on a quiet machine) is not distinguishable from none.`,
  '',
  '| speed-up | what it does | full synth with it off | saves |',
  '| --- | --- | --- | --- |',
  ...pieces.map((p) => `| \`${p.name}\` | ${SPEEDUPS[p.name]} | ${s2(p.seconds)} | ${s2(p.seconds - fastest(on))} |`),
];

if (WRITE) {
  const command = `npm run bench${PIECES ? ' -- --pieces' : ''}${RUNS !== 7 ? ` (BENCH_RUNS=${RUNS})` : ''}`;
  const table = [
    '| | fastest | median | ratio to the floor (fastest / median) | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    `| floor: one resource, deep import (scripts/bench-floor.ts) | ${s2(floorS)} | ${s2(floorMedian)} | 1 | ${peak(floor).toFixed(0)} MB |`,
    `| full synth, every example, speed-ups on (as \`cdktf synth\` runs) | ${s2(full.on.best)} | ${s2(full.on.mid)} | **${full.on.ratio.toFixed(2)}** / ${full.on.ratioMedian.toFixed(2)} | ${full.on.rss.toFixed(0)} MB |`,
    `| full synth, every example, speed-ups off (\`SYNTH_SPEEDUPS=off\`) | ${s2(full.off.best)} | ${s2(full.off.mid)} | ${full.off.ratio.toFixed(2)} / ${full.off.ratioMedian.toFixed(2)} | ${full.off.rss.toFixed(0)} MB |`,
  ];
  const doc = [
    '# Measured figures',
    '',
    '<!-- Generated by scripts/bench.ts: do not edit by hand. Run `npm run bench -- --pieces --tests` on a quiet machine to refresh. -->',
    '',
    `Generated by \`${command}\` on ${when}: Node ${process.version}, ${availableParallelism()} cores, load average (1 min) ` +
      `${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after, ${RUNS} runs of each, alternating, each a fresh process ` +
      'with an empty output directory through the tsx CLI `cdktf synth` runs. A load average near or above the core count means the ' +
      'figures are slower and noisier than on a quiet machine.',
    '',
    ...(Math.max(loadBefore, loadAfter) >= availableParallelism()
      ? ['**Measured on a busy machine** (load average at or above the core count): the figures below are not comparable with a quiet run; run it again.', '']
      : []),
    '## Full synth against the floor',
    '',
    ...table,
    '',
    `Targets (speed-ups on, fastest runs): full synth <= ${TARGET_RATIO}x the floor, peak RSS <= ${TARGET_RSS_MB} MB: **${met ? 'met' : 'missed'}** (${verdict}).`,
    '',
    'In process, one run each (scripts/bench-phases.ts, milliseconds from process start):',
    '',
    `- speed-ups on: ${inProcess.on}`,
    `- speed-ups off: ${inProcess.off}`,
    '',
    ...(pieces.length > 0 ? ['## What each synth speed-up saves', '', ...piecesTable, ''] : []),
    ...(growth.length > 0
      ? [
          `## Synth by environment count (speed-ups on, fastest of ${GROWTH_RUNS})`,
          '',
          '| environments | full synth | ratio to the floor | added by |',
          '| --- | --- | --- | --- |',
          ...growth.map((g, i) => `| ${g.n} | ${s2(g.seconds)} | ${(g.seconds / floorS).toFixed(2)} | ${g.name}${i > 0 ? ` (+${s2(g.seconds - growth[i - 1]!.seconds)})` : ''} |`),
          '',
        ]
      : []),
  ];
  // Without --tests, the last measured test-suite block is kept as it is.
  const kept = /<!-- tests:start -->[\s\S]*?<!-- tests:end -->/.exec(existsSync(MEASUREMENTS) ? readFileSync(MEASUREMENTS, 'utf8') : '')?.[0];
  const suite = tests ?? kept;
  if (suite) doc.push('## Test suite', '', suite, '');
  writeFileSync(MEASUREMENTS, doc.join('\n'));
  console.log(`written to docs/measurements.md`);
  if (pieces.length > 0) {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} ... ${README_END} block for the speed-up table`);
    writeFileSync(README, `${readme.slice(0, start + README_START.length)}\n\n${piecesTable.join('\n')}\n\n${readme.slice(end)}`);
    console.log('written to README.md (what each synth speed-up saves)');
  }
}

if (!met) {
  console.error(`benchmark targets missed: ${verdict}`);
  process.exitCode = 1;
} else {
  console.log(`benchmark targets met: ${verdict}`);
}
