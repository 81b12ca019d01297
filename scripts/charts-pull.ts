/**
 * `npm run charts:pull`: downloads every chart pinned in config/versions.ts into
 * .charts/ (git-ignored) for the render. HTTP repositories: the package URL and
 * digest come from the repository's index.yaml, and the download must match that
 * digest (and the pinned one, where the pin records the index digest). OCI
 * registries: `helm pull`, which verifies the manifest digest it prints.
 * Idempotent: a package already in the cache and matching is not fetched again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHARTS, type ChartPin } from '../config/versions';
import { CACHE_DIR, ChartMissingError, chartPackage, packageName, sha256, skippedCharts } from './render/charts';
import { helmBinary } from './render/helm-binary';

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The package URL and sha256 digest the repository's index publishes for the pin. */
export function indexEntry(index: string, pin: ChartPin): { url: string; digest: string } {
  const entries = (parse(index) as { entries?: Record<string, { version: string; digest?: string; urls?: string[] }[]> }).entries ?? {};
  const entry = (entries[pin.chart] ?? []).find((e) => e.version === pin.version);
  if (!entry?.urls?.[0] || !entry.digest) throw new Error(`${pin.repository}/index.yaml has no ${pin.chart} ${pin.version} with a digest`);
  return { url: new URL(entry.urls[0], pin.repository.endsWith('/') ? pin.repository : `${pin.repository}/`).toString(), digest: entry.digest };
}

/** Pulls one pin from an HTTP repository into `target`; returns what it did. */
export async function pullHttp(pin: ChartPin, target: string): Promise<string> {
  const sidecar = `${target}.sha256`;
  if (existsSync(target) && existsSync(sidecar) && sha256(readFileSync(target)) === readFileSync(sidecar, 'utf8').trim()) return 'cached';
  const base = pin.repository.replace(/\/$/, '');
  const { url, digest } = indexEntry((await download(`${base}/index.yaml`)).toString('utf8'), pin);
  const data = await download(url);
  const actual = sha256(data);
  if (actual !== digest) throw new Error(`${url}: sha256 ${actual} is not the index digest ${digest}`);
  if (pin.package?.from === 'index' && actual !== pin.package.sha256) {
    throw new Error(`${url}: sha256 ${actual} is not the pinned ${pin.package.sha256}; the repository republished ${pin.version}`);
  }
  writeFileSync(`${target}.partial`, data);
  renameSync(`${target}.partial`, target);
  writeFileSync(sidecar, `${actual}\n`);
  return `pulled, sha256 ${actual} = index digest`;
}

function pullOci(pin: ChartPin, target: string): string {
  if (existsSync(target)) return 'cached';
  const output = execFileSync(helmBinary().path, ['pull', `${pin.repository}/${pin.chart}`, '--version', pin.version, '--destination', CACHE_DIR], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return `pulled (${output.match(/Digest: (\S+)/)?.[1] ?? 'no digest printed'})`;
}

/** Pulls one pin into .charts/ the way its repository serves it; returns what it did. */
async function pullPin(pin: ChartPin): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const target = join(CACHE_DIR, packageName(pin));
  return pin.repository.startsWith('oci://') ? pullOci(pin, target) : pullHttp(pin, target);
}

/**
 * Pulls the pins that are neither in .charts/ nor in CHARTS_DIR (and not skipped), so `npm test`
 * on a fresh machine with network needs no separate step. Failures are returned, not thrown: the
 * render then fails on the missing chart with the command that fixes it.
 */
export async function pullMissing(): Promise<string[]> {
  const problems: string[] = [];
  for (const pin of Object.values(CHARTS) as ChartPin[]) {
    if (skippedCharts().has(pin.chart)) continue;
    try {
      chartPackage(pin);
      continue;
    } catch (error) {
      if (!(error instanceof ChartMissingError) || existsSync(join(CACHE_DIR, packageName(pin)))) {
        problems.push(`${pin.chart} ${pin.version}: ${(error as Error).message}`);
        continue;
      }
    }
    try {
      await pullPin(pin);
    } catch (error) {
      problems.push(`${pin.chart} ${pin.version}: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  let failed = 0;
  for (const pin of Object.values(CHARTS) as ChartPin[]) {
    try {
      const how = await pullPin(pin);
      process.stdout.write(`${pin.chart} ${pin.version}: ${how}\n`);
    } catch (error) {
      failed++;
      process.stderr.write(`${pin.chart} ${pin.version}: ${(error as Error).message}\n`);
    }
  }
  if (failed > 0) process.exit(1);
}

if (require.main === module) void main();
