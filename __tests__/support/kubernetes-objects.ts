/**
 * Kubernetes objects written in code (kubernetes_manifest resources, manifests
 * passed as Helm values) checked against kubernetes-models / @kubernetes-models/*
 * schemas: types and required fields. An apiVersion without a model is
 * reported too, so nothing passes unchecked by accident.
 */
import { modelModule } from '../../scripts/render/schema';
import type { Json } from './synth';

export interface FoundObject {
  readonly where: string;
  readonly object: Json;
}

function collect(value: unknown, where: string, out: FoundObject[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object') {
    const obj = value as Json;
    if (typeof obj.apiVersion === 'string' && typeof obj.kind === 'string') out.push({ where, object: obj });
    else for (const [k, v] of Object.entries(obj)) if (k !== '//') collect(v, `${where}.${k}`, out);
  }
}

export function collectObjects(stacks: Record<string, Json>): FoundObject[] {
  const out: FoundObject[] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [name, body] of Object.entries<Json>(json.resource?.kubernetes_manifest ?? {})) {
      collect(body.manifest, `${stack} kubernetes_manifest.${name}`, out);
    }
    for (const [name, body] of Object.entries<Json>(json.resource?.helm_release ?? {})) {
      (Array.isArray(body.values) ? body.values : []).forEach((raw: unknown, i: number) => {
        try {
          collect(JSON.parse(String(raw)), `${stack} helm_release.${name}.values[${i}]`, out);
        } catch {
          // Values here are written with JSON.stringify; anything else is not an object we wrote.
        }
      });
    }
  }
  return out;
}

/**
 * API groups no kubernetes-models package covers, with the kinds we write and
 * why that is acceptable. Objects of these groups get a structural check only.
 */
const UNMODELLED: Readonly<Record<string, { kinds: readonly string[]; reason: string }>> = {
  'alb.networking.azure.io/v1': {
    kinds: ['HealthCheckPolicy', 'WebApplicationFirewallPolicy'],
    reason: 'Application Gateway for Containers CRDs ship only inside the MCR-hosted alb-controller chart; fields follow Microsoft Learn (docs/platform.md)',
  },
  'psmdb.percona.com/v1': {
    kinds: ['PerconaServerMongoDB', 'PerconaServerMongoDBRestore'],
    reason: 'Percona publishes no TypeScript models; fields follow operator v1.22.0 deploy/cr.yaml, deploy/backup/restore.yaml and pkg/apis/psmdb/v1 ' +
      '(docs/app.md), __tests__/app.test.ts and __tests__/aws-dr.test.ts assert the specs, and the render audit validates them against the pinned CRD',
  },
};

function structuralProblem(found: FoundObject): string | undefined {
  const { apiVersion, kind, metadata, spec } = found.object;
  const allowed = UNMODELLED[apiVersion]!;
  if (!allowed.kinds.includes(kind)) return `${found.where}: ${apiVersion} ${kind} is not in the unmodelled allow-list`;
  if (typeof metadata?.name !== 'string' || typeof metadata?.namespace !== 'string') return `${found.where}: ${kind} needs metadata.name and ` +
    `metadata.namespace`;
  if (!spec || typeof spec !== 'object') return `${found.where}: ${kind} ${metadata.name} has no spec`;
  return undefined;
}

/** The problem with one object, or undefined when its model accepts it. */
export async function objectProblem(found: FoundObject): Promise<string | undefined> {
  const { apiVersion, kind } = found.object;
  if (apiVersion in UNMODELLED) return structuralProblem(found);
  const path = modelModule(apiVersion);
  if (!path) return `${found.where}: no model for ${apiVersion} ${kind}`;
  const models = (await import(path)) as Record<string, new (data: Json) => { validate(): void }>;
  const Model = models[kind];
  if (!Model) return `${found.where}: ${apiVersion} has no kind ${kind}`;
  try {
    new Model(found.object).validate();
    return undefined;
  } catch (error) {
    return `${found.where}: ${kind} ${found.object.metadata?.name ?? ''} ${(error as Error).message}`.replace(/\s+/g, ' ').trim();
  }
}
