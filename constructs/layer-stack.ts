/**
 * A stack of one environment layer (`<env>-<layer>`) or a bootstrap stack: a
 * TerraformStack that knows where its state lives, so consumers can read it.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend, type StateLocation } from './state-backend';
import { prepareStack, stackDocument } from './synth-speedups/stack-document';

/**
 * Every stack's `terraform.required_version`: S3-native state locking (`use_lockfile`) arrived in
 * Terraform 1.10, and an older Terraform would silently ignore the lock file and plan unlocked.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10';

function withRequiredVersion(tf: Record<string, unknown>): Record<string, unknown> {
  const terraform = (tf.terraform ?? {}) as Record<string, unknown>;
  return { ...tf, terraform: { required_version: TERRAFORM_REQUIRED_VERSION, ...terraform } };
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

  /** cdktf's, or without its preparing pass (synth-speedups/stack-document.ts, skip-prepare). */
  override prepareStack(): void {
    prepareStack(this, () => super.prepareStack());
  }

  /** cdktf's, or a cheaper copy (synth-speedups/stack-document.ts); either way with the required Terraform version. */
  override toTerraform(): Record<string, unknown> {
    return withRequiredVersion(stackDocument(this, () => super.toTerraform() as Record<string, unknown>));
  }
}
