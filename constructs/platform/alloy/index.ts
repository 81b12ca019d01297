/**
 * Grafana Alloy as a DaemonSet: each pod tails the logs of the pods on its own
 * node through the Kubernetes API (loki.source.kubernetes) and pushes them to
 * Loki, and receives OTLP traces on 4317/4318 and forwards them to Tempo.
 * Reading logs through the API instead of hostPath /var/log keeps the
 * namespace at Pod Security `restricted`.
 */
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../../config/schema';
import { CHARTS } from '../../../config/versions';
import { clusterName, NAMESPACES, TELEMETRY } from '../../../config/names';
import { chartRelease } from '../chart-release';
import { resourcesFor } from '../../../config/sizing';
import { componentEnabled, componentValues } from '../../../config/components';

/** Which pipelines Alloy runs: logs to Loki, traces to Tempo (each only when that store is on). */
export interface AlloyPipelines {
  readonly logs: boolean;
  readonly traces: boolean;
}

/**
 * Alloy configuration. The chart passes it through Helm's `tpl`, and Terraform
 * reads `${` as interpolation, so it must contain neither `{{` nor `${`.
 */
export function alloyConfig(cluster: string, pipelines: AlloyPipelines = { logs: true, traces: true }): string {
  const logs = `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${TELEMETRY.lokiUrl}/loki/api/v1/push"
  }
  external_labels = { cluster = "${cluster}" }
}

`;
  const traces = `otelcol.receiver.otlp "default" {
  grpc {
    endpoint = "0.0.0.0:4317"
  }
  http {
    endpoint = "0.0.0.0:4318"
  }
  output {
    traces = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    traces = [otelcol.exporter.otlp.tempo.input]
  }
}

// In-cluster hop inside the monitoring namespace; network policies limit who reaches Tempo.
otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "${TELEMETRY.tempoOtlpGrpc}"
    tls {
      insecure = true
    }
  }
}
`;
  return `logging {
  level  = "info"
  format = "json"
}

${pipelines.logs ? logs : ''}${pipelines.traces ? traces : ''}`;
}

/**
 * What alloyConfig's pipelines read, and nothing else: discovery.kubernetes (role pod) lists and
 * watches pods, loki.source.kubernetes reads their logs through the API. The chart's default
 * ClusterRole also grants secrets and configmaps (remote.kubernetes.*), nodes, events and the
 * operator CRDs to a DaemonSet on every node, the MongoDB pool included.
 */
export const ALLOY_RBAC_RULES = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
] as const;

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  // The alloy user in the grafana/alloy image.
  runAsUser: 473,
  runAsGroup: 473,
  seccompProfile: { type: 'RuntimeDefault' },
};

export class Alloy extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: { env: Environment; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    const { env } = props;
    const pipelines = { logs: componentEnabled(env, 'loki'), traces: componentEnabled(env, 'tempo') };
    this.release = chartRelease(this, 'alloy', {
      pin: CHARTS.alloy,
      overrides: componentValues(env, 'alloy'),
      namespace: NAMESPACES.monitoring,
      dependsOn: props.dependsOn,
      values: {
        // PodLogs is not used; pods are discovered directly.
        crds: { create: false },
        // The chart appends clusterRules to rules in its ClusterRole, and renders an empty list as invalid YAML: split across the two.
        // Without the log pipeline Alloy reads nothing from the API: no ClusterRole at all.
        rbac: pipelines.logs ? { create: true, rules: ALLOY_RBAC_RULES.slice(0, 1), clusterRules: ALLOY_RBAC_RULES.slice(1) } : { create: false },
        alloy: {
          configMap: { create: true, content: alloyConfig(clusterName(env), pipelines) },
          enableReporting: false,
          extraEnv: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          extraPorts: pipelines.traces
            ? [
                { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
                { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
              ]
            : [],
          mounts: { varlog: false, dockercontainers: false },
          securityContext: RESTRICTED_CONTAINER,
          resources: resourcesFor(env, 'alloy'),
        },
        global: { podSecurityContext: { runAsNonRoot: true, fsGroup: 473, seccompProfile: { type: 'RuntimeDefault' } } },
        configReloader: { resources: resourcesFor(env, 'helper') },
        controller: {
          type: 'daemonset',
          // Every node, including tainted system and data pools: their pods log too.
          tolerations: [{ operator: 'Exists' }],
        },
        serviceMonitor: { enabled: true },
      },
    });
  }
}
