/**
 * What `platform.components` and `app.components` may do (docs/configuration.md, "Customizing a
 * component"). Overrides are checked before anything is synthesized, on the typed environment:
 * - toggles: components every environment needs cannot be off, prod keeps what it is operated
 *   by, and a component whose only consumer or producer is off is refused;
 * - values: keys a config field decides are refused with that field; what would weaken a
 *   guardrail (a removed or loosened security context, host access, an unpinned image, a secret
 *   in git, Rocket.Chat pods beyond their namespace quota) is refused with the path that did it.
 * The render audit (scripts/render/audit.ts) then checks the rendered result like any release.
 */
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from '../constructs/quantity';
import { resourcesFor } from '../constructs/platform/sizing';
import { COMPONENTS, componentEnabled, ROCKETCHAT_OWNED_ENV, type ComponentName, type ComponentSpec } from './components';
import { surgePods } from './edge-timing';
import type { Problem } from './rules-kit';
import { show } from './schema-kit';
import type { Environment } from './schema';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

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

function imagePinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  return !!tag && tag !== 'latest';
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
    if (/image$/i.test(key) && typeof value === 'string' && !imagePinned(value)) add(path, `${show(value)} has no pinned tag or digest (allowed: repository:tag with a tag other than latest, or repository@sha256:digest)`);
    if (key === 'tag' && path.some((p) => /image$/i.test(p)) && (value === 'latest' || value === null)) add(path, `${show(value)} is not a pinned image tag (allowed: a version tag, or leave it out for the chart's pinned one)`);
    if (CREDENTIAL_KEY.test(key) && typeof value === 'string' && value !== '') add(path, 'holds a credential, which would sit in git and in the Terraform state (allowed: the chart\'s existing-secret setting, or app.components.rocketchat.secretEnv)');
  }
  return problems;
}

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((p, i) => path[i] === p);

function ownedProblems(spec: ComponentSpec, values: Record<string, Json>, at: string): Problem[] {
  const problems: Problem[] = [];
  for (const leaf of leaves(values)) {
    for (const [owned, field] of Object.entries(spec.owned)) {
      const ownedPath = owned.split('.');
      // The override sets an owned key or something inside it, or replaces a map that holds one.
      if (!startsWith(leaf.path, ownedPath) && !(leaf.path.length < ownedPath.length && startsWith(ownedPath, leaf.path))) continue;
      const instead = field.startsWith('nothing: ') ? `allowed: keys the project does not own; ${field.slice('nothing: '.length)}` : `allowed: set ${field} instead`;
      problems.push({ path: [at, ...leaf.path].join('.'), message: `${show(leaf.value)} would change ${owned}, which the project decides (${instead})` });
      break;
    }
  }
  return problems;
}

/**
 * Rocket.Chat's container resources from an override against its namespace quota (sized from
 * the project's own requests, app-stack.ts NamespaceBudget): every pod the autoscaler and a
 * rollout may run at once must fit, with the quota's 25% headroom.
 */
function quotaProblems(env: Environment, values: Record<string, Json>, at: string): Problem[] {
  const resources = values.resources;
  if (!isObject(resources)) return [];
  const rc = env.app.rocketchat;
  const most = rc.autoscaling?.maxReplicas ?? rc.replicas;
  const pods = most + 2 * surgePods(most, rc.rollout.maxSurgePercent);
  const planned = resourcesFor(env, 'rocketchat');
  const checks = [
    { key: ['requests', 'cpu'], read: milliCpu, write: (m: number) => `${cpuQuantity(m)} CPU`, plan: planned.requests.cpu },
    { key: ['requests', 'memory'], read: bytes, write: memoryQuantity, plan: planned.requests.memory },
    { key: ['limits', 'memory'], read: bytes, write: memoryQuantity, plan: planned.limits.memory },
  ];
  const problems: Problem[] = [];
  for (const c of checks) {
    const set = (resources[c.key[0]!] as Record<string, Json> | undefined)?.[c.key[1]!];
    if (set === undefined) continue;
    const path = `${at}.resources.${c.key.join('.')}`;
    let each: number;
    try {
      each = c.read(String(set));
    } catch {
      problems.push({ path, message: `${show(set)} is not a Kubernetes quantity (allowed: such as 500m or 2 for CPU, 1536Mi or 2Gi for memory)` });
      continue;
    }
    const quota = c.read(c.plan) * pods * 1.25;
    if (each * pods > quota) {
      problems.push({
        path,
        message: `${show(set)} for up to ${pods} pods (autoscaler maximum plus rollout surge) needs ${c.write(each * pods)}, more than the rocketchat namespace quota of ${c.write(quota)} (allowed: at most ${c.write(Math.floor(quota / pods))} per pod; the quota follows the tier's sizing, constructs/platform/sizing.ts)`,
      });
    }
  }
  return problems;
}

export function componentProblems(env: Environment): Problem[] {
  const problems: Problem[] = [];
  const settings = (name: ComponentName) =>
    ((COMPONENTS[name].layer === 'platform' ? env.platform.components : env.app.components) as Record<string, { enabled?: boolean; values?: Record<string, Json> } | undefined> | undefined)?.[name];
  for (const name of Object.keys(COMPONENTS) as ComponentName[]) {
    const spec: ComponentSpec = COMPONENTS[name];
    const at = `${spec.layer}.components.${name}`;
    const own = settings(name);
    if (!own) continue;
    if (own.enabled === false && 'never' in spec.toggle) {
      problems.push({ path: `${at}.enabled`, message: `false is not possible: ${spec.toggle.never} (allowed: true or leave it out)` });
    } else if (own.enabled === false && 'prodKeeps' in spec.toggle && spec.toggle.prodKeeps && env.tier === 'prod') {
      problems.push({ path: `${at}.enabled`, message: `false is refused in prod: ${spec.toggle.prodKeeps} (allowed: true in prod)` });
    }
    if (!own.values) continue;
    if (!componentEnabled(env, name)) {
      problems.push({ path: `${at}.values`, message: `are set, but ${name} is turned off, so they would go nowhere (allowed: remove them, or turn ${name} on)` });
      continue;
    }
    // One line per path: an owned key is reported as owned, not again as a weakened guardrail.
    const owned = ownedProblems(spec, own.values, `${at}.values`);
    problems.push(...owned, ...guardrailProblems(own.values, `${at}.values`).filter((g) => !owned.some((o) => o.path === g.path)));
    if (name === 'rocketchat') problems.push(...quotaProblems(env, own.values, `${at}.values`));
  }

  // What is on must have what it needs.
  if (componentEnabled(env, 'alloy') && !componentEnabled(env, 'loki') && !componentEnabled(env, 'tempo')) {
    problems.push({
      path: 'platform.components.alloy.enabled',
      message: 'Alloy is on with both Loki and Tempo off, so it has nowhere to send logs or traces (allowed: false, or turn platform.components.loki or platform.components.tempo on)',
    });
  }
  const tracing = env.app.rocketchat.tracing;
  if (tracing === true && !componentEnabled(env, 'tempo')) {
    problems.push({ path: 'app.rocketchat.tracing', message: 'true needs Tempo, which platform.components.tempo.enabled turns off (allowed: false or leave it out, or turn Tempo on)' });
  } else if (tracing === true && !componentEnabled(env, 'alloy')) {
    problems.push({ path: 'app.rocketchat.tracing', message: 'true needs Alloy to forward traces, which platform.components.alloy.enabled turns off (allowed: false or leave it out, or turn Alloy on)' });
  }

  const rc = env.app.components?.rocketchat;
  for (const [kind, vars] of [['env', rc?.env], ['secretEnv', rc?.secretEnv]] as const) {
    for (const name of Object.keys(vars ?? {})) {
      const owned = ROCKETCHAT_OWNED_ENV.find(([pattern]) => pattern.test(name));
      const path = `app.components.rocketchat.${kind}.${name}`;
      if (owned) {
        const [, field] = owned;
        problems.push({ path, message: `is set by the project (${field.startsWith('nothing: ') ? `allowed: another name; ${field.slice('nothing: '.length)}` : `allowed: set ${field} instead`})` });
      } else if (kind === 'env' && CREDENTIAL_KEY.test(name)) {
        problems.push({ path, message: 'looks like a credential, and env values sit in git and in the Terraform state (allowed: app.components.rocketchat.secretEnv naming a secret in the secret store)' });
      }
    }
  }
  for (const name of Object.keys(rc?.env ?? {})) {
    if (rc?.secretEnv && name in rc.secretEnv) problems.push({ path: `app.components.rocketchat.env.${name}`, message: 'is also in app.components.rocketchat.secretEnv (allowed: one of the two)' });
  }
  return problems;
}
