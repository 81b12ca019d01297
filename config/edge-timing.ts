/**
 * How long a load balancer can still send a leaving pod traffic, and how long a rollout of
 * Rocket.Chat takes: the one model behind the rollout rules (rules-app.ts), the Ingress and pod
 * settings the stacks render (constructs/aws/https-edge.ts, constructs/app/rocketchat.ts,
 * constructs/platform/monitoring/) and docs/operations.md.
 *
 * A pod's deletion starts its preStop wait and its removal from the EndpointSlice at the same
 * moment. The edge learns of the removal through its controller and stops sending new requests
 * only after the change has propagated to every load balancer node (AWS: aws-load-balancer-
 * controller #1064, #2106, #2366; AGC reprograms its backends the same way, from the
 * EndpointSlice). Requests on connections it already holds keep arriving until its drain ends
 * (AWS: the target group's deregistration delay, which starts when the controller deregisters
 * the target, so up to `propagationSeconds` late). The pod must keep serving until then, and
 * only then get SIGTERM: preStop >= drain + propagation, grace > preStop + the app's shutdown.
 */

/**
 * Controller reconcile plus the load balancer's own propagation after a target is removed: judgement
 * from the upstream reports, until the drill in docs/operations.md ("Drill: measure the edge
 * margins") measures it.
 */
export const EDGE_PROPAGATION_SECONDS = 15;

/** Seconds after SIGTERM an app needs to finish in-flight requests and exit (Rocket.Chat closes its DDP sessions; Grafana its HTTP server); the same drill measures it. */
export const APP_SHUTDOWN_SECONDS = 15;

/** What a backend sets so a leaving pod serves every request the edge still sends it. */
export interface TerminationTiming {
  /** Seconds the edge lets a leaving pod's open connections finish (AWS deregistration delay). */
  readonly drainSeconds: number;
  /** preStop sleep: the pod keeps serving this long before SIGTERM. */
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
}

/** The shortest safe timing for a given drain: preStop = drain + propagation, grace = preStop + shutdown + 5 s. */
export function terminationTiming(drainSeconds: number): TerminationTiming {
  const preStopSeconds = drainSeconds + EDGE_PROPAGATION_SECONDS;
  return { drainSeconds, preStopSeconds, terminationGracePeriodSeconds: preStopSeconds + APP_SHUTDOWN_SECONDS + 5 };
}

/**
 * ALB health checks of IP targets, set on every Ingress (alb.ingress.kubernetes.io/healthcheck-*):
 * a new pod passes its readiness gate after `healthyThreshold` checks `intervalSeconds` apart,
 * once the controller has registered it.
 */
export const ALB_HEALTH_CHECK = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

/** Controller reconcile and ALB registration of a new target before its first health check counts. */
export const ALB_REGISTRATION_SECONDS = 30;

/** Worst-case seconds from a Rocket.Chat pod's creation to its readiness probe passing (image pull, Meteor start, replica set connection). */
export const ROCKETCHAT_START_SECONDS = 90;

/** Helm's atomic timeout for the Rocket.Chat release; a timeout rolls back with another full rollout. */
export const ROCKETCHAT_HELM_TIMEOUT_SECONDS = 1200;

/** The slowest rollout must fit this share of the Helm timeout: room for nodes to scale up, and for slow starts. */
export const ROLLOUT_TIMEOUT_SHARE = 0.5;

/** Seconds a new pod waits behind the ALB's readiness gate (the slower edge; AGC has no gate). */
export function readinessGateSeconds(check: { intervalSeconds: number; healthyThreshold: number } = ALB_HEALTH_CHECK): number {
  return ALB_REGISTRATION_SECONDS + check.intervalSeconds * check.healthyThreshold;
}

/** Pods a rolling update adds at a time: maxSurge as a percentage of the replicas, rounded up as Kubernetes does. */
export function surgePods(pods: number, surgePercent: number): number {
  return Math.max(1, Math.ceil((pods * surgePercent) / 100));
}

/**
 * Seconds a rollout of `pods` takes with maxUnavailable 0: batches of `surge` new pods, each
 * started and through the readiness gate before the next batch starts.
 */
export function rolloutSeconds(pods: number, surgePercent: number, perPodSeconds = ROCKETCHAT_START_SECONDS + readinessGateSeconds()): number {
  return Math.ceil(pods / surgePods(pods, surgePercent)) * perPodSeconds;
}
