/**
 * The only place a render audit finding (scripts/render/audit.ts) may be waived.
 * Each waiver names the rule, the stacks (a regular expression over stack names)
 * and as much of release / kind / name / field as it needs, and gives a reason a
 * reviewer would accept. Every run prints the waivers in effect; a waiver that
 * matches nothing fails the audit, so the list cannot go stale.
 */
/** The render audit's rules (scripts/render/audit.ts), the ones a waiver can name. */
export type AuditRule = 'render' | 'schema' | 'resources' | 'pod-security' | 'image' | 'network-policy' | 'reference' | 'quota' | 'rbac' | 'availability' | 'exposure';

export interface RenderWaiver {
  readonly rule: AuditRule;
  /** Regular expression matched against the whole stack name. */
  readonly stacks: string;
  readonly release?: string;
  readonly kind?: string;
  /** `namespace/name` of the object. */
  readonly name?: string;
  /** Prefix of the finding's field. */
  readonly field?: string;
  /** The waiver holds only while this chart is not rendered (RENDER_SKIP_CHARTS); where it is, the finding must not occur. */
  readonly whileSkipped?: string;
  readonly reason: string;
}

const AGC_REASON =
  'The alb.networking.azure.io CRDs ship only inside the alb-controller chart on MCR, which has no offline copy here (RENDER_SKIP_CHARTS); ' +
  'GitHub CI pulls the chart and validates these objects against its CRDs. __tests__/kubernetes-objects.test.ts checks their structure meanwhile.';

/** ClusterRoles that may reach Secrets in every namespace (rule `rbac`): the allowlist, each with why. */
const SECRET_READERS: readonly { release: string; names: readonly string[]; reason: string }[] = [
  {
    release: 'cert-manager',
    names: ['cainjector', 'controller-issuers', 'controller-clusterissuers', 'controller-certificates', 'controller-orders', 'controller-challenges'].map((n) => `cert-manager-${n}`),
    reason:
      'cert-manager writes each Certificate\'s key pair into a Secret in the Certificate\'s namespace and reads issuer credentials and ACME keys; the cainjector reads the CA ' +
      'Secrets it injects into webhooks. The chart has no namespaced mode, and certificates live in several namespaces (monitoring, rocketchat, the AGC TLS secrets).',
  },
  {
    release: 'kube-prometheus-stack',
    names: ['kube-prometheus-stack-operator'],
    reason:
      'prometheus-operator writes the generated Prometheus and Alertmanager configuration as Secrets and reads the Secrets that ServiceMonitors, PodMonitors and ' +
      'AlertmanagerConfigs reference (basic auth, TLS), in every namespace it watches; it runs alone in monitoring, restricted Pod Security, no ingress but the API server.',
  },
];

export const RENDER_WAIVERS: readonly RenderWaiver[] = [
  { rule: 'schema', stacks: 'azure-[a-z0-9-]+-(app|platform)', kind: 'HealthCheckPolicy', field: 'apiVersion', whileSkipped: 'alb-controller', reason: AGC_REASON },
  { rule: 'schema', stacks: 'azure-[a-z0-9-]+-(app|platform)', kind: 'WebApplicationFirewallPolicy', field: 'apiVersion', whileSkipped: 'alb-controller', reason: AGC_REASON },
  {
    rule: 'network-policy',
    stacks: '(aws|azure)-[a-z0-9-]+-platform',
    release: 'kube-prometheus-stack',
    kind: 'DaemonSet',
    name: 'monitoring-node/kube-prometheus-stack-prometheus-node-exporter',
    reason:
      'node-exporter runs with hostNetwork (it reads the node\'s network stack), and NetworkPolicy does not apply to host-network pods on either cloud (VPC CNI, Cilium); ' +
      'the node security group / NSG bounds its port 9100 instead. The monitoring-node namespace holds nothing else.',
  },
  ...SECRET_READERS.flatMap((r) =>
    r.names.map((name): RenderWaiver => ({ rule: 'rbac', stacks: '(aws|azure)-[a-z0-9-]+-platform', release: r.release, kind: 'ClusterRole', name, reason: r.reason })),
  ),
];
