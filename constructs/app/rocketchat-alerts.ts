/**
 * Rocket.Chat's alerts, from its own /metrics: `rocketchat_rest_api` is a prom-client Summary in
 * seconds with a `status` label and no maxAgeSeconds, so its quantiles cover each pod's lifetime.
 */
import { alert, type AlertRule } from '../platform/alert-rule';

/** The Summary's labels apart from `quantile`: one series per endpoint, method, status and client. */
const REST_SERIES = 'pod, method, entrypoint, user_agent, status, version';

/**
 * With objectives (config/slo.ts) their burn-rate alerts (platform/monitoring/slo-rules.ts) watch
 * REST errors and the REST mean; a fixed threshold on the same signal would page a second time.
 */
export function rocketChatAlerts(objectives: boolean): AlertRule[] {
  return [
    ...(objectives ? [] : [alert('RocketChatHigh5xxRate',
      'sum(rate(rocketchat_rest_api_count{status=~"5.."}[5m])) / sum(rate(rocketchat_rest_api_count[5m])) > 0.05',
      '10m', 'critical',
      'Rocket.Chat REST 5xx above 5%', '{{ $value | humanizePercentage }} of REST calls failed with a server error over 10 minutes.')]),
    // Summary quantiles cannot be aggregated across pods or series, and these span each pod's
    // lifetime: only series busy right now (over 0.1 calls/s) count, so a rare slow endpoint or an
    // old spike does not hold the alert. The mean below reacts to the last 10 minutes.
    alert('RocketChatHighLatencyP99',
      `max(rocketchat_rest_api{quantile="0.99"} and on (${REST_SERIES}) rate(rocketchat_rest_api_count[10m]) > 0.1) > 2`,
      '10m', 'warning',
      'Rocket.Chat REST p99 latency above 2 s', 'A busy Rocket.Chat endpoint answers 1% of its calls in more than {{ $value | humanizeDuration }}.'),
    ...(objectives ? [] : [alert('RocketChatHighMeanLatency',
      'sum(rate(rocketchat_rest_api_sum[10m])) / sum(rate(rocketchat_rest_api_count[10m])) > 1',
      '10m', 'warning',
      'Rocket.Chat REST mean latency above 1 s', 'REST calls took {{ $value | humanizeDuration }} on average over the last 10 minutes.')]),
  ];
}
