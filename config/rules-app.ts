/** Cross-field rules for the app block, the same on both clouds. */
import { arr, obj, type Loose, type Problem } from './rules-kit';
import { APP_SHUTDOWN_SECONDS, EDGE_PROPAGATION_SECONDS, ROCKETCHAT_HELM_TIMEOUT_SECONDS, ROLLOUT_TIMEOUT_SHARE, rolloutSeconds } from './edge-timing';
import { ROLLOUT_DEFAULTS } from './schema-app';

function licenseRules(rocketchat: Loose, problems: Problem[]): void {
  const { replicas, licenseSecret } = rocketchat;
  const autoscaling = obj(rocketchat.autoscaling);
  const max = autoscaling.maxReplicas;
  if (typeof replicas === 'number' && typeof max === 'number' && max < replicas) {
    problems.push({
      path: 'app.rocketchat.autoscaling.maxReplicas',
      message: `${max} is below replicas ${replicas} (allowed: an integer from ${replicas} to 50)`,
    });
  }
  // Community edition runs a single instance; the chart says so and Rocket.Chat refuses to cluster without a license.
  const most = Math.max(typeof replicas === 'number' ? replicas : 1, typeof max === 'number' ? max : 1);
  if (most > 1 && licenseSecret === undefined) {
    problems.push({
      path: 'app.rocketchat.licenseSecret',
      message: `is missing but up to ${most} replicas are configured; more than one Rocket.Chat replica needs an Enterprise license (allowed: the name of a secret holding the license, or replicas 1 without autoscaling above 1)`,
    });
  }
}

/**
 * A leaving pod must keep serving until the edge has stopped sending it requests (its drain plus
 * the edge's propagation), then get the app's shutdown time before the kill; and the slowest
 * rollout (every pod the autoscaler may run) must fit half the Helm timeout (config/edge-timing.ts).
 */
function rolloutRules(rocketchat: Loose, problems: Problem[]): void {
  const rollout = obj(rocketchat.rollout);
  const value = (key: keyof typeof ROLLOUT_DEFAULTS) => (rollout[key] === undefined ? ROLLOUT_DEFAULTS[key] : rollout[key]);
  const preStop = value('preStopSeconds');
  const drain = value('drainSeconds');
  const grace = value('terminationGracePeriodSeconds');
  const surge = value('maxSurgePercent');
  if (typeof preStop !== 'number' || typeof drain !== 'number' || typeof grace !== 'number' || typeof surge !== 'number') return;
  const lastRequest = drain + EDGE_PROPAGATION_SECONDS;
  if (preStop < lastRequest) {
    problems.push({
      path: 'app.rocketchat.rollout.preStopSeconds',
      message: `${preStop} is below drainSeconds ${drain} + ${EDGE_PROPAGATION_SECONDS} s for the load balancer to stop sending, so the pod would get SIGTERM while requests still arrive (allowed: an integer from ${lastRequest} to 1800)`,
    });
  }
  if (grace <= preStop + APP_SHUTDOWN_SECONDS) {
    problems.push({
      path: 'app.rocketchat.rollout.terminationGracePeriodSeconds',
      message: `${grace} is not more than preStopSeconds ${preStop} + ${APP_SHUTDOWN_SECONDS} s of shutdown, so Kubernetes would kill pods still finishing requests (allowed: an integer from ${preStop + APP_SHUTDOWN_SECONDS + 1} to 3600)`,
    });
  }
  const max = obj(rocketchat.autoscaling).maxReplicas;
  const pods = typeof max === 'number' ? max : rocketchat.replicas;
  if (typeof pods !== 'number') return;
  const budget = ROCKETCHAT_HELM_TIMEOUT_SECONDS * ROLLOUT_TIMEOUT_SHARE;
  const took = rolloutSeconds(pods, surge);
  if (took > budget) {
    const least = Array.from({ length: 100 }, (_, i) => i + 1).find((p) => rolloutSeconds(pods, p) <= budget) ?? 100;
    problems.push({
      path: 'app.rocketchat.rollout.maxSurgePercent',
      message: `${surge} makes a rollout of ${pods} pods take about ${took} s, more than half the ${ROCKETCHAT_HELM_TIMEOUT_SECONDS} s Helm timeout (allowed: an integer from ${least} to 100)`,
    });
  }
}

function nodePoolRule(env: Loose, mongodb: Loose, problems: Problem[]): void {
  const wanted = mongodb.nodePool;
  if (typeof wanted !== 'string') return;
  const pools = arr(obj(env.kubernetes).nodePools).map(obj);
  const names = pools.map((p) => p.name).filter((n): n is string => typeof n === 'string');
  const pool = pools.find((p) => p.name === wanted);
  const path = 'app.mongodb.nodePool';
  if (!pool) {
    problems.push({ path, message: `"${wanted}" is not a node pool of this environment (allowed: ${names.join(', ') || 'a node pool name'})` });
    return;
  }
  // Evictions with two minutes' notice, or a pool reserved for system add-ons, are no place for database members.
  if (pool.capacityType === 'SPOT' || pool.spot === true) {
    problems.push({ path, message: `"${wanted}" is a spot pool, whose evictions can take out a majority of members (allowed: an on-demand pool)` });
  }
  if (pool.mode === 'System') {
    problems.push({ path, message: `"${wanted}" is the System pool, tainted CriticalAddonsOnly (allowed: a User pool)` });
  }
}

export function appRules(env: Loose, problems: Problem[]): void {
  const app = obj(env.app);
  licenseRules(obj(app.rocketchat), problems);
  rolloutRules(obj(app.rocketchat), problems);
  nodePoolRule(env, obj(app.mongodb), problems);
  const { coolAfterDays: cool, deleteAfterDays: remove } = obj(app.backups);
  if (typeof cool === 'number' && typeof remove === 'number' && remove <= cool) {
    problems.push({
      path: 'app.backups.deleteAfterDays',
      message: `${remove} is not after coolAfterDays ${cool}, so backups would never reach the cool tier (allowed: more than ${cool})`,
    });
  }
}
