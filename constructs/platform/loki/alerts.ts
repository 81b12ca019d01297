/** Loki's alerts: logs that do not arrive, are discarded, or cannot be written to object storage. */
import { alert, type AlertRule } from '../alert-rule';

export function lokiAlerts(): AlertRule[] {
  return [
    // loki_write_*: Alloy's loki.write (v1.18.1 internal/component/common/loki/client/metrics.go), after all retries.
    // loki_request_duration_seconds: Loki's HTTP server (dskit; route is the path as a label value), where the ingester's push errors surface.
    // loki_distributor_ingester_append_timeouts_total: Loki 3.7.6 pkg/distributor/distributor.go.
    alert('LokiIngestionFailing',
      'sum(rate(loki_write_dropped_entries_total[5m])) > 0 or sum(rate(loki_request_duration_seconds_count{route=~"loki_api_v1_push|otlp_v1_logs", status_code=~"5.."}[5m])) > 0 or sum(rate(loki_distributor_ingester_append_timeouts_total[5m])) > 0',
      '10m', 'warning',
      'Logs are not reaching Loki', 'Alloy drops log entries, or Loki fails pushes or times out appending to its ingester; check Loki and its object storage access.'),
    // loki_discarded_samples_total: Loki 3.7.6 pkg/validation/validate.go, by reason (rate limits, too old, line too long).
    alert('LokiDiscardingLogs', 'sum by (reason) (rate(loki_discarded_samples_total[5m])) > 0', '15m', 'warning',
      'Loki discards log lines', 'Loki rejects lines for {{ $labels.reason }}, and those lines are lost; raise the limit or fix the source.'),
    // loki_ingester_chunks_flush_failures_total: Loki 3.7.6 pkg/ingester/metrics.go.
    alert('LokiFlushFailing', 'sum(increase(loki_ingester_chunks_flush_failures_total[15m])) > 0', '15m', 'warning',
      'Loki cannot write chunks to object storage', "Chunks stay in memory and the WAL until a flush succeeds; check the bucket and Loki's workload identity."),
  ];
}
