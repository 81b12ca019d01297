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
}
