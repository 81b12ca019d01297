/**
 * Schema checks for rendered objects: built-in kinds against kubernetes-models
 * (types and required fields), custom resources against the openAPIV3Schema of
 * the CRD the environment installs, read from the rendered CRD itself. A CRD's
 * structural schema prunes unknown fields silently on the cluster, so a field
 * the schema does not declare is reported: it would be dropped without a word.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { Json } from '../../synth/output';

/** Which package models an apiVersion (group/version or core version). */
export function modelModule(apiVersion: string): string | undefined {
  if (/^(acme\.)?cert-manager\.io\/v\d/.test(apiVersion)) return `@kubernetes-models/cert-manager/${apiVersion}`;
  if (/^monitoring\.coreos\.com\/v\d/.test(apiVersion)) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  if (/^gateway\.networking\.k8s\.io\/v\d/.test(apiVersion)) return `@kubernetes-models/gateway-api/${apiVersion}`;
  if (/^([a-z0-9-]+\.)*k8s\.io\/v\d|^(apps|batch|autoscaling|policy)\/v\d|^v1$/.test(apiVersion)) return `kubernetes-models/${apiVersion}`;
  return undefined;
}

type Models = Record<string, new (data: Json) => { validate(): void }>;
const loadedModels = new Map<string, Models>();

/** Loads (ESM, so asynchronously) the model packages the objects need; modelProblem then runs synchronously. */
export async function loadModels(objects: readonly Json[]): Promise<void> {
  const paths = new Set(objects.map((o) => modelModule(o.apiVersion)).filter((p): p is string => !!p && !loadedModels.has(p)));
  await Promise.all(
    [...paths].map(async (path) => {
      try {
        loadedModels.set(path, (await import(path)) as Models);
      } catch {
        // A group/version the packages do not ship: modelProblem reports the object as unmodelled.
        loadedModels.set(path, {});
      }
    }),
  );
}

/** kubernetes-models' verdict on one object: undefined when it validates, a message when it does not or no model covers it. */
export function modelProblem(object: Json): string | undefined {
  const path = modelModule(object.apiVersion);
  const models = path ? loadedModels.get(path) : undefined;
  if (!path || !models) throw new Error(`modelProblem: ${object.apiVersion} was not loaded with loadModels`);
  const Model = models[object.kind];
  if (!Model) return `no model for ${object.apiVersion} ${object.kind}`;
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/\s+/g, ' ').trim();
  }
}

function jsPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** A Kubernetes structural schema as JSON Schema: nullable, int-or-string, and closed objects. */
function toJsonSchema(schema: Json): Json {
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries<Json>(v).map(([p, s]) => [p, toJsonSchema(s)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'not') out[k] = typeof v === 'object' ? toJsonSchema(v) : v;
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = (v as Json[]).map(toJsonSchema);
    else if (k === 'pattern') {
      // Go RE2 patterns such as (?i) have no JavaScript equivalent; the API server still checks them.
      if (jsPattern(v as string)) out[k] = v;
    } else if (!k.startsWith('x-kubernetes-') && k !== 'nullable' && k !== 'format') out[k] = v;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** Compiled validators by schema text: the same CRD in four environments compiles once. */
const compiled = new Map<string, ValidateFunction>();
// Each CRD schema is compiled once and run a few times: skipping codegen optimisation halves the audit.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } });

export class CrdSchemas {
  private readonly schemas = new Map<string, Json>();

  constructor(crds: readonly Json[]) {
    for (const crd of crds) {
      for (const version of crd.spec?.versions ?? []) {
        if (version.schema?.openAPIV3Schema) this.schemas.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
      }
    }
  }

  has(apiVersion: string, kind: string): boolean {
    return this.schemas.has(`${apiVersion} ${kind}`);
  }

  /** Compiled on first use: most CRDs an environment installs have no object in the render. */
  private validator(key: string): ValidateFunction | undefined {
    const schema = this.schemas.get(key);
    if (!schema) return undefined;
    const text = JSON.stringify(schema);
    let validate = compiled.get(text);
    if (!validate) {
      const closed = toJsonSchema(schema);
      // metadata is the API server's, not the CRD's: never closed.
      if (closed.properties?.metadata) closed.properties.metadata = { type: 'object' };
      if (closed.properties) closed.additionalProperties = true;
      validate = ajv.compile(closed);
      compiled.set(text, validate);
    }
    return validate;
  }

  /** Problems with one custom resource: `field: message`. */
  problems(object: Json): { field: string; problem: string }[] {
    const validate = this.validator(`${object.apiVersion} ${object.kind}`);
    if (!validate || validate(object)) return [];
    return (validate.errors ?? []).map((e) => ({
      field: `${e.instancePath.replace(/^\//, '').replace(/\//g, '.')}${e.keyword === 'additionalProperties' ? `.${String(e.params.additionalProperty)}` : ''}`.replace(/^\./, ''),
      problem: e.keyword === 'additionalProperties' ? 'is not in the CRD schema (the API server would drop it)' : `${e.message ?? 'invalid'} (CRD schema)`,
    }));
  }
}
