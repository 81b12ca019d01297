/**
 * A stack of one environment layer (`<env>-<layer>`) or a bootstrap stack: a
 * TerraformStack that knows where its state lives, so consumers can read it.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend, type StateLocation } from './state-backend';

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
}
