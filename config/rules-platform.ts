/** Cross-field rules for the platform block, the same on both clouds. */
import { fieldPath as path, isSet, type Problem, type WrittenEnvironment } from './rules-kit';
import { DOMAIN } from './schema-common';
import { METHOD_CALL_PREFIX } from './schema-platform';
import { DEFAULT_SLOS, durationSeconds, PROMETHEUS_DURATION } from './slo';

type Platform = NonNullable<WrittenEnvironment['platform']>;

export function platformRules(env: WrittenEnvironment, problems: Problem[]): void {
  const platform = env.platform;
  const dnsZone = platform?.dnsZone;
  // Only between well-formed names: the schema already reports a malformed one.
  if (dnsZone !== undefined && env.domain !== undefined && DOMAIN.test(env.domain) && DOMAIN.test(dnsZone)) {
    if (env.domain !== dnsZone && !env.domain.endsWith(`.${dnsZone}`)) {
      problems.push({
        path: path((e) => e.platform.dnsZone),
        message: `"${dnsZone}" does not contain domain "${env.domain}" (allowed: ${env.domain} or a parent zone of it)`,
      });
    }
  }
  const seen = new Set<string>();
  const receivers = platform?.alerting?.receivers;
  receivers?.forEach((receiver, i) => {
    const name = receiver?.name;
    if (name === undefined) return;
    if (name === 'null') {
      problems.push({ path: path((e) => e.platform.alerting.receivers[i]?.name), message: '"null" is the built-in receiver that drops alerts (allowed: any other name)' });
    }
    if (name === 'heartbeat') {
      problems.push({ path: path((e) => e.platform.alerting.receivers[i]?.name), message: `"heartbeat" is the receiver of ${path((e) => e.platform.alerting.heartbeat)} (allowed: any other name)` });
    }
    if (seen.has(name)) {
      problems.push({ path: path((e) => e.platform.alerting.receivers[i]?.name), message: `"${name}" is used by another receiver (allowed: a unique name)` });
    }
    seen.add(name);
  });
  if (env.tier === 'prod' && receivers !== undefined && receivers.length === 0) {
    problems.push({ path: path((e) => e.platform.alerting.receivers), message: 'prod has no alert receiver, so alerts reach nobody (allowed: at least one receiver)' });
  }
  if (env.tier === 'prod' && isSet(platform, 'alerting') && !isSet(platform?.alerting, 'heartbeat')) {
    problems.push({
      path: path((e) => e.platform.alerting.heartbeat),
      message: 'prod has no heartbeat, so nobody notices when Prometheus or Alertmanager stops (allowed: { urlSecret } naming the secret with the ping URL)',
    });
  }
  const waf = platform?.waf;
  if (env.tier === 'prod' && waf?.mode === 'count') {
    problems.push({
      path: path((e) => e.platform.waf.mode),
      message: '"count" in prod only logs attacks and lets them through to Rocket.Chat (allowed: block; count is for tuning in dev)',
    });
  }
  if (env.tier === 'prod' && isSet(platform, 'waf') && !isSet(waf, 'pager')) {
    problems.push({
      path: path((e) => e.platform.waf.pager),
      message: 'prod has no paging destination for edge alarms, so a WAF refusing Rocket.Chat or an attack pages nobody (allowed: { urlSecret } naming the secret with the pager\'s HTTPS integration URL for cloud alarms)',
    });
  }
  // Rocket.Chat runs the method named in the body: only an exact method path can be matched against it.
  for (const list of ['uploadPaths', 'messagePaths', 'largeBodyPaths', 'downloadPaths'] as const) {
    waf?.[list]?.forEach((prefix, i) => {
      if (prefix === undefined || !prefix.startsWith(METHOD_CALL_PREFIX) || /^[\w:.-]+\$$/.test(prefix.slice(METHOD_CALL_PREFIX.length))) return;
      problems.push({
        path: path((e) => e.platform.waf[list][i]),
        message: `"${prefix}" would exempt more than one DDP method (allowed: ${METHOD_CALL_PREFIX}<method>$, one method, exact)`,
      });
    });
  }
  // Each method.call path is a counting rule of its own (about 32 capacity units): 12 bounds the rules and the web ACL's price tier, which waf.test.ts holds at the defaults.
  const methodCalls = (['uploadPaths', 'messagePaths', 'largeBodyPaths'] as const).flatMap((list) => (waf?.[list] ?? []).filter((p) => p !== undefined && p.startsWith(METHOD_CALL_PREFIX)));
  if (new Set(methodCalls).size > 12) {
    problems.push({
      path: path((e) => e.platform.waf.messagePaths),
      message: `${new Set(methodCalls).size} ${METHOD_CALL_PREFIX} paths across uploadPaths, messagePaths and largeBodyPaths (allowed: at most 12, each one more WAF rule)`,
    });
  }
  if (platform) sloRules(env, platform, problems);
}

/**
 * An objective is judged over its whole window: Prometheus must still hold the window's samples
 * (the budget left reads all of it), and under an hour the burn-rate windows shrink below a scrape or two.
 */
/** The workbook's fastest page burns the budget 14.4 times faster than sustainable. */
const FASTEST_BURN = 14.4;

function sloRules(env: WrittenEnvironment, platform: Platform, problems: Problem[]): void {
  const retentionDays = platform.observability?.metricsRetentionDays;
  if (retentionDays === undefined) return;
  const given = platform.slos;
  const set = isSet(platform, 'slos');
  if (!set && env.tier !== 'prod') return;
  const allowed = `1h to the metrics retention, ${path((e) => e.platform.observability.metricsRetentionDays)} = ${retentionDays}d`;
  for (const name of Object.keys(DEFAULT_SLOS) as (keyof typeof DEFAULT_SLOS)[]) {
    const explicit = given?.[name]?.window;
    const target = given?.[name]?.target;
    // The fast page fires at 14.4 times the budget's rate; with a budget over 1/14.4 no error ratio reaches it.
    if (target !== undefined && target > 0 && target < 100 && FASTEST_BURN * (100 - target) >= 100) {
      const lowest = Math.ceil((100 - 100 / FASTEST_BURN) * 100) / 100;
      problems.push({ path: path((e) => e.platform.slos?.[name].target), message: `${target} leaves a budget that a ${FASTEST_BURN}x burn exceeds 100% errors to reach, so the page never fires (allowed: a number from ${lowest} to below 100)` });
    }
    const window = explicit ?? DEFAULT_SLOS[name].window;
    // A malformed window is the schema's to report; a well-formed zero ("0d") is too short here.
    if ((explicit === undefined && isSet(given?.[name], 'window')) || !PROMETHEUS_DURATION.test(window)) continue;
    const seconds = durationSeconds(window) ?? 0;
    if (seconds >= 3600 && seconds <= retentionDays * 86400) continue;
    problems.push(
      explicit === undefined
        ? { path: set ? path((e) => e.platform.slos?.[name]) : path((e) => e.platform.slos), message: `the default ${name} window "${window}" does not fit (allowed: ${allowed}; set ${path((e) => e.platform.slos?.[name].window)} or raise the retention)` }
        : { path: path((e) => e.platform.slos?.[name].window), message: `"${window}" is not a window an objective can be judged over (allowed: ${allowed})` },
    );
  }
}
