/** Cross-field rules for the app block, the same on both clouds. */
import { fieldPath as path, isSet, type Problem, type WrittenEnvironment } from './rules-kit';
import { APP_SHUTDOWN_SECONDS, EDGE_PROPAGATION_SECONDS, ROCKETCHAT_HELM_TIMEOUT_SECONDS, ROLLOUT_TIMEOUT_SHARE, rolloutSeconds } from './edge-timing';
import { ROLLOUT_DEFAULTS } from './schema-app';

type App = NonNullable<WrittenEnvironment['app']>;
type Rocketchat = NonNullable<App['rocketchat']>;

function licenseRules(rocketchat: Rocketchat, problems: Problem[]): void {
  const { replicas } = rocketchat;
  const max = rocketchat.autoscaling?.maxReplicas;
  if (replicas !== undefined && max !== undefined && max < replicas) {
    problems.push({
      path: path((e) => e.app.rocketchat.autoscaling?.maxReplicas),
      message: `${max} is below replicas ${replicas} (allowed: an integer from ${replicas} to 50)`,
    });
  }
  // Community edition runs a single instance; the chart says so and Rocket.Chat refuses to cluster without a license.
  const most = Math.max(replicas ?? 1, max ?? 1);
  if (most > 1 && !isSet(rocketchat, 'licenseSecret')) {
    problems.push({
      path: path((e) => e.app.rocketchat.licenseSecret),
      message: `is missing but up to ${most} replicas are configured; more than one Rocket.Chat replica needs an Enterprise license (allowed: the name of a secret holding the license, or replicas 1 without autoscaling above 1)`,
    });
  }
}

/**
 * A leaving pod must keep serving until the edge has stopped sending it requests (its drain plus
 * the edge's propagation), then get the app's shutdown time before the kill; and the slowest
 * rollout (every pod the autoscaler may run) must fit half the Helm timeout (config/edge-timing.ts).
 */
function rolloutRules(rocketchat: Rocketchat, problems: Problem[]): void {
  const rollout = rocketchat.rollout ?? {};
  // Timings left out take their defaults; one the schema refused leaves nothing to compare.
  const keys = ['preStopSeconds', 'drainSeconds', 'terminationGracePeriodSeconds', 'maxSurgePercent'] as const;
  if (keys.some((key) => rollout[key] === undefined && isSet(rollout, key))) return;
  const value = (key: (typeof keys)[number]) => rollout[key] ?? ROLLOUT_DEFAULTS[key];
  const preStop = value('preStopSeconds');
  const drain = value('drainSeconds');
  const grace = value('terminationGracePeriodSeconds');
  const surge = value('maxSurgePercent');
  const lastRequest = drain + EDGE_PROPAGATION_SECONDS;
  if (preStop < lastRequest) {
    problems.push({
      path: path((e) => e.app.rocketchat.rollout.preStopSeconds),
      message: `${preStop} is below drainSeconds ${drain} + ${EDGE_PROPAGATION_SECONDS} s for the load balancer to stop sending, so the pod would get SIGTERM while requests still arrive (allowed: an integer from ${lastRequest} to 1800)`,
    });
  }
  if (grace <= preStop + APP_SHUTDOWN_SECONDS) {
    problems.push({
      path: path((e) => e.app.rocketchat.rollout.terminationGracePeriodSeconds),
      message: `${grace} is not more than preStopSeconds ${preStop} + ${APP_SHUTDOWN_SECONDS} s of shutdown, so Kubernetes would kill pods still finishing requests (allowed: an integer from ${preStop + APP_SHUTDOWN_SECONDS + 1} to 3600)`,
    });
  }
  const pods = rocketchat.autoscaling?.maxReplicas ?? rocketchat.replicas;
  if (pods === undefined) return;
  const budget = ROCKETCHAT_HELM_TIMEOUT_SECONDS * ROLLOUT_TIMEOUT_SHARE;
  const took = rolloutSeconds(pods, surge);
  if (took > budget) {
    const least = Array.from({ length: 100 }, (_, i) => i + 1).find((p) => rolloutSeconds(pods, p) <= budget) ?? 100;
    problems.push({
      path: path((e) => e.app.rocketchat.rollout.maxSurgePercent),
      message: `${surge} makes a rollout of ${pods} pods take about ${took} s, more than half the ${ROCKETCHAT_HELM_TIMEOUT_SECONDS} s Helm timeout (allowed: an integer from ${least} to 100)`,
    });
  }
}

/** A pool's spot and System traits, read through its cloud's own schema (a renamed field fails tsc here). */
function poolTraits(env: WrittenEnvironment, wanted: string): { spot: boolean; system: boolean } {
  if (env.cloud === 'aws') {
    const pool = env.kubernetes?.nodePools?.find((p) => p?.name === wanted);
    return { spot: pool?.capacityType === 'SPOT', system: false };
  }
  if (env.cloud === 'azure') {
    const pool = env.kubernetes?.nodePools?.find((p) => p?.name === wanted);
    return { spot: pool?.spot === true, system: pool?.mode === 'System' };
  }
  return { spot: false, system: false };
}

function nodePoolRule(env: WrittenEnvironment, problems: Problem[]): void {
  const wanted = env.app?.mongodb?.nodePool;
  if (wanted === undefined) return;
  const pools = (env.kubernetes?.nodePools ?? []).map((p) => p ?? {});
  const names = pools.flatMap((p) => p.name ?? []);
  const pool = pools.find((p) => p.name === wanted);
  const at = path((e) => e.app.mongodb.nodePool);
  if (!pool) {
    problems.push({ path: at, message: `"${wanted}" is not a node pool of this environment (allowed: ${names.join(', ') || 'a node pool name'})` });
    return;
  }
  // Evictions with two minutes' notice, or a pool reserved for system add-ons, are no place for database members.
  const { spot, system } = poolTraits(env, wanted);
  if (spot) {
    problems.push({ path: at, message: `"${wanted}" is a spot pool, whose evictions can take out a majority of members (allowed: an on-demand pool)` });
  }
  if (system) {
    problems.push({ path: at, message: `"${wanted}" is the System pool, tainted CriticalAddonsOnly (allowed: a User pool)` });
  }
}

export function appRules(env: WrittenEnvironment, problems: Problem[]): void {
  const rocketchat = env.app?.rocketchat ?? {};
  licenseRules(rocketchat, problems);
  rolloutRules(rocketchat, problems);
  nodePoolRule(env, problems);
  const { coolAfterDays: cool, deleteAfterDays: remove } = env.app?.backups ?? {};
  if (cool !== undefined && remove !== undefined && remove <= cool) {
    problems.push({
      path: path((e) => e.app.backups.deleteAfterDays),
      message: `${remove} is not after coolAfterDays ${cool}, so backups would never reach the cool tier (allowed: more than ${cool})`,
    });
  }
}
