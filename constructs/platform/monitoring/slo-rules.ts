/**
 * Rocket.Chat's service level objectives (config/slo.ts) as Prometheus rules: one recording rule
 * per objective and window for the share of bad events, and multi-window, multi-burn-rate alerts
 * (Google SRE workbook, "Alerting on SLOs", table 5-8) that page on a fast burn and open a ticket
 * on a slow one.
 *
 * The SLIs come from signals Prometheus holds on both clouds; the edge's own metrics (ALB in
 * CloudWatch, Application Gateway for Containers in Azure Monitor) are not scraped into it:
 * - availability: at least one Rocket.Chat pod is ready, i.e. the edge has a target to send to
 *   (kube-state-metrics). Time-based: a total outage serves no request, so request metrics from
 *   the app itself would show nothing.
 * - errors: REST calls answered with a 5xx, from Rocket.Chat's own `rocketchat_rest_api` summary.
 * - latency: the REST mean over 5 minutes above the threshold, time-based. The REST timing is a
 *   summary whose quantiles span each pod's lifetime and cannot be aggregated, so the share of
 *   slow calls cannot be counted. See docs/platform.md "Service level objectives".
 */
import { ROCKETCHAT } from '../../../config/names';
import { durationSeconds, minutesDuration, type Objective, type Objectives } from '../../../config/slo';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: { readonly slo: string };
}

export interface SloAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning'; readonly slo: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface SloGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | SloAlertRule)[];
}

export type SloName = keyof Objectives;

/** The workbook's windows and burn factors for a 30-day objective; page pairs then ticket pairs. */
const WORKBOOK_DAYS = 30;
const PAIRS = [
  { long: 60, short: 5, factor: 14.4, response: 'page' },
  { long: 6 * 60, short: 30, factor: 6, response: 'page' },
  { long: 24 * 60, short: 2 * 60, factor: 3, response: 'ticket' },
  { long: 3 * 24 * 60, short: 6 * 60, factor: 1, response: 'ticket' },
] as const;

/**
 * Shortest window a rule reads: ten 30 s scrapes. Below it a rate is noise; a window raised to
 * it spends a larger share of a short objective's budget before firing, never a smaller one.
 */
const MIN_WINDOW_MINUTES = 5;

/** Bad-event share recorded for a window, e.g. slo:sli_error:ratio_rate1h{slo="errors"}. */
export const SLI_ERROR_RECORD = 'slo:sli_error:ratio_rate';
/** Whether this evaluation is bad (1) or good (0), for the time-based objectives. */
export const SLI_BAD_NOW_RECORD = 'slo:sli_error:bad';

const REST = 'rocketchat_rest_api';

/** The Deployment the edge routes to, as kube-state-metrics names it. */
const DEPLOYMENT = `namespace="${ROCKETCHAT.namespace}", deployment="${ROCKETCHAT.deployment}"`;

/** The objective's budget as a fraction: 99.9 -> 0.001 (rounded, so 100 - 99.9 is not 0.0999999). */
export function budgetOf(o: Objective): number {
  return Number(((100 - o.target) / 100).toPrecision(12));
}

/** The workbook's pairs scaled to the objective's window: the same budget share spent before each fires. */
export function burnWindows(o: Objective): { long: string; short: string; factor: number; response: 'page' | 'ticket' }[] {
  const scale = durationSeconds(o.window)! / (WORKBOOK_DAYS * 86400);
  const minutes = (m: number) => minutesDuration(Math.max(MIN_WINDOW_MINUTES, Math.round(m * scale)));
  return PAIRS.map((p) => ({ long: minutes(p.long), short: minutes(p.short), factor: p.factor, response: p.response }));
}

/** The share of bad events over `window` for one objective, straight from the source metrics. */
export function sliErrorRatio(name: SloName, window: string): string {
  switch (name) {
    case 'errors':
      return `sum(rate(${REST}_count{status=~"5.."}[${window}])) / sum(rate(${REST}_count[${window}]))`;
    case 'availability':
    case 'latency':
      return `avg_over_time(${SLI_BAD_NOW_RECORD}{slo="${name}"}[${window}])`;
  }
}

/**
 * REST calls answered with a 5xx over `window`: the request-based objective's guard. Burn rates
 * are shares, and a short window's share at night rests on a few requests; each pair also needs
 * this many failures before it alerts (config/slo.ts `minFailedRequests`).
 */
export function failedRequests(window: string): string {
  return `sum(increase(${REST}_count{status=~"5.."}[${window}]))`;
}

/**
 * After a hold ends, or after the Deployment is first created (a new environment's first app
 * deploy), the time the first pods get to start before their absence counts: Rocket.Chat
 * starts in about 90 s and an ALB readiness gate adds 50 s (docs/operations.md), while the windows,
 * empty during the hold, would make the first bad minutes a 100 % burn and page after 2.
 */
const HOLD_GRACE = '10m';

/**
 * Bad right now (1) or not (0): no ready pod; the REST mean of the last 5 minutes over the threshold
 * (no traffic is not slow). No pod wanted is not an outage but a hold (DR's Rocket.Chat with
 * app.restore and serve false runs 0 replicas, rocketchat.ts heldForRestore): no sample then, nor
 * for HOLD_GRACE after it, or after the Deployment's creation, so the windows count only the time
 * Rocket.Chat was meant to serve.
 */
function badNow(name: 'availability' | 'latency', objectives: Objectives): string {
  return name === 'availability'
    ? `(sum(kube_deployment_status_replicas_available{${DEPLOYMENT}}) < bool 1) unless on() (min_over_time(sum(kube_deployment_spec_replicas{${DEPLOYMENT}})[${HOLD_GRACE}:]) == 0 or time() - max(kube_deployment_created{${DEPLOYMENT}}) < ${durationSeconds(HOLD_GRACE)!})`
    : `(sum(rate(${REST}_sum[5m])) / sum(rate(${REST}_count[5m]))) > bool ${objectives.latency.thresholdMs / 1000}`;
}

export const WHAT: Record<SloName, { alert: string; summary: string; measure: (o: Objectives) => string }> = {
  availability: { alert: 'RocketChatAvailabilityBudgetBurn', summary: 'Rocket.Chat availability', measure: () => 'Time without a Rocket.Chat pod ready behind the edge' },
  latency: { alert: 'RocketChatLatencyBudgetBurn', summary: 'Rocket.Chat latency', measure: (o) => `Time with the REST mean above ${o.latency.thresholdMs} ms` },
  errors: { alert: 'RocketChatErrorBudgetBurn', summary: 'Rocket.Chat REST errors', measure: () => 'REST calls answered with a 5xx' },
};

const number = (n: number): string => String(Number(n.toPrecision(12)));

function burnAlert(name: SloName, objectives: Objectives, response: 'page' | 'ticket'): SloAlertRule {
  const o = objectives[name];
  const budget = budgetOf(o);
  const pairs = burnWindows(o).filter((p) => p.response === response);
  const over = (w: string, factor: number) => `${SLI_ERROR_RECORD}${w}{slo="${name}"} > ${number(factor * budget)}`;
  const guard = (w: string) => (name === 'errors' ? ` and on() ${failedRequests(w)} >= ${objectives.errors.minFailedRequests}` : '');
  const expr = pairs.map((p) => `(${over(p.long, p.factor)} and ${over(p.short, p.factor)}${guard(p.long)})`).join(' or ');
  const spent = pairs.map((p) => `${p.factor}x over ${p.long} (and ${p.short})`).join(', or ');
  const floor = name === 'errors' ? `, with at least ${objectives.errors.minFailedRequests} failed calls in the long window` : '';
  const what = WHAT[name];
  return {
    alert: what.alert,
    expr,
    // The short window already resets the alert quickly; `for` only rides out one odd evaluation.
    for: response === 'page' ? '2m' : '15m',
    labels: { severity: response === 'page' ? 'critical' : 'warning', slo: name },
    annotations: {
      summary: `${what.summary}: error budget burning ${response === 'page' ? 'fast' : 'steadily'}`,
      description: `${what.measure(objectives)}: {{ $value | humanizePercentage }} of the long window. The error budget of ${o.target}% over ${o.window} burns at least ${spent} the sustainable rate${floor}.`,
    },
  };
}

/** Every window the alerts and the dashboard read, shortest first. */
function windowsOf(o: Objective): string[] {
  const all = new Set(['5m', ...burnWindows(o).flatMap((p) => [p.long, p.short])]);
  return [...all].sort((a, b) => durationSeconds(a)! - durationSeconds(b)!);
}

/** The rule groups for an environment's objectives; none when it promises nothing. */
export function sloGroups(objectives: Objectives | undefined): readonly SloGroup[] {
  if (!objectives) return [];
  return (Object.keys(objectives) as SloName[]).map((name) => ({
    name: `slo.${name}`,
    rules: [
      ...(name === 'errors' ? [] : [{ record: SLI_BAD_NOW_RECORD, expr: badNow(name, objectives), labels: { slo: name } }]),
      ...windowsOf(objectives[name]).map((w) => ({ record: `${SLI_ERROR_RECORD}${w}`, expr: sliErrorRatio(name, w), labels: { slo: name } })),
      burnAlert(name, objectives, 'page'),
      burnAlert(name, objectives, 'ticket'),
    ],
  }));
}
