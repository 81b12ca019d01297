/**
 * `npm run bench`: times a full synth of every example environment against
 * cdktf's floor (scripts/bench-floor.ts). Both run exactly as `cdktf synth`
 * runs the app (the tsx CLI from cdktf.json, without npx's own start-up),
 * in fresh processes with empty output directories, alternating, BENCH_RUNS
 * times each. Prints the fastest and the median run of each, their ratios and
 * peak RSS. The gate uses the fastest runs: on a shared 2-core VM the median
 * moves by ±15% between identical runs, while the minimum is the closest
 * reading of the work itself. Also prints one in-process breakdown of the
 * full synth (scripts/bench-phases.ts), and how the synth grows per added
 * environment: ENVIRONMENTS with the first 1, 2, ... N registered environments
 * (BENCH_GROWTH_RUNS fastest of each). Exits 0 when the targets are met
 * (full synth <= 2.5x the floor, peak RSS <= 350 MB), 1 when missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GROWTH_RUNS = Number(process.env.BENCH_GROWTH_RUNS ?? 3);
const TARGET_RATIO = 2.5;
const TARGET_RSS_MB = 350;
const root = join(__dirname, '..');

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
}

function once(entry: string, environments?: string): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const rssDir = join(dir, 'rss');
  mkdirSync(rssDir);
  const outdir = join(dir, 'cdktf.out');
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'rss-probe.cjs')}`.trim();
  const start = process.hrtime.bigint();
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: nodeOptions, ENVIRONMENTS: environments ?? '' },
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

/** One in-process breakdown of the full synth (scripts/bench-phases.ts). */
function phases(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/bench-phases.ts'], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: join(dir, 'cdktf.out') },
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`bench-phases failed:\n${result.stderr}`);
  const p = JSON.parse(result.stdout) as Record<string, number>;
  return `start-up and load ${p.load}, build ${p.build}, synth ${p.synth}, policy ${p.policy}`;
}

const floor: Sample[] = [];
const full: Sample[] = [];
once('main.ts'); // warm the file system cache and tsx's transform cache
for (let i = 0; i < RUNS; i++) {
  floor.push(once('scripts/bench-floor.ts'));
  full.push(once('main.ts'));
}

const floorS = Math.min(...floor.map((s) => s.seconds));
const fullS = Math.min(...full.map((s) => s.seconds));
const ratio = fullS / floorS;
const floorMedian = median(floor.map((s) => s.seconds));
const fullMedian = median(full.map((s) => s.seconds));
const peakRss = Math.max(...full.map((s) => s.rssMb));
const floorRss = Math.max(...floor.map((s) => s.rssMb));

console.log(`runs each:             ${RUNS}`);
console.log(`floor (1 resource):    ${floorS.toFixed(2)} s fastest, ${floorMedian.toFixed(2)} s median, peak RSS ${floorRss.toFixed(0)} MB`);
console.log(`full synth (all envs): ${fullS.toFixed(2)} s fastest, ${fullMedian.toFixed(2)} s median, peak RSS ${peakRss.toFixed(0)} MB`);
console.log(`ratio full/floor:      ${ratio.toFixed(2)} fastest (target <= ${TARGET_RATIO}), ${(fullMedian / floorMedian).toFixed(2)} median`);
console.log(`peak RSS:              ${peakRss.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`);
console.log(`full synth, in process (ms, one run): ${phases()}`);

// Growth: the fixed start-up is paid once; what each environment adds is its stacks' build and synthesis.
const names = Object.keys(ENVIRONMENTS).sort();
let previous: number | undefined;
console.log(`synth by environment count (fastest of ${GROWTH_RUNS}):`);
for (let n = 1; n <= names.length; n++) {
  const selection = names.slice(0, n).join(',');
  const best = Math.min(...Array.from({ length: GROWTH_RUNS }, () => once('main.ts', selection).seconds));
  const added = previous === undefined ? '' : `, +${(best - previous).toFixed(2)} s for ${names[n - 1]}`;
  console.log(`  ${n} env${n > 1 ? 's' : ' '} ${best.toFixed(2)} s (${(best / floorS).toFixed(2)}x floor${added})`);
  previous = best;
}

if (ratio > TARGET_RATIO || peakRss > TARGET_RSS_MB) {
  console.error(`benchmark targets missed: ratio ${ratio.toFixed(2)} (<= ${TARGET_RATIO}), peak RSS ${peakRss.toFixed(0)} MB (<= ${TARGET_RSS_MB})`);
  process.exitCode = 1;
} else {
  console.log(`benchmark targets met: ratio ${ratio.toFixed(2)} <= ${TARGET_RATIO}, peak RSS ${peakRss.toFixed(0)} MB <= ${TARGET_RSS_MB} MB`);
}
