/**
 * The service level objectives the platform promises for Rocket.Chat, and Prometheus durations.
 * Prod environments without `platform.slos` get DEFAULT_SLOS; dev environments promise nothing
 * unless they set the block (their metrics retention is usually shorter than the 30-day window).
 */

/** A Prometheus duration (model.ParseDuration): units largest first, each at most once, e.g. 30d, 1h30m. */
export const PROMETHEUS_DURATION = /^(?=\d)(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration, or undefined when `text` is not one (or is zero). */
export function durationSeconds(text: string): number | undefined {
  const match = PROMETHEUS_DURATION.exec(text);
  if (!match || text === '') return undefined;
  const seconds = match.slice(1).reduce((sum, n, i) => sum + (n === undefined ? 0 : Number(n) * UNIT_SECONDS[i]!), 0);
  return seconds > 0 ? seconds : undefined;
}

/** Whole minutes as the shortest Prometheus duration: 90 -> 1h30m, 1440 -> 1d. */
export function minutesDuration(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}` || '0m';
}

export interface Objective {
  /** Percent of the window that must be good, greater than 0 and less than 100. */
  readonly target: number;
  /** The window the objective is judged over, a Prometheus duration. */
  readonly window: string;
}

export interface Objectives {
  /** Rocket.Chat can be reached: at least one pod ready behind the edge. */
  readonly availability: Objective;
  /** REST calls answer fast: the mean over each 5 minutes stays under thresholdMs. */
  readonly latency: Objective & { readonly thresholdMs: number };
  /** REST calls answered without a server error (5xx). */
  readonly errors: Objective & {
    /**
     * Fewest 5xx answers a burn-rate pair's long window must hold before the pair alerts. Scaled to
     * 24 h the fast pair reads 5 minutes, where a night's handful of errors among a few requests
     * is a 14.4x burn; a total failure still reaches the count within minutes at any traffic.
     */
    readonly minFailedRequests: number;
  };
}

export const DEFAULT_SLOS: Objectives = {
  availability: { target: 99.9, window: '30d' },
  latency: { target: 95, thresholdMs: 500, window: '7d' },
  errors: { target: 99.9, window: '24h', minFailedRequests: 10 },
};

/** What an environment promises: its own `platform.slos`, the defaults in prod, nothing in dev. */
export function objectivesOf(env: { tier: string; platform: { slos?: Objectives } }): Objectives | undefined {
  return env.platform.slos ?? (env.tier === 'prod' ? DEFAULT_SLOS : undefined);
}
