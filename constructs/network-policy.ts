/**
 * NetworkPolicies in the shape people review them: which pods, from or to
 * whom, on which ports. A policy lists Ingress or Egress in policyTypes only
 * when it has rules for it, so an allow for one direction never turns into a
 * deny for the other; the namespace's default-deny does that once.
 */
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';

export type Labels = Readonly<Record<string, string>>;

/** Pods (optionally in another namespace), a whole namespace, every pod of the cluster, or an address range. */
export type Peer =
  | { readonly pods: Labels; readonly namespace?: string }
  | { readonly namespace: string }
  | { readonly anyNamespace: true }
  | { readonly cidr: string; readonly except?: readonly string[] };

export interface Rule {
  readonly peers: readonly Peer[];
  /** Absent: every port. */
  readonly ports?: readonly { readonly port: number; readonly protocol?: 'TCP' | 'UDP' }[];
}

export interface PolicyProps {
  readonly namespace: string;
  /** Pods the policy applies to; `{}` is every pod in the namespace. */
  readonly pods: Labels;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  readonly dependsOn?: ITerraformDependable[];
}

/** The label Kubernetes puts on every namespace with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function peer(p: Peer) {
  if ('cidr' in p) return { ipBlock: { cidr: p.cidr, except: p.except ? [...p.except] : undefined } };
  if ('anyNamespace' in p) return { namespaceSelector: {} };
  const namespaceSelector = p.namespace ? { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } } : undefined;
  return 'pods' in p ? { podSelector: { matchLabels: { ...p.pods } }, namespaceSelector } : { namespaceSelector };
}

function ports(rule: Rule) {
  return rule.ports?.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' }));
}

export function networkPolicy(scope: Construct, name: string, props: PolicyProps): NetworkPolicyV1 {
  const policyTypes = [...(props.ingress ? ['Ingress'] : []), ...(props.egress ? ['Egress'] : [])];
  return new NetworkPolicyV1(scope, `netpol-${props.namespace}-${name}`, {
    metadata: { name, namespace: props.namespace },
    spec: {
      podSelector: { matchLabels: { ...props.pods } },
      policyTypes,
      ingress: props.ingress?.map((r) => ({ from: r.peers.map(peer), ports: ports(r) })),
      egress: props.egress?.map((r) => ({ to: r.peers.map(peer), ports: ports(r) })),
    },
    dependsOn: props.dependsOn,
  });
}

/**
 * Denies all traffic to and from every pod in the namespace; each allow opens
 * one path. `ingress-only` leaves egress open, for platform namespaces whose
 * components call cloud APIs, the API server and ACME endpoints at addresses
 * a NetworkPolicy cannot name.
 */
export function defaultDeny(scope: Construct, namespace: string, dependsOn?: ITerraformDependable[], directions: 'both' | 'ingress-only' = 'both'): NetworkPolicyV1 {
  const name = directions === 'both' ? 'default-deny' : 'default-deny-ingress';
  return new NetworkPolicyV1(scope, `netpol-${namespace}-${name}`, {
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: directions === 'both' ? ['Ingress', 'Egress'] : ['Ingress'] },
    dependsOn,
  });
}

/** Every pod may resolve names through the cluster DNS (CoreDNS carries k8s-app=kube-dns on EKS and AKS). */
export const DNS_EGRESS: Rule = {
  peers: [{ pods: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};
