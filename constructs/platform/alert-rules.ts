/**
 * The alert rules the platform ships on top of kube-prometheus-stack's
 * defaults, as a PrometheusRule `groups` list (additionalPrometheusRulesMap).
 * Metric sources: node-exporter and kube-state-metrics (kube-prometheus-stack),
 * kubelet volume stats, cert-manager's controller, the Percona MongoDB exporter
 * (app layer, compatible-mode names), Rocket.Chat's own /metrics
 * (`rocketchat_rest_api` is a prom-client Summary in seconds with a `status`
 * label and no maxAgeSeconds, so its quantiles cover each pod's lifetime),
 * and Grafana Alloy's write paths to Loki and Tempo.
 */
import { NAMESPACES } from './names';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' | 'info' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

function alert(name: string, expr: string, wait: string, severity: AlertRule['labels']['severity'], summary: string, description: string): AlertRule {
  return { alert: name, expr, for: wait, labels: { severity }, annotations: { summary, description } };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The Summary's labels apart from `quantile`: one series per endpoint, method, status and client. */
const REST_SERIES = 'pod, method, entrypoint, user_agent, status, version';

/** Rule groups for an environment whose replica set has `mongodbMembers` members. */
export function alertGroups(mongodbMembers: number): readonly AlertGroup[] {
  return [
    {
      name: 'platform.nodes',
      rules: [
        alert('NodeHighCpu', '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > 80', '15m', 'warning',
          'Node CPU above 80%', '{{ $labels.instance }} has used {{ $value | humanize }}% CPU for 15 minutes.'),
        alert('NodeHighMemory', '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > 80', '15m', 'warning',
          'Node memory above 80%', '{{ $labels.instance }} has used {{ $value | humanize }}% memory for 15 minutes.'),
      ],
    },
    {
      name: 'platform.workloads',
      rules: [
        alert('PodCrashLooping', 'increase(kube_pod_container_status_restarts_total[15m]) > 3', '5m', 'warning',
          'Pod restarting repeatedly', '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) restarted more than 3 times in 15 minutes.'),
        // Only pods that should become ready: Completed (Succeeded) Job pods report Ready=false forever.
        alert('PodNotReady',
          'sum by (namespace, pod) (kube_pod_status_ready{condition="false"} == 1 and on (namespace, pod) kube_pod_status_phase{phase=~"Pending|Running|Unknown"} == 1) > 0',
          '15m', 'warning',
          'Pod not ready', '{{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes.'),
        alert('PersistentVolumeFillingUp', '100 * kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes > 80', '5m', 'warning',
          'Volume above 80% full', 'Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanize }}% full; expand it (storage classes allow expansion).'),
        alert('CertificateExpiringSoon', 'certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 86400', '1h', 'critical',
          'Certificate expires in less than 14 days', 'Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been renewed; check cert-manager and the DNS01 solver.'),
      ],
    },
    {
      name: 'platform.mongodb',
      rules: [
        alert('MongoDBDown', 'mongodb_up == 0', '2m', 'critical',
          'MongoDB member down', 'The exporter of {{ $labels.namespace }}/{{ $labels.pod }} cannot reach its mongod.'),
        // A member whose pod is gone has no exporter, so mongodb_up == 0 never fires for it. Only the
        // app layer's replica set counts; 15 minutes covers the gap between the platform and app deploys.
        alert('MongoDBMembersMissing', `(count(mongodb_up{namespace="${NAMESPACES.mongodb}"} == 1) or vector(0)) < ${mongodbMembers}`, '15m', 'critical',
          'MongoDB replica set has members missing', `{{ $value }} of ${mongodbMembers} members are up and reporting.`),
        alert('MongoDBReplicationLag', 'max by (namespace, pod) (mongodb_mongod_replset_member_replication_lag) > 10', '5m', 'warning',
          'MongoDB replication lag above 10 s', '{{ $labels.namespace }}/{{ $labels.pod }} lags the primary by {{ $value }} s.'),
        alert('MongoDBConnectionsLow',
          'mongodb_ss_connections{conn_type="available"} / (mongodb_ss_connections{conn_type="available"} + mongodb_ss_connections{conn_type="current"}) < 0.1',
          '5m', 'warning',
          'MongoDB connections almost exhausted', '{{ $labels.namespace }}/{{ $labels.pod }} has less than 10% of its connections left.'),
      ],
    },
    {
      name: 'platform.rocketchat',
      rules: [
        alert('RocketChatHigh5xxRate',
          'sum(rate(rocketchat_rest_api_count{status=~"5.."}[5m])) / sum(rate(rocketchat_rest_api_count[5m])) > 0.05',
          '10m', 'critical',
          'Rocket.Chat REST 5xx above 5%', '{{ $value | humanizePercentage }} of REST calls failed with a server error over 10 minutes.'),
        // Summary quantiles cannot be aggregated across pods or series, and these span each pod's
        // lifetime: only series busy right now (over 0.1 calls/s) count, so a rare slow endpoint or an
        // old spike does not hold the alert. The mean below reacts to the last 10 minutes.
        alert('RocketChatHighLatencyP99',
          `max(rocketchat_rest_api{quantile="0.99"} and on (${REST_SERIES}) rate(rocketchat_rest_api_count[10m]) > 0.1) > 2`,
          '10m', 'warning',
          'Rocket.Chat REST p99 latency above 2 s', 'A busy Rocket.Chat endpoint answers 1% of its calls in more than {{ $value | humanizeDuration }}.'),
        alert('RocketChatHighMeanLatency',
          'sum(rate(rocketchat_rest_api_sum[10m])) / sum(rate(rocketchat_rest_api_count[10m])) > 1',
          '10m', 'warning',
          'Rocket.Chat REST mean latency above 1 s', 'REST calls took {{ $value | humanizeDuration }} on average over the last 10 minutes.'),
      ],
    },
    {
      name: 'platform.telemetry',
      rules: [
        alert('LokiIngestionFailing', 'sum(rate(loki_write_dropped_entries_total[5m])) > 0 or sum(rate(loki_request_duration_seconds_count{route="loki_api_v1_push", status_code=~"5.."}[5m])) > 0', '10m', 'warning',
          'Logs are not reaching Loki', 'Alloy drops log entries or Loki rejects pushes; check Loki and its object storage access.'),
        alert('TempoIngestionFailing', 'sum(rate(otelcol_exporter_send_failed_spans_total[5m])) > 0 or sum(rate(tempo_discarded_spans_total[5m])) > 0', '10m', 'warning',
          'Traces are not reaching Tempo', 'Alloy fails to export spans or Tempo discards them; check Tempo and its object storage access.'),
      ],
    },
  ];
}
