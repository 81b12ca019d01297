/**
 * Turns the environment files into validated, typed environments, or into a
 * ConfigError that lists every problem, one line each:
 *   config/<env>: <field path>: <what is wrong> (allowed: ...)
 */
import * as v from 'valibot';
import { registryProblems, restoreSourceProblems, STATE_ACCOUNT, STATE_BUCKET, unregisteredProblems } from './registry';
import { crossFieldProblems } from './rules';
import { capacityProblems } from './rules-capacity';
import { componentProblems } from './rules-components';
import { fieldPath, takeOut, type WrittenEnvironment } from './rules-kit';
import { namingProblems } from './rules-names';
import { environmentSchema, type Environment, type StateBackend } from './schema';
import { stackNameProblems } from './names';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

function pathText(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).reduce<string>((text, item) => {
    const key = item.key as PropertyKey;
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

/** A copy of the plain objects and lists of an input, so refused values can be taken out of it (a hole in a list reads as undefined). */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, plainCopy);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCopy(v)]));
  return value;
}

/**
 * The input of a refused environment file as the cross-field rules read it (rules-kit.ts Written):
 * every value whose type the schema refused taken out (a list item reads as undefined). A
 * value that only failed a range or pattern check stays: it has its type. Component values refused
 * as a list stay too; no cross-field rule reads them, and componentProblems runs on sound files only.
 */
function writtenPart(input: unknown, issues: readonly v.BaseIssue<unknown>[]): WrittenEnvironment {
  const part = plainCopy(input);
  for (const issue of issues) {
    if (issue.kind !== 'schema') continue;
    const keys = (issue.path ?? []).map((item) => item.key as PropertyKey);
    // An unknown discriminator is reported at its key, but the object it picks went unchecked.
    if (issue.type === 'variant' && issue.expected !== 'Object') keys.pop();
    const last = keys.pop();
    if (last === undefined) return {};
    const parent = keys.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), part);
    if (parent !== null && typeof parent === 'object') takeOut(parent, last);
  }
  return part !== null && typeof part === 'object' && !Array.isArray(part) ? (part as WrittenEnvironment) : {};
}

/** One environment file: every problem, formatted in a stable order, or the parsed environment. */
function checkEnvironment(file: string, input: unknown): { problems: string[]; env?: Environment } {
  const lines: Array<{ path: string; message: string }> = [];
  const result = v.safeParse(environmentSchema, input, { abortEarly: false });
  if (!result.success) lines.push(...result.issues.map((issue) => ({ path: pathText(issue), message: issue.message })));
  const name = (input as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && name !== file) {
    lines.push({ path: fieldPath((e) => e.name), message: `"${name}" does not match the file name (allowed: "${file}")` });
  }
  lines.push(...crossFieldProblems(result.success ? (input as WrittenEnvironment) : writtenPart(input, result.issues)));
  // Component overrides are judged on the typed environment: their rules need its parsed defaults.
  if (result.success) lines.push(...componentProblems(result.output));
  // Names and capacity are judged on an otherwise sound environment, so one mistake is not reported twice.
  if (result.success && lines.length === 0) lines.push(...namingProblems(result.output), ...capacityProblems(result.output));
  const seen = new Set<string>();
  const problems = lines
    .map(({ path, message }) => `config/${file}: ${path || '(root)'}: ${message}`)
    .filter((line) => !seen.has(line) && seen.add(line) !== undefined);
  return { problems, env: result.success ? result.output : undefined };
}

/** The account or subscription a state store belongs to, so envs that share one can be compared. */
function stateOwner(env: Environment): { store: string; owner: string; field: string } | undefined {
  const state: StateBackend = env.state;
  if (state.type === 's3' && env.cloud === 'aws') {
    return { store: `s3 bucket ${state.bucket}`, owner: `account ${env.aws.accountId}, region ${state.region}`, field: STATE_BUCKET };
  }
  if (state.type === 'azurerm' && env.cloud === 'azure') {
    return {
      store: `storage account ${state.storageAccountName}`,
      owner: `subscription ${env.azure.subscriptionId}, resource group ${state.resourceGroupName}`,
      field: STATE_ACCOUNT,
    };
  }
  return undefined;
}

/** Environments that share a state store must agree on where it lives: one bootstrap stack creates it. */
function sharedStateProblems(envs: readonly Environment[]): string[] {
  const first = new Map<string, { env: string; owner: string }>();
  const problems: string[] = [];
  for (const env of envs) {
    const info = stateOwner(env);
    if (!info) continue;
    const seen = first.get(info.store);
    if (!seen) first.set(info.store, { env: env.name, owner: info.owner });
    else if (seen.owner !== info.owner) {
      problems.push(
        `config/${env.name}: ${info.field}: ${info.store} is in ${info.owner} here but in ${seen.owner} for ${seen.env} (allowed: the same account, region and resource group in every environment that shares it)`,
      );
    }
  }
  return problems;
}

/** One S3 state store per AWS account and region: its bootstrap stack is named after both. */
function storePerAccountProblems(envs: readonly Environment[]): string[] {
  const first = new Map<string, { env: string; bucket: string }>();
  const problems: string[] = [];
  for (const env of envs) {
    if (env.cloud !== 'aws' || env.state.type !== 's3') continue;
    const where = `${env.aws.accountId} ${env.state.region}`;
    const seen = first.get(where);
    if (!seen) first.set(where, { env: env.name, bucket: env.state.bucket });
    else if (seen.bucket !== env.state.bucket) {
      problems.push(
        `config/${env.name}: ${STATE_BUCKET}: "${env.state.bucket}" is a second state store in AWS account ${env.aws.accountId} and region ${env.state.region}, where ${seen.env} keeps its state in ${seen.bucket} (allowed: one S3 state store per account and region; its bootstrap stack is named after both)`,
      );
    }
  }
  return problems;
}

/** Every registered environment that parses, selected or not (a shared store's bootstrap stack serves them all). */
export function registeredEnvironments(registry: Readonly<Record<string, unknown>>): Environment[] {
  return Object.keys(registry)
    .sort()
    .flatMap((name) => checkEnvironment(name, registry[name]).env ?? []);
}

/**
 * Parses ENVIRONMENTS (comma separated); empty or unset selects every environment. A name whose
 * file exists but is not registered (`files`: the environment files on disk) is told where to
 * register it, the one fix a newcomer needs.
 */
export function selectEnvironments(selection: string | undefined, known: readonly string[], files: readonly string[] = []): string[] {
  const wanted = (selection ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return [...known];
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((u) =>
        files.includes(u)
          ? `ENVIRONMENTS: "${u}" has a file, config/environments/${u}.ts, but is not registered (allowed: add it to ENVIRONMENTS in config/environments/index.ts, or one of ${known.join(', ')})`
          : `ENVIRONMENTS: "${u}" is not an environment (allowed: ${known.join(', ')})`,
      ),
    );
  }
  return [...new Set(wanted)];
}

/**
 * Validates the selected environments; throws ConfigError listing every problem found. The
 * registry-wide checks (shared state stores, bootstrap stack ids, global names) look at every
 * registered environment that parses, selected or not: an environment left out of this synth still
 * owns its names. `files` (the environment files on disk) points out files left out of the registry.
 */
export function loadEnvironments(
  registry: Readonly<Record<string, unknown>>,
  selection: string | undefined,
  files: readonly string[] = [],
): Environment[] {
  const all = Object.keys(registry).sort();
  const names = selectEnvironments(selection, all, files);
  const checked = names.map((name) => checkEnvironment(name, registry[name]));
  const problems = [...unregisteredProblems(files, registry), ...checked.flatMap((c) => c.problems)];
  if (problems.length > 0) throw new ConfigError(problems);
  const envs = checked.map((c) => c.env!);
  const others = all.filter((n) => !names.includes(n)).flatMap((n) => checkEnvironment(n, registry[n]).env ?? []);
  const every = [...envs, ...others].sort((a, b) => a.name.localeCompare(b.name));
  const shared = [...envs.flatMap(stackNameProblems), ...sharedStateProblems(every), ...storePerAccountProblems(every), ...registryProblems(every), ...restoreSourceProblems(every)];
  if (shared.length > 0) throw new ConfigError([...new Set(shared)]);
  return envs;
}
