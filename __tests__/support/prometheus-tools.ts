/**
 * promtool and amtool, the Prometheus and Alertmanager projects' own checkers, run on files this
 * project renders. A missing binary fails with the command that installs it, like a missing
 * Terraform fails the offline plan.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

/** The Debian/Ubuntu package that ships each tool (.ci/run and the CI workflow install both). */
const INSTALL = { promtool: 'prometheus', amtool: 'prometheus-alertmanager' } as const;

export class PrometheusToolMissingError extends Error {
  constructor(tool: keyof typeof INSTALL) {
    super(`${tool} is not on the PATH: install it with \`apt-get install -y ${INSTALL[tool]}\` (Debian/Ubuntu) to run the alert tests`);
    this.name = 'PrometheusToolMissingError';
  }
}

/** The tool's version (e.g. "0.25.0"); throws PrometheusToolMissingError when it is not installed. */
export function toolVersion(tool: keyof typeof INSTALL): string {
  try {
    const out = execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /version (\d+\.\d+\.\d+)/.exec(out)?.[1] ?? 'unknown';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PrometheusToolMissingError(tool);
    throw error;
  }
}

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const run = promisify(execFile);

/** Runs a tool to completion; a non-zero exit is a result, not an exception. */
export async function runTool(tool: keyof typeof INSTALL, args: string[], cwd?: string): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await run(tool, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string; code?: unknown };
    if (e.code === 'ENOENT') throw new PrometheusToolMissingError(tool);
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Which files of one `promtool test rules a.yml b.yml ...` run passed. promtool 2.42 prints
 * "Unit Testing:  <file>" and then "  SUCCESS" on stdout, and a failure's details on stderr
 * without the file name (failureOf finds them by alert name).
 */
export function promtoolPassed(stdout: string): Map<string, boolean> {
  const results = new Map<string, boolean>();
  for (const section of stdout.split(/^Unit Testing:\s+/m).slice(1)) {
    const [file, ...rest] = section.split('\n');
    results.set(file!.trim(), rest.join('\n').trim() === 'SUCCESS');
  }
  return results;
}

/**
 * The failure blocks on promtool's stderr that concern `alert` (leaving out cases whose name
 * contains `except`), or all of stderr when none names it (a file that did not load).
 */
export function failureOf(stderr: string, alert: string, except?: string): string {
  const blocks = stderr.split(/^\s*FAILED:\s*$/m).filter((b) => b.includes(`alertname: ${alert},`) && !(except && b.includes(except)));
  return blocks.length > 0 ? blocks.map((b) => b.trim()).join('\n\n') : stderr;
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return (x![i] ?? 0) - (y![i] ?? 0);
  return 0;
}

/**
 * Webhook `url_file` arrived in Alertmanager 0.26; amtool 0.25 (Debian bookworm) rejects the field.
 * For such an amtool only, each webhook's `url_file` becomes a placeholder `url` naming the file,
 * and the paths replaced are returned so a test can show nothing else was touched. The deployed
 * Alertmanager (kube-prometheus-stack 88.5.3: v0.34.0) reads `url_file` itself.
 */
export function forAmtool(config: { receivers?: { webhook_configs?: Record<string, unknown>[] }[] }, amtoolVersion: string): {
  config: object; replaced: string[] } {
  if (compareVersions(amtoolVersion, '0.26.0') >= 0) return { config, replaced: [] };
  const replaced: string[] = [];
  const receivers = (config.receivers ?? []).map((r) => ({
    ...r,
    ...(r.webhook_configs
      ? {
          webhook_configs: r.webhook_configs.map(({ url_file, ...rest }) => {
            if (typeof url_file !== 'string') return rest;
            replaced.push(url_file);
            return { ...rest, url: `https://url-file.invalid${url_file}` };
          }),
        }
      : {}),
  }));
  return { config: { ...config, receivers }, replaced };
}
