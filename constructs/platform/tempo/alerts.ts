/** Tempo's alerts: spans that do not arrive, are discarded or cannot be flushed, and an ingester gone from the ring. */
import { alert, type AlertRule } from '../alert-rule';

export function tempoAlerts(): AlertRule[] {
  return [
    // otelcol_exporter_send_failed_spans_total: Alloy's otelcol.exporter.otlp (v1.18.1 docs/sources/reference/components/otelcol).
    // tempo_receiver_refused_spans: Tempo 2.10.8 modules/distributor/receiver/metrics_provider.go, a counter named without
    // _total; Tempo serves OpenMetrics (dskit EnableOpenMetrics), where client_golang appends _total, so both names are read.
    // tempo_distributor_ingester_append_failures_total: Tempo 2.10.8 modules/distributor/distributor.go.
    alert('TempoIngestionFailing',
      'sum(rate(otelcol_exporter_send_failed_spans_total[5m])) > 0 or sum(rate({__name__=~"tempo_receiver_refused_spans(_total)?"}[5m])) > 0 or sum(rate(tempo_distributor_ingester_append_failures_total[5m])) > 0',
      '10m', 'warning',
      'Traces are not reaching Tempo', 'Alloy fails to export spans, or Tempo refuses them or fails to append them to its ingester; check Tempo and its object storage access.'),
    // tempo_discarded_spans_total: Tempo 2.10.8 modules/overrides/discarded_spans.go, by reason (rate limited, trace too large, live traces exceeded).
    alert('TempoDiscardingSpans', 'sum by (reason) (rate(tempo_discarded_spans_total[5m])) > 0', '15m', 'warning',
      'Tempo discards spans', 'Tempo drops spans for {{ $labels.reason }}; raise the override or reduce what is sent.'),
    // tempo_ingester_failed_flushes_total: Tempo 2.10.8 modules/ingester/flush.go.
    alert('TempoFlushFailing', 'sum(increase(tempo_ingester_failed_flushes_total[15m])) > 0', '15m', 'warning',
      'Tempo cannot write blocks to object storage', "Completed blocks stay on the WAL volume until a flush succeeds; check the bucket and Tempo's workload identity."),
    // tempo_ring_members{name="ingester"}: dskit ring metrics, prefixed tempo_ (Tempo 2.10.8 pkg/ring/ring.go); an
    // ingester that stopped heartbeating counts as state "Unhealthy" (dskit ring.go updateRingMetrics). The mixin's TempoIngesterUnhealthy.
    alert('TempoIngesterUnhealthy', 'max(tempo_ring_members{name="ingester", state="Unhealthy"}) > 0', '15m', 'warning',
      'A Tempo ingester is gone from the ring',
      'Traces are still written and read with the other two of three, but one more loss stops writes, and a Tempo pod that restarts cannot become ready while the gone ingester stays in the ring; if its pod will not come back soon, forget it on /ingester/ring (docs/operations.md, "Tempo").'),
  ];
}
