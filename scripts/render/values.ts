/**
 * The values a helm_release hands to Helm, built the way the helm provider
 * (3.x, resource_helm_release.go getValues) builds them: every `values`
 * document merged in order (maps deep-merged, anything else replaced), then
 * `set`, `set_list` and `set_sensitive` applied with Helm's strvals paths.
 * Terraform references, unknown without a cluster, become typed placeholders:
 * a literal argument of a resource in the same stack is used as is (the
 * Kubernetes secret names the charts mount), anything else gets a value of
 * the shape its attribute has (ARN, bucket, UUID, Azure resource id, ...).
 */
import { parse } from 'yaml';
import type { Json } from '../../synth/output';

export type Values = Record<string, unknown>;

const ACCOUNT = '111111111111';

/** A value shaped like what the attribute holds once applied. */
function placeholderFor(expression: string): string {
  const attr = expression.split('.').pop()!.replace(/\[\d+\]$/, '');
  const label = expression.split('.').slice(0, 2).join('-').replace(/[^a-z0-9-]/gi, '-').toLowerCase().slice(0, 40).replace(/-+$/, '');
  if (/_arn$|^arn$/.test(attr)) {
    if (expression.includes('aws_acm_certificate') || attr === 'certificate_arn') return `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/00000000-0000-4000-8000-000000000000`;
    return `arn:aws:iam::${ACCOUNT}:role/${label}`;
  }
  if (attr === 'client_id' || attr === 'principal_id' || attr === 'tenant_id') return '00000000-0000-4000-8000-000000000000';
  if (attr === 'zone_id') return 'Z0123456789ABCDEFGHIJ';
  if (attr === 'vpc_id') return 'vpc-0123456789abcdef0';
  if (/(^|_)id$/.test(attr)) return `/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/placeholder/providers/Placeholder/${label}`;
  // Names and buckets: a lowercase DNS label valid for S3, storage containers and Kubernetes alike.
  return label;
}

/** An attribute of a resource in the same stack, when the stack sets it as a literal. */
function literalAttribute(stack: Json, expression: string): unknown {
  const parts = expression.match(/[^.[\]]+/g) ?? [];
  const [type, name, ...path] = parts;
  if (!type || !name || type === 'data' || type === 'var' || type === 'local') return undefined;
  let value: unknown = stack.resource?.[type]?.[name];
  for (const part of path) {
    if (value === undefined) return undefined;
    // cdktf writes single nested blocks (metadata) as objects; Terraform addresses them as [0].
    if (/^\d+$/.test(part) && !Array.isArray(value)) continue;
    value = (value as Json)[part];
  }
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/** A Terraform template string with its interpolations replaced and its escapes undone. */
export function resolveTemplate(stack: Json, template: string): string {
  return template
    .replace(/(\$\$\{|%%\{)|\$\{([^}]*)\}/g, (_m, escaped: string | undefined, expression: string | undefined) => {
      if (escaped) return escaped.slice(1);
      const trimmed = expression!.trim();
      return String(literalAttribute(stack, trimmed) ?? placeholderFor(trimmed));
    });
}

function isMap(value: unknown): value is Values {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Helm's mergeMaps: maps merge key by key, the later document wins everything else. */
export function mergeMaps(base: Values, overlay: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    out[key] = isMap(value) && isMap(out[key]) ? mergeMaps(out[key], value) : value;
  }
  return out;
}

/** strvals' typing of `--set` values: true/false, null, and integers without a leading zero. */
function typed(raw: string, asString: boolean): unknown {
  if (asString) return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (raw === '0' || /^-?[1-9]\d*$/.test(raw)) return Number(raw);
  return raw;
}

/** Sets one strvals path (`a.b\.c[1].d`) in place. */
export function setPath(values: Values, path: string, value: unknown): void {
  const keys: (string | number)[] = [];
  for (const segment of path.split(/(?<!\\)\./)) {
    const match = segment.match(/^(.*?)((?:\[\d+\])*)$/)!;
    keys.push(match[1]!.replace(/\\\./g, '.'));
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  let node: any = values;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    if (last) node[key] = value;
    else {
      const wantList = typeof keys[i + 1] === 'number';
      if (node[key] === undefined || node[key] === null || Array.isArray(node[key]) !== wantList) node[key] = wantList ? [] : {};
      node = node[key];
    }
  });
}

/** The values Helm receives for one synthesized helm_release body. */
export function releaseValues(stack: Json, release: Json): Values {
  let values: Values = {};
  for (const doc of (release.values ?? []) as string[]) {
    const parsed = parse(resolveTemplate(stack, doc)) as unknown;
    if (isMap(parsed)) values = mergeMaps(values, parsed);
  }
  const sets = (key: string): Json[] => (Array.isArray(release[key]) ? release[key] : []);
  for (const s of [...sets('set'), ...sets('set_sensitive')]) {
    setPath(values, s.name, typed(resolveTemplate(stack, String(s.value)), s.type === 'string'));
  }
  for (const s of sets('set_list')) {
    setPath(values, s.name, (s.value as unknown[]).map((v) => typed(resolveTemplate(stack, String(v)), false)));
  }
  return values;
}
