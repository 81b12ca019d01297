/**
 * Issue 16, items 2 and 3: the HPA alone owns the Rocket.Chat replica count, and rollouts,
 * scale-ins and node drains lose no requests on either edge. Rendered manifests come from the
 * run's one render (global-setup.ts); the post-renderer and its harness step are tested directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POST_RENDERER_BUNDLE, POST_RENDERER_SCRIPT } from '../constructs/platform/post-renderer';
import { bundlePostRenderer } from '../scripts/post-renderer-bundle';
import { ROCKETCHAT } from '../config/names';
import { rolloutPatch } from '../constructs/app/rocketchat';
import { postRenderer } from '../scripts/render/render';
import { example, type Json, parsed, problemsOf, release, renderedObjectsOf, resources, synthExamples, validate } from './support';

const { patchManifests } = require(POST_RENDERER_SCRIPT) as { patchManifests: (text: string, patch: object) => string };

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const rendered = (env: string, release: string, kind: string, name?: string): Json => {
  const found = renderedObjectsOf(`${env}-app`, release).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const deployment = (env: string): Json => rendered(env, ROCKETCHAT.release, 'Deployment', ROCKETCHAT.deployment);
const container = (env: string): Json => deployment(env).spec.template.spec.containers.find((c: Json) => c.name === ROCKETCHAT.container);
const hpa = (env: string): Json => {
  const all = resources(stacks[`${env}-app`]!, 'kubernetes_horizontal_pod_autoscaler_v2');
  expect(all).toHaveLength(1);
  return all[0]!;
};
const namespaceLabels = (env: string): Record<string, string> =>
  resources(stacks[`${env}-app`]!, 'kubernetes_namespace_v1').find((n) => n.metadata.name === ROCKETCHAT.namespace)!.metadata.labels;
const ingressAnnotations = (env: string): Record<string, string> => rendered(env, ROCKETCHAT.release, 'Ingress').metadata.annotations;
/** Every registered environment: one added by the README's steps is checked too. */
const ENVS = Object.keys(ENVIRONMENTS);

describe('replicas owned by the autoscaler', () => {
  it.each(['aws-prod', 'azure-prod'])('%s: the rendered Deployment has no replicas field, so an upgrade leaves the HPA count alone', (env) => {
    expect(deployment(env).spec).not.toHaveProperty('replicas');
  });
  it.each(['aws-dev', 'azure-dev'])('%s: without an autoscaler the Deployment keeps replicas from config', (env) => {
    expect(deployment(env).spec.replicas).toBe(1);
  });
  it('aws-prod: the chart renders no PodDisruptionBudget (its minAvailable follows replicaCount, not the autoscaler)', () => {
    expect(renderedObjectsOf('aws-prod-app', ROCKETCHAT.release).filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });
  it.each(['aws-dev', 'aws-prod'])('%s: the stack\'s PodDisruptionBudget lets one Rocket.Chat pod go at a time', (env) => {
    const pdbs = resources(stacks[`${env}-app`]!, 'kubernetes_pod_disruption_budget_v1').filter((p) => p.metadata.namespace === ROCKETCHAT.namespace);
    expect(pdbs.map((p) => [p.spec.max_unavailable, p.spec.min_available])).toEqual([['1', undefined]]);
  });
  it.each(['aws-prod', 'azure-prod'])('%s: the HPA scales on CPU only', (env) => {
    expect(hpa(env).spec.metric).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } } }]);
  });
  it.each(['aws-prod', 'azure-prod'])('%s: the HPA waits out 300 s of lower recommendations before scaling in', (env) => {
    expect(hpa(env).spec.behavior.scale_down[0].stabilization_window_seconds).toBe(300);
  });
  it.each(['aws-prod', 'azure-prod'])('%s: the HPA removes at most one pod a minute', (env) => {
    expect(hpa(env).spec.behavior.scale_down[0].policy).toEqual([{ type: 'Pods', value: 1, period_seconds: 60 }]);
  });
  it('refuses a memory target: a Node.js heap rarely shrinks', () => {
    const input = example('aws-prod');
    input.app.rocketchat.autoscaling.memoryTargetPercent = 80;
    expect(problemsOf(validate('aws-prod', input))).toContain(
      'config/aws-prod: app.rocketchat.autoscaling.memoryTargetPercent: is not a known field (allowed: maxReplicas, cpuTargetPercent, ' +
        'scaleDownStabilizationSeconds)',
    );
  });
});

describe('zero-downtime rollouts', () => {
  it.each(ENVS)('%s: rolling updates never take a pod away first (maxUnavailable 0)', (env) => {
    expect(deployment(env).spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
  it.each(ENVS)('%s: rolling updates surge a quarter of the pods', (env) => {
    expect(deployment(env).spec.strategy.rollingUpdate.maxSurge).toBe('25%');
  });
  it.each(ENVS)('%s: Rocket.Chat keeps serving 45 s after it is told to stop (preStop sleep: drain 30 s + 15 s)', (env) => {
    expect(container(env).lifecycle).toEqual({ preStop: { sleep: { seconds: 45 } } });
  });
  it.each(ENVS)('%s: a terminating pod gets 65 s, more than preStop 45 s + 15 s of shutdown', (env) => {
    expect(deployment(env).spec.template.spec.terminationGracePeriodSeconds).toBe(65);
  });

  it.each(['aws-dev', 'aws-prod'])('%s: the namespace asks the AWS Load Balancer Controller for target-health readiness gates', (env) => {
    expect(namespaceLabels(env)['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
  });
  it.each(['aws-dev', 'aws-prod'])('%s: the namespace stays Pod Security restricted', (env) => {
    expect(namespaceLabels(env)['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
  it.each(['azure-dev', 'azure-prod'])('%s: the namespace carries no AWS label', (env) => {
    expect(namespaceLabels(env)).not.toHaveProperty('elbv2.k8s.aws/pod-readiness-gate-inject');
  });
  it.each(['aws-dev', 'aws-prod'])('%s: the ALB targets pod IPs (readiness gates need IP targets)', (env) => {
    expect(ingressAnnotations(env)['alb.ingress.kubernetes.io/target-type']).toBe('ip');
  });
  it.each(['aws-dev', 'aws-prod'])('%s: the target group drains a leaving pod for 30 s (deregistration delay)', (env) => {
    expect(ingressAnnotations(env)['alb.ingress.kubernetes.io/target-group-attributes']).toBe('deregistration_delay.timeout_seconds=30');
  });

  const probe = (env: string): Json => rendered(env, 'rocketchat-edge', 'HealthCheckPolicy').spec;
  it.each(['azure-dev', 'azure-prod'])('%s: AGC probes the Rocket.Chat pods on 3000 /api/v1/info', (env) => {
    expect([probe(env).targetRef.name, probe(env).default.port, probe(env).default.http.path]).toEqual([ROCKETCHAT.deployment, 3000, '/api/v1/info']);
  });
  it.each(['azure-dev', 'azure-prod'])('%s: AGC probes every 10 s with a 5 s timeout', (env) => {
    expect([probe(env).default.interval, probe(env).default.timeout]).toEqual(['10s', '5s']);
  });
  it.each(['azure-dev', 'azure-prod'])('%s: AGC takes a pod out after 3 failed probes and back after 1 success', (env) => {
    expect([probe(env).default.unhealthyThreshold, probe(env).default.healthyThreshold]).toEqual([3, 1]);
  });
});

describe('rollout configuration', () => {
  const input = () => example('azure-prod');
  it('takes preStop, drain, grace period and surge from config', () => {
    const env = parsed('aws-prod');
    const custom = { ...env, app: { ...env.app, rocketchat: { ...env.app.rocketchat, rollout: { preStopSeconds: 60, drainSeconds: 45,
      terminationGracePeriodSeconds: 120, maxSurgePercent: 50 } } } };
    expect(rolloutPatch(custom).merge).toEqual({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
      template: { spec: { terminationGracePeriodSeconds: 120, containers: [{ name: 'rocketchat', lifecycle: { preStop: { sleep: { seconds: 60 } } } }] } } } });
  });
  it('refuses a preStop wait that ends before the load balancer stops sending (drain + 15 s)', () => {
    const config = input();
    config.app.rocketchat.rollout = { preStopSeconds: 40, drainSeconds: 30, terminationGracePeriodSeconds: 120 };
    expect(problemsOf(validate('azure-prod', config))).toEqual([
      'config/azure-prod: app.rocketchat.rollout.preStopSeconds: 40 is below drainSeconds 30 + 15 s for the load balancer to stop sending, so the pod ' +
        'would get SIGTERM while requests still arrive (allowed: an integer from 45 to 1800)',
    ]);
  });
  it('refuses the old defaults (preStop 20 s with a 30 s drain)', () => {
    const config = input();
    config.app.rocketchat.rollout = { preStopSeconds: 20, drainSeconds: 30, terminationGracePeriodSeconds: 60 };
    expect(problemsOf(validate('azure-prod', config))[0]).toMatch(/^config\/azure-prod: app.rocketchat.rollout.preStopSeconds: 20 is below drainSeconds 30/);
  });
  it('refuses a grace period that does not cover preStop + 15 s of shutdown, with the defaults filled in', () => {
    const config = input();
    config.app.rocketchat.rollout = { terminationGracePeriodSeconds: 60 };
    expect(problemsOf(validate('azure-prod', config))).toEqual([
      'config/azure-prod: app.rocketchat.rollout.terminationGracePeriodSeconds: 60 is not more than preStopSeconds 45 + 15 s of shutdown, so Kubernetes ' +
        'would kill pods still finishing requests (allowed: an integer from 61 to 3600)',
    ]);
  });
  it('refuses a surge so small that the slowest rollout passes half the Helm timeout', () => {
    const config = example('aws-prod');
    config.app.rocketchat.rollout = { maxSurgePercent: 10 };
    expect(problemsOf(validate('aws-prod', config))).toEqual([
      'config/aws-prod: app.rocketchat.rollout.maxSurgePercent: 10 makes a rollout of 9 pods take about 1260 s, more than half the 1200 s Helm timeout ' +
        '(allowed: an integer from 23 to 100)',
    ]);
  });
});

describe('post-renderer (post-renderers/patch-workload.cjs)', () => {
  const manifests = [
    '---\n# Source: chart/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
    '---\n# Source: chart/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  ' +
      'template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n      - name: sidecar\n        image: side:1\n',
  ].join('');
  const patch = { kind: 'Deployment', name: 'web', remove: [['spec', 'replicas']], merge: { spec: { template: { spec: { containers: [{ name: 'app',
    lifecycle: { preStop: { sleep: { seconds: 5 } } } }] } } } } };

  it('deletes the paths it is given', () => {
    expect(patchManifests(manifests, patch)).not.toContain('replicas');
  });
  it('merges into the named container and leaves the others as they were', () => {
    const out = patchManifests(manifests, patch);
    expect(out).toContain('  - name: app\n          image: app:1\n          lifecycle:\n            preStop:\n              sleep:\n                ' +
      'seconds: 5\n        - name: sidecar\n          image: side:1\n');
  });
  it('passes every other document through byte for byte, Source comments included', () => {
    const out = patchManifests(manifests, patch);
    expect(out.startsWith('---\n# Source: chart/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: ' +
      '80}]\n---\n# Source: chart/templates/deployment.yaml\n')).toBe(true);
  });
  it('applies a list of patches in order', () => {
    const second = { kind: 'Service', name: 'web', merge: { spec: { type: 'ClusterIP' } } };
    const out = patchManifests(manifests, [patch, second]);
    expect([out.includes('replicas'), out.includes('type: ClusterIP')]).toEqual([false, true]);
  });
  it('the committed bundle is the script with yaml bundled in, as scripts/post-renderer-bundle.ts builds it today', () => {
    expect(readFileSync(POST_RENDERER_BUNDLE, 'utf8')).toBe(bundlePostRenderer());
  });
  it('the bundle runs with node alone: from an empty directory, NODE_PATH empty, no node_modules on the way up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'post-renderer-'));
    try {
      copyFileSync(POST_RENDERER_BUNDLE, join(dir, 'patch-workload.bundle.cjs'));
      const out = execFileSync(process.execPath, ['patch-workload.bundle.cjs', JSON.stringify([patch])], {
        cwd: dir,
        input: manifests,
        env: { PATH: process.env.PATH ?? '', NODE_PATH: '' },
        encoding: 'utf8',
      });
      expect(out).toContain('  - name: app\n          image: app:1\n          lifecycle:\n            preStop:\n              sleep:\n                ' +
        'seconds: 5\n');
      expect(out).not.toContain('replicas');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('fails when the chart no longer renders the object', () => {
    expect(() => patchManifests(manifests, { ...patch, name: 'renamed' })).toThrow('expected one Deployment named renamed in the rendered chart, found 0');
  });
  it('fails when the chart no longer has the container', () => {
    const missing = { ...patch, merge: { spec: { template: { spec: { containers: [{ name: 'main', lifecycle: {} }] } } } } };
    expect(() => patchManifests(manifests, missing)).toThrow('Deployment/web.spec.template.spec.containers has no item named "main"');
  });
  it('the render harness runs it as the helm provider does: node with the args, from the stack directory', () => {
    const body = { postrender: { binary_path: 'node', args: ['assets/x/patch-workload.cjs', '{"kind":"Deployment"}'] } };
    const run = postRenderer(body, '/out/stacks/aws-prod-app');
    expect([run.flags, run.cwd]).toEqual([['--post-renderer', 'node', '--post-renderer-args', 'assets/x/patch-workload.cjs', '--post-renderer-args',
      '{"kind":"Deployment"}'], '/out/stacks/aws-prod-app']);
  });
  it.each(['aws-prod-platform', 'aws-prod-app', 'azure-dev-platform'])('%s: the helm provider keeps each release\'s manifest, so plans show object diffs',
    (stack) => {
    expect(Object.values<Json>(stacks[stack]!.provider.helm).map((p) => p.experiments)).toEqual([{ manifest: true }]);
  });
  it('the synthesized release runs the script shipped in the stack with the Rocket.Chat patch', () => {
    const rocketchat = release(stacks['aws-prod-app']!, 'rocketchat');
    expect(rocketchat.postrender.binary_path).toBe('node');
    expect(rocketchat.postrender.args[0]).toMatch(/^assets\/[^/]+\/[0-9A-F]+\/patch-workload\.bundle\.cjs$/);
    expect(JSON.parse(rocketchat.postrender.args[1])).toEqual(rolloutPatch(parsed('aws-prod')));
  });
});
