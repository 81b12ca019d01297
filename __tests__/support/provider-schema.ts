/**
 * Checks synthesized Terraform JSON against the provider bindings' own type
 * metadata: each @cdktf/provider-* package ships a .jsii manifest describing
 * every resource, data source and provider config, with argument names (in
 * the docs links), optionality and nested block structs. Catches escape-hatch
 * typos (addOverride) and missing required arguments that TypeScript cannot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from './synth';

interface Argument {
  readonly required: boolean;
  /** Nested block structure, when the argument is a block. */
  readonly block?: () => BlockSchema;
}

type BlockSchema = Map<string, Argument>;

interface ProviderIndex {
  readonly resource: Map<string, () => BlockSchema>;
  readonly data: Map<string, () => BlockSchema>;
  readonly provider: Map<string, () => BlockSchema>;
}

const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'connection', 'provisioner']);
const LINK = /\{@link https:\/\/registry\.terraform\.io\/providers\/[^ ]+\/docs(\/(resources|data-sources)\/[^ ]+)? ([a-z0-9_]+)\}/;
const ARG = /#([a-z0-9_]+) /;

function structFqn(type: Json): string | undefined {
  if (type?.fqn) return type.fqn;
  if (type?.collection?.elementtype?.fqn) return type.collection.elementtype.fqn;
  for (const t of type?.union?.types ?? []) {
    const fqn = structFqn(t);
    if (fqn) return fqn;
  }
  return undefined;
}

/**
 * The manifests are large (aws 130 MB, azurerm 88 MB): parsing them whole cost ~12 s of a test
 * run. jsii writes them pretty-printed with sorted keys, each type at four spaces of indent inside
 * `types`, so one pass finds where each type's text lies and only the types a check reaches are
 * parsed (JSON.parse of that slice).
 */
function typeSlices(text: string): Map<string, () => string> {
  const open = text.indexOf('\n  "types": {\n');
  if (open < 0) throw new Error('jsii manifest without a "types" section');
  const close = text.indexOf('\n  }', open + 1);
  const head = /^ {4}"([^"]+)": (?=\{$)/gm;
  head.lastIndex = open;
  const starts: { fqn: string; line: number; body: number }[] = [];
  for (let m = head.exec(text); m && m.index < close; m = head.exec(text)) starts.push({ fqn: m[1]!, line: m.index, body: m.index + m[0].length });
  return new Map(
    starts.map((t, i) => {
      // Up to the next type's line, less the comma that separates them.
      const end = i + 1 < starts.length ? text.lastIndexOf(',', starts[i + 1]!.line) : close;
      return [t.fqn, () => text.slice(t.body, end)];
    }),
  );
}

function loadIndex(pkg: string): ProviderIndex {
  // latin1: no UTF-8 validation of 270 MB; names and structure are ASCII, only prose in docs could differ.
  const slices = typeSlices(readFileSync(join(__dirname, '..', '..', 'node_modules', pkg, '.jsii'), 'latin1'));
  const parsed = new Map<string, Json>();
  const typeOf = (fqn: string): Json | undefined => {
    if (!parsed.has(fqn)) parsed.set(fqn, slices.has(fqn) ? JSON.parse(slices.get(fqn)!()) : undefined);
    return parsed.get(fqn);
  };
  const cache = new Map<string, BlockSchema>();

  const schemaOf = (fqn: string): BlockSchema => {
    const cached = cache.get(fqn);
    if (cached) return cached;
    const schema: BlockSchema = new Map();
    cache.set(fqn, schema);
    for (const prop of typeOf(fqn)?.properties ?? []) {
      const docs = `${prop.docs?.summary ?? ''} ${prop.docs?.remarks ?? ''}`;
      const name = ARG.exec(docs)?.[1] ?? prop.name.replace(/[A-Z]/g, (c: string) => `_${c.toLowerCase()}`);
      const nested = structFqn(prop.type);
      const isStruct = nested !== undefined && typeOf(nested)?.datatype === true;
      schema.set(name, { required: prop.optional !== true, block: isStruct ? () => schemaOf(nested) : undefined });
    }
    return schema;
  };

  const index: ProviderIndex = { resource: new Map(), data: new Map(), provider: new Map() };
  for (const [fqn, slice] of slices) {
    // Sorted keys: a class's "assembly", "base" and "docs" come first, at six spaces of indent.
    const text = slice();
    const base = /^ {6}"base": "([^"]+)"/m.exec(text.slice(0, 200))?.[1];
    const kind = { 'cdktf.TerraformResource': 'resource', 'cdktf.TerraformDataSource': 'data', 'cdktf.TerraformProvider': 'provider' }[
      base ?? ''
    ] as keyof ProviderIndex | undefined;
    if (!kind) continue;
    const docs = /^ {6}"docs": \{\n([\s\S]*?)^ {6}\}/m.exec(text)?.[1] ?? '';
    const summary = /^ {8}"summary": ("(?:[^"\\]|\\.)*")/m.exec(docs)?.[1];
    const link = LINK.exec(summary ? (JSON.parse(summary) as string) : '');
    if (!link) continue;
    const config = `${fqn}Config`;
    if (slices.has(config)) index[kind].set(link[3]!, () => schemaOf(config));
  }
  return index;
}

function checkBlock(schema: BlockSchema, body: Json, where: string, topLevel: boolean, problems: string[]): void {
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && META.has(key)) continue;
    const arg = schema.get(key);
    if (!arg) {
      problems.push(`${where}: unknown argument "${key}"`);
      continue;
    }
    if (!arg.block) continue;
    const nested = arg.block();
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        checkBlock(nested, item as Json, Array.isArray(value) ? `${where}.${key}[${i}]` : `${where}.${key}`, false, problems);
      }
    });
  }
  for (const [key, arg] of schema) {
    if (arg.required && !(key in body)) problems.push(`${where}: missing required argument "${key}"`);
  }
}

export class ProviderSchemas {
  private readonly indexes: ProviderIndex[];

  constructor(packages: readonly string[]) {
    this.indexes = packages.map(loadIndex);
  }

  private find(kind: keyof ProviderIndex, name: string): (() => BlockSchema) | undefined {
    for (const index of this.indexes) {
      const schema = index[kind].get(name);
      if (schema) return schema;
    }
    return undefined;
  }

  /** Every problem in one synthesized stack, as "<stack> <kind> <type>.<name>: <problem>". */
  check(stackName: string, stack: Json): string[] {
    const problems: string[] = [];
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, instances] of Object.entries<Json>(stack[kind] ?? {})) {
        if (kind === 'data' && type === 'terraform_remote_state') continue;
        // terraform_data is built into Terraform (no provider binding); its only arguments are input/triggers_replace.
        if (kind === 'resource' && type === 'terraform_data') continue;
        const schema = this.find(kind, type);
        for (const [name, body] of Object.entries<Json>(instances)) {
          const where = `${stackName} ${kind} ${type}.${name}`;
          if (!schema) problems.push(`${where}: no provider binding describes "${type}"`);
          else checkBlock(schema(), body, where, true, problems);
        }
      }
    }
    for (const [name, configs] of Object.entries<Json[]>(stack.provider ?? {})) {
      const schema = this.find('provider', name);
      configs.forEach((config, i) => {
        const where = `${stackName} provider ${name}[${i}]`;
        if (!schema) problems.push(`${where}: no provider binding describes "${name}"`);
        else checkBlock(schema(), config, where, true, problems);
      });
    }
    return problems;
  }
}
