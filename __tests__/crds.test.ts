/**
 * CRDs follow their chart (issue 16, item 4, kube-prometheus-stack part): the chart's pre-upgrade
 * hook job applies the monitoring.coreos.com CRDs of the pinned chart version, with pinned images
 * and a ClusterRole limited to those CRDs. Asserted on the rendered manifests of every environment.
 */
import { describe, expect, it } from 'vitest';
import { renderedObjectsOf, type Json } from './helpers';

const PLATFORMS = ['aws-dev-platform', 'aws-prod-platform', 'azure-dev-platform', 'azure-prod-platform'];
const named = (objects: Json[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each(PLATFORMS)('%s: kube-prometheus-stack CRD upgrade job', (stack) => {
  const objects = () => renderedObjectsOf(stack, 'kube-prometheus-stack');

  it('runs before install, upgrade and rollback, and is deleted once it succeeded', () => {
    expect(named(objects(), 'Job', 'kube-prometheus-stack-crds-upgrade')?.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade,pre-rollback',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
  });

  it('applies the packaged CRDs server-side, taking ownership, with pinned images', () => {
    const pod = named(objects(), 'Job', 'kube-prometheus-stack-crds-upgrade')!.spec.template.spec;
    expect(pod.initContainers[0].image).toBe('docker.io/busybox:1.37.0');
    expect(pod.containers[0].image).toBe('registry.k8s.io/kubectl:v1.35.0');
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['apply', '--server-side', '--force-conflicts']));
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(Object.keys(named(objects(), 'ConfigMap', 'kube-prometheus-stack-crds-upgrade')!.binaryData)).toEqual(['crds.bz2']);
  });

  it('may change only the monitoring.coreos.com CRDs', () => {
    const rules = named(objects(), 'ClusterRole', 'kube-prometheus-stack-crds-upgrade')!.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0].resources).toEqual(['customresourcedefinitions']);
    expect(rules[0].resourceNames).toEqual(expect.arrayContaining(['prometheuses.monitoring.coreos.com', 'alertmanagers.monitoring.coreos.com', 'servicemonitors.monitoring.coreos.com']));
    expect(rules[0].resourceNames.every((n: string) => n.endsWith('.monitoring.coreos.com'))).toBe(true);
  });
});
