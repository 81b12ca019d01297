/**
 * `npm run graph`: writes docs/architecture.md and the README's diagram from a
 * fresh synth, and docs/policies.md from the policy rules.
 */
import '../constructs/synth-speedups/startup';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { run } from '../synth/run';
import { readOutdir, tempDir } from '../synth/output';
import { POLICY_SUPPRESSIONS } from '../config/policy-suppressions';
import { RULES } from '../policies';
import { architectureDocument, architectureMermaid, README_ENVIRONMENT, withDiagram } from './architecture';
import { policiesDocument } from './policies-doc';

const root = join(__dirname, '..');
const outdir = tempDir();
try {
  run(ENVIRONMENTS, undefined, outdir, { log: () => undefined });
  const mermaid = architectureMermaid(readOutdir(outdir));
  writeFileSync(join(root, 'docs', 'architecture.md'), architectureDocument(mermaid));
  const readme = join(root, 'README.md');
  writeFileSync(readme, withDiagram(readFileSync(readme, 'utf8'), architectureMermaid(readOutdir(outdir), README_ENVIRONMENT)));
  writeFileSync(join(root, 'docs', 'policies.md'), policiesDocument(RULES, POLICY_SUPPRESSIONS));
  console.log('wrote docs/architecture.md, the README diagram and docs/policies.md');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
