/**
 * The Kubernetes objects one environment puts on its cluster, as the audit sees
 * them: what each release renders, what the stacks create directly
 * (kubernetes_* resources, converted to API objects), and the pods operators
 * create from custom resources, modelled from the resource and the operator's
 * documented defaults.
 */
import type { Json } from '../../synth/output';
import type { RenderedRelease } from './render';
import { resolveTemplate } from './values';

export interface ClusterObject {
  readonly object: Json;
  /** Release name, or `terraform` for kubernetes_* resources. */
  readonly origin: string;
  readonly stack: string;
}

/** A pod template in the cluster: from a workload, or modelled from an operator's custom resource. */
export interface PodModel {
  readonly stack: string;
  readonly origin: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: Json;
  /** How the pod was obtained when an operator builds it. */
  readonly modelledFrom?: string;
  /** Pods of this template at the largest scale: autoscaler maximum or replicas, plus a rolling update's surge. */
  readonly maxPods: number;
  /** Replicas it runs at its largest, surge left out (autoscaler maximum, replicas, replica set size); DaemonSets 0. */
  readonly replicas: number;
  /** A disruption budget its operator creates (PerconaServerMongoDB replsets[].podDisruptionBudget), for pods no rendered PDB can exist for. */
  readonly operatorBudget?: Json;
}

const TERRAFORM_KINDS: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  kubernetes_namespace_v1: { apiVersion: 'v1', kind: 'Namespace' },
  kubernetes_network_policy_v1: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  kubernetes_horizontal_pod_autoscaler_v2: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  kubernetes_pod_disruption_budget_v1: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  kubernetes_service_account_v1: { apiVersion: 'v1', kind: 'ServiceAccount' },
  kubernetes_secret_v1: { apiVersion: 'v1', kind: 'Secret' },
  kubernetes_config_map_v1: { apiVersion: 'v1', kind: 'ConfigMap' },
  kubernetes_storage_class_v1: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
  kubernetes_resource_quota_v1: { apiVersion: 'v1', kind: 'ResourceQuota' },
  kubernetes_limit_range_v1: { apiVersion: 'v1', kind: 'LimitRange' },
};

/** Maps whose keys are data (label names, file names), never converted. */
const DATA_MAPS = new Set(['labels', 'annotations', 'match_labels', 'data', 'binary_data', 'parameters', 'hard', 'default', 'default_request', 'max', 'min']);
/** Terraform block names that differ from the API field beyond snake_case. */
const RENAMES: Readonly<Record<string, string>> = { metric: 'metrics', storage_provisioner: 'provisioner', limit: 'limits', policy: 'policies' };
/** Nested blocks of at most one item: Terraform JSON holds a list, the API one object. */
const SINGLE_BLOCKS = new Set(['scale_down', 'scale_up']);
/** Top-level arguments that belong to the provider, not to the object. */
const TERRAFORM_ONLY = new Set(['depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'timeouts', 'wait_for_default_secret', 'wait_for_service_account_token', 'wait_for_rollout', '//']);

const camel = (key: string): string => RENAMES[key] ?? key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function convert(stack: Json, value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    const text = resolveTemplate(stack, value);
    // The provider takes ports and replicas as strings where the API has numbers.
    return key === 'port' && /^\d+$/.test(text) ? Number(text) : text;
  }
  if (Array.isArray(value)) return SINGLE_BLOCKS.has(key) && value.length === 1 ? convert(stack, value[0], key) : value.map((v) => convert(stack, v, key));
  if (value && typeof value === 'object') {
    if (DATA_MAPS.has(key)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(stack, v, '')]));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), convert(stack, v, k)]));
  }
  return value;
}

/** kubernetes_* resources of a stack as the API objects the provider creates. */
export function terraformObjects(stackName: string, stack: Json): ClusterObject[] {
  const out: ClusterObject[] = [];
  for (const [type, { apiVersion, kind }] of Object.entries(TERRAFORM_KINDS)) {
    for (const body of Object.values<Json>(stack.resource?.[type] ?? {})) {
      const object: Json = { apiVersion, kind };
      for (const [k, v] of Object.entries(body)) if (!TERRAFORM_ONLY.has(k)) object[camel(k)] = convert(stack, v, k);
      // The provider takes a Secret's `data` in plain text and base64-encodes it: the API's stringData.
      if (kind === 'Secret' && object.data) {
        object.stringData = object.data;
        delete object.data;
      }
      out.push({ object, origin: 'terraform', stack: stackName });
    }
  }
  return out;
}

/** `helm test` hooks: rendered by `helm template`, never applied by the helm provider. */
const isTestHook = (object: Json): boolean => /(^|,)\s*test(-success)?\s*(,|$)/.test(object.metadata?.annotations?.['helm.sh/hook'] ?? '');

export function renderedObjects(releases: readonly RenderedRelease[]): ClusterObject[] {
  return releases.flatMap((r) =>
    r.objects.filter(({ object }) => !isTestHook(object)).map(({ object }) => ({
      // helm template leaves metadata.namespace out of most templates; Helm installs them into the release namespace.
      object: object.metadata && !object.metadata.namespace && !CLUSTER_SCOPED.has(object.kind) ? { ...object, metadata: { ...object.metadata, namespace: r.namespace } } : object,
      origin: r.name,
      stack: r.stack,
    })),
  );
}

export const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'ClusterIssuer', 'IngressClass',
  'IngressClassParams', 'PersistentVolume', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'GatewayClass',
]);

const WORKLOADS: Readonly<Record<string, (o: Json) => Json | undefined>> = {
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
  Pod: (o) => o,
};

/**
 * prometheus-operator (v0.8x) containers around a Prometheus or Alertmanager:
 * the main container and the config reloader get this security context
 * (pkg/prometheus/statefulset.go, pkg/operator/config_reloader.go), the
 * reloader its resources from the operator's --config-reloader-* flags, which
 * kube-prometheus-stack sets from prometheusOperator.prometheusConfigReloader.resources.
 */
const OPERATOR_CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

/**
 * The ports the operator gives the main container (pkg/alertmanager/statefulset.go: web, and the
 * cluster's memberlist on 9094 over TCP and UDP; pkg/prometheus/statefulset.go: web).
 */
const OPERATOR_PORTS: Readonly<Record<string, Json[]>> = {
  alertmanager: [
    { name: 'mesh-tcp', containerPort: 9094, protocol: 'TCP' },
    { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
    { name: 'http-web', containerPort: 9093, protocol: 'TCP' },
  ],
  prometheus: [{ name: 'http-web', containerPort: 9090, protocol: 'TCP' }],
};

function prometheusOperatorPod(cr: Json, main: string, reloaderResources: Json | undefined, labels: Record<string, string>): Json {
  const mainContainer = { name: main, image: cr.spec?.image, resources: cr.spec?.resources ?? {}, securityContext: OPERATOR_CONTAINER_SECURITY, ports: OPERATOR_PORTS[main] ?? [] };
  // The reloader image is the operator's --prometheus-config-reloader flag, pinned in the rendered operator Deployment.
  const reloader = (name: string) => ({ name, resources: reloaderResources ?? {}, securityContext: OPERATOR_CONTAINER_SECURITY });
  const override = (containers: Json[], extra: Json[] | undefined) =>
    [...containers.map((c) => ({ ...c, ...(extra ?? []).find((e) => e.name === c.name) })), ...(extra ?? []).filter((e) => !containers.some((c) => c.name === e.name))];
  return {
    metadata: { labels: { ...labels, ...(cr.spec?.podMetadata?.labels ?? {}) } },
    spec: {
      securityContext: cr.spec?.securityContext ?? {},
      containers: override([mainContainer, reloader('config-reloader')], cr.spec?.containers),
      initContainers: override([reloader('init-config-reloader')], cr.spec?.initContainers),
      volumes: cr.spec?.volumes ?? [],
      hostNetwork: cr.spec?.hostNetwork,
      affinity: cr.spec?.affinity,
      topologySpreadConstraints: cr.spec?.topologySpreadConstraints,
    },
  };
}

/**
 * Percona Operator for MongoDB 1.22.0 replica set pods (pkg/psmdb/statefulset.go,
 * container.go, backup agent in pkg/psmdb/backup): mongod with the replset's
 * resources and containerSecurityContext, the backup agent with backup.resources
 * and backup.containerSecurityContext, the replset's sidecars, and the mongo-init
 * init container with initContainerSecurityContext (else the replset's) and the
 * replset's resources. Defaults when unset (psmdb_defaults.go): pod fsGroup 1001,
 * containers runAsNonRoot with runAsUser 1001.
 */
function perconaPods(cr: Json): { name: string; size: number; labels: Record<string, string>; template: Json; budget?: Json }[] {
  const spec = cr.spec ?? {};
  return (spec.replsets ?? []).map((rs: Json) => {
    const size: number = rs.size ?? 3;
    const containerSecurity = rs.containerSecurityContext ?? { runAsNonRoot: true, runAsUser: 1001 };
    const labels = {
      'app.kubernetes.io/name': 'percona-server-mongodb',
      'app.kubernetes.io/instance': cr.metadata.name,
      'app.kubernetes.io/replset': rs.name,
      'app.kubernetes.io/managed-by': 'percona-server-mongodb-operator',
      'app.kubernetes.io/part-of': 'percona-server-mongodb',
      'app.kubernetes.io/component': 'mongod',
      ...(rs.labels ?? {}),
    };
    const containers: Json[] = [{ name: 'mongod', image: spec.image, resources: rs.resources ?? {}, securityContext: containerSecurity }];
    if (spec.backup?.enabled !== false && spec.backup) {
      containers.push({ name: 'backup-agent', image: spec.backup.image, resources: spec.backup.resources ?? {}, securityContext: spec.backup.containerSecurityContext ?? containerSecurity });
    }
    containers.push(...(rs.sidecars ?? []));
    // The operator turns affinity.antiAffinityTopologyKey into required pod anti-affinity (pkg/psmdb/statefulset.go).
    const topologyKey = rs.affinity?.antiAffinityTopologyKey;
    return {
      name: `${cr.metadata.name}-${rs.name}`,
      size,
      labels,
      budget: rs.podDisruptionBudget,
      template: {
        metadata: { labels },
        spec: {
          securityContext: rs.podSecurityContext ?? { fsGroup: 1001 },
          // mongo-init runs the operator's own image, pinned in the rendered operator Deployment.
          initContainers: [{ name: 'mongo-init', resources: rs.resources ?? {}, securityContext: spec.initContainerSecurityContext ?? containerSecurity }],
          containers,
          volumes: rs.sidecarVolumes ?? [],
          affinity: topologyKey ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey, labelSelector: { matchLabels: labels } }] } } : rs.affinity?.advanced,
          topologySpreadConstraints: rs.topologySpreadConstraints,
        },
      },
    };
  });
}

/** A rolling update's extra pods: maxSurge as a count or a percentage of replicas (rounded up), 25% by default. */
function surge(object: Json, replicas: number): number {
  if (object.kind !== 'Deployment' || object.spec?.strategy?.type === 'Recreate') return 0;
  const value = object.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  return typeof value === 'string' && value.endsWith('%') ? Math.ceil((replicas * Number(value.slice(0, -1))) / 100) : Number(value);
}

function replicasOf(object: Json, objects: readonly ClusterObject[]): number {
  if (object.kind === 'DaemonSet') return 0;
  if (object.kind === 'Pod' || object.kind === 'CronJob') return 1;
  if (object.kind === 'Job') return object.spec?.parallelism ?? 1;
  const hpa = objects.find(
    (o) => o.object.kind === 'HorizontalPodAutoscaler' && o.object.metadata?.namespace === object.metadata?.namespace && o.object.spec?.scaleTargetRef?.kind === object.kind && o.object.spec?.scaleTargetRef?.name === object.metadata?.name,
  );
  return hpa?.object.spec?.maxReplicas ?? object.spec?.replicas ?? 1;
}

function maxPods(object: Json, objects: readonly ClusterObject[]): number {
  if (object.kind === 'DaemonSet') return 1;
  const replicas = replicasOf(object, objects);
  return replicas + surge(object, replicas);
}

/** Every pod template the environment runs, workloads first, then operator-built pods. */
export function podModels(objects: readonly ClusterObject[], reloaderResources: (stack: string) => Json | undefined): PodModel[] {
  const pods: PodModel[] = [];
  for (const { object, origin, stack } of objects) {
    const namespace = object.metadata?.namespace ?? 'default';
    const template = WORKLOADS[object.kind]?.(object);
    if (template) {
      pods.push({ stack, origin, kind: object.kind, name: object.metadata.name, namespace, labels: template.metadata?.labels ?? {}, spec: template.spec ?? {}, maxPods: maxPods(object, objects), replicas: replicasOf(object, objects) });
      continue;
    }
    const name = object.metadata?.name;
    if (object.apiVersion === 'monitoring.coreos.com/v1' && (object.kind === 'Prometheus' || object.kind === 'Alertmanager')) {
      const main = object.kind.toLowerCase();
      const labels = { 'app.kubernetes.io/name': main, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'prometheus-operator', [main]: name, 'operator.prometheus.io/name': name };
      const pod = prometheusOperatorPod(object, main, reloaderResources(stack), labels);
      const replicas = (object.spec?.replicas ?? 1) * (object.spec?.shards ?? 1);
      pods.push({ stack, origin, kind: object.kind, name, namespace, labels: pod.metadata.labels, spec: pod.spec, modelledFrom: `${object.kind} ${name} (prometheus-operator defaults)`, maxPods: replicas, replicas });
    }
    if (object.apiVersion === 'psmdb.percona.com/v1' && object.kind === 'PerconaServerMongoDB') {
      for (const pod of perconaPods(object)) {
        pods.push({ stack, origin, kind: 'PerconaServerMongoDB', name: pod.name, namespace, labels: pod.labels, spec: pod.template.spec, modelledFrom: `PerconaServerMongoDB ${name} (operator 1.22.0 defaults)`, maxPods: pod.size, replicas: pod.size, operatorBudget: pod.budget });
      }
    }
  }
  return pods;
}

export function matchesSelector(selector: Json | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries<string>(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const value = labels[expr.key];
    const values: string[] = expr.values ?? [];
    if (expr.operator === 'In' && (value === undefined || !values.includes(value))) return false;
    if (expr.operator === 'NotIn' && value !== undefined && values.includes(value)) return false;
    if (expr.operator === 'Exists' && value === undefined) return false;
    if (expr.operator === 'DoesNotExist' && value !== undefined) return false;
  }
  return true;
}
