/** `npm run graph`: writes docs/architecture.md and the README's diagram from a fresh synth. */
import '../stacks/startup';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { run } from '../stacks/synth';
import { readOutdir, tempDir } from './synth-output';
import { architectureDocument, architectureMermaid, withDiagram } from './architecture';

const root = join(__dirname, '..');
const outdir = tempDir();
try {
  run(ENVIRONMENTS, undefined, outdir);
  const mermaid = architectureMermaid(readOutdir(outdir));
  writeFileSync(join(root, 'docs', 'architecture.md'), architectureDocument(mermaid));
  const readme = join(root, 'README.md');
  writeFileSync(readme, withDiagram(readFileSync(readme, 'utf8'), mermaid));
  console.log('wrote docs/architecture.md and the README diagram');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
