/**
 * cdktf entry point: validate the selected environments (ENVIRONMENTS=a,b;
 * default all), then synthesize their stacks. Invalid configuration prints one
 * line per problem and exits 1 before anything is written to cdktf.out.
 */
import './stacks/startup';
import { ENVIRONMENTS } from './config/environments';
import { ConfigError } from './config/load';
import { run } from './stacks/synth';

try {
  run(ENVIRONMENTS, process.env.ENVIRONMENTS);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Invalid configuration, nothing was synthesized:\n${error.problems.join('\n')}\n`);
  process.exitCode = 1;
}
