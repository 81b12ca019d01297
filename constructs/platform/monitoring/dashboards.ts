/**
 * Grafana dashboards kept in code: cluster, Rocket.Chat and MongoDB overviews
 * (the MongoDB one with its backups' age and point-in-time lag), and Rocket.Chat's
 * service level objectives with the error budget left (where the environment has any).
 * Each is a ConfigMap labelled grafana_dashboard=1, which kube-prometheus-stack's
 * Grafana sidecar loads from every namespace. The chart's own dashboards
 * (defaultDashboardsEnabled) cover Kubernetes internals in depth.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Objectives } from '../../../config/slo';
import { PSMDB_METRICS as M } from '../mongodb-operator/backup-metrics';
import { NAMESPACES } from '../../../config/names';
import { budgetOf, burnWindows, SLI_ERROR_RECORD, sliErrorRatio, WHAT, type SloName } from './slo-rules';

interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly unit: string;
  readonly legend: string;
}

function panel(title: string, expr: string, unit: string, legend: string): Panel {
  return { title, expr, unit, legend };
}

export const DASHBOARDS: readonly { uid: string; title: string; panels: readonly Panel[] }[] = [
  {
    uid: 'platform-cluster',
    title: 'Platform / Cluster',
    panels: [
      panel('Node CPU busy', '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))', 'percent', '{{instance}}'),
      panel('Node memory used', '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)', 'percent', '{{instance}}'),
      panel('Pods not ready', 'sum by (namespace) (kube_pod_status_ready{condition="false"})', 'short', '{{namespace}}'),
      panel('Container restarts (1h)', 'sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))', 'short', '{{namespace}}'),
      panel('Volume usage', '100 * kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes', 'percent', '{{namespace}}/{{persistentvolumeclaim}}'),
      panel('Certificate days left', '(certmanager_certificate_expiration_timestamp_seconds - time()) / 86400', 'd', '{{namespace}}/{{name}}'),
    ],
  },
  {
    uid: 'platform-rocketchat',
    title: 'Platform / Rocket.Chat',
    panels: [
      panel('REST requests per second', 'sum by (status) (rate(rocketchat_rest_api_count[5m]))', 'reqps', '{{status}}'),
      panel('REST 5xx ratio', 'sum(rate(rocketchat_rest_api_count{status=~"5.."}[5m])) / sum(rate(rocketchat_rest_api_count[5m]))', 'percentunit', '5xx'),
      panel('REST p99 latency per pod', 'max by (pod) (rocketchat_rest_api{quantile="0.99"})', 's', '{{pod}}'),
      panel('Users online', 'sum(rocketchat_users_online)', 'short', 'online'),
      panel('Messages sent per minute', 'sum(rate(rocketchat_message_sent[5m])) * 60', 'short', 'messages'),
      panel('Event loop lag', 'max by (pod) (nodejs_eventloop_lag_seconds)', 's', '{{pod}}'),
    ],
  },
  {
    uid: 'platform-mongodb',
    title: 'Platform / MongoDB',
    panels: [
      panel('Members up', 'sum by (namespace) (mongodb_up)', 'short', '{{namespace}}'),
      panel('Replication lag per member', 'max by (name) (mongodb_mongod_replset_member_replication_lag)', 's', '{{name}}'),
      panel('Connections in use', 'sum by (pod) (mongodb_ss_connections{conn_type="current"})', 'short', '{{pod}}'),
      panel('Operations per second', 'sum by (type) (rate(mongodb_ss_opcounters[5m]))', 'ops', '{{type}}'),
      // The same signals as the platform.backups alert rules (constructs/app/mongodb-alerts.ts).
      panel('Age of the newest full backup', `time() - max by (psmdb_cluster) (${M.backupCompleted}{type!="incremental"} and on (namespace, name) ${M.backupState}{state="ready"} == 1)`, 's', '{{psmdb_cluster}}'),
      panel('Point-in-time recovery lag', `time() - max by (psmdb_cluster) (${M.backupLatestRestorable} > 0)`, 's', '{{psmdb_cluster}}'),
    ],
  },
];

/**
 * Per objective: the share of its error budget left over its whole window (1 = untouched, below 0 =
 * overspent) and how fast it burns over the page alert's first window (1 = exactly sustainable).
 */
export function sloDashboard(objectives: Objectives): (typeof DASHBOARDS)[number] {
  return {
    uid: 'platform-slo',
    title: 'Platform / Rocket.Chat SLOs',
    panels: (Object.keys(objectives) as SloName[]).flatMap((name) => {
      const o = objectives[name];
      const budget = budgetOf(o);
      const fast = burnWindows(o)[0]!.long;
      return [
        panel(`${WHAT[name].summary}: error budget left (${o.target}% over ${o.window})`, `1 - (${sliErrorRatio(name, o.window)}) / ${budget}`, 'percentunit', 'budget left'),
        panel(`${WHAT[name].summary}: burn rate over ${fast}`, `${SLI_ERROR_RECORD}${fast}{slo="${name}"} / ${budget}`, 'short', 'burn rate'),
      ];
    }),
  };
}

function dashboardJson(d: (typeof DASHBOARDS)[number]): string {
  const panels = d.panels.map((p, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    datasource: { type: 'prometheus', uid: 'prometheus' },
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    targets: [{ refId: 'A', expr: p.expr, legendFormat: p.legend }],
  }));
  return JSON.stringify({ uid: d.uid, title: d.title, tags: ['platform'], schemaVersion: 39, time: { from: 'now-6h', to: 'now' }, panels });
}

export class Dashboards extends Construct {
  constructor(scope: Construct, id: string, props: { objectives?: Objectives; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    for (const d of [...DASHBOARDS, ...(props.objectives ? [sloDashboard(props.objectives)] : [])]) {
      new ConfigMapV1(this, d.uid, {
        metadata: { name: `dashboard-${d.uid}`, namespace: NAMESPACES.monitoring, labels: { grafana_dashboard: '1' } },
        data: { [`${d.uid}.json`]: dashboardJson(d) },
        dependsOn: props.dependsOn,
      });
    }
  }
}
