/**
 * A stack of one environment layer (`<env>-<layer>`) or a bootstrap stack: a
 * TerraformStack that knows where its state lives, so consumers can read it.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import type { Construct, IConstruct } from 'constructs';
import { resolveDocument } from './resolve-document';
import { configureBackend, type StateLocation } from './state-backend';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * Every stack's `terraform.required_version`: S3-native state locking (`use_lockfile`) arrived in
 * Terraform 1.10, and an older Terraform would silently ignore the lock file and plan unlocked.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10';

function withRequiredVersion(tf: Record<string, unknown>): Record<string, unknown> {
  const terraform = (tf.terraform ?? {}) as Record<string, unknown>;
  return { ...tf, terraform: { required_version: TERRAFORM_REQUIRED_VERSION, ...terraform } };
}

/** The stack's Terraform elements, not descending into nested stacks (cdktf's terraformElements). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

export class LayerStack extends TerraformStack {
  /** Contracts this stack publishes as outputs, by contract name. */
  readonly published = new Set<string>();

  constructor(
    scope: Construct,
    id: string,
    readonly state: StateLocation,
  ) {
    super(scope, id);
    configureBackend(this, state);
  }

  /**
   * cdktf's preparing pass resolves every token of the stack once more, only
   * to find cross-stack references and turn them into sensitive, unreadable
   * outputs (about a tenth of synth time here). Values cross stacks only through
   * remote-state contracts in this project, so the pass is skipped; policy
   * GEN-003 fails the synth on any reference to something the stack does not define.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * cdktf 0.21's toTerraform, minus its last step: after resolving every
   * element it resolves the merged document once more, a second walk of the
   * whole stack (~6% of synth here) that changes nothing when the stack has no
   * stack-level overrides, whose values are the only unresolved input left.
   * With such overrides it defers to cdktf. cdktf 0.21 is final, so this copy
   * cannot drift; the snapshot tests compare every stack byte for byte.
   */
  override toTerraform(): Record<string, unknown> {
    const raw = (this as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides;
    if (Object.keys(raw).length > 0) return withRequiredVersion(super.toTerraform() as Record<string, unknown>);
    const resolve = (value: unknown): Record<string, unknown> => resolveDocument(value, this, RESOLVER) as Record<string, unknown>;
    const elements = elementsOf(this);
    const metadata: Record<string, unknown> = {
      version: (this as unknown as { cdktfVersion: string }).cdktfVersion,
      stackName: this.node.id,
      backend: 'local',
      cloud: undefined,
    };
    for (const e of elements) deepMerge(metadata, resolve(e.toMetadata()));
    const outputs: Record<string, unknown> = {};
    for (const e of elements) {
      if (!TerraformOutput.isTerraformOutput(e)) continue;
      deepMerge(outputs, e.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? e.friendlyUniqueId : inner }), {}));
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const e of elements) deepMerge(tf, resolve(e.toTerraform()));
    return withRequiredVersion(tf);
  }
}
