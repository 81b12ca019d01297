/**
 * What `platform.components` and `app.components` may do (docs/configuration.md, "Customizing a
 * component"). Overrides are checked before anything is synthesized, on the typed environment:
 * - toggles: components every environment needs cannot be off, prod keeps its logs, and Alloy
 *   (the only shipper) must be on exactly when Loki or Tempo is; traces need both;
 * - values: keys a config field decides are refused with that field; what would weaken a
 *   guardrail (a removed or loosened security context, host access, an unpinned image, a Service
 *   or ingress past the edge, a secret in git, pods beyond their namespace quota) is refused with
 *   the path that did it.
 * The render audit (scripts/render/audit.ts) then checks the rendered result like any release.
 */
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from './quantity';
import { resourcesFor } from './sizing';
import { COMPONENTS, componentEnabled, imagePinned, isObject, OWNED_IN_EVERY_CHART, ROCKETCHAT_OWNED_ENV, type ComponentName, type ComponentSpec } from './components';
import { surgePods } from './edge-timing';
import { fieldPath as path, type Problem } from './rules-kit';
import { show } from './schema-kit';
import type { Environment } from './schema';
import type { ComponentBlock } from './schema-components';

type Json = unknown;

const ALLOY_ENABLED = path((e) => e.platform.components?.alloy?.enabled);
const TRACING = path((e) => e.app.rocketchat.tracing);
const SECRET_ENV = path((e) => e.app.components?.rocketchat?.secretEnv);
const GRAFANA_EDGE = path((e) => e.platform.components?.grafanaEdge);

/** Every value the override sets, with its path: maps are walked, anything else (lists, null) is one leaf. */
function leaves(value: Json, path: string[] = []): Array<{ path: string[]; value: Json }> {
  if (!isObject(value) || Object.keys(value).length === 0) return [{ path, value }];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

/** Every node (maps and list items alike), for guardrails that look at a key wherever it is. */
function nodes(value: Json, path: string[] = [], out: Array<{ path: string[]; key: string; value: Json }> = []): typeof out {
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: [...path, k], key: k, value: v });
      nodes(v, [...path, k], out);
    }
  }
  return out;
}

const RESTRICTED = 'allowed: a security context that keeps runAsNonRoot, no privilege escalation, capabilities dropped (ALL) and the RuntimeDefault seccomp profile';

/** What a key set inside a securityContext must not say. */
function securityContextProblem(key: string, value: Json): string | undefined {
  if (key === 'privileged' && value === true) return 'true runs the container as the node';
  if (key === 'allowPrivilegeEscalation' && value !== false) return `${show(value)} lets a process gain more privileges than its parent`;
  if (key === 'runAsNonRoot' && value !== true) return `${show(value)} lets the container run as root`;
  if ((key === 'runAsUser' || key === 'runAsGroup') && value === 0) return '0 runs the container as root';
  if (key === 'readOnlyRootFilesystem' && value === false) return 'false makes the image writable';
  if (key === 'capabilities' && !isObject(value)) return `${show(value)} removes the dropped capabilities`;
  if (key === 'add' && Array.isArray(value) && value.length > 0) return `${show(value)} adds Linux capabilities`;
  if (key === 'drop' && !(Array.isArray(value) && value.includes('ALL'))) return `${show(value)} no longer drops ALL capabilities`;
  if (key === 'seccompProfile' && !(isObject(value) && (value.type === 'RuntimeDefault' || value.type === undefined))) return `${show(value)} leaves the RuntimeDefault seccomp profile`;
  if (key === 'type' && value === 'Unconfined') return '"Unconfined" turns seccomp off';
  if (key === 'procMount' && value !== 'Default') return `${show(value)} unmasks /proc`;
  return undefined;
}

/** Keys holding a credential's value (not its name): a value here would sit in git and in the state. */
const CREDENTIAL_KEY = /(password|passwd|token|apikey|api_key|accesskey|access_key|secretkey|secret_key|privatekey|private_key|clientsecret|client_secret)$/i;

function guardrailProblems(values: Record<string, Json>, at: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string[], message: string) => problems.push({ path: [at, ...path].join('.').replace(/\.\[/g, '['), message });
  for (const node of nodes(values)) {
    const { key, value, path } = node;
    const inSecurityContext = path.slice(0, -1).some((p) => /securitycontext$/i.test(p.replace(/\[\d+\]$/, '')));
    if (/securitycontext$/i.test(key) && value === null) add(path, `null removes the security context the project sets (${RESTRICTED})`);
    else if (inSecurityContext) {
      const wrong = securityContextProblem(key, value);
      if (wrong) add(path, `${wrong} (${RESTRICTED})`);
    }
    if (['hostNetwork', 'hostPID', 'hostIPC'].includes(key) && value === true) add(path, `true shares the node's ${key.slice(4)} with the pod (allowed: false or leave it out)`);
    if (key === 'hostPath' || key === 'hostPort') add(path, `${key} reaches into the node (allowed: volumes and ports of the pod's own)`);
    const inImage = path.slice(0, -1).some((p) => /image$/i.test(p.replace(/\[\d+\]$/, '')));
    if (/image$/i.test(key) && typeof value === 'string' && !imagePinned(value)) add(path, `${show(value)} has no pinned tag or digest (allowed: repository:tag with a tag other than latest, or repository@sha256:digest)`);
    if (key === 'tag' && inImage && (value === 'latest' || value === null || value === '')) add(path, `${show(value)} is not a pinned image tag (allowed: a version tag, or leave it out for the chart's pinned one)`);
    if (key === 'repository' && inImage && typeof value === 'string' && value.includes(':') && !imagePinned(value)) add(path, `${show(value)} names an unpinned image (allowed: a repository without a tag, and the version in tag)`);
    // Another registry or repository with the chart's tag is another image under a version it never had.
    if (/image$/i.test(key) && isObject(value) && (value.registry !== undefined || value.repository !== undefined) && value.tag === undefined && !value.digest && !value.sha) {
      add(path, `${show(value)} changes where the image comes from without its tag or digest (allowed: tag or digest set next to registry/repository)`);
    }
    if (key === 'type' && /service$/i.test((path.at(-2) ?? '').replace(/\[\d+\]$/, '')) && value !== 'ClusterIP' && value !== null) {
      add(path, `${show(value)} publishes the Service outside the cluster, past the HTTPS edge and its firewall (allowed: ClusterIP)`);
    }
    if (key === 'enabled' && value === true && /(ingress|route|gateway)$/i.test((path.at(-2) ?? '').replace(/\[\d+\]$/, ''))) {
      add(path, `true publishes the component outside the project's HTTPS edge (allowed: false; Grafana has ${GRAFANA_EDGE})`);
    }
    if (key === 'resources' && value === null) add(path, 'null removes the requests and limits the namespace quota and the scheduler need (allowed: an object with requests and limits)');
    if (CREDENTIAL_KEY.test(key) && typeof value === 'string' && value !== '') add(path, `holds a credential, which would sit in git and in the Terraform state (allowed: the chart's existing-secret setting, or ${SECRET_ENV})`);
  }
  return problems;
}

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((p, i) => path[i] === p);

/** One line per owned key the override reaches (setting it, something inside it, or a map that holds it). */
function ownedProblems(spec: ComponentSpec, values: Record<string, Json>, at: string): Problem[] {
  const problems: Problem[] = [];
  const all = leaves(values);
  for (const [owned, field] of Object.entries({ ...OWNED_IN_EVERY_CHART, ...spec.owned })) {
    const ownedPath = owned.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
    const hit = all.find((leaf) => startsWith(leaf.path, ownedPath) || (leaf.path.length < ownedPath.length && startsWith(ownedPath, leaf.path)));
    if (!hit) continue;
    const path = hit.path.length < ownedPath.length ? hit.path : ownedPath;
    const value = hit.path.length <= ownedPath.length ? hit.value : ownedPath.reduce<Json>((v, k) => (isObject(v) ? v[k] : undefined), values);
    const instead = field.startsWith('nothing: ') ? `allowed: keys the project does not own; ${field.slice('nothing: '.length)}` : `allowed: set ${field} instead`;
    problems.push({ path: [at, ...path].join('.'), message: `${show(value)} would change ${ownedPath.join('.')}, which the project decides (${instead})` });
  }
  return problems;
}

/** The components that run in a namespace with a quota (app-stack.ts NamespaceBudget): how many pods at most, sized how. */
function quotaPlan(env: Environment, name: ComponentName): { pods: number; why: string; namespace: string; plan: ReturnType<typeof resourcesFor> } | undefined {
  if (name === 'rocketchat') {
    const rc = env.app.rocketchat;
    const most = rc.autoscaling?.maxReplicas ?? rc.replicas;
    return { pods: most + 2 * surgePods(most, rc.rollout.maxSurgePercent), why: 'the autoscaler maximum plus two rollout surges', namespace: 'rocketchat', plan: resourcesFor(env, 'rocketchat') };
  }
  // Counted as two pods in the mongodb namespace's budget (constructs/platform/mongodb-operator/ operatorPodBudget).
  if (name === 'mongodbOperator') return { pods: 2, why: 'the operator and its replacement during a rollout', namespace: 'mongodb', plan: resourcesFor(env, 'controller') };
  return undefined;
}

/**
 * An override's container resources against the namespace quota, which is sized from the project's
 * own requests with 25% headroom: the main container's `resources` replace the project's, any other
 * `resources` in the values (init and extra containers) add to them, and every pod the autoscaler
 * and a rollout may run at once must fit.
 */
function quotaProblems(env: Environment, name: ComponentName, values: Record<string, Json>, at: string): Problem[] {
  const quota = quotaPlan(env, name);
  if (!quota) return [];
  const { pods, plan } = quota;
  const extra = nodes(values).filter((n) => n.key === 'resources' && n.path.length > 1 && isObject(n.value));
  const checks = [
    { key: ['requests', 'cpu'], read: milliCpu, write: (m: number) => `${cpuQuantity(m)} CPU`, plan: plan.requests.cpu },
    { key: ['requests', 'memory'], read: bytes, write: memoryQuantity, plan: plan.requests.memory },
    { key: ['limits', 'memory'], read: bytes, write: memoryQuantity, plan: plan.limits.memory },
  ];
  const at2 = (v: Json, [a, b]: string[]) => (isObject(v) && isObject(v[a!]) ? (v[a!] as Record<string, Json>)[b!] : undefined);
  const problems: Problem[] = [];
  for (const c of checks) {
    const main = at2(values.resources, c.key);
    const added = extra.map((n) => ({ path: [...n.path, ...c.key].join('.'), value: at2(n.value, c.key) })).filter((x) => x.value !== undefined);
    if (main === undefined && added.length === 0) continue;
    const set = main !== undefined ? { path: `resources.${c.key.join('.')}`, value: main } : added[0]!;
    const path = `${at}.${set.path}`;
    let each: number;
    try {
      each = c.read(String(main ?? c.plan)) + added.reduce((sum, x) => sum + c.read(String(x.value)), 0);
    } catch {
      problems.push({ path, message: `${show(set.value)} is not a Kubernetes quantity (allowed: such as 500m or 2 for CPU, 1536Mi or 2Gi for memory)` });
      continue;
    }
    const limit = c.read(c.plan) * pods * 1.25;
    if (each * pods > limit) {
      problems.push({
        path,
        message: `${show(set.value)} makes each pod need ${c.write(each)}, and ${pods} pods (${quota.why}) ${c.write(each * pods)}, more than the ${quota.namespace} namespace quota of ${c.write(limit)} (allowed: at most ${c.write(Math.floor(limit / pods))} per pod, every container counted; the quota follows the tier's sizing, config/sizing.ts)`,
      });
    }
  }
  return problems;
}

export function componentProblems(env: Environment): Problem[] {
  const problems: Problem[] = [];
  const settings = (name: ComponentName) =>
    ((COMPONENTS[name].layer === 'platform' ? env.platform.components : env.app.components) as Record<string, ComponentBlock | undefined> | undefined)?.[name];
  for (const name of Object.keys(COMPONENTS) as ComponentName[]) {
    const spec: ComponentSpec = COMPONENTS[name];
    const at = (field: keyof ComponentBlock) =>
      spec.layer === 'platform' ? path((e) => e.platform.components?.[name]?.[field]) : path((e) => e.app.components?.[name as 'rocketchat']?.[field]);
    const own = settings(name);
    if (!own) continue;
    if (own.enabled === false && 'never' in spec.toggle) {
      problems.push({ path: at('enabled'), message: `false is not possible: ${spec.toggle.never} (allowed: true or leave it out)` });
    } else if (own.enabled === false && 'prodKeeps' in spec.toggle && spec.toggle.prodKeeps && env.tier === 'prod') {
      problems.push({ path: at('enabled'), message: `false is refused in prod: ${spec.toggle.prodKeeps} (allowed: true in prod)` });
    }
    if (!own.values) continue;
    const valuesAt = at('values');
    if (!componentEnabled(env, name)) {
      problems.push({ path: valuesAt, message: `are set, but ${name} is turned off, so they would go nowhere (allowed: remove them, or turn ${name} on)` });
      continue;
    }
    // One line per path: an owned key is reported as owned, not again as a weakened guardrail.
    const owned = ownedProblems(spec, own.values, valuesAt);
    const under = (g: Problem, o: Problem) => g.path === o.path || g.path.startsWith(`${o.path}.`) || g.path.startsWith(`${o.path}[`);
    problems.push(...owned, ...guardrailProblems(own.values, valuesAt).filter((g) => !owned.some((o) => under(g, o))));
    problems.push(...quotaProblems(env, name, own.values, valuesAt));
  }

  // What is on must have what it needs: Alloy ships what Loki and Tempo store, and nothing else does.
  const alloySet = env.platform.components?.alloy?.enabled;
  const stores = (['loki', 'tempo'] as const).filter((n) => componentEnabled(env, n));
  if (alloySet === true && stores.length === 0) {
    problems.push({
      path: ALLOY_ENABLED,
      message: `true with both Loki and Tempo off leaves Alloy nowhere to send logs or traces (allowed: false or leave it out, or turn ${path((e) => e.platform.components?.loki)} or ${path((e) => e.platform.components?.tempo)} on)`,
    });
  }
  if (alloySet === false && stores.length > 0 && !problems.some((p) => p.path === ALLOY_ENABLED)) {
    problems.push({
      path: ALLOY_ENABLED,
      message: `false leaves ${stores.map((n) => (n === 'loki' ? 'Loki with no logs' : 'Tempo with no traces')).join(' and ')}: nothing else ships them (allowed: true or leave it out, or turn ${stores.map((n) => path((e) => e.platform.components?.[n])).join(' and ')} off too)`,
    });
  }
  const tracing = env.app.rocketchat.tracing;
  if (tracing === true && !componentEnabled(env, 'tempo')) {
    problems.push({ path: TRACING, message: `true needs Tempo, which ${path((e) => e.platform.components?.tempo?.enabled)} turns off (allowed: false or leave it out, or turn Tempo on)` });
  } else if (tracing === true && !componentEnabled(env, 'alloy')) {
    problems.push({ path: TRACING, message: `true needs Alloy to forward traces, which ${ALLOY_ENABLED} turns off (allowed: false or leave it out, or turn Alloy on)` });
  }

  const rc = env.app.components?.rocketchat;
  for (const [kind, vars] of [['env', rc?.env], ['secretEnv', rc?.secretEnv]] as const) {
    for (const name of Object.keys(vars ?? {})) {
      const owned = ROCKETCHAT_OWNED_ENV.find(([pattern]) => pattern.test(name));
      // The variable's name is data, not a field: appended to the field's path.
      const at = `${path((e) => e.app.components?.rocketchat?.[kind])}.${name}`;
      if (owned) {
        const [, field] = owned;
        problems.push({ path: at, message: `is set by the project (${field.startsWith('nothing: ') ? `allowed: another name; ${field.slice('nothing: '.length)}` : `allowed: set ${field} instead`})` });
      } else if (kind === 'env' && CREDENTIAL_KEY.test(name)) {
        problems.push({ path: at, message: `looks like a credential, and env values sit in git and in the Terraform state (allowed: ${SECRET_ENV} naming a secret in the secret store)` });
      }
    }
  }
  for (const name of Object.keys(rc?.env ?? {})) {
    if (rc?.secretEnv && name in rc.secretEnv) problems.push({ path: `${path((e) => e.app.components?.rocketchat?.env)}.${name}`, message: `is also in ${SECRET_ENV} (allowed: one of the two)` });
  }
  return problems;
}
