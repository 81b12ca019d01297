/**
 * The render audit: what Kubernetes admission, the charts' consumers and the
 * network would do with what the stacks install, checked per environment on
 * the rendered manifests plus the objects Terraform creates directly. Each
 * finding names stack / release / kind / name / field. Waivers live only in
 * config/render-waivers.ts, each with its reason, and are printed on every run.
 */
import { RENDER_WAIVERS, type AuditRule, type RenderWaiver } from '../../config/render-waivers';
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from '../../config/quantity';
import type { Json, Synthesized } from '../../synth/output';
import { CLUSTER_SCOPED, matchesSelector, podModels, renderedObjects, terraformObjects, type ClusterObject, type PodModel } from './objects';
import { podSecurityViolations, type Level } from './pod-security';
import type { RenderedRelease } from './render';
import { skippedCharts } from './charts';
import { CrdSchemas, loadModels, modelModule, modelProblem } from './schema';
import { imagePinned } from '../../config/components';

export interface AuditFinding {
  readonly rule: AuditRule;
  readonly stack: string;
  readonly release: string;
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly problem: string;
}

export interface WaivedFinding extends AuditFinding {
  readonly reason: string;
}

export interface AuditReport {
  readonly findings: AuditFinding[];
  readonly waived: WaivedFinding[];
  /** Waivers that matched nothing: stale entries fail the audit too. */
  readonly unusedWaivers: RenderWaiver[];
  /** What could not be checked, and why (skipped charts). */
  readonly notes: string[];
}

export function formatAuditFinding(f: AuditFinding): string {
  return `${f.stack} / ${f.release} / ${f.kind} / ${f.name} / ${f.field}: ${f.problem} [${f.rule}]`;
}

const label = (o: Json) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;

/** The CoreDNS pods every namespace's DNS egress policy points at; the cloud runs them, no chart renders them. */
function isCoreDns(namespace: string, selector: Json | undefined): boolean {
  return namespace === 'kube-system' && selector?.matchLabels?.['k8s-app'] === 'kube-dns';
}

async function auditEnvironment(env: string, releases: readonly RenderedRelease[], synth: Synthesized, add: (f: AuditFinding) => void, notes: string[]): Promise<void> {
  const stacks = Object.keys(synth.stacks).filter((s) => s.startsWith(`${env}-`));
  const objects: ClusterObject[] = [...renderedObjects(releases), ...stacks.flatMap((s) => terraformObjects(s, synth.stacks[s]!))];
  await loadModels(objects.map((o) => o.object));
  const skippedNamespaces = new Set(releases.filter((r) => r.skipped).map((r) => r.namespace));
  for (const r of releases) {
    if (r.error) add({ rule: 'render', stack: r.stack, release: r.name, kind: 'helm_release', name: r.id, field: 'chart', problem: r.error });
    if (r.skipped) notes.push(`${r.stack} / ${r.name}: not rendered, ${r.skipped}; objects in namespace ${r.namespace} are unknown to the selector checks`);
  }

  const at = (o: ClusterObject, field: string, problem: string, rule: AuditRule) =>
    add({ rule, stack: o.stack, release: o.origin, kind: o.object.kind, name: label(o.object), field, problem });
  const atPod = (p: PodModel, field: string, problem: string, rule: AuditRule) =>
    add({ rule, stack: p.stack, release: p.origin, kind: p.kind, name: `${p.namespace}/${p.name}`, field, problem: p.modelledFrom ? `${problem}; modelled from ${p.modelledFrom}` : problem });

  const byKind = (kind: string) => objects.filter((o) => o.object.kind === kind);

  // Schemas.
  const crds = new CrdSchemas(byKind('CustomResourceDefinition').map((o) => o.object));
  for (const o of objects) {
    const { apiVersion, kind } = o.object;
    if (crds.has(apiVersion, kind)) for (const p of crds.problems(o.object)) at(o, p.field, p.problem, 'schema');
    else if (modelModule(apiVersion)) {
      const problem = modelProblem(o.object);
      if (problem) at(o, '-', problem, 'schema');
    } else at(o, 'apiVersion', `no schema for ${apiVersion} ${kind}: no CRD for it is installed by this environment and no model covers it`, 'schema');
  }

  // Pods: resources, Pod Security, images.
  const reloader = (stack: string) =>
    releases.find((r) => r.stack === stack && r.chart.startsWith('kube-prometheus-stack'))?.values as Json | undefined;
  const pods = podModels(objects, (stack) => (reloader(stack)?.prometheusOperator?.prometheusConfigReloader?.resources as Json | undefined) ?? undefined);
  const namespaces = new Map<string, Json>();
  for (const o of objects) if (o.object.kind === 'Namespace') namespaces.set(o.object.metadata.name, o.object.metadata.labels ?? {});
  const levelOf = (ns: string): Level => (namespaces.get(ns)?.['pod-security.kubernetes.io/enforce'] as Level | undefined) ?? 'privileged';
  for (const pod of pods) {
    for (const list of ['initContainers', 'containers'] as const) {
      for (const c of (pod.spec[list] ?? []) as Json[]) {
        const r = c.resources ?? {};
        const missing = [!r.requests?.cpu && 'requests.cpu', !r.requests?.memory && 'requests.memory', !r.limits?.memory && 'limits.memory'].filter(Boolean);
        if (missing.length > 0) atPod(pod, `spec.${list}[${c.name}].resources`, `missing ${missing.join(', ')}`, 'resources');
        if (typeof c.image === 'string' && !imagePinned(c.image)) atPod(pod, `spec.${list}[${c.name}].image`, `${c.image} has no pinned tag or digest`, 'image');
      }
    }
    const level = levelOf(pod.namespace);
    for (const v of podSecurityViolations(pod.spec, level)) atPod(pod, v.field, `${v.problem}; namespace ${pod.namespace} enforces ${level}`, 'pod-security');
  }

  // Exposure: the only way in is the project's HTTPS edge (TLS policy, WAF); a LoadBalancer or
  // NodePort Service (a chart value, or an override) would publish a pod past both.
  for (const o of byKind('Service')) {
    const type = o.object.spec?.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') at(o, 'spec.type', `${type} publishes ${label(o.object)} outside the cluster, past the HTTPS edge and its firewall`, 'exposure');
  }

  // Selectors: NetworkPolicies, Services, PDBs, HPAs, Ingress and HTTPRoute backends.
  const knownNamespaces = new Set([...namespaces.keys(), ...objects.map((o) => o.object.metadata?.namespace).filter(Boolean), 'kube-system', 'default']);
  const nsLabels = (ns: string) => ({ 'kubernetes.io/metadata.name': ns, ...(namespaces.get(ns) ?? {}) });
  const podsIn = (ns: string, selector: Json | undefined) => pods.filter((p) => p.namespace === ns && matchesSelector(selector, p.labels));
  const unknowable = (ns: string) => skippedNamespaces.has(ns);
  const isEmpty = (s: Json | undefined) => !s || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);

  const policies = byKind('NetworkPolicy');
  for (const o of policies) {
    const ns = o.object.metadata.namespace;
    const spec = o.object.spec ?? {};
    if (!isEmpty(spec.podSelector) && !unknowable(ns) && podsIn(ns, spec.podSelector).length === 0) at(o, 'spec.podSelector', `${JSON.stringify(spec.podSelector)} selects no rendered pod in ${ns}`, 'network-policy');
    const peers = [
      ...(spec.ingress ?? []).flatMap((r: Json, i: number) => (r.from ?? []).map((p: Json, j: number) => ({ p, field: `spec.ingress[${i}].from[${j}]` }))),
      ...(spec.egress ?? []).flatMap((r: Json, i: number) => (r.to ?? []).map((p: Json, j: number) => ({ p, field: `spec.egress[${i}].to[${j}]` }))),
    ];
    for (const { p, field } of peers) {
      if (p.ipBlock) continue;
      const targets = p.namespaceSelector ? [...knownNamespaces].filter((n) => matchesSelector(p.namespaceSelector, nsLabels(n))) : [ns];
      if (targets.length === 0) {
        at(o, `${field}.namespaceSelector`, `${JSON.stringify(p.namespaceSelector)} selects no namespace of this environment`, 'network-policy');
        continue;
      }
      if (!p.podSelector || isEmpty(p.podSelector)) continue;
      if (targets.some((t) => isCoreDns(t, p.podSelector) || unknowable(t))) continue;
      if (targets.every((t) => podsIn(t, p.podSelector).length === 0)) at(o, `${field}.podSelector`, `${JSON.stringify(p.podSelector)} selects no rendered pod in ${targets.join(', ')}`, 'network-policy');
    }
  }
  // In the project's namespaces every pod must be selected by a policy that allows it some traffic
  // beyond DNS: a pod under default-deny with only the namespace's DNS policy can do nothing.
  const dnsOnly = (rule: Json) => (rule.to ?? []).length > 0 && (rule.to as Json[]).every((p) => p.namespaceSelector && isCoreDns('kube-system', p.podSelector));
  const allows = (o: ClusterObject) => (o.object.spec?.ingress ?? []).length > 0 || (o.object.spec?.egress ?? []).some((r: Json) => !dnsOnly(r));
  for (const pod of pods) {
    if (!namespaces.has(pod.namespace)) continue;
    const selecting = policies.filter((o) => o.object.metadata.namespace === pod.namespace && matchesSelector(o.object.spec?.podSelector, pod.labels));
    if (!selecting.some(allows)) atPod(pod, 'metadata.labels', `no NetworkPolicy in ${pod.namespace} allows it any traffic beyond DNS (selected by: ${selecting.map((o) => o.object.metadata.name).join(', ') || 'none'})`, 'network-policy');
  }

  const services = byKind('Service');
  for (const o of services) {
    const selector = o.object.spec?.selector;
    const ns = o.object.metadata.namespace;
    if (selector && Object.keys(selector).length > 0 && !unknowable(ns) && !isCoreDns(ns, { matchLabels: selector }) && podsIn(ns, { matchLabels: selector }).length === 0) at(o, 'spec.selector', `${JSON.stringify(selector)} selects no rendered pod in ${ns}`, 'reference');
  }
  for (const o of byKind('PodDisruptionBudget')) {
    const ns = o.object.metadata.namespace;
    if (podsIn(ns, o.object.spec?.selector).length === 0) at(o, 'spec.selector', `${JSON.stringify(o.object.spec?.selector)} selects no rendered pod in ${ns}`, 'reference');
  }
  for (const o of byKind('HorizontalPodAutoscaler')) {
    const ref = o.object.spec?.scaleTargetRef ?? {};
    const ns = o.object.metadata.namespace;
    if (!objects.some((t) => t.object.kind === ref.kind && t.object.metadata?.name === ref.name && t.object.metadata?.namespace === ns)) at(o, 'spec.scaleTargetRef', `${ref.kind} ${ns}/${ref.name} is not rendered`, 'reference');
  }
  const serviceBackend = (o: ClusterObject, field: string, name: string | undefined, port: number | string | undefined) => {
    const ns = o.object.metadata.namespace;
    const service = services.find((s) => s.object.metadata.name === name && s.object.metadata.namespace === ns);
    if (!service) at(o, field, `Service ${ns}/${name} is not rendered`, 'reference');
    else if (port !== undefined && !(service.object.spec?.ports ?? []).some((p: Json) => p.port === port || p.name === port)) at(o, field, `Service ${ns}/${name} has no port ${port}`, 'reference');
  };
  for (const o of byKind('Ingress')) {
    const spec = o.object.spec ?? {};
    const backends = [
      ...(spec.defaultBackend ? [{ b: spec.defaultBackend, field: 'spec.defaultBackend' }] : []),
      ...(spec.rules ?? []).flatMap((r: Json, i: number) => (r.http?.paths ?? []).map((p: Json, j: number) => ({ b: p.backend, field: `spec.rules[${i}].http.paths[${j}].backend` }))),
    ];
    for (const { b, field } of backends) if (b?.service) serviceBackend(o, `${field}.service`, b.service.name, b.service.port?.number ?? b.service.port?.name);
  }
  for (const o of byKind('HTTPRoute')) {
    (o.object.spec?.rules ?? []).forEach((r: Json, i: number) =>
      (r.backendRefs ?? []).forEach((b: Json, j: number) => {
        if ((b.kind ?? 'Service') === 'Service') serviceBackend(o, `spec.rules[${i}].backendRefs[${j}]`, b.name, b.port);
      }),
    );
  }
  auditQuotas(objects, pods, at);
  auditSecretReaders(objects, at);
  auditAvailability(objects, pods, atPod);
  for (const o of objects) {
    if (!o.object.metadata?.namespace && !CLUSTER_SCOPED.has(o.object.kind) && o.origin === 'terraform') at(o, 'metadata.namespace', 'namespaced object without a namespace', 'schema');
  }
}

/**
 * A ClusterRole that reaches Secrets reads every credential in the cluster (service account
 * tokens of other namespaces, the database's keys). Each one is a finding; the few components
 * that need it are waived in config/render-waivers.ts, each with its reason.
 */
function auditSecretReaders(objects: readonly ClusterObject[], at: (o: ClusterObject, field: string, problem: string, rule: AuditRule) => void): void {
  for (const o of objects.filter((x) => x.object.kind === 'ClusterRole')) {
    ((o.object.rules ?? []) as Json[]).forEach((rule, i) => {
      const core = ((rule.apiGroups ?? []) as string[]).some((g) => g === '' || g === '*');
      const secrets = ((rule.resources ?? []) as string[]).some((r) => r === 'secrets' || r === '*');
      if (core && secrets && (rule.resourceNames ?? []).length === 0) at(o, `rules[${i}]`, `grants ${(rule.verbs ?? []).join(', ')} on secrets in every namespace`, 'rbac');
    });
  }
}

const ZONE = 'topology.kubernetes.io/zone';

/** Required or preferred pod anti-affinity, or a topology spread, across zones, whose selector counts the pod's own replicas. */
function spreadsAcrossZones(spec: Json, labels: Readonly<Record<string, string>>): boolean {
  const anti = spec.affinity?.podAntiAffinity ?? {};
  const terms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: Json) => t.podAffinityTerm)];
  const counts = (t: Json) => t?.topologyKey === ZONE && t.labelSelector !== undefined && matchesSelector(t.labelSelector, labels);
  return terms.some(counts) || (spec.topologySpreadConstraints ?? []).some(counts);
}

/**
 * Every workload that runs more than one pod spreads them across zones and has a disruption
 * budget that keeps all but one (maxUnavailable): a zone loss or a node drain leaves the rest
 * serving, whatever the replica count. DaemonSets run one pod per node and are left out.
 */
function auditAvailability(objects: readonly ClusterObject[], pods: readonly PodModel[], atPod: (p: PodModel, field: string, problem: string, rule: AuditRule) => void): void {
  const budgets = objects.filter((o) => o.object.kind === 'PodDisruptionBudget').map((o) => o.object);
  for (const pod of pods.filter((p) => p.replicas > 1)) {
    if (!spreadsAcrossZones(pod.spec, pod.labels)) atPod(pod, 'spec.affinity', `${pod.replicas} replicas with neither pod anti-affinity nor a topology spread across ${ZONE} that selects them: one zone can hold them all`, 'availability');
    const selecting = pod.operatorBudget ? [{ spec: pod.operatorBudget }] : budgets.filter((b) => b.metadata?.namespace === pod.namespace && matchesSelector(b.spec?.selector, pod.labels));
    if (selecting.length === 0) atPod(pod, 'metadata.labels', `${pod.replicas} replicas and no PodDisruptionBudget selects them: a drain may evict them all at once`, 'availability');
    else if (selecting.some((b) => b.spec?.maxUnavailable === undefined)) atPod(pod, 'metadata.labels', `its PodDisruptionBudget counts available pods (minAvailable ${selecting.map((b) => b.spec?.minAvailable).join(', ')}) instead of limiting unavailable ones: it blocks drains or lets many go as the count changes`, 'availability');
  }
}

/** What one pod asks for: its containers summed, or its largest init container where that is more (the scheduler's rule). */
export function podNeeds(spec: Json, defaults: Json | undefined): Record<'cpu' | 'memory' | 'limitMemory', number> {
  const of = (c: Json) => ({
    cpu: milliCpu(c.resources?.requests?.cpu ?? defaults?.defaultRequest?.cpu ?? 0),
    memory: bytes(c.resources?.requests?.memory ?? defaults?.defaultRequest?.memory ?? 0),
    limitMemory: bytes(c.resources?.limits?.memory ?? defaults?.default?.memory ?? 0),
  });
  const containers = ((spec.containers ?? []) as Json[]).map(of);
  const inits = ((spec.initContainers ?? []) as Json[]).map(of);
  const sum = (key: 'cpu' | 'memory' | 'limitMemory') => containers.reduce((t, c) => t + c[key], 0);
  const init = (key: 'cpu' | 'memory' | 'limitMemory') => Math.max(0, ...inits.map((c) => c[key]));
  return { cpu: Math.max(sum('cpu'), init('cpu')), memory: Math.max(sum('memory'), init('memory')), limitMemory: Math.max(sum('limitMemory'), init('limitMemory')) };
}

/** Every namespace budget must hold what its rendered pods ask for at their largest scale. */
function auditQuotas(objects: readonly ClusterObject[], pods: readonly PodModel[], at: (o: ClusterObject, field: string, problem: string, rule: AuditRule) => void): void {
  for (const quota of objects.filter((o) => o.object.kind === 'ResourceQuota')) {
    const ns = quota.object.metadata.namespace;
    const hard: Record<string, string> = quota.object.spec?.hard ?? {};
    const defaults = objects.find((o) => o.object.kind === 'LimitRange' && o.object.metadata.namespace === ns)?.object.spec?.limits?.find((l: Json) => l.type === 'Container');
    const inNamespace = pods.filter((p) => p.namespace === ns);
    const need = { cpu: 0, memory: 0, limitMemory: 0, pods: 0 };
    for (const pod of inNamespace) {
      const one = podNeeds(pod.spec, defaults);
      need.cpu += pod.maxPods * one.cpu;
      need.memory += pod.maxPods * one.memory;
      need.limitMemory += pod.maxPods * one.limitMemory;
      need.pods += pod.maxPods;
    }
    const who = inNamespace.map((p) => `${p.name} x${p.maxPods}`).join(', ');
    const check = (key: string, needed: number, limit: number | undefined, show: (n: number) => string) => {
      if (limit !== undefined && needed > limit) at(quota, `spec.hard.${key}`, `the rendered pods need ${show(needed)} at their largest scale (${who}), above the quota's ${hard[key]}`, 'quota');
    };
    check('requests.cpu', need.cpu, hard['requests.cpu'] ? milliCpu(hard['requests.cpu']) : undefined, cpuQuantity);
    check('requests.memory', need.memory, hard['requests.memory'] ? bytes(hard['requests.memory']) : undefined, memoryQuantity);
    check('limits.memory', need.limitMemory, hard['limits.memory'] ? bytes(hard['limits.memory']) : undefined, memoryQuantity);
    check('pods', need.pods, hard.pods ? Number(hard.pods) : undefined, String);
  }
}

function waiverMatches(w: RenderWaiver, f: AuditFinding): boolean {
  return (
    w.rule === f.rule &&
    new RegExp(`^(${w.stacks})$`).test(f.stack) &&
    (w.release === undefined || w.release === f.release) &&
    (w.kind === undefined || w.kind === f.kind) &&
    (w.name === undefined || w.name === f.name) &&
    (w.field === undefined || f.field.startsWith(w.field))
  );
}

export async function auditRendered(synth: Synthesized, releases: readonly RenderedRelease[], waivers: readonly RenderWaiver[] = RENDER_WAIVERS): Promise<AuditReport> {
  const all: AuditFinding[] = [];
  const notes: string[] = [];
  const envs = [...new Set(releases.map((r) => r.stack.replace(/-(platform|app|cluster|network)$/, '')))];
  for (const env of envs) await auditEnvironment(env, releases.filter((r) => r.stack.startsWith(`${env}-`)), synth, (f) => all.push(f), notes);
  const skipped = skippedCharts();
  const active = waivers.filter((w) => !w.whileSkipped || skipped.has(w.whileSkipped));
  const findings: AuditFinding[] = [];
  const waived: WaivedFinding[] = [];
  const used = new Set<RenderWaiver>();
  for (const f of all) {
    const w = active.find((candidate) => waiverMatches(candidate, f));
    if (w) {
      used.add(w);
      waived.push({ ...f, reason: w.reason });
    } else findings.push(f);
  }
  return { findings, waived, unusedWaivers: active.filter((w) => !used.has(w)), notes };
}
