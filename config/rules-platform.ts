/** Cross-field rules for the platform block, the same on both clouds. */
import { arr, obj, type Loose, type Problem } from './rules-kit';
import { DOMAIN } from './schema-common';
import { METHOD_CALL_PREFIX } from './schema-platform';
import { DEFAULT_SLOS, durationSeconds, PROMETHEUS_DURATION } from './slo';

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
  if (env.tier === 'prod' && platform.waf !== undefined && waf.pager === undefined) {
    problems.push({
      path: 'platform.waf.pager',
      message: 'prod has no paging destination for edge alarms, so a WAF refusing Rocket.Chat or an attack pages nobody (allowed: { urlSecret } naming the secret with the pager\'s HTTPS integration URL for cloud alarms)',
    });
  }
  // Rocket.Chat runs the method named in the body: only an exact method path can be matched against it.
  for (const list of ['uploadPaths', 'messagePaths', 'largeBodyPaths', 'downloadPaths'] as const) {
    arr(waf[list]).forEach((path, i) => {
      if (typeof path !== 'string' || !path.startsWith(METHOD_CALL_PREFIX) || /^[\w:.-]+\$$/.test(path.slice(METHOD_CALL_PREFIX.length))) return;
      problems.push({
        path: `platform.waf.${list}[${i}]`,
        message: `"${path}" would exempt more than one DDP method (allowed: ${METHOD_CALL_PREFIX}<method>$, one method, exact)`,
      });
    });
  }
  // Each method.call path is a counting rule of its own (about 32 capacity units): 12 bounds the rules and the web ACL's price tier, which waf.test.ts holds at the defaults.
  const methodCalls = ['uploadPaths', 'messagePaths', 'largeBodyPaths'].flatMap((list) => arr(waf[list]).filter((p) => typeof p === 'string' && p.startsWith(METHOD_CALL_PREFIX)));
  if (new Set(methodCalls).size > 12) {
    problems.push({
      path: 'platform.waf.messagePaths',
      message: `${new Set(methodCalls).size} ${METHOD_CALL_PREFIX} paths across uploadPaths, messagePaths and largeBodyPaths (allowed: at most 12, each one more WAF rule)`,
    });
  }
  sloRules(env, platform, problems);
}

/**
 * An objective is judged over its whole window: Prometheus must still hold the window's samples
 * (the budget left reads all of it), and under an hour the burn-rate windows shrink below a scrape or two.
 */
/** The workbook's fastest page burns the budget 14.4 times faster than sustainable. */
const FASTEST_BURN = 14.4;

function sloRules(env: Loose, platform: Loose, problems: Problem[]): void {
  const retentionDays = obj(platform.observability).metricsRetentionDays;
  if (typeof retentionDays !== 'number') return;
  const given = platform.slos;
  if (given === undefined && env.tier !== 'prod') return;
  const allowed = `1h to the metrics retention, platform.observability.metricsRetentionDays = ${retentionDays}d`;
  for (const name of Object.keys(DEFAULT_SLOS) as (keyof typeof DEFAULT_SLOS)[]) {
    const explicit = given === undefined ? undefined : obj(obj(given)[name]).window;
    const target = given === undefined ? undefined : obj(obj(given)[name]).target;
    // The fast page fires at 14.4 times the budget's rate; with a budget over 1/14.4 no error ratio reaches it.
    if (typeof target === 'number' && target > 0 && target < 100 && FASTEST_BURN * (100 - target) >= 100) {
      const lowest = Math.ceil((100 - 100 / FASTEST_BURN) * 100) / 100;
      problems.push({ path: `platform.slos.${name}.target`, message: `${target} leaves a budget that a ${FASTEST_BURN}x burn exceeds 100% errors to reach, so the page never fires (allowed: a number from ${lowest} to below 100)` });
    }
    const window = explicit ?? DEFAULT_SLOS[name].window;
    // A malformed window is the schema's to report; a well-formed zero ("0d") is too short here.
    if (typeof window !== 'string' || !PROMETHEUS_DURATION.test(window)) continue;
    const seconds = durationSeconds(window) ?? 0;
    if (seconds >= 3600 && seconds <= retentionDays * 86400) continue;
    problems.push(
      explicit === undefined
        ? { path: given === undefined ? 'platform.slos' : `platform.slos.${name}`, message: `the default ${name} window "${window}" does not fit (allowed: ${allowed}; set platform.slos.${name}.window or raise the retention)` }
        : { path: `platform.slos.${name}.window`, message: `"${window}" is not a window an objective can be judged over (allowed: ${allowed})` },
    );
  }
}
