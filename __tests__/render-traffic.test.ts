/**
 * Issue 26, items 1-3: what the rendered manifests do to traffic. Each test reads only what the
 * cluster would run (the run's one render and synth, global-setup.ts) and the edges' documented
 * behaviour, written here as literals:
 * - ALB (aws-load-balancer-controller #1064, #2106, #2366): a deleted pod's target is deregistered
 *   by the controller at about the moment preStop starts; the ALB may send new requests for up to
 *   15 s more (reconcile + propagation), and requests on open connections until the
 *   deregistration delay (target-group-attributes, default 300 s) has run from then.
 * - AGC: no drain setting; the ALB Controller drops the endpoint from the EndpointSlice, 15 s to
 *   propagate. Its health probe goes to the pod IP on HealthCheckPolicy `port`.
 * - After SIGTERM an app needs 15 s to finish requests before the kill (grace period, default 30 s).
 * - A new pod behind an ALB readiness gate: 30 s registration + interval x healthy threshold
 *   (controller defaults 15 s x 2), after 90 s to start; Helm's atomic timeout must hold the
 *   slowest rollout twice over.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../config/environments';
import { matchesSelector, podModels, renderedObjects, terraformObjects, type ClusterObject, type PodModel } from '../scripts/render/objects';
import { type Json, release, releaseRef, renderedExamples, resources, synthExamples } from './support';

/** Every registered environment: one added by the README's steps is checked too. */
const ENVS = Object.keys(ENVIRONMENTS);
const PROPAGATION = 15;
const SHUTDOWN = 15;
const START = 90;
const REGISTRATION = 30;

let stacks: Record<string, Json>;
const objectsOf = new Map<string, ClusterObject[]>();
const podsOf = new Map<string, PodModel[]>();
beforeAll(() => {
  stacks = synthExamples().stacks;
  const { releases } = renderedExamples();
  for (const env of ENVS) {
    const objects = [
      ...renderedObjects(releases.filter((r) => r.stack.startsWith(`${env}-`))),
      ...Object.keys(stacks).filter((s) => s.startsWith(`${env}-`)).flatMap((s) => terraformObjects(s, stacks[s]!)),
    ];
    objectsOf.set(env, objects);
    podsOf.set(env, podModels(objects, () => undefined));
  }
});

const kind = (env: string, k: string): Json[] => objectsOf.get(env)!.filter((o) => o.object.kind === k).map((o) => o.object);
const workloads = (env: string): Json[] => [...kind(env, 'Deployment'), ...kind(env, 'StatefulSet')];

/** The Deployment behind an edge backend, and the container serving the Service's target port. */
function backendOf(env: string, namespace: string, serviceName: string): { service: Json; deployment: Json; container: Json } {
  const service = kind(env, 'Service').find((s) => s.metadata.name === serviceName && s.metadata.namespace === namespace)!;
  expect(service, `${env}: Service ${namespace}/${serviceName}`).toBeDefined();
  const matching = workloads(env).filter((w) => w.metadata.namespace === namespace && matchesSelector({ matchLabels: service.spec.selector }, w.spec
    .template.metadata?.labels ?? {}));
  expect(matching, `${env}: workloads behind ${serviceName}`).toHaveLength(1);
  const deployment = matching[0]!;
  const target = service.spec.ports[0].targetPort;
  const container = deployment.spec.template.spec.containers.find((c: Json) => (c.ports ?? []).some((p: Json) => p.name === target || p
    .containerPort === target));
  expect(container, `${env}: container serving ${serviceName} port ${target}`).toBeDefined();
  return { service, deployment, container };
}

interface Edge {
  readonly env: string;
  readonly host: string;
  /** The Ingress (AWS) or HTTPRoute (Azure: the AGC edge is a Gateway) that sends the host to the Service. */
  readonly route: Json;
  readonly service: Json;
  readonly deployment: Json;
  readonly container: Json;
}

/**
 * Every Ingress and HTTPRoute that serves a host and what is behind it; the Gateway's
 * HTTP-to-HTTPS redirect route has no backend and serves none.
 */
function edges(env: string): Edge[] {
  const ingresses = kind(env, 'Ingress').map((route) => {
    const backend = route.spec.rules[0].http.paths[0].backend.service;
    return { env, host: route.spec.rules[0].host, route, ...backendOf(env, route.metadata.namespace, backend.name) };
  });
  const httpRoutes = kind(env, 'HTTPRoute').flatMap((route) =>
    route.spec.rules
      .flatMap((rule: Json) => rule.backendRefs ?? [])
      .map((backend: Json) => ({ env, host: route.spec.hostnames[0], route, ...backendOf(env, backend.namespace ?? route.metadata.namespace, backend.name) })),
  );
  return [...ingresses, ...httpRoutes];
}
const allEdges = (): Edge[] => ENVS.flatMap(edges);
const isAlb = (e: Edge) => e.route.kind === 'Ingress' && e.route.spec.ingressClassName === 'alb';

/** Seconds after deletion the edge may still send the pod a request. */
function lastRequest(e: Edge): number {
  if (!isAlb(e)) return PROPAGATION;
  const attributes: string = e.route.metadata.annotations?.['alb.ingress.kubernetes.io/target-group-attributes'] ?? '';
  const delay = /deregistration_delay\.timeout_seconds=(\d+)/.exec(attributes);
  return PROPAGATION + (delay ? Number(delay[1]) : 300);
}
const preStop = (e: Edge): number => {
  const hook = e.container.lifecycle?.preStop;
  if (hook?.sleep) return hook.sleep.seconds;
  const exec: string[] = hook?.exec?.command ?? [];
  return exec[0] === 'sleep' ? Number(exec[1]) : 0;
};
const grace = (e: Edge): number => e.deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;

describe('termination timeline, from the rendered Ingress or HTTPRoute, Service and Deployment', () => {
  it('every environment serves Rocket.Chat, and dev Grafana, through an edge', () => {
    const served = allEdges().map((e) => `${e.env} ${e.service.metadata.name}`);
    expect(served).toEqual(expect.arrayContaining(ENVS.map((env) => `${env} rocketchat-rocketchat`)));
    expect(served).toEqual(expect.arrayContaining(['aws-dev kube-prometheus-stack-grafana', 'azure-dev kube-prometheus-stack-grafana']));
  });
  it('a terminating pod gets SIGTERM only after the last request the edge can send it', () => {
    const late = allEdges()
      .filter((e) => preStop(e) < lastRequest(e))
      .map((e) => `${e.env} ${e.host}: SIGTERM at ${preStop(e)} s, requests until ${lastRequest(e)} s`);
    expect(late.join('\n')).toBe('');
  });
  it('a terminating pod is killed only after its shutdown has run', () => {
    const killed = allEdges()
      .filter((e) => grace(e) <= preStop(e) + SHUTDOWN)
      .map((e) => `${e.env} ${e.host}: killed at ${grace(e)} s, SIGTERM at ${preStop(e)} s + ${SHUTDOWN} s shutdown`);
    expect(killed.join('\n')).toBe('');
  });
  it('aws-prod Rocket.Chat: requests until 45 s (30 s deregistration delay + 15 s), SIGTERM at 45 s, killed at 65 s', () => {
    const e = edges('aws-prod').find((x) => x.service.metadata.name === 'rocketchat-rocketchat')!;
    expect([lastRequest(e), preStop(e), grace(e)]).toEqual([45, 45, 65]);
  });
  it('aws-dev Grafana: requests until 25 s (10 s deregistration delay + 15 s), SIGTERM at 25 s, killed at 45 s', () => {
    const e = edges('aws-dev').find((x) => x.service.metadata.name === 'kube-prometheus-stack-grafana')!;
    expect([lastRequest(e), preStop(e), grace(e)]).toEqual([25, 25, 45]);
  });

  /**
   * The other end of a rollout: the ALB must hold a healthy target while old pods leave. Without the
   * controller's readiness gate (injected into pods of a namespace labelled
   * elbv2.k8s.aws/pod-readiness-gate-inject=enabled, aws-load-balancer-controller
   * docs/deploy/pod_readiness_gate.md), a new pod is Ready as soon as its own probe passes, the old
   * one is deregistered, and the ALB answers 503 until the new target has passed
   * healthy-threshold checks: 20-35 s for a one-replica Grafana.
   */
  const gated = (e: Edge): boolean => {
    const ns = kind(e.env, 'Namespace').find((n) => n.metadata.name === e.deployment.metadata.namespace);
    return ns?.metadata.labels?.['elbv2.k8s.aws/pod-readiness-gate-inject'] === 'enabled';
  };
  /** Old pods a rolling update may stop before their replacements are Ready, rounded down as the Deployment controller does. */
  const unavailable = (d: Json): number => {
    const value: number | string = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
    const replicas: number = d.spec.replicas ?? 1;
    return typeof value === 'string' ? Math.floor((replicas * Number(value.slice(0, -1))) / 100) : value;
  };
  it('a rollout behind the ALB stops an old pod only once a replacement is healthy in the ALB (readiness gate, and a pod kept until then)', () => {
    const gaps = allEdges()
      // A DR environment held for its restore runs no pod, so has nothing to roll.
      .filter((e) => isAlb(e) && e.deployment.spec.replicas !== 0)
      .filter((e) => !gated(e) || (e.deployment.spec.replicas ?? 1) - unavailable(e.deployment) < 1)
      .map((e) => `${e.env} ${e.host}: readiness gate ${gated(e) ? 'injected' : 'missing'}, ${e.deployment.spec.replicas ?? 1} replica(s), ${unavailable(e
        .deployment)} may stop unreplaced`);
    expect(gaps.join('\n')).toBe('');
  });
  it('aws-dev Grafana: one replica, a second started first (surge 1), none stopped unreplaced, behind the readiness gate', () => {
    const e = edges('aws-dev').find((x) => x.service.metadata.name === 'kube-prometheus-stack-grafana')!;
    expect([e.deployment.spec.replicas, e.deployment.spec.strategy, gated(e)]).toEqual([1, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1,
      maxUnavailable: 0 } }, true]);
  });
  it('the readiness-gate label is only where the ALB serves a backend: not on Azure, not on monitoring when Grafana is private', () => {
    const labelled = ENVS.flatMap((env) => kind(env, 'Namespace').filter((n) => n.metadata.labels?.['elbv2.k8s.aws/pod-readiness-gate-inject']).map((n) =>
      `${env}/${n.metadata.name}`));
    expect(labelled.sort()).toEqual(['aws-dev/monitoring', 'aws-dev/rocketchat', 'aws-dr/rocketchat', 'aws-prod/rocketchat']);
  });
});

describe('AGC health probes reach the pods', () => {
  const probes = (env: string) => kind(env, 'HealthCheckPolicy');
  it.each(['azure-dev', 'azure-prod', 'azure-dr'])('%s: each HealthCheckPolicy probes a port the selected pods listen on', (env) => {
    expect(probes(env).length).toBeGreaterThan(0);
    for (const policy of probes(env)) {
      const { container } = backendOf(env, policy.spec.targetRef.namespace, policy.spec.targetRef.name);
      const listening = (container.ports ?? []).map((p: Json) => p.containerPort);
      expect(listening, `${policy.metadata.name} probes port ${policy.spec.default.port}`).toContain(policy.spec.default.port);
    }
  });
  it('azure-dev: Rocket.Chat and Grafana are both probed on 3000', () => {
    expect(probes('azure-dev').map((p) => [p.spec.targetRef.name, p.spec.default.port]).sort()).toEqual([['kube-prometheus-stack-grafana', 3000],
      ['rocketchat-rocketchat', 3000]]);
  });
});

describe('rollouts fit the Helm timeout', () => {
  /** Pods a surge adds at a time, as the Deployment controller rounds it. */
  const surgePods = (value: number | string | undefined, pods: number) =>
    typeof value === 'string' && value.endsWith('%') ? Math.ceil((pods * Number(value.slice(0, -1))) / 100) : Number(value ?? '25%');
  const rollout = (env: string) => {
    const rocketchat = release(stacks[`${env}-app`]!, 'rocketchat');
    const hpa = kind(env, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === 'rocketchat-rocketchat');
    const e = edges(env).find((x) => x.service.metadata.name === 'rocketchat-rocketchat')!;
    const pods: number = hpa?.spec.maxReplicas ?? e.deployment.spec.replicas;
    const surge = surgePods(e.deployment.spec.strategy.rollingUpdate.maxSurge, pods);
    const a = e.route.metadata.annotations ?? {};
    const gate = isAlb(e) ? REGISTRATION + Number(a['alb.ingress.kubernetes.io/healthcheck-interval-seconds'] ??
      15) * Number(a['alb.ingress.kubernetes.io/healthy-threshold-count'] ?? 2) : 0;
    // azure-dr is held for a restore: no pods until the restored database is ready.
    return { pods, surge, seconds: pods === 0 ? 0 : Math.ceil(pods / surge) * (START + gate), timeout: rocketchat.timeout as number };
  };
  it.each(ENVS)('%s: the slowest Rocket.Chat rollout (every pod the autoscaler may run) takes at most half the atomic timeout', (env) => {
    const r = rollout(env);
    expect(r.seconds, `${r.pods} pods, ${r.surge} at a time`).toBeLessThanOrEqual(r.timeout / 2);
  });
  it('aws-prod: 9 pods, 3 at a time, 140 s each batch: 420 s of the 1200 s timeout', () => {
    expect(rollout('aws-prod')).toEqual({ pods: 9, surge: 3, seconds: 420, timeout: 1200 });
  });
});

describe('disruption budgets follow scale', () => {
  /** Workloads that can run more than one pod: replicas or an autoscaler's maximum above 1. */
  const multi = (env: string) =>
    workloads(env).filter((w) => {
      const hpa = kind(env, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === w.metadata.name && h.metadata.namespace === w.metadata
        .namespace);
      return (hpa?.spec.maxReplicas ?? w.spec.replicas ?? 1) > 1;
    });
  const budgetsFor = (env: string, w: Json) =>
    kind(env, 'PodDisruptionBudget').filter((p) => p.metadata.namespace === w.metadata.namespace && matchesSelector(p.spec.selector, w.spec.template
      .metadata?.labels ?? {}));
  it.each(ENVS)('%s: every multi-replica Deployment and StatefulSet has one PDB, and it limits unavailable pods rather than counting available ones', (env) => {
    const wrong = multi(env)
      .map((w) => ({ w, pdbs: budgetsFor(env, w) }))
      .filter(({ pdbs }) => pdbs.length !== 1 || pdbs[0]!.spec.maxUnavailable === undefined)
      .map(({ w, pdbs }) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}: ${pdbs.map((p) => JSON.stringify({ minAvailable: p.spec.minAvailable,
        maxUnavailable: p.spec.maxUnavailable })).join(', ') || 'no PDB'}`);
    expect(wrong.join('\n')).toBe('');
  });
  it('aws-prod Rocket.Chat: a drain evicts one pod at a time at any scale', () => {
    const w = workloads('aws-prod').find((x) => x.metadata.name === 'rocketchat-rocketchat')!;
    expect(budgetsFor('aws-prod', w).map((p) => String(p.spec.maxUnavailable))).toEqual(['1']);
  });
});

describe('peers on other nodes reach every port the pods listen on', () => {
  /**
   * Declared, but nothing listens: Tempo's chart lists every receiver's port in its StatefulSet
   * (tempo 2.2.4 templates/statefulset.yaml); tempo/index.ts runs OTLP only (asserted below).
   */
  const NOT_LISTENING = new Set(['6831/udp', '6832/udp']);
  /** Every (port, protocol) a rendered or operator-built pod listens on; peers, scrapers and clients may sit on another node. */
  const listening = (env: string): { port: number; protocol: string; who: string }[] => {
    const seen = new Map<string, { port: number; protocol: string; who: string }>();
    for (const pod of podsOf.get(env)!) {
      if (pod.spec.hostNetwork) continue;
      for (const c of (pod.spec.containers ?? []) as Json[]) {
        for (const p of (c.ports ?? []) as Json[]) {
          const protocol = (p.protocol ?? 'TCP').toLowerCase();
          if (pod.name === 'tempo' && NOT_LISTENING.has(`${p.containerPort}/${protocol}`)) continue;
          seen.set(`${p.containerPort}/${protocol}`, { port: p.containerPort, protocol, who: `${pod.namespace}/${pod.name}` });
        }
      }
    }
    return [...seen.values()];
  };

  /** AWS: an ingress rule of the node security group from itself that admits the port. */
  const awsAdmits = (env: string, port: number, protocol: string): boolean =>
    resources(stacks[`${env}-cluster`]!, 'aws_vpc_security_group_ingress_rule').some(
      (r) =>
        r.security_group_id === r.referenced_security_group_id &&
        (r.ip_protocol === '-1' || r.ip_protocol === protocol) &&
        (r.ip_protocol === '-1' || (r.from_port <= port && port <= r.to_port)),
    );
  /** Azure: the first node-subnet NSG rule (by priority) that matches pod-to-pod traffic on the port allows it. */
  const azureAdmits = (env: string, port: number, protocol: string): boolean => {
    const podCidr: string = (ENVIRONMENTS[env] as Json).network.podCidr;
    const covers = (r: Json, side: 'source' | 'destination') =>
      [...(r[`${side}_address_prefixes`] ?? []), ...(r[`${side}_address_prefix`] ? [r[`${side}_address_prefix`]] : [])].some((p: string) => p === '*' ||
        p === 'VirtualNetwork' || p === podCidr);
    const inRange = (range: string) => {
      if (range === '*') return true;
      const [from, to] = range.split('-').map(Number);
      return from! <= port && port <= (to ?? from)!;
    };
    const match = resources(stacks[`${env}-network`]!, 'azurerm_network_security_rule')
      .filter((r) => String(r.network_security_group_name).includes('nodes-nsg') && r.direction === 'Inbound')
      .sort((a, b) => a.priority - b.priority)
      .find((r) => (r.protocol === '*' || r.protocol.toLowerCase() === protocol) && inRange(r.destination_port_range) && covers(r, 'source') && covers(r,
        'destination'));
    return match?.access === 'Allow';
  };

  it.each(['aws-dev', 'aws-prod', 'aws-dr'])('%s: the node security group admits each rendered port between nodes', (env) => {
    const refused = listening(env).filter((p) => !awsAdmits(env, p.port, p.protocol)).map((p) => `${p.port}/${p.protocol} (${p.who})`);
    expect(refused.join('\n')).toBe('');
  });
  it.each(['azure-dev', 'azure-prod', 'azure-dr'])('%s: the node subnet NSG admits each rendered port between pods', (env) => {
    const refused = listening(env).filter((p) => !azureAdmits(env, p.port, p.protocol)).map((p) => `${p.port}/${p.protocol} (${p.who})`);
    expect(refused.join('\n')).toBe('');
  });
  it.each(ENVS.filter((e) => e !== 'aws-dev'))('%s: Tempo receives OTLP only, so its declared Jaeger UDP ports have no listener', (env) => {
    const config = kind(env, 'ConfigMap').find((c) => c.metadata.name === 'tempo')?.data?.['tempo.yaml'] ?? kind(env, 'Secret').find((c) => c.metadata
      .name === 'tempo')?.stringData?.['tempo.yaml'];
    expect(config).toMatch(/receivers:\s+otlp:/);
    expect(config).not.toMatch(/jaeger|thrift/);
  });
  it('aws-prod: Alertmanager gossips on 9094 over TCP and UDP', () => {
    expect(listening('aws-prod').filter((p) => p.port === 9094).map((p) => p.protocol).sort()).toEqual(['tcp', 'udp']);
    expect([awsAdmits('aws-prod', 9094, 'tcp'), awsAdmits('aws-prod', 9094, 'udp')]).toEqual([true, true]);
  });
});

describe('prod observability survives a node drain and a zone loss', () => {
  const prodEnvs = ['aws-prod', 'azure-prod'];
  const named = (env: string, k: string, name: string): Json => {
    const found = kind(env, k).filter((o) => o.metadata.name === name);
    expect(found, `${env}: ${k} ${name}`).toHaveLength(1);
    return found[0]!;
  };
  const podLabels = (w: Json): Record<string, string> => w.spec.template.metadata.labels;
  const budget = (env: string, w: Json) => kind(env, 'PodDisruptionBudget').filter((p) => p.metadata.namespace === w.metadata.namespace && matchesSelector(p
    .spec.selector, podLabels(w)));

  /**
   * What survives one lost Tempo replica, from its rendered config, by the rules of the dskit ring
   * Tempo 2.10.8 vendors (ring/replication_strategy.go Filter, ring.go GetReplicationSetForOperation):
   * a write goes to the min(replicas, RF) ingesters owning the trace and needs floor(RF/2) + 1 of
   * them; a read that asks the whole ring needs all but floor(RF/2) of max(replicas, RF). Target
   * `all` (the default) forces in-memory rings with RF 1 (cmd/tempo/main.go): each replica is alone
   * in its ring, and the others' recent traces are invisible to it.
   */
  const tempoSurvivesOneLoss = (env: string): { shared: boolean; write: boolean; read: boolean } => {
    const config = parse(named(env, 'ConfigMap', 'tempo').data['tempo.yaml']);
    const replicas: number = named(env, 'StatefulSet', 'tempo').spec.replicas;
    const shared = config.target === 'scalable-single-binary' && config.memberlist.join_members?.length > 0;
    const rf: number = shared ? config.ingester.lifecycler.ring.replication_factor : 1;
    const quorum = Math.floor(rf / 2) + 1;
    return { shared, write: Math.min(replicas, rf) - 1 >= quorum, read: replicas - 1 >= Math.max(replicas, rf) - Math.floor(rf / 2) };
  };
  it.each(prodEnvs)('%s: Tempo writes and reads recent traces with one replica (or its zone) lost: one ring, replication factor 3 over 3 replicas', (env) => {
    expect(tempoSurvivesOneLoss(env)).toEqual({ shared: true, write: true, read: true });
    const config = parse(named(env, 'ConfigMap', 'tempo').data['tempo.yaml']);
    expect([config.ingester.lifecycler.ring.replication_factor, named(env, 'StatefulSet', 'tempo').spec.replicas]).toEqual([3, 3]);
    // Outside target `all` the queriers refuse to start without a frontend (modules.go initQuerier).
    expect(config.querier.frontend_worker.frontend_address).toBe('127.0.0.1:9095');
  });
  it('the Tempo loss rules: 2 replicas lose writes at any replication factor (1: the lost share; 2: the quorum)', () => {
    const survives = (replicas: number, rf: number) => ({ write: Math.min(replicas, rf) - 1 >= Math.floor(rf / 2) + 1, read: replicas - 1 >= Math
      .max(replicas, rf) - Math.floor(rf / 2) });
    expect([survives(2, 1), survives(2, 2), survives(3, 3), survives(3, 1)]).toEqual([{ write: false, read: false }, { write: false, read: true },
      { write: true, read: true }, { write: false, read: false }]);
  });
  it.each(prodEnvs)('%s: Tempo runs one replica per zone, one of which a drain may take', (env) => {
    const tempo = named(env, 'StatefulSet', 'tempo');
    expect(tempo.spec.replicas).toBe(3);
    const [term] = tempo.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect([term.topologyKey, matchesSelector(term.labelSelector, podLabels(tempo))]).toEqual(['topology.kubernetes.io/zone', true]);
    expect(budget(env, tempo).map((p) => p.spec.maxUnavailable)).toEqual([1]);
  });
  it.each(prodEnvs)('%s: the Tempo replicas share one ring through a headless Service that publishes starting pods', (env) => {
    const config: string = named(env, 'ConfigMap', 'tempo').data['tempo.yaml'];
    expect(parse(config).memberlist.join_members).toEqual(['dns+tempo-memberlist.monitoring.svc.cluster.local:7946']);
    const service = named(env, 'Service', 'tempo-memberlist');
    expect([service.spec.clusterIP, service.spec.publishNotReadyAddresses, service.spec.ports[0].port]).toEqual(['None', true, 7946]);
    expect(matchesSelector({ matchLabels: service.spec.selector }, podLabels(named(env, 'StatefulSet', 'tempo')))).toBe(true);
  });
  it.each(prodEnvs)('%s: the headless Service exists before Tempo starts (no pod forms a ring of its own)', (env) => {
    const platform = stacks[`${env}-platform`]!;
    expect(release(platform, 'tempo').depends_on).toContain(releaseRef(platform, 'tempo-ha'));
  });
  /**
   * Tempo 2.10.8 in the scalable single binary: /ready is 503 until the compactor has been ACTIVE
   * in a ring that stayed unchanged for 1 minute, 5 at most (modules/compactor/compactor.go
   * starting; wait_stability_min/max_duration). A liveness probe on /ready kills the pod first
   * (grafana/tempo#6035). The StatefulSet is OrderedReady (no podManagementPolicy), so Helm waits
   * for the pods one after another: each may take its grace period to stop, 60 s to be scheduled
   * with its volume, the 300 s ring wait, and one readiness period.
   */
  const tempoEnvs = ['aws-prod', 'aws-dr', 'azure-prod', 'azure-dr'];
  it.each(tempoEnvs)('%s: Tempo in the scalable single binary is not killed while its ring settles: liveness off /ready, readiness on it', (env) => {
    expect(parse(named(env, 'ConfigMap', 'tempo').data['tempo.yaml']).target).toBe('scalable-single-binary');
    const [tempo] = named(env, 'StatefulSet', 'tempo').spec.template.spec.containers.filter((c: Json) => c.name === 'tempo');
    expect(tempo.livenessProbe.httpGet?.path).not.toBe('/ready');
    expect(tempo.livenessProbe).toMatchObject({ tcpSocket: { port: 3200 } });
    expect(Object.keys(tempo.livenessProbe).filter((k) => ['httpGet', 'tcpSocket', 'exec', 'grpc'].includes(k))).toEqual(['tcpSocket']);
    expect(tempo.readinessProbe.httpGet).toEqual({ path: '/ready', port: 3200 });
  });
  it.each(tempoEnvs)('%s: the Tempo release waits long enough for every pod started one at a time', (env) => {
    const sts = named(env, 'StatefulSet', 'tempo');
    expect(sts.spec.podManagementPolicy ?? 'OrderedReady').toBe('OrderedReady');
    const grace: number = sts.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    const [tempo] = sts.spec.template.spec.containers.filter((c: Json) => c.name === 'tempo');
    const perPod = grace + 60 + 300 + tempo.readinessProbe.periodSeconds;
    const tempoRelease = release(stacks[`${env}-platform`]!, 'tempo');
    expect(perPod).toBe(400);
    expect(tempoRelease.timeout).toBeGreaterThanOrEqual(sts.spec.replicas * perPod);
    expect(tempoRelease.timeout).toBe(1200);
  });
  it('azure-dev: one Tempo, target all, no ring to join', () => {
    expect(named('azure-dev', 'StatefulSet', 'tempo').spec.replicas).toBe(1);
    const config = parse(named('azure-dev', 'ConfigMap', 'tempo').data['tempo.yaml']);
    expect([config.target, config.memberlist.join_members, config.ingester.lifecycler.ring.replication_factor, config.querier]).toEqual([undefined,
      undefined, 1, {}]);
  });
  it.each(prodEnvs)('%s: Loki keeps write quorum (2 of replication factor 3) through a zone loss: one pod per zone, one down at a time', (env) => {
    const loki = named(env, 'StatefulSet', 'loki');
    expect(loki.spec.replicas).toBe(3);
    const [spread] = loki.spec.template.spec.topologySpreadConstraints;
    expect([spread.topologyKey, spread.maxSkew, spread.whenUnsatisfiable, matchesSelector(spread.labelSelector, podLabels(loki))])
      .toEqual(['topology.kubernetes.io/zone', 1, 'DoNotSchedule', true]);
    expect(budget(env, loki).map((p) => [p.spec.maxUnavailable, p.spec.minAvailable])).toEqual([[1, undefined]]);
    expect(named(env, 'ConfigMap', 'loki').data['config.yaml']).toMatch(/replication_factor: 3/);
  });
  it.each(prodEnvs)('%s: Grafana keeps nothing only in itself: no volume, provisioned dashboards not editable, no Grafana alerting, people sign in as ' +
    'Viewers', (env) => {
    const grafana = named(env, 'Deployment', 'kube-prometheus-stack-grafana');
    expect(grafana.spec.template.spec.volumes.find((v: Json) => v.name === 'storage')).toEqual({ name: 'storage', emptyDir: {} });
    const ini: string = named(env, 'ConfigMap', 'kube-prometheus-stack-grafana').data['grafana.ini'];
    expect(ini).toMatch(/\[unified_alerting\]\nenabled = false/);
    expect(ini).toMatch(/auto_assign_org_role = Viewer/);
    const providers: string = named(env, 'ConfigMap', 'kube-prometheus-stack-grafana-config-dashboards').data['provider.yaml'];
    expect(providers).toMatch(/allowUiUpdates: false/);
  });
});

describe('collectors read only what their pipelines need', () => {
  it.each(ENVS)('%s: Alloy may list and watch pods and read their logs, nothing else', (env) => {
    const role = kind(env, 'ClusterRole').find((r) => r.metadata.name === 'alloy')!;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
  });
  it.each(ENVS)('%s: no ClusterRole reaches Secrets but cert-manager\'s and prometheus-operator\'s', (env) => {
    const readers = kind(env, 'ClusterRole')
      .filter((r) => (r.rules ?? []).some((rule: Json) => (rule.apiGroups ?? []).includes('') && (rule.resources ?? []).some((x: string) =>
        x === 'secrets' || x === '*')))
      .map((r) => r.metadata.name)
      .sort();
    expect(readers).toEqual(['cert-manager-cainjector', 'cert-manager-controller-certificates', 'cert-manager-controller-challenges',
      'cert-manager-controller-clusterissuers', 'cert-manager-controller-issuers', 'cert-manager-controller-orders', 'kube-prometheus-stack-operator']);
  });
});
