/**
 * The components a user may tune or turn off per environment (`platform.components.<name>`,
 * `app.components.<name>`, docs/configuration.md "Customizing a component"): which can be turned
 * off, which prod keeps and why, and the Helm values the project owns because a config field
 * already decides them. The rules in rules-components.ts read this table; the constructs read
 * `componentValues` and `componentEnabled`.
 */
export type Layer = 'platform' | 'app';
export type Cloud = 'aws' | 'azure';

export interface ComponentSpec {
  readonly layer: Layer;
  /** The pinned chart the values go to (config/versions.ts); absent: a toggle with no values. */
  readonly chart?: string;
  /** Installed on this cloud only. */
  readonly cloud?: Cloud;
  /** Can be turned off; otherwise why not (every environment needs it). */
  readonly toggle: { readonly default: boolean; readonly prodKeeps?: string } | { readonly never: string };
  /** Value paths (dot-separated, from the chart's root; `\\.` for a dot inside a key) a config field already decides: the field to use. */
  readonly owned: Readonly<Record<string, string>>;
}

/** Keys every chart's workload-identity binding lives under: the project's, never an override's. */
const IDENTITY = {
  serviceAccount: 'nothing: the service account carries the workload identity the stacks bind',
  podLabels: 'nothing: the pod labels carry the workload identity and the selectors of network policies',
} as const;

/**
 * Keys owned in every chart: names (Services, selectors, datasource URLs, the HPA's target and the
 * network policies find objects by them) and the namespace (its Pod Security level and quota).
 */
export const OWNED_IN_EVERY_CHART: Readonly<Record<string, string>> = {
  nameOverride: 'nothing: Services, selectors, datasource URLs and network policies find the objects by name',
  fullnameOverride: 'nothing: Services, selectors, datasource URLs and network policies find the objects by name',
  namespaceOverride: 'nothing: the namespace carries the Pod Security level, quota and network policies',
  'global.imageRegistry': 'nothing: images come from the registries the charts pin',
};

export const COMPONENTS = {
  monitoring: {
    layer: 'platform',
    chart: 'kube-prometheus-stack',
    toggle: { never: 'Prometheus, Alertmanager and Grafana are the metrics and alerting every environment is operated by' },
    owned: {
      crds: 'nothing: the operator CRDs are installed by their own releases (docs/platform.md)',
      'alertmanager.enabled': 'nothing: Alertmanager is how every alert reaches a person',
      'prometheus.enabled': 'nothing: Prometheus evaluates every alert',
      'grafana.enabled': 'nothing: Grafana is the dashboards and SLO view',
      'prometheusOperator.enabled': 'nothing: the operator runs Prometheus and Alertmanager',
      'kubeStateMetrics.enabled': 'nothing: the workload and backup alerts read kube-state-metrics',
      'nodeExporter.enabled': 'nothing: the node alerts read node-exporter',
      defaultRules: 'nothing: the chart\'s default alerts are part of what pages (stacks/platform-alerts.ts leaves them out on purpose)',
      'prometheus.prometheusSpec.ruleSelector': 'nothing: Prometheus must load every PrometheusRule',
      'prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues': 'nothing: Prometheus must load every PrometheusRule',
      'prometheus.prometheusSpec.replicas': 'nothing: the tier decides it',
      'alertmanager.alertmanagerSpec.replicas': 'nothing: the tier decides it',
      'grafana.grafana\\.ini': 'nothing: Grafana\'s sign-in, security and URL settings are the project\'s; dashboards and datasources come from code',
      'prometheus.prometheusSpec.retention': 'platform.observability.metricsRetentionDays',
      'prometheus.prometheusSpec.retentionSize': 'platform.observability.metricsStorageGb',
      'prometheus.prometheusSpec.storageSpec': 'platform.observability.metricsStorageGb',
      'alertmanager.config': 'platform.alerting',
      'alertmanager.alertmanagerSpec.secrets': 'platform.alerting',
      'grafana.ingress': 'platform.components.grafanaEdge.enabled',
      'grafana.adminPassword': 'nothing: the admin password is generated and kept in the secret store',
      'additionalPrometheusRulesMap': 'nothing: alert rules come from stacks/platform-alerts.ts and platform.slos',
    },
  },
  loki: {
    layer: 'platform',
    chart: 'loki',
    toggle: { default: true, prodKeeps: 'prod keeps its logs, the record an incident review and an audit read' },
    owned: {
      ...IDENTITY,
      deploymentMode: 'nothing: Loki runs as its single binary (docs/platform.md)',
      'loki.storage': 'nothing: the bucket and its identity are the platform layer\'s',
      'loki.schemaConfig': 'nothing: a changed schema loses the index of stored logs',
      'loki.limits_config.retention_period': 'platform.observability.logsRetentionDays',
      'loki.commonConfig.replication_factor': 'nothing: the tier decides it (3 in prod, 1 in dev)',
      'loki.structuredConfig': 'nothing: it would override the retention, storage and replication the project sets (use loki.limits_config for limits)',
      'loki.config': 'nothing: the Loki configuration template is the chart\'s, filled from the project\'s values',
      'loki.compactor': 'nothing: the compactor enforces platform.observability.logsRetentionDays',
      'singleBinary.persistence': 'nothing: the write-ahead log and index live on that volume',
      'loki.auth_enabled': 'nothing: one tenant; Loki is reachable only inside monitoring',
      'singleBinary.replicas': 'nothing: the tier decides it (3 in prod, 1 in dev)',
    },
  },
  tempo: {
    layer: 'platform',
    chart: 'tempo',
    toggle: { default: true },
    owned: {
      ...IDENTITY,
      replicas: 'nothing: the tier decides it',
      config: 'nothing: the rendered Tempo configuration is the project\'s (constructs/platform/tempo/)',
      'tempo.storage': 'nothing: the bucket and its identity are the platform layer\'s',
      'tempo.retention': 'platform.observability.tracesRetentionDays',
      persistence: 'nothing: the write-ahead log lives on that volume',
    },
  },
  alloy: {
    layer: 'platform',
    chart: 'alloy',
    toggle: { default: true, prodKeeps: 'prod keeps its logs, and Alloy is what ships them to Loki' },
    owned: {
      'alloy.configMap': 'nothing: the pipelines follow platform.components.loki/tempo (constructs/platform/alloy/)',
      rbac: 'nothing: Alloy reads pods and their logs only, never Secrets',
      'controller.type': 'nothing: Alloy runs on every node to read its pods\' logs',
      'alloy.mounts': 'nothing: logs are read through the Kubernetes API, never from the node\'s /var/log',
    },
  },
  certManager: {
    layer: 'platform',
    chart: 'cert-manager',
    toggle: { never: 'cert-manager issues the certificate of every public host' },
    owned: { ...IDENTITY, crds: 'nothing: cert-manager\'s CRDs are installed with it', installCRDs: 'nothing: cert-manager\'s CRDs are installed with it' },
  },
  externalDns: {
    layer: 'platform',
    chart: 'external-dns',
    toggle: { default: true },
    owned: {
      ...IDENTITY,
      policy: 'platform.externalDnsPolicy',
      domainFilters: 'platform.dnsZone',
      txtOwnerId: 'nothing: records are owned by the environment name',
      provider: 'nothing: the cloud decides it',
    },
  },
  mongodbOperator: {
    layer: 'platform',
    chart: 'psmdb-operator',
    toggle: { never: 'the Percona operator runs the MongoDB replica set' },
    owned: {
      watchNamespace: 'nothing: the operator watches the MongoDB namespace only',
      watchAllNamespaces: 'nothing: the operator watches the MongoDB namespace only',
      replicaCount: 'nothing: one operator (a restart pauses reconciliation only), counted in the mongodb namespace quota',
    },
  },
  grafanaEdge: {
    layer: 'platform',
    // Off unless asked for: a public Grafana is one more login page on the internet.
    toggle: { default: false },
    owned: {},
  },
  loadBalancerController: {
    layer: 'platform',
    chart: 'aws-load-balancer-controller',
    cloud: 'aws',
    toggle: { never: 'the AWS Load Balancer Controller builds the HTTPS edge' },
    owned: {
      ...IDENTITY,
      clusterName: 'nothing: the cluster layer names the cluster',
      vpcId: 'nothing: the network layer\'s VPC',
      region: 'aws.region',
      defaultSSLPolicy: 'nothing: TLS 1.2 or newer on every listener',
      ingressClassParams: 'platform.waf (the class-wide TLS policy, HTTPS redirect and firewall)',
    },
  },
  metricsServer: {
    layer: 'platform',
    chart: 'metrics-server',
    cloud: 'aws',
    toggle: { never: 'the autoscalers read pod metrics from metrics-server' },
    owned: {},
  },
  clusterAutoscaler: {
    layer: 'platform',
    chart: 'cluster-autoscaler',
    cloud: 'aws',
    toggle: { never: 'the node pools\' minSize/maxSize mean nothing without it' },
    owned: {
      'rbac.serviceAccount': IDENTITY.serviceAccount,
      'image.tag': 'kubernetes.version (the autoscaler minor must match the cluster\'s)',
      autoDiscovery: 'nothing: it finds the cluster\'s own node groups',
      cloudProvider: 'nothing: the cloud decides it',
    },
  },
  albController: {
    layer: 'platform',
    chart: 'alb-controller',
    cloud: 'azure',
    toggle: { never: 'the ALB Controller builds the HTTPS edge on Application Gateway for Containers' },
    owned: { 'albController.namespace': 'nothing: its namespace is the platform layer\'s', 'albController.podIdentity': IDENTITY.serviceAccount },
  },
  rocketchat: {
    layer: 'app',
    chart: 'rocketchat',
    toggle: { never: 'Rocket.Chat is what the environment is for' },
    owned: {
      replicaCount: 'app.rocketchat.replicas and app.rocketchat.autoscaling',
      image: 'nothing: the image is the chart\'s pinned appVersion (config/versions.ts)',
      host: 'domain',
      ingress: 'domain and platform.waf (the edge, its TLS and its firewall are the platform\'s)',
      mongodb: 'app.mongodb',
      existingMongodbSecret: 'app.mongodb',
      extraEnv: 'app.components.rocketchat.env and app.components.rocketchat.secretEnv',
      extraSecret: 'app.components.rocketchat.secretEnv',
      serviceAccount: IDENTITY.serviceAccount,
      podDisruptionBudget: 'nothing: the project\'s budget allows one pod down at any scale',
      microservices: 'nothing: the monolith is what the app layer runs',
      extraVolumes: 'nothing: the MongoDB client certificate is mounted from them',
      extraVolumeMounts: 'nothing: the MongoDB client certificate is mounted from them',
      podLabels: IDENTITY.podLabels,
    },
  },
} as const satisfies Record<string, ComponentSpec>;

export type ComponentName = keyof typeof COMPONENTS;
export const PLATFORM_COMPONENTS = (Object.keys(COMPONENTS) as ComponentName[]).filter((n) => COMPONENTS[n].layer === 'platform');
export const APP_COMPONENTS = (Object.keys(COMPONENTS) as ComponentName[]).filter((n) => COMPONENTS[n].layer === 'app');

/**
 * The part of an environment the accessors below read: structural, because the schema is built from
 * this catalog (schema-components.ts) and importing its Environment type back would close a cycle.
 */
interface ComponentHolder {
  readonly platform: { readonly components?: object };
  readonly app: { readonly components?: object; readonly rocketchat: { readonly tracing?: boolean } };
}

interface ComponentSettings {
  readonly enabled?: boolean;
  readonly values?: Readonly<Record<string, unknown>>;
}

function settingsOf(env: ComponentHolder, name: ComponentName): ComponentSettings | undefined {
  const layer = COMPONENTS[name].layer;
  const components = (layer === 'platform' ? env.platform.components : env.app.components) as Readonly<Record<string, ComponentSettings | undefined>> | undefined;
  return components?.[name];
}

/** Whether the component is installed: its `enabled`, else its default (components that cannot be off are always on). */
export function componentEnabled(env: ComponentHolder, name: ComponentName): boolean {
  const spec: ComponentSpec = COMPONENTS[name];
  if ('never' in spec.toggle) return true;
  const set = settingsOf(env, name)?.enabled;
  // Alloy ships what Loki and Tempo store: left unset, it is on exactly when one of them is.
  if (name === 'alloy' && set === undefined) return componentEnabled(env, 'loki') || componentEnabled(env, 'tempo');
  return set ?? spec.toggle.default;
}

/** The user's values for the component's chart, merged over the project's last (mergeValues). */
export function componentValues(env: ComponentHolder, name: ComponentName): Readonly<Record<string, unknown>> | undefined {
  return settingsOf(env, name)?.values;
}

/** Rocket.Chat sends traces: app.rocketchat.tracing, else whenever Tempo and Alloy (which forwards them) are on. */
export function rocketchatTracing(env: ComponentHolder): boolean {
  return env.app.rocketchat.tracing ?? (componentEnabled(env, 'tempo') && componentEnabled(env, 'alloy'));
}

/**
 * Environment variables the chart or the stacks already set on Rocket.Chat: an extra one with the
 * same name would shadow or be shadowed silently. Each names the config field that decides it.
 */
export const ROCKETCHAT_OWNED_ENV: ReadonlyArray<readonly [RegExp, string]> = [
  [/^ADMIN_(USERNAME|PASS|EMAIL)$/, 'app.rocketchat.adminEmail'],
  [/^ROCKETCHAT_LICENSE$/, 'app.rocketchat.licenseSecret'],
  [/^(MAIL_URL|OVERWRITE_SETTING_From_Email)$/, 'app.rocketchat.smtp'],
  [/^(MONGO_URL|MONGO_OPLOG_URL)$/, 'app.mongodb'],
  [/^ROOT_URL$/, 'domain'],
  [/^(TRACING_ENABLED|OTEL_[A-Z0-9_]*)$/, 'app.rocketchat.tracing'],
  [/^OVERWRITE_SETTING_FileUpload_/, 'nothing: uploads go to the app layer\'s bucket or GridFS'],
  [/^OVERWRITE_SETTING_(Prometheus_[A-Za-z_]*|Show_Setup_Wizard)$/, 'nothing: metrics and the setup wizard are the project\'s'],
  [/^(TCP_PORT|PORT|INSTANCE_IP|DEPLOY_PLATFORM|DEPLOY_METHOD|REG_TOKEN)$/, 'nothing: the chart and the app layer set it'],
  [/^HTTP_FORWARDED_COUNT$/, 'nothing: it makes Rocket.Chat read the client address the edge appends (docs/platform.md)'],
];

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An image reference with a tag other than latest, or a digest: what the rules and the render audit call pinned. */
export function imagePinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  return !!tag && tag !== 'latest';
}

/**
 * Helm's own merge of a values file over a chart's defaults, applied to the project's values:
 * maps merge key by key, everything else (lists included) is replaced, and `null` stays `null`,
 * which Helm then reads as "remove this key", the chart default included.
 */
export function mergeValues(base: Readonly<Record<string, unknown>>, override: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    const mine = out[key];
    out[key] = isObject(mine) && isObject(value) ? mergeValues(mine, value) : value;
  }
  return out;
}
