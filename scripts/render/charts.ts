/**
 * Where the render finds each pinned chart package: the git-ignored cache that
 * `npm run charts:pull` fills (.charts/), or a ready directory named by
 * CHARTS_DIR (../shared/charts on machines without chart repositories). Every
 * package is checked against its pin before Helm reads it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHARTS, type ChartPin } from '../../config/versions';

export const CACHE_DIR = resolve(__dirname, '..', '..', '.charts');

/** `<chart>-<version>.tgz`, the file name `helm pull` and `helm package` write. */
export function packageName(pin: Pick<ChartPin, 'chart' | 'version'>): string {
  return `${pin.chart}-${pin.version}.tgz`;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Charts the render may leave out, from RENDER_SKIP_CHARTS (comma-separated chart
 * names). Only for a chart no offline copy exists of (alb-controller, OCI on MCR):
 * .ci/run sets it and every run prints what was skipped.
 */
export function skippedCharts(): ReadonlySet<string> {
  return new Set((process.env.RENDER_SKIP_CHARTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

export class ChartMissingError extends Error {}

const PINS_BY_REPOSITORY = new Map(Object.values(CHARTS).map((pin: ChartPin) => [`${pin.repository} ${pin.chart} ${pin.version}`, pin]));

/** The pin a synthesized helm_release names; undefined for a local chart directory. */
export function pinOf(repository: string | undefined, chart: string, version: string): ChartPin | undefined {
  if (!repository) return undefined;
  const pin = PINS_BY_REPOSITORY.get(`${repository} ${chart} ${version}`);
  if (!pin) throw new ChartMissingError(`${repository} ${chart} ${version} is not pinned in config/versions.ts CHARTS`);
  return pin;
}

/** Path of the verified package for a pin; throws with the command that fixes a missing one. */
export function chartPackage(pin: ChartPin): string {
  const file = packageName(pin);
  const candidates = [join(CACHE_DIR, file), ...(process.env.CHARTS_DIR ? [join(resolve(process.env.CHARTS_DIR), file)] : [])];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new ChartMissingError(
      `${pin.chart} ${pin.version} is neither in .charts/ nor in CHARTS_DIR${process.env.CHARTS_DIR ? ` (${process.env.CHARTS_DIR})` : ''}: run \`npm run charts:pull\`, or set CHARTS_DIR to a directory holding ${file}`,
    );
  }
  const digest = sha256(readFileSync(found));
  // A package pulled from the repository was checked against the live index by charts:pull;
  // one from CHARTS_DIR must be the exact package the pin records.
  const pulled = found.startsWith(CACHE_DIR) && pin.package?.from === 'built';
  if (pin.package && !pulled && digest !== pin.package.sha256) {
    throw new ChartMissingError(`${found}: sha256 ${digest} is not the pinned ${pin.package.sha256} (config/versions.ts)`);
  }
  return found;
}
