import { App } from 'cdktf';
import { loadEnvironments } from '../config/load';
import { buildEnvironments } from './environments';

/**
 * Validates the selected environments, then synthesizes them. Throws
 * ConfigError before the App exists, so a bad config writes no file.
 */
export function run(registry: Readonly<Record<string, unknown>>, selection: string | undefined, outdir?: string): App {
  const envs = loadEnvironments(registry, selection);
  const app = new App(outdir ? { outdir } : {});
  buildEnvironments(app, envs);
  app.synth();
  return app;
}
