import { App } from 'cdktf';
import { rmSync } from 'node:fs';
import { ConfigError, loadEnvironments, registeredEnvironments } from '../config/load';
import { POLICY_SUPPRESSIONS } from '../config/policy-suppressions';
import { RENDER_WAIVERS } from '../config/render-waivers';
import { moveInto } from '../constructs/synth-speedups/output-move';
import { switchProblems } from '../constructs/synth-speedups/switches';
import { RULES, checkStacks, formatFinding, type Suppression } from '../policies';
import type { Rule } from '../policies/engine';
import { readOutdir } from './output';
import { buildEnvironments } from '../stacks/environments';
import { copyLocks, lockProblems } from './provider-locks';

export class PolicyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PolicyError';
  }
}

export interface RunOptions {
  readonly rules?: readonly Rule[];
  readonly suppressions?: readonly Suppression[];
  /** Where waivers in effect are reported. */
  readonly log?: (line: string) => void;
  /** Environment names of the files in config/environments, so a file left out of the registry is pointed out. */
  readonly environmentFiles?: readonly string[];
  /** Every waived finding with its reason instead of the one-line count (default: SHOW_WAIVERS=1). */
  readonly listWaivers?: boolean;
  /** false: no provider lock check or copy (npm run providers:lock, which writes the lock files). */
  readonly providerLocks?: boolean;
}

/** The count and where waivers are listed, one line; the list itself on request. */
function reportWaivers(suppressed: readonly (Parameters<typeof formatFinding>[0] & { reason: string })[], options: RunOptions): void {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const list = options.listWaivers ?? process.env.SHOW_WAIVERS === '1';
  const entries = new Set(suppressed.map((s) => s.reason)).size;
  log(
    `Waivers: ${suppressed.length} policy findings waived by ${entries} entries of config/policy-suppressions.ts; ` +
      `${RENDER_WAIVERS.length} render audit waivers in config/render-waivers.ts (applied by npm test)` +
      (list ? ':' : '. SHOW_WAIVERS=1 lists them.'),
  );
  if (!list) return;
  for (const s of suppressed) log(`  ${formatFinding(s)} [waived: ${s.reason}]`);
  for (const w of RENDER_WAIVERS) {
    const where = [w.release && `release ${w.release}`, w.kind, w.name, w.field].filter(Boolean).join(' ');
    log(`  render ${w.rule} in ${w.stacks}${where ? ` (${where})` : ''} [waived: ${w.reason}]`);
  }
}

function suppressionProblems(suppressions: readonly Suppression[], rules: readonly Rule[]): string[] {
  return suppressions.flatMap((s, i) => [
    ...(rules.some((r) => r.id === s.rule) ? [] : [`config/policy-suppressions: [${i}].rule: "${s.rule}" is not a rule (allowed: ${rules.map((r) => r.id).join(', ')})`]),
    ...(s.reason.trim().length >= 20 ? [] : [`config/policy-suppressions: [${i}].reason: ${JSON.stringify(s.reason)} does not explain the waiver (allowed: a sentence of 20 characters or more)`]),
  ]);
}

/**
 * Validates the selected environments, synthesizes them into a staging
 * directory, checks every stack against the policy rules and its providers against the
 * committed lock files (synth/provider-locks.ts), and only then copies the result, lock files
 * included, into the output directory. A bad config or a policy
 * violation leaves the output directory exactly as it was.
 */
export function run(
  registry: Readonly<Record<string, unknown>>,
  selection: string | undefined,
  outdir?: string,
  options: RunOptions = {},
): App {
  const rules = options.rules ?? RULES;
  const suppressions = options.suppressions ?? POLICY_SUPPRESSIONS;
  const settingProblems = [...switchProblems(), ...suppressionProblems(suppressions, rules)];
  if (settingProblems.length > 0) throw new ConfigError(settingProblems);
  const envs = loadEnvironments(registry, selection, options.environmentFiles);
  // A shared state store's bootstrap stack holds every registered environment's CI identities, whatever the selection.
  const registered = selection?.trim() ? registeredEnvironments(registry) : envs;

  const target = outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const staging = `${target}.staging`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    buildEnvironments(app, envs, registered);
    app.synth();
    const synthesized = readOutdir(staging);
    const report = checkStacks(synthesized.stacks, rules, suppressions);
    if (report.violations.length > 0) throw new PolicyError(report.violations.map(formatFinding));
    if (options.providerLocks !== false) {
      const locks = lockProblems(synthesized.stacks);
      if (locks.length > 0) throw new ConfigError(locks);
      copyLocks(staging, synthesized.stacks, synthesized.manifest);
    }
    reportWaivers(report.suppressed, options);
    // File by file rather than replacing the directory: cdktf.out/stacks/* also holds .terraform caches from deploys.
    moveInto(staging, target);
    return app;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
