import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureDocument, architectureMermaid, withDiagram } from '../scripts/architecture';
import { synthExamples } from './support';

const root = join(__dirname, '..');
const mermaid = architectureMermaid(synthExamples());

describe('architecture picture', () => {
  it('draws each remote-state read with the outputs it reads, and who holds each stack\'s state', () => {
    expect(mermaid).toContain('aws_prod_network -->|"');
    const edge = mermaid.split('\n').find((l) => l.includes('aws_prod_network -->'))!;
    expect(edge).toContain('private_subnet_ids');
    expect(edge.trim().endsWith('aws_prod_cluster')).toBe(true);
    expect(mermaid).toContain('bootstrap_euw1_222222222222 -.->|state| aws_prod_network');
  });

  it('is up to date in docs/architecture.md (run npm run graph)', () => {
    expect(readFileSync(join(root, 'docs', 'architecture.md'), 'utf8')).toBe(architectureDocument(mermaid));
  });

  it("is up to date in the README, as aws-prod's chain alone (run npm run graph)", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const one = architectureMermaid(synthExamples(), 'aws-prod');
    expect(withDiagram(readme, one)).toBe(readme);
    // One environment: its five stacks (bootstrap included) in their two boxes, its reads, no other environment.
    expect(one.match(/\["[^"]+"\]|\[\("[^"]+"\)\]/g)).toEqual(['["state stores (local state)"]', '[("bootstrap-euw1-222222222222")]', '["aws-prod"]',
      '["aws-prod-network"]', '["aws-prod-cluster"]', '["aws-prod-platform"]', '["aws-prod-app"]']);
    expect(one).not.toMatch(/aws_dr|aws_dev|azure/);
    expect(one.split('\n').filter((l) => l.includes(' -->|')).length).toBeGreaterThanOrEqual(3);
  });
});
