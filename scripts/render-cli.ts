/**
 * `npm run render [-- <stack>...]`: synthesizes every example environment into
 * cdktf.out (like `npx cdktf synth`), renders each helm_release to
 * cdktf.out/rendered/<stack>/<release>.yaml (values beside it), then runs the
 * render audit and exits 1 on any finding not waived in config/render-waivers.ts.
 */
import { ENVIRONMENTS } from '../config/environments';
import { ConfigError, loadEnvironments } from '../config/load';
import { run } from '../synth/run';
import { auditRendered, formatAuditFinding } from './render/audit';
import { kubeVersionsOf, renderStacks } from './render/render';
import { readOutdir } from '../synth/output';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const envs = loadEnvironments(ENVIRONMENTS, process.env.ENVIRONMENTS);
  run(ENVIRONMENTS, process.env.ENVIRONMENTS, outdir);
  const synth = readOutdir(outdir);
  const unknown = only.filter((s) => !synth.stacks[s]);
  if (unknown.length > 0) throw new ConfigError(unknown.map((s) => `render: ${s} is not a synthesized stack (allowed: ${Object.keys(synth.stacks).join(', ')})`));

  const started = Date.now();
  const releases = await renderStacks(synth, { kubeVersions: kubeVersionsOf(envs), outdir, only: only.length > 0 ? only : undefined, write: true });
  for (const r of releases) {
    const state = r.skipped ? `skipped (${r.skipped})` : r.error ? `ERROR ${r.error}` : `${r.objects.length} objects`;
    process.stdout.write(`${r.stack}/${r.name} [${r.chart}]: ${state}\n`);
  }
  process.stdout.write(`rendered ${releases.length} releases in ${((Date.now() - started) / 1000).toFixed(1)} s into ${outdir}/rendered/\n`);

  const audit = await auditRendered(synth, releases);
  for (const n of audit.notes) process.stdout.write(`note: ${n}\n`);
  for (const w of audit.unusedWaivers) process.stderr.write(`waiver matches nothing, remove it: ${JSON.stringify(w)}\n`);
  for (const w of audit.waived) process.stdout.write(`waived: ${formatAuditFinding(w)} [${w.reason}]\n`);
  for (const f of audit.findings) process.stderr.write(`${formatAuditFinding(f)}\n`);
  if (audit.findings.length > 0 || audit.unusedWaivers.length > 0) {
    process.stderr.write(`${audit.findings.length} render audit finding(s)\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.problems.join('\n')}\n`);
  else process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
