/**
 * A consumer's plan needs outputs its producers have applied. Before a new environment's first
 * apply, or when a PR adds a contract key, the producer's state lacks the output and the consumer's
 * plan fails ("Unable to find remote state", "Unsupported attribute"). That is not a broken change:
 * it is "waiting for <producer> to apply <output>". Two checks say so:
 *  1. before planning, the outputs the consumer reads are compared with the producer's state
 *     (`terraform output -json` in the producer's directory: names only are kept, never values);
 *  2. if a plan still fails, its error text is read for those two errors on a remote state.
 */
import { outputsRead, type Json } from '../../synth/output';

export interface RemoteRead {
  /** The terraform_remote_state data source id in the consumer. */
  readonly dataSource: string;
  /** The stack whose state it reads. */
  readonly producer: string;
  /** Output names the consumer uses. */
  readonly outputs: readonly string[];
}

export interface Waiting {
  readonly producer: string;
  readonly outputs: readonly string[];
}

/** Where a stack keeps its state: the key (s3, azurerm) or path (local) that identifies it. */
function stateLocation(backend: Json | undefined): string | undefined {
  if (!backend) return undefined;
  const [type, config] = Object.entries<Json>(backend)[0] ?? [];
  if (!type || !config) return undefined;
  const where = config.key ?? config.path;
  return typeof where === 'string' ? `${type}:${config.bucket ?? config.storage_account_name ?? ''}:${where}` : undefined;
}

/** Every remote state `consumer` reads, mapped to the producing stack by the state it points at. */
export function remoteReads(consumer: Json, stacks: Readonly<Record<string, Json>>): RemoteRead[] {
  const byLocation = new Map<string, string>();
  for (const [name, stack] of Object.entries(stacks)) {
    const where = stateLocation(stack.terraform?.backend);
    if (where) byLocation.set(where, name);
  }
  return Object.entries<Json>(consumer.data?.terraform_remote_state ?? {}).map(([dataSource, block]) => {
    const where = stateLocation({ [block.backend]: block.config });
    const producer = (where && byLocation.get(where)) ?? dataSource.replace(/-state$/, '');
    return { dataSource, producer, outputs: [...outputsRead(consumer, dataSource)].sort() };
  });
}

/** What the consumer waits for, given the output names each producer's state holds (absent: no state). */
export function missingOutputs(reads: readonly RemoteRead[], applied: Readonly<Record<string, readonly string[] | undefined>>): Waiting[] {
  return reads.flatMap((read) => {
    const have = new Set(applied[read.producer] ?? []);
    const missing = read.outputs.filter((o) => !have.has(o));
    return missing.length > 0 ? [{ producer: read.producer, outputs: missing }] : [];
  });
}

/** Output names in `terraform output -json` text; `{}` (no state yet) gives none. */
export function outputNames(outputJson: string): string[] {
  const parsed = JSON.parse(outputJson.trim() || '{}') as Record<string, unknown>;
  return Object.keys(parsed).sort();
}

/**
 * Remote-state errors in a failed plan's output, as what the consumer waits for. Undefined when
 * the plan failed for any other reason too: then it is a real failure and must show red.
 */
export function waitingFromPlanError(text: string, reads: readonly RemoteRead[]): Waiting[] | undefined {
  const errors = text.split(/^.*Error: /m).slice(1);
  if (errors.length === 0) return undefined;
  const producerOf = (dataSource: string) => reads.find((r) => r.dataSource === dataSource)?.producer ?? dataSource.replace(/-state$/, '');
  const waiting = new Map<string, Set<string>>();
  const add = (producer: string, outputs: readonly string[]) => {
    const set = waiting.get(producer) ?? new Set<string>();
    outputs.forEach((o) => set.add(o));
    waiting.set(producer, set);
  };
  for (const error of errors) {
    const noState = /^Unable to find remote state[\s\S]*?data\.terraform_remote_state\.([\w-]+)/.exec(error);
    const noOutput = /^Unsupported attribute[\s\S]*?data\.terraform_remote_state\.([\w-]+)\.outputs is (?:object|map)[\s\S]*?does not have an attribute named "([^"]+)"/.exec(error);
    if (noState) {
      const dataSource = noState[1]!;
      add(producerOf(dataSource), reads.find((r) => r.dataSource === dataSource)?.outputs ?? []);
    } else if (noOutput) add(producerOf(noOutput[1]!), [noOutput[2]!]);
    else return undefined;
  }
  return [...waiting].map(([producer, outputs]) => ({ producer, outputs: [...outputs].sort() }));
}

/** "waiting for aws-prod-cluster to apply cluster_endpoint, oidc_issuer_url" */
export function waitingText(waiting: readonly Waiting[]): string {
  return waiting
    .map((w) => `waiting for ${w.producer} to apply ${w.outputs.length > 0 ? w.outputs.join(', ') : 'its first state'}`)
    .join('; ');
}
