/**
 * Checks on synthesized stacks that only make sense across stacks: every
 * remote-state read points at a real producer and an output it publishes, and
 * no value crossed stacks through cdktf's automatic (sensitive, unreadable)
 * cross-stack outputs.
 */
import { outputsRead } from '../../synth/output';
import type { Json } from './synth';

/** The backend a stack writes to, in the shape a remote-state data source reads it. */
function backendKey(type: string, config: Json): string {
  switch (type) {
    case 's3':
      return `s3:${config.bucket}/${config.key}`;
    case 'azurerm':
      return `azurerm:${config.storage_account_name}/${config.container_name}/${config.key}`;
    case 'local':
      return `local:${config.path}`;
    default:
      return `${type}:${JSON.stringify(config)}`;
  }
}

export function remoteStateProblems(stacks: Record<string, Json>): string[] {
  const producers = new Map<string, string>();
  for (const [name, stack] of Object.entries(stacks)) {
    const [type, config] = Object.entries<Json>(stack.terraform?.backend ?? {})[0] ?? [];
    if (type && config) producers.set(backendKey(type, config), name);
  }
  const problems: string[] = [];
  for (const [name, stack] of Object.entries(stacks)) {
    for (const [id, source] of Object.entries<Json>(stack.data?.terraform_remote_state ?? {})) {
      const producer = producers.get(backendKey(source.backend, source.config));
      if (!producer) {
        problems.push(`${name}: remote state ${id} reads a backend no stack writes`);
        continue;
      }
      for (const output of outputsRead(stack, id)) {
        if (!stacks[producer]!.output?.[output]) problems.push(`${name}: reads output ${output} that ${producer} does not publish`);
      }
    }
  }
  return problems;
}

export function automaticCrossStackOutputs(stacks: Record<string, Json>): string[] {
  return Object.entries(stacks).flatMap(([name, stack]) =>
    Object.keys(stack.output ?? {})
      .filter((o) => o.startsWith('cross-stack-output-'))
      .map((o) => `${name}: ${o}`),
  );
}
