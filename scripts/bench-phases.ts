/**
 * Where one full synth spends its time, in process: starting Node and tsx and
 * loading the project with its provider bindings (from process start), building
 * the constructs, cdktf's synthesis, and the policy checks. Run by
 * scripts/bench.ts; prints one JSON line, in milliseconds.
 */
import '../constructs/synth-speedups/startup';
import { App } from 'cdktf';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { RULES, checkStacks } from '../policies';
import { buildEnvironments } from '../stacks/environments';
import { readOutdir } from '../synth/output';

const loaded = performance.now(); // performance's origin is the start of this process
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out.bench';
const app = new App({ outdir });
buildEnvironments(app, loadEnvironments(ENVIRONMENTS, undefined));
const built = performance.now();
app.synth();
const synthesized = performance.now();
checkStacks(readOutdir(outdir).stacks, RULES, []);
const checked = performance.now();
const ms = (n: number): number => Math.round(n);
process.stdout.write(`${JSON.stringify({ load: ms(loaded), build: ms(built - loaded), synth: ms(synthesized - built), policy: ms(checked - synthesized) })}\n`);
