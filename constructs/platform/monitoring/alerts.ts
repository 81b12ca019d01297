/** The nodes' own alerts, from node-exporter (kube-prometheus-stack's prometheus-node-exporter). */
import { alert, type AlertRule } from '../alert-rule';

export function nodeAlerts(): AlertRule[] {
  return [
    alert('NodeHighCpu', '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > 80', '15m', 'warning',
      'Node CPU above 80%', '{{ $labels.instance }} has used {{ $value | humanize }}% CPU for 15 minutes.'),
  ];
}
