/**
 * asset-copy: cdktf's TerraformAsset._onSynthesize for FILE and DIRECTORY assets (cdktf 0.21,
 * which is final), with the source's file list read once per process: cdktf's copySync lists
 * and stats every source entry again for each asset and re-creates each directory with a
 * recursive mkdir, ~10 file system calls per asset more on a slow disk. The steps are cdktf's:
 * remove an earlier version of the asset's folder, create the target, copy.
 * Switch: asset-copy (switches.ts); off, cdktf's own copy runs.
 */
import { AssetType, type TerraformAsset } from 'cdktf';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { enabled } from './switches';

interface SourceTree {
  /** Directories under the source (relative, parents first). */
  readonly dirs: string[];
  /** Files under the source (relative). */
  readonly files: string[];
}

const trees = new Map<string, SourceTree>();

/** What cdktf's copySync walks: entries by `stat` (symlinks followed), directories before their contents. */
function sourceTree(root: string): SourceTree {
  let tree = trees.get(root);
  if (tree === undefined) {
    const found: SourceTree = { dirs: [], files: [] };
    const walk = (rel: string): void => {
      for (const name of readdirSync(join(root, rel))) {
        const entry = join(rel, name);
        const stat = statSync(join(root, entry));
        if (stat.isFile()) found.files.push(entry);
        if (stat.isDirectory()) {
          found.dirs.push(entry);
          walk(entry);
        }
      }
    };
    walk('');
    tree = found;
    trees.set(root, tree);
  }
  return tree;
}

interface Session {
  readonly manifest: { readonly outdir: string; forStack(stack: unknown): { readonly synthesizedStackPath: string } };
}

/** TerraformAsset's private members this copy reads. */
interface AssetInternals {
  readonly stack: unknown;
  readonly sourcePath: string;
  readonly namedFolder: string;
  readonly path: string;
  readonly type: AssetType;
}

function synthesizeCopy(this: AssetInternals, session: Session): void {
  const basePath = join(session.manifest.outdir, session.manifest.forStack(this.stack).synthesizedStackPath, '..');
  const previousVersionsFolder = join(basePath, this.namedFolder);
  if (existsSync(previousVersionsFolder)) rmSync(previousVersionsFolder, { recursive: true });
  const targetPath = join(basePath, this.path);
  if (this.type === AssetType.FILE) {
    mkdirSync(dirname(targetPath), { recursive: true });
    copyFileSync(this.sourcePath, targetPath);
    return;
  }
  mkdirSync(targetPath, { recursive: true });
  const tree = sourceTree(this.sourcePath);
  for (const dir of tree.dirs) mkdirSync(join(targetPath, dir));
  for (const file of tree.files) copyFileSync(join(this.sourcePath, file), join(targetPath, file));
}

/**
 * Gives a TerraformAsset subclass of FILE and DIRECTORY assets this copy. TerraformAsset's
 * constructor registers `this._onSynthesize.bind(this)`, which then finds this one first.
 */
export function useAssetCopy(assetClass: abstract new (...args: never[]) => TerraformAsset): void {
  if (!enabled('asset-copy')) return;
  Object.defineProperty(assetClass.prototype, '_onSynthesize', { value: synthesizeCopy, writable: true, configurable: true });
}
