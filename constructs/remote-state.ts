/**
 * The only way a value crosses stacks: the producer publishes a typed contract
 * as named outputs, the consumer reads it through terraform_remote_state built
 * from the producer's own backend description. Names are snake_case so
 * `terraform output -raw vpc_id` works for people too.
 */
import { TerraformOutput } from 'cdktf';
import type { LayerStack } from './layer-stack';
import { remoteState } from './state-backend';

export type OutputKind = 'string' | 'list';

export interface OutputSpec {
  readonly kind: OutputKind;
  readonly description: string;
}

export type ContractSpec = Readonly<Record<string, OutputSpec>>;

export interface Contract<S extends ContractSpec> {
  readonly name: string;
  readonly outputs: S;
}

export type ContractValues<S extends ContractSpec> = {
  readonly [K in keyof S]: S[K]['kind'] extends 'list' ? string[] : string;
};

export function defineContract<const S extends ContractSpec>(name: string, outputs: S): Contract<S> {
  return { name, outputs };
}

/** vpcId -> vpc_id: the output name consumers and people see. */
export function outputName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function publish<S extends ContractSpec>(stack: LayerStack, contract: Contract<S>, values: ContractValues<S>): void {
  for (const [key, spec] of Object.entries(contract.outputs)) {
    new TerraformOutput(stack, outputName(key), {
      value: values[key as keyof S],
      description: spec.description,
    });
  }
  stack.published.add(contract.name);
}

/**
 * Reads a producer's contract in the consumer and records the deploy order.
 * Fails at synth if the producer never published that contract.
 */
export function consume<S extends ContractSpec>(
  consumer: LayerStack,
  producer: LayerStack,
  contract: Contract<S>,
): ContractValues<S> {
  if (!producer.published.has(contract.name)) {
    throw new Error(`${consumer.node.id} reads contract "${contract.name}" that ${producer.node.id} does not publish`);
  }
  consumer.addDependency(producer);
  const state = remoteState(consumer, `${producer.node.id}-state`, producer.state);
  const values: Record<string, string | string[]> = {};
  for (const [key, spec] of Object.entries(contract.outputs)) {
    values[key] = spec.kind === 'list' ? state.getList(outputName(key)) : state.getString(outputName(key));
  }
  return values as ContractValues<S>;
}
