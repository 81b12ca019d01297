/**
 * kube-prometheus-stack in `monitoring`: the Prometheus operator, Prometheus
 * (retention and an encrypted volume from config), Alertmanager (receivers
 * from config, credentials from a Secret), Grafana (admin password generated
 * here, datasources Prometheus/Loki/Tempo linked both ways, dashboards from
 * ConfigMaps), kube-state-metrics (also reading the Percona operator's backup
 * status, mongodb-operator/backup-metrics.ts) and node-exporter (in its own privileged
 * namespace, see docs/platform.md). The chart's CRDs come from three CRD
 * releases applied first (chart-crds.ts), so the PrometheusRules below install
 * in the stack's release.
 *
 * In prod Prometheus and Alertmanager run two replicas in different zones with
 * a disruption budget of one: a node drain or a zone loss leaves one of each
 * evaluating rules and sending alerts. Each Prometheus replica scrapes
 * everything into its own volume (metricsStorageGb each); the Alertmanager
 * replicas gossip so one notification goes out.
 */
import { Password } from '@cdktf/provider-random/lib/password';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { terminationTiming } from '../../../config/edge-timing';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import type { AlertGroup } from '../alert-rule';
import type { SloGroup } from './slo-rules';
import { alertmanagerConfig, heartbeatCredential, RECEIVER_SECRET, receiverCredential } from './alertmanager-config';
import { ChartCrds, CRD_CHARTS } from '../chart-crds';
import { chartRelease } from '../chart-release';
import { grafanaDatasources } from './grafana-datasources';
import { PSMDB_STATE_METRICS, PSMDB_STATE_METRICS_RBAC } from '../mongodb-operator/backup-metrics';
import { grafanaHost, NAMESPACES, STORAGE_CLASSES } from '../../../config/names';
import type { ChartIngress, HttpsEdge, SecretStore } from '../platform-cloud';
import { patchPostRenderer, type ObjectPatch } from '../post-renderer';
import { resourcesFor } from '../../../config/sizing';
import { componentEnabled, componentValues } from '../../../config/components';

export interface MonitoringProps {
  readonly env: Environment;
  readonly secrets: SecretStore;
  readonly edge: HttpsEdge;
  /** Every rule group Prometheus evaluates besides the chart's defaults (stacks/platform-alerts.ts). */
  readonly ruleGroups: readonly (AlertGroup | SloGroup)[];
  readonly dependsOn: ITerraformDependable[];
}

const GRAFANA_ADMIN_SECRET = 'grafana-admin';

/** Grafana from kube-prometheus-stack's grafana subchart: its Deployment, container and the port behind Service port 80. */
export const GRAFANA = { deployment: 'kube-prometheus-stack-grafana', container: 'grafana', httpPort: 3000, servicePort: 80 } as const;

/**
 * How a Grafana pod leaves (config/edge-timing.ts): its requests are short, so a 10 s drain. The
 * subchart has a value for the preStop hook (`lifecycleHooks`) but none for the grace period,
 * which the release's post-renderer sets.
 */
export const GRAFANA_TIMING = terminationTiming(10);

/** The Grafana Deployment's grace period and preStop wait, applied after the chart renders. */
export function grafanaTimingPatch(): ObjectPatch {
  return {
    kind: 'Deployment',
    name: GRAFANA.deployment,
    merge: {
      spec: {
        template: {
          spec: {
            terminationGracePeriodSeconds: GRAFANA_TIMING.terminationGracePeriodSeconds,
            containers: [{ name: GRAFANA.container, lifecycle: { preStop: { sleep: { seconds: GRAFANA_TIMING.preStopSeconds } } } }],
          },
        },
      },
    },
  };
}

/** Prometheus and Alertmanager replicas: two in prod, so rules and notifications survive a node or zone. */
export function monitoringReplicas(env: Pick<Environment, 'tier'>): number {
  return env.tier === 'prod' ? 2 : 1;
}

/** The name prometheus-operator gives the Prometheus the chart declares (kube-prometheus-stack.prometheus.crname). */
const PROMETHEUS_NAME = 'kube-prometheus-stack-prometheus';

/**
 * Each Prometheus replica's own remote-write endpoint, through the operator's governing
 * headless Service `prometheus-operated`: a write through the load-balanced Service would land
 * on one replica only, and Grafana reads from either.
 */
export function prometheusWriteUrls(env: Pick<Environment, 'tier'>): string[] {
  return Array.from(
    { length: monitoringReplicas(env) },
    (_, i) => `http://prometheus-${PROMETHEUS_NAME}-${i}.prometheus-operated.${NAMESPACES.monitoring}.svc.cluster.local:9090/api/v1/write`,
  );
}

/**
 * Replicas, disruption budget and placement for Prometheus and Alertmanager (the chart's
 * `<component>.podDisruptionBudget` and `<component>Spec.podAntiAffinity*`). One replica in dev:
 * a budget of one available pod would block every node drain there, so none.
 */
function highAvailability(env: Environment): { spec: object; podDisruptionBudget: object } {
  const replicas = monitoringReplicas(env);
  if (replicas === 1) return { spec: { replicas }, podDisruptionBudget: { enabled: false } };
  return {
    // Required, not preferred: two replicas in one zone would fall together. Zonal volumes keep each in its zone afterwards.
    spec: { replicas, podAntiAffinity: 'hard', podAntiAffinityTopologyKey: 'topology.kubernetes.io/zone' },
    // maxUnavailable (the chart's minAvailable default removed): one pod may go, whatever the count.
    podDisruptionBudget: { enabled: true, minAvailable: null, maxUnavailable: 1 },
  };
}

export class Monitoring extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { env } = props;
    const obs = env.platform.observability;
    const ns = NAMESPACES.monitoring;
    const receivers = env.platform.alerting.receivers;
    const heartbeat = env.platform.alerting.heartbeat;
    const ha = highAvailability(env);

    // Grafana's admin password: generated here, kept in the cluster for Grafana and in the cloud's secret store for people.
    const password = new Password(this, 'grafana-admin-password', { length: 32, special: false });
    const adminSecret = new SecretV1(this, 'grafana-admin', {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace: ns },
      data: { 'admin-user': 'admin', 'admin-password': password.result },
      dependsOn: props.dependsOn,
    });
    props.secrets.keep('grafana-admin-secret', `${env.name}-grafana-admin-password`, password.result, `Grafana admin password for ${env.name} (user admin)`);

    // Receiver credentials copied from the operator-managed secrets; nothing literal reaches the chart values.
    const receiverSecret = new SecretV1(this, 'receiver-credentials', {
      metadata: { name: RECEIVER_SECRET, namespace: ns },
      data: Object.fromEntries([
        ...receivers.map((r, i) => {
          const { key, secretName } = receiverCredential(r);
          return [key, props.secrets.read(`receiver-${i}`, secretName)];
        }),
        ...(heartbeat ? [heartbeatCredential(heartbeat)].map(({ key, secretName }) => [key, props.secrets.read('receiver-heartbeat', secretName)]) : []),
      ]),
      dependsOn: props.dependsOn,
    });

    const grafanaEdge = componentEnabled(env, 'grafanaEdge')
      ? props.edge.ingressFor({
          host: grafanaHost(env.domain),
          namespace: ns,
          serviceName: GRAFANA.deployment,
          servicePort: GRAFANA.servicePort,
          podPort: GRAFANA.httpPort,
          healthCheckPath: '/api/health',
          drainSeconds: GRAFANA_TIMING.drainSeconds,
        })
      : undefined;
    const volume = (storage: string) => ({
      volumeClaimTemplate: {
        spec: { storageClassName: STORAGE_CLASSES.standard, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
      },
    });

    // Applied and upgraded before the stack by releases of their own: a failed stack upgrade rolls
    // back the stack only, so the CRDs stay at the newer version (they are backward compatible).
    const crds = CRD_CHARTS.prometheusOperator.map((chart) => new ChartCrds(this, `crds-${chart.name}`, { chart, namespace: ns, dependsOn: props.dependsOn }));

    this.release = chartRelease(this, 'kube-prometheus-stack', {
      pin: CHARTS.kubePrometheusStack,
      overrides: componentValues(env, 'monitoring'),
      namespace: ns,
      timeoutSeconds: 900,
      dependsOn: [...props.dependsOn, adminSecret, receiverSecret, ...crds.map((c) => c.release)],
      skipCrds: true,
      values: {
        // EKS and AKS run these control-plane parts themselves; they cannot be scraped from the cluster.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        // kube-proxy binds its metrics to 127.0.0.1 on EKS and is absent with Cilium on AKS.
        kubeProxy: { enabled: false },
        defaultRules: { create: true },
        // The monitoring.coreos.com CRDs come from the three CRD releases above, not from the
        // chart's crds subchart (its crds/ Helm never upgrades, and its hook job re-applies the old
        // CRDs with --force-conflicts before every rollback, with images pulled on each upgrade).
        crds: { enabled: false },
        additionalPrometheusRulesMap: { platform: { groups: props.ruleGroups } },
        prometheusOperator: {
          resources: resourcesFor(env, 'controller'),
          prometheusConfigReloader: { resources: resourcesFor(env, 'helper') },
          admissionWebhooks: { patch: { resources: resourcesFor(env, 'helper') } },
        },
        prometheus: {
          podDisruptionBudget: ha.podDisruptionBudget,
          // Grafana keeps reading from one replica: the two scrape at different moments, and alternating would make panels flicker.
          service: { sessionAffinity: monitoringReplicas(env) > 1 ? 'ClientIP' : 'None' },
          prometheusSpec: {
            ...ha.spec,
            // On every alert (and remote-written series): where a page comes from, since the prod,
            // DR and other environments may notify the same channel (alertmanager-config.ts titles).
            externalLabels: { environment: env.name, cloud: env.cloud },
            retention: `${obs.metricsRetentionDays}d`,
            // Stop before the volume is full: compaction needs headroom.
            retentionSize: `${Math.floor(obs.metricsStorageGb * 0.85)}GB`,
            storageSpec: volume(`${obs.metricsStorageGb}Gi`),
            // Select every ServiceMonitor, PodMonitor and rule in the cluster, not only this release's.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            scrapeConfigSelectorNilUsesHelmValues: false,
            // Exemplars carry trace ids from instrumented apps to Grafana's Tempo links.
            enableFeatures: ['exemplar-storage'],
            // Tempo's metrics generator writes span metrics here; only pods in monitoring can reach Prometheus (network-policy.ts).
            enableRemoteWriteReceiver: true,
            resources: resourcesFor(env, 'prometheus'),
            // The operator's own default, stated: the chart's `0` means "unset" only where Helm
            // reads numbers as floats. Helm 3.18.0 reads them as json.Number, `if 0` is true there,
            // and the rendered 0 fails the Prometheus CRD (minimum 60).
            maximumStartupDurationSeconds: 900,
          },
        },
        alertmanager: {
          config: alertmanagerConfig({ receivers, heartbeat }),
          podDisruptionBudget: ha.podDisruptionBudget,
          alertmanagerSpec: {
            ...ha.spec,
            secrets: [RECEIVER_SECRET],
            storage: volume('2Gi'),
            resources: resourcesFor(env, 'alertmanager'),
          },
        },
        grafana: {
          // A Role in monitoring instead of the chart's ClusterRole over every namespace's configmaps
          // and secrets: every dashboard ConfigMap lives in monitoring (dashboards.ts), and the
          // sidecars read ConfigMaps only.
          rbac: { namespaced: true },
          admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
          resources: resourcesFor(env, 'grafana'),
          // One replica: a rollout starts the new pod first and stops the old one only once the new
          // one is Ready, behind the ALB that includes its readiness gate (the edge's namespace labels).
          deploymentStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          ingress: grafanaEdge?.ingress ? grafanaIngressValues(grafanaEdge.ingress, grafanaHost(env.domain)) : { enabled: false },
          extraObjects: grafanaEdge?.companions ?? [],
          sidecar: {
            resources: resourcesFor(env, 'helper'),
            dashboards: { searchNamespace: ns, resource: 'configmap' },
            datasources: { resource: 'configmap', ...(componentEnabled(env, 'tempo') ? { exemplarTraceIdDestinations: { datasourceUid: 'tempo', traceIdLabelName: 'trace_id' } } : {}) },
          },
          additionalDataSources: grafanaDatasources({ loki: componentEnabled(env, 'loki'), tempo: componentEnabled(env, 'tempo') }),
          // Nothing Grafana keeps is only in Grafana: its SQLite database lives in an emptyDir and a
          // restart starts it empty. Datasources and dashboards come from code (ConfigMaps, read by
          // the sidecars, not editable in the UI: allowUiUpdates false), alerting is Prometheus's and
          // Alertmanager's, and people who sign in are Viewers. Lost on restart, by design: sessions
          // (sign in again), preferences, and anything the break-glass admin makes by hand
          // (docs/platform.md, "Grafana state").
          'grafana.ini': {
            server: componentEnabled(env, 'grafanaEdge') ? { root_url: `https://${grafanaHost(env.domain)}` } : {},
            security: { cookie_secure: true, disable_gravatar: true },
            users: { allow_sign_up: false, allow_org_create: false, auto_assign_org_role: 'Viewer' },
            unified_alerting: { enabled: false },
            analytics: { reporting_enabled: false, check_for_updates: false },
          },
        },
        'kube-state-metrics': {
          resources: resourcesFor(env, 'kubeStateMetrics'),
          customResourceState: { enabled: true, config: PSMDB_STATE_METRICS },
          // No Secret collector: it lists every Secret in the cluster (data included) for metadata no rule reads.
          collectorsExclude: ['secrets'],
          rbac: { extraRules: PSMDB_STATE_METRICS_RBAC },
        },
        'prometheus-node-exporter': { namespaceOverride: NAMESPACES.nodeMetrics, resources: resourcesFor(env, 'nodeExporter') },
      },
    });
    this.release.putPostrender(patchPostRenderer(this, 'post-renderer', [grafanaTimingPatch()]));
  }
}

function grafanaIngressValues(ingress: ChartIngress, host: string): object {
  return {
    enabled: true,
    ingressClassName: ingress.className,
    annotations: ingress.annotations,
    hosts: [host],
    path: '/',
    pathType: 'Prefix',
    tls: [{ hosts: [host], ...(ingress.tlsSecretName ? { secretName: ingress.tlsSecretName } : {}) }],
  };
}
