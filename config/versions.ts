/**
 * Pinned versions of things Terraform installs, each with where it comes from.
 * Re-check the source before changing a pin; bump in a pull request of its own.
 */

export type EksAddonName = 'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

/**
 * EKS managed add-on versions per Kubernetes minor version. Only versions with
 * a full row here can be deployed on AWS (config validation says so).
 * Sources (pins set 2026-11-23, re-verified 2026-12-01 from stored public copies):
 * - kube-proxy: EKS user guide managing-kube-proxy.md table (docs.aws.amazon.com/ja_jp copy, lists up to 1.36).
 * - coredns: EKS user guide managing-coredns.md table (docs.amazonaws.cn/en_us copy); newer builds exist.
 * - vpc-cni: public Terraform configs quoting describe-addon-versions, 1.34 on 2026-06-24/07-15, 1.35 on 2026-05-23.
 * - eks-pod-identity-agent: same kind of configs, 1.34 on 2026-06-24/07-15; 1.35 in 1.35 tfvars/report (undated).
 * - aws-ebs-csi-driver: 1.34 describe output 2026-06-24/07-15; 1.35 catalog in a 1.35 migration doc 2026-07-21.
 * AWS publishes no per-version table for the last three: run
 * `aws eks describe-addon-versions --kubernetes-version <v>` before an upgrade.
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {
  '1.34': {
    'vpc-cni': 'v1.21.2-eksbuild.2',
    'kube-proxy': 'v1.34.6-eksbuild.13',
    coredns: 'v1.13.2-eksbuild.7',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.62.0-eksbuild.1',
  },
  '1.35': {
    'vpc-cni': 'v1.21.2-eksbuild.2',
    'kube-proxy': 'v1.35.3-eksbuild.13',
    coredns: 'v1.14.2-eksbuild.4',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.62.0-eksbuild.1',
  },
};

/**
 * cluster-autoscaler images per Kubernetes minor: the autoscaler supports only
 * the minor it was built for. Source: kubernetes/autoscaler release tags
 * cluster-autoscaler-1.34.5 (2026-07-22) and cluster-autoscaler-1.35.0 (the
 * chart 9.59.0 default image), images at registry.k8s.io/autoscaling/cluster-autoscaler.
 */
export const CLUSTER_AUTOSCALER_IMAGES: Readonly<Record<string, string>> = {
  '1.34': 'v1.34.5',
  '1.35': 'v1.35.0',
};

export interface ChartPin {
  /** Helm repository URL, or an oci:// registry path without the chart name. */
  readonly repository: string;
  readonly chart: string;
  /** Exact chart version (K8S-001). */
  readonly version: string;
  /** Where the version and the values keys were read. */
  readonly source: string;
  /**
   * sha256 of the package the render checks (scripts/render/charts.ts). `index`: the
   * digest the repository's index.yaml publishes for this version (charts:pull also
   * verifies downloads against the live index). `built`: the repository publishes no
   * package we could read offline, so this is the reproducible package built from the
   * release tag (../shared/charts/README.md says how); a pulled upstream package is
   * checked against the live index instead. Absent: no offline copy exists (OCI on MCR).
   */
  readonly package?: { readonly sha256: string; readonly from: 'index' | 'built' };
}

/**
 * Helm charts the platform layer installs. Versions are the newest each upstream
 * had on 2026-11-23 (shared FACTS.md); every values key set in constructs/platform
 * was read from that chart version's values.yaml (docs/platform-chart-notes.md
 * lists them with defaults). Bump one chart per pull request and re-read its
 * values.yaml and upgrade notes (CRD changes come with major versions).
 */
export const CHARTS = {
  awsLoadBalancerController: {
    repository: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    version: '3.5.0',
    source: 'aws/eks-charts stable/aws-load-balancer-controller (app v3.5.0)',
    package: { sha256: '45051f634b33e10baccb3354d0681b7de787c60445e599fa276e0c9aedd4ccd5', from: 'index' },
  },
  albController: {
    repository: 'oci://mcr.microsoft.com/application-lb/charts',
    chart: 'alb-controller',
    version: '1.13.0',
    source: 'Microsoft Learn "ALB Controller release notes" (1.13.0, Kubernetes >= 1.32); chart published to MCR only',
  },
  certManager: {
    repository: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.21.1',
    source: 'cert-manager/cert-manager deploy/charts/cert-manager at tag v1.21.1',
    package: { sha256: '5de5ff08eeafa809a56717f0cdc9d8691d2ea3fc9be05981853b6e8a0106647f', from: 'built' },
  },
  externalDns: {
    repository: 'https://kubernetes-sigs.github.io/external-dns/',
    chart: 'external-dns',
    version: '1.21.1',
    source: 'kubernetes-sigs/external-dns charts/external-dns at tag external-dns-helm-chart-1.21.1 (app 0.21.0)',
    package: { sha256: 'c627eebeea3cac18bc13b1cd11705d6a6b5b1e2d183fcd73e409943609a24250', from: 'built' },
  },
  kubePrometheusStack: {
    repository: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    source: 'prometheus-community/helm-charts charts/kube-prometheus-stack at tag kube-prometheus-stack-88.5.3 (grafana subchart 12.11.1)',
    package: { sha256: '40006653cc4a69424ffdc2639095fe515a3450d54a4d2b1989048799e2693105', from: 'built' },
  },
  loki: {
    repository: 'https://grafana-community.github.io/helm-charts',
    chart: 'loki',
    version: '18.11.0',
    source: 'grafana-community/helm-charts charts/loki at tag loki-18.11.0 (app 3.7.6); moved from grafana/helm-charts on 2026-03-16',
    package: { sha256: '0ce69b52da2d4766f045c83a525693696cbafc49e4f6330235b5365f7e169998', from: 'built' },
  },
  tempo: {
    repository: 'https://grafana-community.github.io/helm-charts',
    chart: 'tempo',
    version: '2.2.4',
    source: 'grafana-community/helm-charts charts/tempo at tag tempo-2.2.4 (app 2.10.8), the monolithic chart',
    package: { sha256: '3c3ee4d9f25d476e2e67b815967624d79302ddcb459af2c873132b693f661e06', from: 'built' },
  },
  alloy: {
    repository: 'https://grafana.github.io/helm-charts',
    chart: 'alloy',
    version: '1.11.1',
    source: 'grafana/alloy operations/helm/charts/alloy at tag helm-chart/1.11.1 (app v1.18.1)',
    package: { sha256: 'b2a56a076cc712b048db1f59e5b06d15a62cee6d072422f7a4a2e8a9c42efdfe', from: 'built' },
  },
  metricsServer: {
    repository: 'https://kubernetes-sigs.github.io/metrics-server/',
    chart: 'metrics-server',
    version: '3.13.1',
    source: 'kubernetes-sigs/metrics-server charts/metrics-server at tag metrics-server-helm-chart-3.13.1 (app 0.8.1)',
    package: { sha256: '40de0101eebe25942cff2af344cf99189a439244b311ffa468675d677e8d8b8c', from: 'built' },
  },
  clusterAutoscaler: {
    repository: 'https://kubernetes.github.io/autoscaler',
    chart: 'cluster-autoscaler',
    version: '9.59.0',
    source: 'kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler at tag cluster-autoscaler-chart-9.59.0 (image per cluster minor: CLUSTER_AUTOSCALER_IMAGES)',
    package: { sha256: '4cfc8ba0a3479635314a04c7113715f23bf05decefefc02bc32f96de614c18ea', from: 'built' },
  },
  psmdbOperator: {
    repository: 'https://percona.github.io/percona-helm-charts/',
    chart: 'psmdb-operator',
    version: '1.22.0',
    source: 'percona/percona-helm-charts charts/psmdb-operator at tag psmdb-operator-1.22.0 (operator 1.22.0; CRDs in the chart\'s crds/)',
    package: { sha256: '9d5d8d15ae020ecf403fefb0d55ef3df2468e44980557e27789504617ad43221', from: 'built' },
  },
  rocketchat: {
    repository: 'https://rocketchat.github.io/helm-charts',
    chart: 'rocketchat',
    version: '7.0.2',
    source: 'RocketChat/helm-charts rocketchat/ at tag rocketchat-7.0.2 (app 8.6.1, image tag = appVersion)',
    package: { sha256: 'be4b8c61a47d636ffe2cc3a22fc35e242583cd80b2601b7b49ecc457c1ae9fc2', from: 'index' },
  },
} as const satisfies Record<string, ChartPin>;

/**
 * Images the app layer names itself (the charts pin their own). Percona's
 * images are the ones deploy/cr.yaml of operator v1.22.0 lists, i.e. the
 * versions that operator release was tested with; bump them with the operator.
 */
export const IMAGES = {
  /** percona/percona-server-mongodb-operator v1.22.0 deploy/cr.yaml spec.image. */
  perconaServerMongodb: 'percona/percona-server-mongodb:8.0.19-7',
  /** percona/percona-server-mongodb-operator v1.22.0 deploy/cr.yaml spec.backup.image. */
  perconaBackupMongodb: 'percona/percona-backup-mongodb:2.12.0',
  /**
   * percona/mongodb_exporter tag v0.53.0 (2026-08-20; .goreleaser.yml publishes docker.io tags without the v).
   * `--compatible-mode` keeps the mongodb_* names the alert rules use (exporter/v1_compatibility.go).
   */
  mongodbExporter: 'percona/mongodb_exporter:0.53.0',
  /**
   * Azure CLI 2.91.0 (newest on PyPI, 2026-10; MCR tags every release): the restore check copies
   * the newest backup with it on Azure, signed in with its workload identity (docs/restore.md).
   */
  azureCli: 'mcr.microsoft.com/azure-cli:2.91.0',
} as const;
