/**
 * `npm run bench`: times a full synth of every example environment against
 * cdktf's floor (scripts/bench-floor.ts). Both run exactly as `cdktf synth`
 * runs the app (the tsx CLI from cdktf.json, without npx's own start-up),
 * in fresh processes with empty output directories, alternating, BENCH_RUNS
 * times each. Prints the fastest and the median run of each, their ratios and
 * peak RSS. The gate uses the fastest runs: on a shared 2-core VM the median
 * moves by ±15% between identical runs, while the minimum is the closest
 * reading of the work itself. Also prints one in-process breakdown of the
 * full synth (scripts/bench-phases.ts). Exits 1 past the targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 350;
const root = join(__dirname, '..');

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
}

function once(entry: string): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const rssDir = join(dir, 'rss');
  mkdirSync(rssDir);
  const outdir = join(dir, 'cdktf.out');
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'rss-probe.cjs')}`.trim();
  const start = process.hrtime.bigint();
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: nodeOptions },
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

if (ratio > TARGET_RATIO || peakRss > TARGET_RSS_MB) {
  console.error('benchmark targets missed');
  process.exitCode = 1;
}
