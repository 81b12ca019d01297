/** Cross-field rules for the platform block, the same on both clouds. */
import { arr, obj, type Loose, type Problem } from './rules-kit';
import { DOMAIN } from './schema-common';

export function platformRules(env: Loose, problems: Problem[]): void {
  const platform = obj(env.platform);
  const { dnsZone } = platform;
  // Only between well-formed names: the schema already reports a malformed one.
  if (typeof dnsZone === 'string' && typeof env.domain === 'string' && DOMAIN.test(env.domain) && DOMAIN.test(dnsZone)) {
    if (env.domain !== dnsZone && !env.domain.endsWith(`.${dnsZone}`)) {
      problems.push({
        path: 'platform.dnsZone',
        message: `"${dnsZone}" does not contain domain "${env.domain}" (allowed: ${env.domain} or a parent zone of it)`,
      });
    }
  }
  const seen = new Set<unknown>();
  arr(obj(platform.alerting).receivers).forEach((raw, i) => {
    const name = obj(raw).name;
    if (typeof name !== 'string') return;
    if (name === 'null') {
      problems.push({ path: `platform.alerting.receivers[${i}].name`, message: '"null" is the built-in receiver that drops alerts (allowed: any other name)' });
    }
    if (name === 'heartbeat') {
      problems.push({ path: `platform.alerting.receivers[${i}].name`, message: '"heartbeat" is the receiver of platform.alerting.heartbeat (allowed: any other name)' });
    }
    if (seen.has(name)) {
      problems.push({ path: `platform.alerting.receivers[${i}].name`, message: `"${name}" is used by another receiver (allowed: a unique name)` });
    }
    seen.add(name);
  });
  if (env.tier === 'prod' && Array.isArray(obj(platform.alerting).receivers) && arr(obj(platform.alerting).receivers).length === 0) {
    problems.push({ path: 'platform.alerting.receivers', message: 'prod has no alert receiver, so alerts reach nobody (allowed: at least one receiver)' });
  }
  if (env.tier === 'prod' && platform.alerting !== undefined && obj(platform.alerting).heartbeat === undefined) {
    problems.push({
      path: 'platform.alerting.heartbeat',
      message: 'prod has no heartbeat, so nobody notices when Prometheus or Alertmanager stops (allowed: { urlSecret } naming the secret with the ping URL)',
    });
  }
  const waf = obj(platform.waf);
  if (env.tier === 'prod' && waf.mode === 'count') {
    problems.push({
      path: 'platform.waf.mode',
      message: '"count" in prod only logs attacks and lets them through to Rocket.Chat (allowed: block; count is for tuning in dev)',
    });
  }
}
