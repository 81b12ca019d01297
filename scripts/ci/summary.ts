/** What one run did to each stack, as JSON (artifact, next job) and as Markdown (job summary, PR comment). */
export type Status = 'no-changes' | 'changes' | 'waiting' | 'failed' | 'applied' | 'not-run';

export interface StackResult {
  readonly stack: string;
  readonly status: Status;
  /** One line: "Plan: 3 to add, 1 to change, 0 to destroy." or why it waits or failed. */
  readonly headline: string;
  /** Resource lines of the plan ("  # aws_eks_cluster.this will be updated in-place"). */
  readonly details?: readonly string[];
  /** Monthly cost change from Infracost, e.g. "+$12.40" (absent: not estimated). */
  readonly cost?: string;
  /**
   * sha256 of each producer output value the plan read, so the apply can refuse a saved plan whose
   * inputs a producer changed meanwhile. Hashes only: values may be sensitive.
   */
  readonly inputs?: Readonly<Record<string, string>>;
}

export interface EnvironmentResult {
  readonly environment: string;
  readonly stacks: readonly StackResult[];
  /** Why costs were not estimated, when they were not. */
  readonly costNote?: string;
}

const ICON: Record<Status, string> = {
  'no-changes': '✅ no changes',
  changes: '📝 changes',
  waiting: '⏳ waiting',
  failed: '❌ failed',
  applied: '🚀 applied',
  'not-run': '⏭️ not run',
};

/** Plan lines worth showing: resource actions and the totals, capped so a comment stays readable. */
export function planLines(show: string, max = 60): { headline: string; details: string[] } {
  const lines = show.split('\n');
  const details = lines.filter((l) => /^ {2}# /.test(l)).map((l) => l.trim());
  const headline =
    lines.find((l) => /^(Plan:|No changes\.|Changes to Outputs:)/.test(l))?.trim() ??
    (details.length > 0 ? `${details.length} resource changes` : 'No changes.');
  return { headline, details: details.length > max ? [...details.slice(0, max), `… ${details.length - max} more`] : details };
}

export function environmentMarkdown(result: EnvironmentResult): string {
  const rows = result.stacks.map(
    (s) => `| \`${s.stack}\` | ${ICON[s.status]} | ${s.headline.replace(/\|/g, '\\|')} | ${s.cost ?? ''} |`,
  );
  const details = result.stacks
    .filter((s) => (s.details ?? []).length > 0)
    .map((s) => `<details><summary><code>${s.stack}</code></summary>\n\n\`\`\`\n${s.details!.join('\n')}\n\`\`\`\n</details>`);
  return [
    `### ${result.environment}`,
    '',
    '| Stack | Result | Plan | Monthly cost change |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(result.costNote ? ['', `_${result.costNote}_`] : []),
    ...(details.length > 0 ? ['', ...details] : []),
    '',
  ].join('\n');
}
