/**
 * Policy checks over what Terraform will actually receive: the synthesized
 * JSON of every stack, overrides included. Most rules read resources; the
 * provider rules read provider blocks, and GEN-003 (foreign references) reads
 * every block that can hold an expression: resources, data sources,
 * providers, outputs and locals. A finding names the stack, the construct
 * path, the rule, what is wrong and how to fix it.
 */
import type { Suppression } from '../config/policy-suppressions';

export type Json = Record<string, any>;

export interface Finding {
  readonly stack: string;
  /** cdktf construct path inside the stack, e.g. control-plane/cluster. */
  readonly path: string;
  readonly rule: string;
  readonly message: string;
  readonly fix: string;
}

export interface Resource {
  readonly stack: string;
  /** Resource type; `data.<type>` for a data source, `provider`, `output` or `locals` for those blocks. */
  readonly type: string;
  readonly name: string;
  readonly path: string;
  readonly body: Json;
}

export interface Rule {
  readonly id: string;
  /** One line for docs/policies.md. */
  readonly title: string;
  /** checkov / CIS / AWS FSBP ids this rule mirrors, where one exists. */
  readonly mirrors: string;
  readonly fix: string;
  /** Returns the problems found: a resource and what is wrong with it. */
  check(stack: StackView): Array<{ resource: Resource; message: string }>;
}

/** One synthesized stack, with lookups rules need. */
export class StackView {
  constructor(
    readonly name: string,
    readonly json: Json,
  ) {}

  resources(type: string): Resource[] {
    return Object.entries<Json>(this.json.resource?.[type] ?? {}).map(([name, body]) => ({
      stack: this.name,
      type,
      name,
      path: (body['//']?.metadata?.path as string | undefined)?.replace(`${this.name}/`, '') ?? name,
      body,
    }));
  }

  all(): Resource[] {
    return Object.keys(this.json.resource ?? {}).flatMap((type) => this.resources(type));
  }

  /** Data sources of `type`; their address is `data.<type>.<name>`. */
  dataSources(type: string): Resource[] {
    return Object.entries<Json>(this.json.data?.[type] ?? {}).map(([name, body]) => ({
      stack: this.name,
      type: `data.${type}`,
      name,
      path: (body['//']?.metadata?.path as string | undefined)?.replace(`${this.name}/`, '') ?? `data.${type}.${name}`,
      body,
    }));
  }

  /** Provider blocks of one provider (one per alias), at path `provider/<name>[<i>]`. */
  providers(name: string): Resource[] {
    return asList(this.json.provider?.[name]).map((body, i) => ({ stack: this.name, type: 'provider', name, path: `provider/${name}[${i}]`, body: body as Json }));
  }

  /**
   * Every block that can hold an expression: resources, data sources, provider
   * blocks, outputs (path `output/<name>`) and locals (path `locals/<name>`).
   */
  blocks(): Resource[] {
    const entries = (value: unknown) => Object.entries<Json>((value as Json | undefined) ?? {});
    return [
      ...this.all(),
      ...Object.keys(this.json.data ?? {}).flatMap((type) => this.dataSources(type)),
      ...Object.keys(this.json.provider ?? {}).flatMap((name) => this.providers(name)),
      ...entries(this.json.output).map(([name, body]) => ({ stack: this.name, type: 'output', name, path: `output/${name}`, body })),
      ...entries(this.json.locals).map(([name, body]) => ({ stack: this.name, type: 'locals', name, path: `locals/${name}`, body: { value: body } })),
    ];
  }

  /** The Terraform address other resources use to reference this one. */
  static address(resource: Resource): string {
    return `${resource.type}.${resource.name}`;
  }

  /** Resources of `type` whose attribute `attr` references `target`. */
  referencing(type: string, attr: string, target: Resource): Resource[] {
    const ref = `${StackView.address(target)}.`;
    return this.resources(type).filter((r) => JSON.stringify(r.body[attr] ?? '').includes(ref));
  }
}

export interface PolicyReport {
  readonly violations: Finding[];
  readonly suppressed: Array<Finding & { readonly reason: string }>;
}

function matches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

export function checkStacks(
  stacks: Record<string, Json>,
  rules: readonly Rule[],
  suppressions: readonly Suppression[],
): PolicyReport {
  const violations: Finding[] = [];
  const suppressed: Array<Finding & { reason: string }> = [];
  for (const [name, json] of Object.entries(stacks)) {
    const view = new StackView(name, json);
    for (const rule of rules) {
      for (const { resource, message } of rule.check(view)) {
        const finding = { stack: name, path: resource.path, rule: rule.id, message, fix: rule.fix };
        const waiver = suppressions.find((s) => s.rule === rule.id && matches(s.target, `${name}/${resource.path}`));
        if (waiver) suppressed.push({ ...finding, reason: waiver.reason });
        else violations.push(finding);
      }
    }
  }
  return { violations, suppressed };
}

export function formatFinding(f: Finding): string {
  return `${f.stack}/${f.path}: ${f.rule} ${f.message} — ${f.fix}`;
}

/** Walks every string leaf of a value, with its key. */
export function leaves(value: unknown, visit: (key: string, leaf: unknown, path: string) => void, key = '', path = ''): void {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, visit, key, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') leaves(v, visit, k, path ? `${path}.${k}` : k);
  } else visit(key, value, path);
}

/** A value set by Terraform at apply time (a reference or expression), not a literal. */
export function isReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A single value or a list, as a list; Terraform JSON writes one-element blocks both ways. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * Parses a policy document that embeds Terraform expressions: `${replace(x, "a", "")}`
 * is valid once Terraform renders it, but its inner quotes are not JSON yet.
 */
export function parsePolicy(raw: string): Json {
  return JSON.parse(raw.replace(/\$\{[^}]*\}/g, (expr) => expr.replace(/"/g, '\\"'))) as Json;
}

