/**
 * A file or directory of this repository that travels inside cdktf.out
 * (charts/cluster-objects, the vendored CRD charts, the post-renderer): a
 * cdktf TerraformAsset with the same hash, path and files, made cheaper for
 * the many assets of a full synth copied from a few sources by two synth speed-ups
 * (synth-speedups/asset-hash.ts, synth-speedups/asset-copy.ts).
 * The source must be an absolute path (cdktf would resolve a relative one
 * against cdktf.json).
 */
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { isAbsolute } from 'node:path';
import { useAssetCopy } from './synth-speedups/asset-copy';
import { assetHash } from './synth-speedups/asset-hash';

export class ProjectAsset extends TerraformAsset {
  constructor(scope: Construct, id: string, config: { readonly path: string; readonly type: AssetType.FILE | AssetType.DIRECTORY }) {
    if (!isAbsolute(config.path)) throw new Error(`ProjectAsset ${id}: ${config.path} is not an absolute path`);
    super(scope, id, { ...config, assetHash: assetHash(config.path) });
  }
}

useAssetCopy(ProjectAsset);
