/**
 * cdktf entry point: validate the selected environments (ENVIRONMENTS=a,b;
 * default all), synthesize their stacks and check them against the policy
 * rules. Invalid configuration or a policy violation prints one line per
 * problem and exits 1, leaving cdktf.out as it was.
 */
import './constructs/synth-speedups/startup';
import { ENVIRONMENTS } from './config/environments';
import { join } from 'node:path';
import { ConfigError } from './config/load';
import { environmentFiles } from './config/registry';
import { PolicyError, run } from './synth/run';

try {
  run(ENVIRONMENTS, process.env.ENVIRONMENTS, undefined, { environmentFiles: environmentFiles(join(__dirname, 'config', 'environments')) });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Invalid configuration, nothing was synthesized:\n${error.problems.join('\n')}\n`);
  } else if (error instanceof PolicyError) {
    process.stderr.write(`Policy violations, nothing was synthesized:\n${error.problems.join('\n')}\n`);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
