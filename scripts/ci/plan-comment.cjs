/**
 * The one pull-request comment that summarizes every planned stack. Found again by its hidden
 * marker and updated on every run (failures and skipped plans included), so the PR never shows a
 * stale plan. CommonJS so actions/github-script can require it without a build step.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const MARKER = '<!-- cdktf-plan-summary -->';

/**
 * @param {{ targets: Array<{ environment: string, stacks: string }>, summariesDir: string,
 *   synthResult: string, planResult: string, runUrl: string, sha: string, note?: string }} run
 */
function commentBody(run) {
  const parts = [MARKER, '## Terraform plans', ''];
  // Why some environments were left out (a bot PR's prod ones), so "nothing to plan" is never said wrongly.
  if (run.note) parts.push(`_${run.note}_`, '');
  if (run.synthResult !== 'success') {
    parts.push(`❌ Synth ${run.synthResult}: no stack could be planned. See [the run](${run.runUrl}).`, '');
  } else if (run.targets.length === 0) {
    parts.push(run.note ? 'No stack of the environments planned here changed.' : "No stack's synthesized configuration changed: nothing to plan.", '');
  }
  for (const target of run.targets) {
    const file = join(run.summariesDir, `plan-summary-${target.environment}`, 'summary.md');
    if (existsSync(file)) parts.push(readFileSync(file, 'utf8'));
    else {
      const stacks = target.stacks.split(' ').map((s) => `\`${s}\``).join(', ');
      parts.push(`### ${target.environment}`, '', `❌ No plan (plan job ${run.planResult}): ${stacks} not planned. See [the run](${run.runUrl}).`, '');
    }
  }
  parts.push(`<sub>Updated for ${run.sha.slice(0, 7)} by [this run](${run.runUrl}).</sub>`);
  return parts.join('\n');
}

/** Creates the comment, or updates the one carrying the marker. */
async function upsertComment(github, { owner, repo, issue_number }, body) {
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const mine = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(MARKER));
  if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  else await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return mine ? 'updated' : 'created';
}

module.exports = { MARKER, commentBody, upsertComment };
