/**
 * Requests and limits per platform component and tier. Requests are what the
 * component uses at steady state on the example clusters (dev: a few nodes,
 * light traffic; prod: 3-12 nodes, a few thousand users); memory limits leave
 * headroom for compaction and query spikes. CPU limits are generous multiples
 * of the request: they stop a runaway process without throttling normal bursts.
 * Prod node pools are m7i/r7i.xlarge or D4-D8 (16-64 GiB), so the largest pod
 * (Prometheus, 8 GiB) fits with room for Rocket.Chat.
 */
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from './quantity';
import type { Environment } from './schema';

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

function size(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

const CONTROLLER = size('50m', '128Mi', '500m', '256Mi');
/** Config reloaders, Grafana's and Loki's k8s-sidecar, one-shot hook jobs: small, but never unbounded. */
const HELPER = size('10m', '64Mi', '200m', '256Mi');

const TIERS = {
  dev: {
    controller: CONTROLLER,
    helper: HELPER,
    prometheus: size('250m', '1Gi', '1', '2Gi'),
    alertmanager: size('20m', '64Mi', '200m', '128Mi'),
    grafana: size('50m', '256Mi', '500m', '512Mi'),
    kubeStateMetrics: size('20m', '64Mi', '200m', '256Mi'),
    nodeExporter: size('20m', '32Mi', '200m', '64Mi'),
    loki: size('200m', '512Mi', '1', '1Gi'),
    tempo: size('200m', '512Mi', '1', '1Gi'),
    alloy: size('50m', '192Mi', '500m', '384Mi'),
    rocketchat: size('250m', '768Mi', '1', '1536Mi'),
  },
  prod: {
    controller: CONTROLLER,
    helper: HELPER,
    prometheus: size('1', '4Gi', '4', '8Gi'),
    alertmanager: size('50m', '128Mi', '500m', '256Mi'),
    grafana: size('100m', '256Mi', '1', '1Gi'),
    kubeStateMetrics: size('50m', '128Mi', '500m', '512Mi'),
    nodeExporter: size('50m', '64Mi', '250m', '128Mi'),
    loki: size('500m', '2Gi', '2', '4Gi'),
    tempo: size('500m', '2Gi', '2', '4Gi'),
    alloy: size('100m', '256Mi', '1', '512Mi'),
    // Rocket.Chat 8 settles around 700 MiB-1 GiB per pod at a few hundred concurrent users; the HPA adds pods beyond that.
    rocketchat: size('500m', '1536Mi', '2', '3Gi'),
  },
} as const satisfies Record<Environment['tier'], Record<string, Resources>>;

export type Component = keyof (typeof TIERS)['dev'];

export function resourcesFor(env: Pick<Environment, 'tier'>, component: Component): Resources {
  return TIERS[env.tier][component];
}

/** Replicas of stateless controllers that support leader election: two in prod, so a node drain never stops them. */
export function controllerReplicas(env: Pick<Environment, 'tier'>): number {
  return env.tier === 'prod' ? 2 : 1;
}

/**
 * A chart's `topologySpreadConstraints` for a controller with more than one replica: spread over
 * zones where the nodes allow (ScheduleAnyway: a controller must still start when a zone is full
 * or lost), so a zone loss leaves one running. None for one replica.
 */
export function zoneSpread(replicas: number, podLabels: Readonly<Record<string, string>>): object[] {
  if (replicas < 2) return [];
  return [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podLabels } }];
}

/**
 * What one kind of pod in a namespace needs, and how many of it may run at once: the app layer's
 * namespace budgets (constructs/app/namespace-budget.ts) add these up, the platform's operator included.
 */
export interface PodBudget {
  readonly name: string;
  /** Pods at the largest scale, surge included. */
  readonly pods: number;
  /** Summed over the pod's containers (or its largest init container, if more). */
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** Requests and the memory limit of one container, as the stacks set them. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** A pod's budget from its containers' resources (init containers run before them and need no more here). */
export function podBudget(name: string, pods: number, containers: readonly ContainerResources[]): PodBudget {
  const sum = (pick: (c: ContainerResources) => number) => containers.reduce((total, c) => total + pick(c), 0);
  return {
    name,
    pods,
    requests: { cpu: cpuQuantity(sum((c) => milliCpu(c.requests.cpu))), memory: memoryQuantity(sum((c) => bytes(c.requests.memory))) },
    limits: { memory: memoryQuantity(sum((c) => bytes(c.limits.memory))) },
  };
}
