/**
 * A Helm post-renderer that patches rendered objects of a release
 * (post-renderers/patch-workload.cjs), for settings the pinned chart has no
 * value for. The script, bundled with its one dependency into a single file
 * (patch-workload.bundle.cjs, scripts/post-renderer-bundle.ts), travels inside
 * cdktf.out as an asset, like charts/cluster-objects, and runs under `node`
 * rather than as an executable: workflow artifacts drop the executable bit, and
 * every machine that synthesizes or deploys has Node.js; it needs no
 * node_modules. The asset path in `args` is relative to the stack directory,
 * where Terraform (and so Helm) runs; a change to the script changes its
 * hashed path, so the release upgrades.
 */
import type { ReleasePostrender } from '@cdktf/provider-helm/lib/release';
import { AssetType } from 'cdktf';
import type { Construct } from 'constructs';
import * as path from 'node:path';
import { ProjectAsset } from '../project-asset';

export interface ObjectPatch {
  readonly kind: string;
  readonly name: string;
  /** Paths deleted from the object, e.g. ['spec', 'replicas']. */
  readonly remove?: readonly (readonly string[])[];
  /** Merged into the object; lists of named items (containers) merge by name into existing items. */
  readonly merge?: object;
}

/** The source, for tests that call it in process. */
export const POST_RENDERER_SCRIPT = path.join(__dirname, '..', '..', 'post-renderers', 'patch-workload.cjs');
/** What releases run: the source with `yaml` bundled in. */
export const POST_RENDERER_BUNDLE = path.join(__dirname, '..', '..', 'post-renderers', 'patch-workload.bundle.cjs');

/** One patch as an object (the form releases already deployed carry), several as a list. */
export function patchPostRenderer(scope: Construct, id: string, patches: ObjectPatch | readonly ObjectPatch[]): ReleasePostrender {
  const script = new ProjectAsset(scope, id, { path: POST_RENDERER_BUNDLE, type: AssetType.FILE });
  return { binaryPath: 'node', args: [script.path, JSON.stringify(patches)] };
}
