/**
 * The content hash of an asset's source, computed once per process. cdktf's
 * TerraformAsset reads and hashes its whole source on every construction: the
 * same few sources (charts/cluster-objects, the vendored CRD charts of up to
 * ~1.6 MB, the post-renderer, the edge canary) are the 72 assets of a full
 * synth (8 sources), so each was read many times over (~45 ms). The hash is cdktf's own
 * (`hashPath`), so asset paths in cdktf.out are unchanged; the sources are
 * part of the repository and do not change while one process synthesizes.
 * Switch: asset-hash (switches.ts); off, cdktf hashes the source for each asset.
 */
import { enabled } from './switches';

const hashes = new Map<string, string>();

/** The hash to hand TerraformAsset as its `assetHash`, or undefined (the switch off) for cdktf to compute it. */
export function assetHash(path: string): string | undefined {
  if (!enabled('asset-hash')) return undefined;
  let hash = hashes.get(path);
  if (hash === undefined) {
    // A private path, loaded only when on (switches.ts).
    const { hashPath } = require('cdktf/lib/private/fs') as typeof import('cdktf/lib/private/fs');
    hash = hashPath(path);
    hashes.set(path, hash);
  }
  return hash;
}
