/**
 * Names the platform creates and the app layer relies on. They are code, not
 * remote-state outputs, because they never change per deployment; values that
 * do (certificate ARN, load balancer id) travel through the platform contract.
 */
export const NAMESPACES = {
  certManager: 'cert-manager',
  externalDns: 'external-dns',
  monitoring: 'monitoring',
  /** node-exporter alone: it needs the host's network, PID namespace and root filesystem. */
  nodeMetrics: 'monitoring-node',
  /** The Percona operator, and the replica set the app layer declares (the operator watches only its own namespace). */
  mongodb: 'mongodb',
} as const;

export const CLUSTER_ISSUERS = {
  letsEncryptStaging: 'letsencrypt-staging',
  letsEncrypt: 'letsencrypt',
  /** CA issuer for in-cluster TLS (MongoDB members and clients). */
  internalCa: 'internal-ca',
} as const;

export const STORAGE_CLASSES = {
  /** Default class: encrypted, expandable, deleted with its claim. */
  standard: 'encrypted',
  /** Same disks, but the volume outlives its claim (databases). */
  retain: 'encrypted-retain',
} as const;

/** In-cluster endpoints other layers send telemetry to. */
export const TELEMETRY = {
  otlpGrpc: `alloy.${NAMESPACES.monitoring}.svc.cluster.local:4317`,
  otlpHttp: `http://alloy.${NAMESPACES.monitoring}.svc.cluster.local:4318`,
  lokiUrl: `http://loki.${NAMESPACES.monitoring}.svc.cluster.local:3100`,
  tempoOtlpGrpc: `tempo.${NAMESPACES.monitoring}.svc.cluster.local:4317`,
  tempoQueryUrl: `http://tempo.${NAMESPACES.monitoring}.svc.cluster.local:3200`,
  prometheusUrl: `http://kube-prometheus-stack-prometheus.${NAMESPACES.monitoring}.svc.cluster.local:9090`,
} as const;

/** The app layer's weekly restore check (constructs/app/restore-check.ts): the platform's alerts watch its CronJob. */
export const RESTORE_CHECK_JOB = { namespace: 'mongodb-restore-check', cronjob: 'mongodb-restore-check' } as const;

/** The psmdb-operator release (chart fullname = release name): the app layer grants it backup access on AWS. */
export const MONGODB_OPERATOR = { namespace: NAMESPACES.mongodb, serviceAccount: 'psmdb-operator', deployment: 'psmdb-operator' } as const;

/** Pod labels network policies select on. */
export const POD_SELECTORS = {
  prometheus: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'prometheus' } },
  alloy: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'alloy' } },
  /** grafana chart 12.11.1 grafana.selectorLabels (kube-prometheus-stack's subchart, no nameOverride). */
  grafana: { namespace: NAMESPACES.monitoring, labels: { 'app.kubernetes.io/name': 'grafana' } },
  /** psmdb-operator chart 1.22.0 templates/deployment.yaml pod labels, release name psmdb-operator. */
  mongodbOperator: { namespace: NAMESPACES.mongodb, labels: { 'app.kubernetes.io/name': 'psmdb-operator', 'app.kubernetes.io/instance': 'psmdb-operator' } },
} as const;

/** The builder validation checks (config/names.ts). */
export { grafanaHost } from '../../config/names';
