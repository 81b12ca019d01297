/** charts:pull against a local HTTP chart repository: digests from its index.yaml, verified, idempotent. */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartPin } from '../config/versions';
import { indexEntry, pullHttp } from '../scripts/charts-pull';
import { sha256 } from '../scripts/render/charts';

const PACKAGE = Buffer.from('a chart package');
let files: Record<string, Buffer | string> = {};
let server: Server;
let repository = '';
let dir = '';

function index(digest: string): string {
  return `apiVersion: v1\nentries:\n  demo:\n    - version: 1.2.3\n      digest: ${digest}\n      urls: [charts/demo-1.2.3.tgz]\n    - version: ` +
    `1.2.2\n      digest: ${'0'.repeat(64)}\n      urls: [charts/demo-1.2.2.tgz]\n`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  repository = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/repo`;
  dir = mkdtempSync(join(tmpdir(), 'charts-'));
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const pin = (sha?: string): ChartPin => ({ repository, chart: 'demo', version: '1.2.3', source: 'test', ...(sha ? { package: { sha256: sha,
  from: 'index' as const } } : {}) });

describe('charts:pull', () => {
  it('resolves the package URL relative to the repository and takes its digest from index.yaml', () => {
    expect(indexEntry(index('ab'), pin())).toEqual({ url: `${repository}/charts/demo-1.2.3.tgz`, digest: 'ab' });
    expect(() => indexEntry(index('ab'), { ...pin(), version: '9.9.9' })).toThrow(`${repository}/index.yaml has no demo 9.9.9 with a digest`);
  });

  it('downloads a package matching the index digest and the pinned one, then keeps it', async () => {
    files = { '/repo/index.yaml': index(sha256(PACKAGE)), '/repo/charts/demo-1.2.3.tgz': PACKAGE };
    const target = join(dir, 'demo-1.2.3.tgz');
    expect(await pullHttp(pin(sha256(PACKAGE)), target)).toBe(`pulled, sha256 ${sha256(PACKAGE)} = index digest`);
    expect(readFileSync(target).equals(PACKAGE)).toBe(true);
    files = {};
    expect(await pullHttp(pin(sha256(PACKAGE)), target)).toBe('cached');
  });

  it('refuses a download that does not match the index digest, or a republished version', async () => {
    files = { '/repo/index.yaml': index('f'.repeat(64)), '/repo/charts/demo-1.2.3.tgz': PACKAGE };
    const target = join(dir, 'tampered.tgz');
    await expect(pullHttp(pin(), target)).rejects.toThrow(`sha256 ${sha256(PACKAGE)} is not the index digest ${'f'.repeat(64)}`);
    expect(existsSync(target)).toBe(false);
    files = { '/repo/index.yaml': index(sha256(PACKAGE)), '/repo/charts/demo-1.2.3.tgz': PACKAGE };
    await expect(pullHttp(pin('e'.repeat(64)), target)).rejects.toThrow(`is not the pinned ${'e'.repeat(64)}; the repository republished 1.2.3`);
  });
});
