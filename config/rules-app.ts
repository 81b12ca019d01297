/** Cross-field rules for the app block, the same on both clouds. */
import { arr, obj, type Loose, type Problem } from './rules-kit';
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

/** A leaving pod must outlive the load balancer's drain, and the drain must outlive the pod's preStop serving. */
function rolloutRules(rocketchat: Loose, problems: Problem[]): void {
  const rollout = obj(rocketchat.rollout);
  const seconds = (key: keyof typeof ROLLOUT_DEFAULTS) => (rollout[key] === undefined ? ROLLOUT_DEFAULTS[key] : rollout[key]);
  const preStop = seconds('preStopSeconds');
  const drain = seconds('drainSeconds');
  const grace = seconds('terminationGracePeriodSeconds');
  if (typeof preStop !== 'number' || typeof drain !== 'number' || typeof grace !== 'number') return;
  if (drain < preStop) {
    problems.push({
      path: 'app.rocketchat.rollout.drainSeconds',
      message: `${drain} is below preStopSeconds ${preStop}, so the load balancer would cut connections the pod still serves (allowed: an integer from ${preStop} to 900)`,
    });
  }
  if (grace <= preStop + drain) {
    problems.push({
      path: 'app.rocketchat.rollout.terminationGracePeriodSeconds',
      message: `${grace} is not more than preStopSeconds + drainSeconds (${preStop + drain}), so Kubernetes would kill pods with connections still draining (allowed: an integer from ${preStop + drain + 1} to 3600)`,
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
