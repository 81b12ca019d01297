/**
 * kube-prometheus-stack in `monitoring`: the Prometheus operator, Prometheus
 * (retention and an encrypted volume from config), Alertmanager (receivers
 * from config, credentials from a Secret), Grafana (admin password generated
 * here, datasources Prometheus/Loki/Tempo linked both ways, dashboards from
 * ConfigMaps), kube-state-metrics and node-exporter (in its own privileged
 * namespace, see docs/platform.md). The chart's CRDs come from its crds/
 * directory, so the PrometheusRules below install in the same release.
 */
import { Password } from '@cdktf/provider-random/lib/password';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../config/schema';
import { CHARTS } from '../../config/versions';
import { alertGroups } from './alert-rules';
import { alertmanagerConfig, RECEIVER_SECRET, receiverCredential } from './alertmanager-config';
import { chartRelease } from './chart-release';
import { grafanaDatasources } from './grafana-datasources';
import { grafanaHost, NAMESPACES, STORAGE_CLASSES } from './names';
import type { HttpsEdge, IngressSettings, SecretStore } from './platform-cloud';
import { controllerReplicas, resourcesFor } from './sizing';

export interface MonitoringProps {
  readonly env: Environment;
  readonly secrets: SecretStore;
  readonly edge: HttpsEdge;
  readonly dependsOn: ITerraformDependable[];
}

const GRAFANA_ADMIN_SECRET = 'grafana-admin';

export class Monitoring extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { env } = props;
    const obs = env.platform.observability;
    const ns = NAMESPACES.monitoring;
    const receivers = env.platform.alerting.receivers;

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
      data: Object.fromEntries(
        receivers.map((r, i) => {
          const { key, secretName } = receiverCredential(r);
          return [key, props.secrets.read(`receiver-${i}`, secretName)];
        }),
      ),
      dependsOn: props.dependsOn,
    });

    const grafanaEdge = env.platform.exposeGrafana
      ? props.edge.ingressFor({ host: grafanaHost(env.domain), namespace: ns, serviceName: 'kube-prometheus-stack-grafana', servicePort: 80, healthCheckPath: '/api/health' })
      : undefined;
    const volume = (storage: string) => ({
      volumeClaimTemplate: {
        spec: { storageClassName: STORAGE_CLASSES.standard, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
      },
    });

    this.release = chartRelease(this, 'kube-prometheus-stack', {
      pin: CHARTS.kubePrometheusStack,
      namespace: ns,
      timeoutSeconds: 900,
      dependsOn: [...props.dependsOn, adminSecret, receiverSecret],
      values: {
        // EKS and AKS run these control-plane parts themselves; they cannot be scraped from the cluster.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        // kube-proxy binds its metrics to 127.0.0.1 on EKS and is absent with Cilium on AKS.
        kubeProxy: { enabled: false },
        defaultRules: { create: true },
        additionalPrometheusRulesMap: { platform: { groups: alertGroups(env.app.mongodb.members) } },
        prometheusOperator: {
          resources: resourcesFor(env, 'controller'),
          prometheusConfigReloader: { resources: resourcesFor(env, 'helper') },
          admissionWebhooks: { patch: { resources: resourcesFor(env, 'helper') } },
        },
        prometheus: {
          podDisruptionBudget: { enabled: false },
          prometheusSpec: {
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
            // Tempo's metrics generator writes span metrics here; only pods in monitoring can reach Prometheus (network-policies.ts).
            enableRemoteWriteReceiver: true,
            resources: resourcesFor(env, 'prometheus'),
            // The operator's own default, stated: the chart's `0` means "unset" only where Helm
            // reads numbers as floats. Helm 3.18.0 reads them as json.Number, `if 0` is true there,
            // and the rendered 0 fails the Prometheus CRD (minimum 60).
            maximumStartupDurationSeconds: 900,
          },
        },
        alertmanager: {
          config: alertmanagerConfig(receivers),
          alertmanagerSpec: {
            secrets: [RECEIVER_SECRET],
            replicas: controllerReplicas(env),
            storage: volume('2Gi'),
            resources: resourcesFor(env, 'alertmanager'),
          },
        },
        grafana: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
          resources: resourcesFor(env, 'grafana'),
          ingress: grafanaEdge ? grafanaIngressValues(grafanaEdge, grafanaHost(env.domain)) : { enabled: false },
          extraObjects: grafanaEdge?.companions ?? [],
          sidecar: {
            resources: resourcesFor(env, 'helper'),
            datasources: { exemplarTraceIdDestinations: { datasourceUid: 'tempo', traceIdLabelName: 'trace_id' } },
          },
          additionalDataSources: grafanaDatasources(),
          'grafana.ini': {
            server: env.platform.exposeGrafana ? { root_url: `https://${grafanaHost(env.domain)}` } : {},
            security: { cookie_secure: true, disable_gravatar: true },
            users: { allow_sign_up: false },
            analytics: { reporting_enabled: false, check_for_updates: false },
          },
        },
        'kube-state-metrics': { resources: resourcesFor(env, 'kubeStateMetrics') },
        'prometheus-node-exporter': { namespaceOverride: NAMESPACES.nodeMetrics, resources: resourcesFor(env, 'nodeExporter') },
      },
    });
  }
}

function grafanaIngressValues(ingress: IngressSettings, host: string): object {
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
