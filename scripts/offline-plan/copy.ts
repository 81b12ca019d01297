/**
 * Turns one synthesized stack into its offline copy: a Terraform module with
 * no backend, no provider blocks (the batch root configures them), every
 * network-bound data source and every terraform_remote_state replaced by a
 * stub in `locals`, and every resource of a stood-in provider replaced by a
 * built-in terraform_data resource that still evaluates all its arguments.
 */
import type { AwsEnvironment, Environment } from '../../config/schema';
import { layerOf, stateStoreStackId } from '../../config/names';
import type { Json } from '../../synth/output';
import type { CloudFixtures, DataStub } from './fixtures';
import { awsFixtures } from './fixtures-aws';
import { azureFixtures } from './fixtures-azure';
import { NEWER_MAJOR_ONLY, normalizeSource, type ProviderMode } from './providers';
import { hclString, isLiteral, literal, rewriteValue, type Reference } from './references';

/** A provider configuration the batch root declares on the stack's behalf. */
export interface ProviderConfig {
  readonly type: string;
  /** The alias inside the stack, if the stack aliased it. */
  readonly alias?: string;
  readonly config: Json;
}

export interface OfflineCopy {
  readonly stack: string;
  readonly module: Json;
  readonly providers: readonly ProviderConfig[];
  /** required_providers of the module: local name to source and installed version. */
  readonly requiredProviders: Readonly<Record<string, { source: string; version: string }>>;
  /** Block address in the copy (`aws_vpc.x`, `terraform_data.helm_release__y`, `local.offline_…`) to what it stands for. */
  readonly origins: ReadonlyMap<string, { readonly address: string; readonly path: string }>;
  /** What the copy changed, for the report: stand-ins, stubs, dropped arguments, relaxed versions. */
  readonly notes: readonly string[];
  /** Why the stack cannot be planned offline, if it cannot. */
  readonly notPlanned?: string;
  /** Problems found while copying (missing stub, remote state pointing elsewhere): errors of the stack. */
  readonly problems: readonly string[];
}

export interface CopyOptions {
  /** Every synthesized stack by name: producers are read from here. */
  readonly stacks: Readonly<Record<string, Json>>;
  readonly envs: readonly Environment[];
  readonly mode: (source: string, pinned: string) => ProviderMode;
  /** The fake STS endpoint answering GetCallerIdentity with `account`. */
  readonly stsEndpoint: (account: string) => string;
}

const META = new Set(['//', 'count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);
/** Computed attributes the provider schema marks sensitive, for stood-in resources. */
const SENSITIVE_COMPUTED: Readonly<Record<string, readonly string[]>> = {
  random_password: ['result', 'bcrypt_hash'],
  random_string: [],
};
const APPLY_TIME = 'offline_apply_time';

export function environmentOf(stack: string, envs: readonly Environment[]): Environment | undefined {
  return envs.find((env) => {
    if (stack.startsWith(`${env.name}-`)) return true;
    return stack === stateStoreStackId(env);
  });
}

function fixturesFor(env: Environment): CloudFixtures<Environment> {
  return (env.cloud === 'aws' ? awsFixtures : azureFixtures) as unknown as CloudFixtures<Environment>;
}

function providerOfType(type: string, localNames: readonly string[]): string {
  return localNames.find((n) => type === n || type.startsWith(`${n}_`)) ?? type.split('_')[0]!;
}

function blocks(section: Json | undefined): [string, string, Json][] {
  return Object.entries<Json>(section ?? {}).flatMap(([type, byName]) => Object.entries<Json>(byName).map(([name, body]) => [type, name, body] as [string, string, Json]));
}

/** A stub's values as one expression; sensitive attributes stay sensitive. */
function stubExpression(stub: DataStub, deferredBy: string | undefined): string {
  const sensitive = new Set(stub.sensitive ?? []);
  const plain = Object.fromEntries(Object.entries(stub.values).filter(([k]) => !sensitive.has(k)));
  const marked = [...sensitive].filter((k) => k in stub.values).map((k) => `${JSON.stringify(k)} = sensitive(jsondecode(${hclString(JSON.stringify(stub.values[k]))}))`);
  const value = `merge(jsondecode(${hclString(JSON.stringify(plain))}), {${marked.join(', ')}})`;
  // Read at apply time, a data source's attributes are unknown during the plan.
  return deferredBy ? `\${${deferredBy}.id == "" ? null : ${value}}` : `\${${value}}`;
}

function managedReferences(value: unknown, managed: Set<string>): boolean {
  let found = false;
  rewriteValue(value, (ref) => {
    if (!ref.data && managed.has(`${ref.type}.${ref.name}`)) found = true;
    return undefined;
  });
  return found;
}

export function offlineCopy(stack: string, options: CopyOptions): OfflineCopy {
  const source = options.stacks[stack];
  if (!source) throw new Error(`no synthesized stack named ${stack}`);
  const j = structuredClone(source) as Json;
  const notes: string[] = [];
  const problems: string[] = [];
  const origins = new Map<string, { address: string; path: string }>();
  const env = environmentOf(stack, options.envs);
  if (!env) {
    // A stack of no environment (the GitHub settings stack) has no fixtures: it is reported as not
    // planned when one of its providers cannot plan offline, and is an error otherwise.
    const reasons = Object.values<{ source: string; version: string }>(j.terraform?.required_providers ?? {})
      .map((req) => options.mode(req.source, req.version))
      .flatMap((mode) => (mode.kind === 'missing' ? [mode.reason] : []));
    if (reasons.length === 0) throw new Error(`${stack}: no environment in config/environments owns this stack, so no fixtures apply`);
    return { stack, module: {}, providers: [], requiredProviders: {}, origins: new Map(), notes: [], notPlanned: reasons.join('; '), problems: [] };
  }
  const fixtures = fixturesFor(env);

  // Providers: installed for real, stood in for, or missing.
  const required = (j.terraform?.required_providers ?? {}) as Record<string, { source: string; version: string }>;
  const localNames = Object.keys(required);
  const modes = new Map<string, ProviderMode>();
  const requiredProviders: Record<string, { source: string; version: string }> = {};
  const missing: string[] = [];
  for (const [local, req] of Object.entries(required)) {
    const mode = options.mode(req.source, req.version);
    modes.set(local, mode);
    const name = normalizeSource(req.source);
    if (mode.kind === 'real') {
      requiredProviders[local] = { source: name, version: mode.version };
      if (mode.version !== req.version) notes.push(`${name} ${mode.version} plans it (pinned ${req.version}): the version constraint is relaxed to what is installed`);
    } else if (mode.kind === 'stand-in') notes.push(`${name} resources are terraform_data stand-ins: ${mode.reason}`);
    else missing.push(mode.reason);
  }
  const standIn = (type: string) => modes.get(providerOfType(type, localNames))?.kind === 'stand-in';

  delete j.terraform;
  const metadata = (body: Json) => (body['//']?.metadata?.path as string | undefined) ?? `${stack}/?`;

  // Data sources: stubs in locals.
  const locals: Json = { ...(j.locals ?? {}) };
  const dataRefs = new Map<string, string>();
  const managed = new Set(blocks(j.resource).map(([type, name]) => `${type}.${name}`));
  let needsApplyTime = false;
  for (const [type, name, body] of blocks(j.data)) {
    const address = `data.${type}.${name}`;
    if (fixtures.computedLocally.includes(type) && !standIn(type)) continue;
    const local = type === 'terraform_remote_state' ? `offline_remote_state__${name}` : `offline_data__${type}__${name}`;
    dataRefs.set(`${type}.${name}`, local);
    origins.set(`local.${local}`, { address, path: metadata(body) });
    if (body.count !== undefined || body.for_each !== undefined) {
      problems.push(`${metadata(body)}: ${address} has count/for_each, which the offline stubs do not support yet`);
      continue;
    }
    if (type === 'terraform_remote_state') {
      const stub = remoteStateStub(name, body, options, problems, metadata(body));
      if (stub) locals[local] = stub;
      continue;
    }
    const fixture = fixtures.data[type];
    if (!fixture) {
      problems.push(`${metadata(body)}: no offline stub for data source ${type}; add one to scripts/offline-plan/fixtures-${fixtures.cloud}.ts`);
      continue;
    }
    const deferred = managedReferences(body, managed) || (body.depends_on ?? []).length > 0;
    let stub: DataStub;
    try {
      stub = fixture(body, env);
    } catch (error) {
      problems.push(`${metadata(body)}: ${(error as Error).message}`);
      continue;
    }
    needsApplyTime ||= deferred;
    locals[local] = stubExpression(stub, deferred ? `terraform_data.${APPLY_TIME}` : undefined);
    notes.push(`${address} is stubbed${deferred ? ' (read at apply: unknown during the plan)' : ''}`);
  }
  if (j.data) {
    for (const type of Object.keys(j.data)) {
      for (const name of Object.keys(j.data[type])) if (dataRefs.has(`${type}.${name}`)) delete j.data[type][name];
      if (Object.keys(j.data[type]).length === 0) delete j.data[type];
    }
    if (Object.keys(j.data).length === 0) delete j.data;
  }

  // Resources of stood-in providers: terraform_data with the same arguments and meta-arguments.
  interface StandIn {
    readonly address: string;
    readonly body: Json;
    readonly repeated: boolean;
    readonly local?: string;
  }
  const standIns = new Map<string, StandIn>();
  const resources: Json = {};
  for (const [type, name, body] of blocks(j.resource)) {
    if (!standIn(type)) {
      (resources[type] ??= {})[name] = body;
      origins.set(`${type}.${name}`, { address: `${type}.${name}`, path: metadata(body) });
      continue;
    }
    if (body.dynamic !== undefined || body.provisioner !== undefined) {
      problems.push(`${metadata(body)}: ${type}.${name} uses dynamic blocks or provisioners, which a terraform_data stand-in cannot carry`);
      continue;
    }
    const standInName = `${type}__${name}`;
    const args = Object.fromEntries(Object.entries(body).filter(([k]) => !META.has(k)));
    const repeated = body.count !== undefined || body.for_each !== undefined;
    // Set arguments read from a local stay known during the plan, as they are with the real provider; terraform_data's own output is not.
    const local = repeated ? undefined : `offline_resource__${standInName}`;
    if (local) locals[local] = args;
    const data: Json = { '//': body['//'], input: local ? `\${local.${local}}` : args };
    for (const meta of ['count', 'for_each', 'depends_on'] as const) if (body[meta] !== undefined) data[meta] = body[meta];
    if (body.lifecycle) {
      // ignore_changes names the real resource's attributes, which terraform_data does not have; a create-only plan ignores it anyway.
      const { ignore_changes: _ignored, ...lifecycle } = body.lifecycle as Json;
      if (Object.keys(lifecycle).length > 0) data.lifecycle = lifecycle;
    }
    (resources.terraform_data ??= {})[standInName] = data;
    standIns.set(`${type}.${name}`, { address: `terraform_data.${standInName}`, body: args, repeated, local });
    origins.set(`terraform_data.${standInName}`, { address: `${type}.${name}`, path: metadata(body) });
    if (local) origins.set(`local.${local}`, { address: `${type}.${name}`, path: metadata(body) });
  }

  // Provider blocks: real ones go to the batch root, stood-in ones become terraform_data so their expressions are still evaluated.
  const providers: ProviderConfig[] = [];
  for (const [type, configs] of Object.entries<Json[]>(j.provider ?? {})) {
    const mode = modes.get(type);
    configs.forEach((config, i) => {
      if (mode?.kind === 'stand-in') {
        const name = `offline_provider__${type}${i > 0 ? `_${i}` : ''}`;
        (resources.terraform_data ??= {})[name] = { input: config };
        origins.set(`terraform_data.${name}`, { address: `provider.${type}`, path: `${stack}/provider/${type}` });
        return;
      }
      const { alias, ...rest } = config;
      providers.push({ type, alias: alias as string | undefined, config: type === 'aws' ? offlineAws(rest, env, options, problems, stack) : rest });
    });
  }
  delete j.provider;
  if (needsApplyTime) (resources.terraform_data ??= {})[APPLY_TIME] = { '//': { comment: 'unknown until apply: stands for data sources read at apply time' } };

  // Arguments only a newer provider major knows.
  for (const drop of NEWER_MAJOR_ONLY) {
    const local = localNames.find((n) => normalizeSource(required[n]!.source) === drop.provider);
    const mode = local ? modes.get(local) : undefined;
    if (mode?.kind !== 'real' || Number(mode.version.split('.')[0]) >= drop.belowMajor) continue;
    for (const [name, body] of Object.entries<Json>(resources[drop.type] ?? {})) {
      if (body[drop.argument] === undefined) continue;
      delete body[drop.argument];
      notes.push(`${drop.type}.${name}: ${drop.argument} dropped for ${drop.provider} ${mode.version} (${drop.reason})`);
    }
  }

  j.resource = resources;
  if (Object.keys(requiredProviders).length > 0) {
    // A module receives aliased configurations (the DR region's aws.dr) only if it declares them.
    const withAliases: Json = { ...requiredProviders };
    for (const p of providers.filter((p) => p.alias && requiredProviders[p.type])) {
      const entry = withAliases[p.type] as Json;
      withAliases[p.type] = { ...entry, configuration_aliases: [...((entry.configuration_aliases as string[] | undefined) ?? []), `${p.type}.${p.alias}`] };
    }
    j.terraform = { required_providers: withAliases };
  }
  if (Object.keys(locals).length > 0) j.locals = locals;

  const rewrite = (ref: Reference): string | undefined => {
    const key = `${ref.type}.${ref.name}`;
    if (ref.data) {
      const local = dataRefs.get(key);
      return local ? `local.${local}${ref.traversal.join('')}` : undefined;
    }
    const s = standIns.get(key);
    return s ? standInReference(s, ref) : undefined;
  };
  const rewriteDependsOn = (list: string[]): string[] =>
    list.flatMap((entry) => {
      if (entry.startsWith('data.') && dataRefs.has(entry.slice(5))) return [];
      return [standIns.get(entry)?.address ?? entry];
    });
  for (const section of ['resource', 'data'] as const) {
    for (const [, , body] of blocks(j[section])) if (Array.isArray(body.depends_on)) body.depends_on = rewriteDependsOn(body.depends_on);
  }
  for (const o of Object.values<Json>(j.output ?? {})) if (Array.isArray(o.depends_on)) o.depends_on = rewriteDependsOn(o.depends_on);
  const module = rewriteValue(j, rewrite) as Json;
  for (const [i, p] of providers.entries()) providers[i] = { ...p, config: rewriteValue(p.config, rewrite) as Json };

  return {
    stack,
    module,
    providers,
    requiredProviders,
    origins,
    notes,
    problems,
    ...(missing.length > 0 ? { notPlanned: missing.join('; ') } : {}),
  };

  function standInReference(s: StandIn, ref: Reference): string {
    let rest = [...ref.traversal];
    let key = '';
    if (s.repeated && rest[0]?.startsWith('[')) key = rest.shift()!;
    if (rest.length === 0) return `${s.address}${key}`;
    // Walk the arguments the resource sets: a set path reads the same value; anything else is computed by the provider.
    let at: unknown = s.body;
    const kept: string[] = [];
    let computed = false;
    for (const [i, seg] of rest.entries()) {
      const attr = /^\.([\w-]+)$/.exec(seg)?.[1];
      const index = /^\[(\d+)\]$/.exec(seg)?.[1];
      const quoted = /^\["([^"]+)"\]$/.exec(seg)?.[1];
      if (attr !== undefined || quoted !== undefined) {
        const k = (attr ?? quoted)!;
        if (at === null || typeof at !== 'object' || Array.isArray(at) || !(k in at)) {
          computed = true;
          break;
        }
        at = (at as Json)[k];
        kept.push(seg);
      } else if (index !== undefined) {
        // A nested block written as one JSON object is a one-element list to Terraform.
        if (Array.isArray(at)) {
          at = at[Number(index)];
          kept.push(seg);
        } else if (at !== null && typeof at === 'object' && index === '0') continue;
        else {
          computed = true;
          break;
        }
      } else {
        kept.push(...rest.slice(i));
        break;
      }
    }
    if (computed) {
      const attr = /^\.([\w-]+)$/.exec(rest[0] ?? '')?.[1] ?? '';
      // Unknown until apply, of a type not known either, as an attribute the provider computes: jsondecode of an unknown string is exactly that.
      const unknown = `jsondecode(${s.address}${key}.id)${rest.join('')}`;
      return (SENSITIVE_COMPUTED[s.address.split('.')[1]!.split('__')[0]!] ?? []).includes(attr) ? `sensitive(${unknown})` : unknown;
    }
    rest = kept;
    return s.local ? `local.${s.local}${rest.join('')}` : `${s.address}${key}.output${rest.join('')}`;
  }
}

/** The producer's published outputs, as the consumer's terraform_remote_state would return them. */
function remoteStateStub(name: string, body: Json, options: CopyOptions, problems: string[], path: string): Json | undefined {
  const producerName = name.replace(/-state$/, '');
  const producer = options.stacks[producerName];
  if (!producer) {
    problems.push(`${path}: reads the state of ${producerName}, which is not a synthesized stack`);
    return undefined;
  }
  const backend = Object.entries<Json>(producer.terraform?.backend ?? {})[0];
  if (!backend || backend[0] !== body.backend) {
    problems.push(`${path}: reads a ${body.backend} backend but ${producerName} keeps its state in ${backend?.[0] ?? 'no backend'}`);
  } else {
    for (const [k, v] of Object.entries<unknown>(body.config ?? {})) {
      if (k in backend[1] && JSON.stringify(backend[1][k]) !== JSON.stringify(v)) problems.push(`${path}: reads ${k} ${JSON.stringify(v)} but ${producerName} writes its state to ${JSON.stringify(backend[1][k])}`);
    }
  }
  const env = environmentOf(producerName, options.envs);
  const layer = layerOf(producerName);
  const fixtures = env ? fixturesFor(env) : undefined;
  const contract = fixtures?.contracts.find((c) => c.contract === `${fixtures.cloud}-${layer}`);
  if (!env || !contract) {
    problems.push(`${path}: no contract fixture for ${producerName} in scripts/offline-plan/fixtures-*.ts`);
    return undefined;
  }
  const values = contract.outputs(env);
  const outputs: Json = {};
  for (const [output, spec] of Object.entries<Json>(producer.output ?? {})) {
    // A value the producer writes down literally is what the consumer will read; only apply-time values come from the fixture.
    const value = isLiteral(spec.value) ? spec.value : values[output] === undefined ? undefined : literal(values[output]);
    if (value === undefined) {
      problems.push(`${path}: ${producerName} publishes ${output}, which has no value in its contract fixture`);
      continue;
    }
    outputs[output] = spec.sensitive ? `\${sensitive(jsondecode(${hclString(JSON.stringify(value))}))}` : value;
  }
  return { outputs };
}

function offlineAws(config: Json, env: Environment, options: CopyOptions, problems: string[], stack: string): Json {
  if (env.cloud !== 'aws') {
    problems.push(`${stack}: an aws provider in a ${env.cloud} environment has no stubbed account`);
    return config;
  }
  const account = (env as AwsEnvironment).aws.accountId;
  const {
    profile: _profile,
    assume_role: _assumeRole,
    assume_role_with_web_identity: _web,
    shared_config_files: _config,
    shared_credentials_files: _credentials,
    endpoints,
    // Default tags only fill in tags_all, which no plan error depends on; without them every stack of one account and region
    // shares one provider configuration, and each configuration costs two provider processes (~3.5 CPU-seconds each) per plan.
    default_tags: _defaultTags,
    ...rest
  } = config;
  const existing = (Array.isArray(endpoints) ? endpoints[0] : endpoints) as Json | undefined;
  return {
    ...rest,
    // Obviously fake keys: requests are signed but only the local STS stand-in ever receives one.
    access_key: 'OFFLINEPLANACCESSKEY',
    secret_key: 'offline-plan-secret-key-not-a-real-credential',
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    // The account id is still requested, from a local STS that answers with the environment's account, so allowed_account_ids is really checked.
    skip_requesting_account_id: false,
    // A call to any other AWS API during the plan fails at once instead of retrying for minutes.
    max_retries: 1,
    // The provider tries iam:GetUser before STS; the local endpoint refuses it so nothing leaves the machine.
    endpoints: [{ ...(existing ?? {}), iam: options.stsEndpoint(account), sts: options.stsEndpoint(account) }],
  };
}

