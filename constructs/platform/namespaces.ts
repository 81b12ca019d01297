/**
 * Namespaces the platform creates, each with its Pod Security Admission level
 * (K8S-003). `restricted` everywhere except where a component must touch the
 * node; docs/platform.md gives the reason for each exception.
 */
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { Construct } from 'constructs';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    // Warn and audit at restricted so anything looser shows up in kubectl output and the audit log.
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

export function podSecurityNamespace(scope: Construct, name: string, level: PodSecurityLevel = 'restricted', partOf = 'platform', labels: Readonly<Record<string, string>> = {}): NamespaceV1 {
  return new NamespaceV1(scope, `namespace-${name}`, {
    metadata: { name, labels: { ...podSecurityLabels(level), 'app.kubernetes.io/part-of': partOf, ...labels } },
  });
}
