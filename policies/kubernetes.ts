/**
 * Kubernetes objects as policies see them. Objects reach the cluster three
 * ways here: `kubernetes_*` resources, `kubernetes_manifest`, and Helm
 * releases, whose `values` (JSON documents, merged like Helm merges them, then
 * `set` entries) either hold whole manifests (the local `charts/cluster-objects`
 * chart renders `objects` verbatim; `extraObjects` of upstream charts) or a
 * chart's own `ingress:` block that the chart turns into an Ingress.
 */
import { asList, type Json, type Resource, type StackView } from './engine';

/** A manifest found in a resource, with where it sits inside the resource. */
export interface FoundManifest {
  readonly resource: Resource;
  readonly where: string;
  readonly object: Json;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's merge of values documents: maps merge key by key, anything else is replaced. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  return out;
}

/** `a.b[0].c`, with `\.` for a literal dot, as path segments. */
function setPath(name: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const part of name.split(/(?<!\\)\./)) {
    const [, key, indices] = /^([^[]*)((?:\[\d+\])*)$/.exec(part) ?? [undefined, part, ''];
    if (key) segments.push(key.replace(/\\\./g, '.'));
    for (const [, i] of (indices ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(i));
  }
  return segments;
}

function assign(target: Json, path: Array<string | number>, value: unknown): void {
  let node: any = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) node[segment] = value;
    else {
      if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
      node = node[segment];
    }
  });
}

export interface HelmValues {
  /** The values Helm renders the chart with (JSON documents merged, then `set` / `set_sensitive`). */
  readonly merged: Json;
  /** Values documents that are not JSON; policies cannot read them. */
  readonly unparsed: string[];
}

export function helmReleaseValues(body: Json): HelmValues {
  let merged: Json = {};
  const unparsed: string[] = [];
  for (const doc of asList(body.values)) {
    if (typeof doc !== 'string') continue;
    try {
      const parsed = JSON.parse(doc) as unknown;
      if (isObject(parsed)) merged = merge(merged, parsed);
    } catch {
      unparsed.push(doc);
    }
  }
  for (const list of ['set', 'set_sensitive']) {
    for (const entry of asList(body[list]) as Json[]) {
      if (typeof entry?.name !== 'string') continue;
      const raw = entry.value;
      const value = entry.type !== 'string' && (raw === 'true' || raw === 'false') ? raw === 'true' : raw;
      assign(merged, setPath(entry.name), value);
    }
  }
  return { merged, unparsed };
}

function collect(value: unknown, where: string, visit: (where: string, object: Json) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${where}[${i}]`, visit));
  else if (isObject(value)) {
    if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') visit(where, value);
    else for (const [k, v] of Object.entries(value)) if (k !== '//') collect(v, where ? `${where}.${k}` : k, visit);
  }
}

/** Every manifest in a stack's kubernetes_manifest resources and Helm values. */
export function manifests(stack: StackView): FoundManifest[] {
  const found: FoundManifest[] = [];
  for (const resource of stack.resources('kubernetes_manifest')) {
    collect(resource.body.manifest, 'manifest', (where, object) => found.push({ resource, where, object }));
  }
  for (const resource of stack.resources('helm_release')) {
    collect(helmReleaseValues(resource.body).merged, 'values', (where, object) => found.push({ resource, where, object }));
  }
  return found;
}

/**
 * Chart-level `ingress:` blocks switched on (`ingress.enabled: true`), outside
 * manifests and outside network-policy settings (`networkPolicy.ingress` is about traffic, not an Ingress).
 */
export function chartIngresses(resource: Resource): Array<{ where: string; ingress: Json }> {
  const found: Array<{ where: string; ingress: Json }> = [];
  const walk = (value: unknown, where: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (isObject(value) && !(typeof value.apiVersion === 'string' && typeof value.kind === 'string')) {
      for (const [k, v] of Object.entries(value)) {
        const at = `${where}.${k}`;
        if (/^network_?polic(y|ies)$/i.test(k)) continue;
        if (k === 'ingress' && isObject(v) && v.enabled === true) found.push({ where: at, ingress: v });
        else walk(v, at);
      }
    }
  };
  walk(helmReleaseValues(resource.body).merged, 'values');
  return found;
}

/** The first element of a Terraform block that synthesizes either as an object or a one-element list. */
export const block = (value: unknown): Json => (Array.isArray(value) ? value[0] : value) ?? {};

/** What decides whether an Ingress serves HTTPS only, from a manifest, a kubernetes_ingress_v1 or a chart's `ingress:` block. */
export interface IngressView {
  readonly name: string;
  readonly namespace?: string;
  readonly className?: string;
  readonly annotations: Record<string, string>;
  readonly tls: unknown;
  readonly hosts: string[];
}

export function ingressFromManifest(object: Json): IngressView {
  const annotations = (object.metadata?.annotations ?? {}) as Record<string, string>;
  return {
    name: String(object.metadata?.name ?? ''),
    namespace: object.metadata?.namespace,
    className: object.spec?.ingressClassName ?? annotations['kubernetes.io/ingress.class'],
    annotations,
    tls: object.spec?.tls,
    hosts: (asList(object.spec?.rules) as Json[]).map((r) => r?.host).filter((h): h is string => typeof h === 'string'),
  };
}

export function ingressFromResource(body: Json): IngressView {
  const metadata = block(body.metadata);
  const spec = block(body.spec);
  const annotations = (metadata.annotations ?? {}) as Record<string, string>;
  return {
    name: String(metadata.name ?? ''),
    namespace: metadata.namespace,
    className: spec.ingress_class_name ?? annotations['kubernetes.io/ingress.class'],
    annotations,
    tls: spec.tls,
    hosts: (asList(spec.rule) as Json[]).map((r) => r?.host).filter((h): h is string => typeof h === 'string'),
  };
}

export function ingressFromChart(values: Json): IngressView {
  const annotations = (values.annotations ?? {}) as Record<string, string>;
  const hosts = [...asList(values.hosts), ...asList(values.host)].map((h: any) => (typeof h === 'string' ? h : h?.host)).filter((h): h is string => typeof h === 'string');
  return { name: 'ingress', className: values.ingressClassName ?? values.className ?? annotations['kubernetes.io/ingress.class'], annotations, tls: values.tls, hosts };
}

const ALB = 'alb.ingress.kubernetes.io/';

/**
 * The AWS Load Balancer Controller's listeners for an Ingress
 * (`listen-ports`, defaulting to HTTPS:443 when a certificate is configured
 * and HTTP:80 otherwise): every HTTP port must be redirected by `ssl-redirect`
 * to an HTTPS port, and HTTPS needs a certificate (ARN or tls hosts for discovery).
 */
function albProblem(ingress: IngressView, hasTls: boolean): string | undefined {
  const annotation = (key: string) => ingress.annotations[`${ALB}${key}`];
  const certificate = annotation('certificate-arn') !== undefined || hasTls;
  let listeners: Json[];
  const raw = annotation('listen-ports');
  if (raw === undefined) listeners = certificate ? [{ HTTPS: 443 }] : [{ HTTP: 80 }];
  else {
    try {
      listeners = JSON.parse(raw) as Json[];
      if (!Array.isArray(listeners) || !listeners.every((l) => isObject(l) && Object.keys(l).length === 1 && ('HTTP' in l || 'HTTPS' in l))) throw new Error();
    } catch {
      return `has ${ALB}listen-ports ${JSON.stringify(raw)}, which is not a JSON list of {"HTTP"|"HTTPS": port}`;
    }
  }
  const https = listeners.filter((l) => 'HTTPS' in l).map((l) => String(l.HTTPS));
  const http = listeners.filter((l) => 'HTTP' in l).map((l) => String(l.HTTP));
  if (https.length === 0) return 'serves plain HTTP: its ALB listens on HTTP only';
  if (!certificate) return `has an HTTPS ALB listener without a certificate (${ALB}certificate-arn or tls hosts)`;
  const redirect = annotation('ssl-redirect');
  if (http.length > 0 && !(redirect !== undefined && https.includes(String(redirect)))) {
    return `serves plain HTTP: ALB listener ${http.map((p) => `HTTP:${p}`).join(', ')} is not redirected to HTTPS (${ALB}ssl-redirect)`;
  }
  return undefined;
}

const AGC_EXTENSION = 'alb.networking.azure.io/alb-ingress-extension';

/**
 * Why an Ingress may serve plain HTTP, or undefined. It passes with a tls
 * section, or, on the AWS Load Balancer Controller, with HTTPS-only listeners
 * (or HTTP redirected), or, on Application Gateway for Containers, as the
 * TLS-less twin whose IngressExtension redirects each of its hosts to HTTPS
 * (the project's Azure edge used to write that pair; it now serves a Gateway, which EDGE-001 requires).
 */
export function ingressProblem(ingress: IngressView, extensions: readonly Json[]): string | undefined {
  const hasTls = ingress.tls === true || (Array.isArray(ingress.tls) && ingress.tls.length > 0);
  const alb = ingress.className === 'alb' || Object.keys(ingress.annotations).some((k) => k.startsWith(ALB));
  if (alb) return albProblem(ingress, hasTls);
  if (hasTls) return undefined;
  const extensionName = ingress.annotations[AGC_EXTENSION];
  if (extensionName === undefined) return 'serves plain HTTP: no tls section';
  const extension = extensions.find(
    (e) => e.metadata?.name === extensionName && (e.metadata?.namespace === undefined || ingress.namespace === undefined || e.metadata.namespace === ingress.namespace),
  );
  if (!extension) return `serves plain HTTP: no tls section, and its IngressExtension ${extensionName} is not defined in this stack`;
  const redirects = (asList(extension.spec?.rules) as Json[]).filter((r) => r?.requestRedirect?.scheme === 'https');
  const hosts = ingress.hosts.length > 0 ? ingress.hosts : [undefined];
  const open = hosts.filter((h) => !redirects.some((r) => r.host === h));
  return open.length === 0 ? undefined : `serves plain HTTP: IngressExtension ${extensionName} does not redirect ${open.map((h) => h ?? 'requests without a host').join(', ')} to HTTPS`;
}

/**
 * Why a Gateway API Gateway may serve plain HTTP: no HTTPS or TLS listener, or an HTTP listener
 * that serves content. An HTTP listener passes when it admits routes from its own namespace only
 * (`allowedRoutes.namespaces.from: Same`, so every route that can attach is in the stack that
 * writes the Gateway) and every HTTPRoute among `routes` attached to it redirects to https.
 */
export function gatewayProblem(object: Json, routes: readonly Json[] = []): string | undefined {
  const listeners = asList(object.spec?.listeners) as Json[];
  if (!listeners.some((l) => ['HTTPS', 'TLS'].includes(l?.protocol))) return 'serves plain HTTP: no HTTPS or TLS listener';
  const { name, namespace } = object.metadata ?? {};
  for (const listener of listeners.filter((l) => l?.protocol === 'HTTP')) {
    if (listener.allowedRoutes?.namespaces?.from !== 'Same') {
      return `serves plain HTTP: HTTP listener ${listener.name} admits routes from other namespaces, so their redirects cannot be checked (allowedRoutes.namespaces.from: Same)`;
    }
    const attached = routes.filter((r) => (r.metadata?.namespace ?? namespace) === namespace && (asList(r.spec?.parentRefs) as Json[]).some(
      (p) => p?.name === name && (p.namespace ?? r.metadata?.namespace) === namespace && (p.sectionName === undefined || p.sectionName === listener.name),
    ));
    const serving = attached.filter((r) => !(asList(r.spec?.rules) as Json[]).every(
      (rule) => (asList(rule?.filters) as Json[]).some((f) => f?.type === 'RequestRedirect' && f.requestRedirect?.scheme === 'https'),
    ));
    if (serving.length > 0) return `serves plain HTTP: HTTPRoute ${serving.map((r) => r.metadata?.name).join(', ')} on HTTP listener ${listener.name} does not redirect every request to https`;
  }
  return undefined;
}

const AGC_CLASS = 'azure-alb-external';

/**
 * Why a public Ingress has no web application firewall, or undefined. On the AWS Load Balancer
 * Controller an internet-facing Ingress (`scheme`, default internal) must name a web ACL
 * (`wafv2-acl-arn`); on Application Gateway for Containers an Ingress cannot carry one at all:
 * the WebApplicationFirewallPolicy targets only Gateways and HTTPRoutes (Microsoft Learn, "Azure
 * Web Application Firewall on Application Gateway for Containers").
 */
export function ingressWafProblem(ingress: IngressView): string | undefined {
  const alb = ingress.className === 'alb' || Object.keys(ingress.annotations).some((k) => k.startsWith(ALB));
  if (alb) {
    if (ingress.annotations[`${ALB}scheme`] !== 'internet-facing') return undefined;
    const acl = ingress.annotations[`${ALB}wafv2-acl-arn`];
    return typeof acl === 'string' && acl.trim() !== '' ? undefined : `is an internet-facing ALB without a web ACL (${ALB}wafv2-acl-arn)`;
  }
  if (ingress.className === AGC_CLASS || Object.keys(ingress.annotations).some((k) => k.startsWith('alb.networking.azure.io/'))) {
    return 'is public on Application Gateway for Containers, where no WAF can attach to an Ingress (serve it through a Gateway with a WebApplicationFirewallPolicy)';
  }
  return undefined;
}

/** Why an AGC Gateway has no WAF: no WebApplicationFirewallPolicy among `policies` targets it with a WAF policy id. */
export function gatewayWafProblem(gateway: Json, policies: readonly Json[]): string | undefined {
  if (gateway.spec?.gatewayClassName !== AGC_CLASS) return undefined;
  const { name, namespace } = gateway.metadata ?? {};
  const attached = policies.some((p) => {
    const target = p.spec?.targetRef ?? {};
    const sameNamespace = (target.namespace ?? p.metadata?.namespace) === namespace;
    return target.group === 'gateway.networking.k8s.io' && target.kind === 'Gateway' && target.name === name && sameNamespace
      && asList(target.sectionNames).length === 0 && typeof p.spec?.webApplicationFirewall?.id === 'string' && p.spec.webApplicationFirewall.id !== '';
  });
  return attached ? undefined : 'has no WebApplicationFirewallPolicy targeting the whole Gateway (spec.targetRef kind Gateway, no sectionNames) with a WAF policy id';
}
