/**
 * Issue 27: per-component overrides and toggles (config/components.ts, rules-components.ts).
 * An override reaches the rendered manifests; one that weakens a guardrail or touches what a
 * config field decides is refused with its path before anything is written; a toggle removes
 * every resource and rendered object of its component, and what read it.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeValues } from '../config/components';
import { example, type Json, refused, registryWith, renderedExamples, renderedObjectsOf, resources, synthExamples, synthWith } from './support';

type Mutable = Record<string, any>;

/** Stack JSON without free-text descriptions, so a search for a component's name finds only what belongs to it. */
const mentions = (stack: Json, word: RegExp) => (JSON.stringify(stack, (k, v) => (k === 'description' ? undefined : v)).match(word) ?? []).length;
const envOf = (containers: Json[]) => Object.fromEntries(containers.flatMap((c) => c.env ?? []).map((e: Json) => [e.name, e.value]));

describe('overrides: <layer>.components.<name>.values, merged last', () => {
  it('merges as Helm does: maps key by key, lists replaced, null kept (Helm then drops the key)', () => {
    const merged = mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } }, { a: { c: [3], g: true }, e: null });
    expect(merged).toEqual({ a: { b: 1, c: [3], g: true }, d: 'x', e: null });
  });

  it("aws-prod raises Loki's ingestion limits: the rendered Loki configuration carries them next to the project's retention", () => {
    const objects = renderedObjectsOf('aws-prod-platform', 'loki');
    const config = objects.find((o) => ['ConfigMap', 'Secret'].includes(o.kind) && o.metadata.name === 'loki')!;
    const text = config.data?.['config.yaml'] ?? config.stringData?.['config.yaml'];
    expect(parse(text).limits_config).toMatchObject({ ingestion_rate_mb: 16, ingestion_burst_size_mb: 32, retention_period: '720h' });
  });

  it('azure-dev adds a Rocket.Chat setting as an environment variable of the rendered container', () => {
    const deployment = renderedObjectsOf('azure-dev-app', 'rocketchat').find((o) => o.kind === 'Deployment' && o.metadata.name === 'rocketchat-rocketchat')!;
    expect(envOf(deployment.spec.template.spec.containers).OVERWRITE_SETTING_Accounts_RegistrationForm).toBe('Disabled');
  });

  const at = 'config/aws-dev: ';
  const restricted = '(allowed: a security context that keeps runAsNonRoot, no privilege escalation, capabilities dropped (ALL) and the RuntimeDefault ' +
    'seccomp profile)';
  it.each([
    { title: 'a removed security context', change: (c: Mutable) => (c.platform.components.loki = { values: { singleBinary: { podSecurityContext: null } } }),
      problems: [`${at}platform.components.loki.values.singleBinary.podSecurityContext: null removes the security context the project sets ${restricted}`] },
    { title: 'a loosened security context, in a list item too',
      change: (c: Mutable) =>
        (c.app.components = {
          rocketchat: { values: { containerSecurityContext: { allowPrivilegeEscalation: true }, extraInitContainers: [{ name: 'debug',
            image: 'busybox:1.37.0', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] } },
        }),
      problems: [
        `${at}app.components.rocketchat.values.containerSecurityContext.allowPrivilegeEscalation: true lets a process gain more privileges than its ` +
          `parent ${restricted}`,
        `${at}app.components.rocketchat.values.extraInitContainers[0].securityContext.capabilities.add: ["NET_ADMIN"] adds Linux capabilities ${restricted}`,
      ] },
    { title: 'host access', change: (c: Mutable) => (c.platform.components.alloy = { values: { controller: { hostNetwork: true } } }),
      problems: [`${at}platform.components.alloy.values.controller.hostNetwork: true shares the node's Network with the pod (allowed: false or leave it out)`],
    },
    { title: 'an unpinned image',
      change: (c: Mutable) => (c.app.components = { rocketchat: { values: { extraInitContainers: [{ name: 'debug', image: 'busybox' }] } } }),
      problems: [`${at}app.components.rocketchat.values.extraInitContainers[0].image: "busybox" has no pinned tag or digest (allowed: repository:tag with a ` +
        `tag other than latest, or repository@sha256:digest)`] },
    { title: 'the latest tag on a chart image', change: (c: Mutable) => (c.platform.components.loki = { values: { loki: { image: { tag: 'latest' } } } }),
      problems: [`${at}platform.components.loki.values.loki.image.tag: "latest" is not a pinned image tag (allowed: a version tag, or leave it out for the ` +
        `chart's pinned one)`] },
    { title: 'Rocket.Chat pods beyond their namespace quota',
      change: (c: Mutable) => (c.app.components = { rocketchat: { values: { resources: { requests: { cpu: '4', memory: '512Mi' } } } } }),
      problems: [`${at}app.components.rocketchat.values.resources.requests.cpu: "4" makes each pod need 4 CPU, and 3 pods (the autoscaler maximum plus two ` +
        `rollout surges) 12 CPU, more than the rocketchat namespace quota of 938m CPU (allowed: at most 312m CPU per pod, every container counted; the quota ` +
        `follows the tier's sizing, config/sizing.ts)`] },
    { title: 'a key a config field decides',
      change: (c: Mutable) => (c.platform.components.loki = { values: { loki: { limits_config: { retention_period: '1h' } } } }),
      problems: [`${at}platform.components.loki.values.loki.limits_config.retention_period: "1h" would change loki.limits_config.retention_period, which the ` +
        `project decides (allowed: set platform.observability.logsRetentionDays instead)`] },
    { title: "the autoscaler's replicas", change: (c: Mutable) => (c.app.components = { rocketchat: { values: { replicaCount: 5 } } }),
      problems: [`${at}app.components.rocketchat.values.replicaCount: 5 would change replicaCount, which the project decides (allowed: set ` +
        `app.rocketchat.replicas and app.rocketchat.autoscaling instead)`] },
    { title: 'a pinned image replaced', change: (c: Mutable) => (c.app.components = { rocketchat: { values: { image: { tag: '8.7.0' } } } }),
      problems: [`${at}app.components.rocketchat.values.image: {"tag":"8.7.0"} would change image, which the project decides (allowed: keys the project does ` +
        `not own; the image is the chart's pinned appVersion (config/versions.ts))`] },
    { title: 'the edge and its TLS replaced', change: (c: Mutable) => (c.app.components = { rocketchat: { values: { ingress: { tls: [] } } } }),
      problems: [`${at}app.components.rocketchat.values.ingress: {"tls":[]} would change ingress, which the project decides (allowed: set domain and ` +
        `platform.waf (the edge, its TLS and its firewall are the platform's) instead)`] },
    { title: 'a part of monitoring turned off through its values',
      change: (c: Mutable) => (c.platform.components.monitoring = { values: { alertmanager: { enabled: false } } }),
      problems: [`${at}platform.components.monitoring.values.alertmanager.enabled: false would change alertmanager.enabled, which the project decides ` +
        `(allowed: keys the project does not own; Alertmanager is how every alert reaches a person)`] },
    { title: 'a Service published past the edge',
      change: (c: Mutable) => (c.app.components = { rocketchat: { values: { service: { type: 'LoadBalancer' } } } }),
      problems: [`${at}app.components.rocketchat.values.service.type: "LoadBalancer" publishes the Service outside the cluster, past the HTTPS edge and its ` +
        `firewall (allowed: ClusterIP)`] },
    { title: "the MongoDB operator beyond the mongodb namespace's quota, through an init container",
      change: (c: Mutable) => (c.platform.components.mongodbOperator = { values: { extraInitContainers: [{ name: 'warm', image: 'busybox:1.37.0',
        resources: { requests: { memory: '2Gi' } } }] } }),
      problems: [`${at}platform.components.mongodbOperator.values.extraInitContainers[0].resources.requests.memory: "2Gi" makes each pod need 2176Mi, and 2 ` +
        `pods (the operator and its replacement during a rollout) 4352Mi, more than the mongodb namespace quota of 320Mi (allowed: at most 160Mi per pod, ` +
        `every container counted; the quota follows the tier's sizing, config/sizing.ts)`] },
    { title: 'values that are a list', change: (c: Mutable) => (c.platform.components.loki = { values: [1] }),
      problems: [`${at}platform.components.loki.values: must be an object of Helm values, got a list (allowed: an object of Helm values for the component's ` +
        `chart)`] },
    { title: 'a credential in values', change: (c: Mutable) => (c.platform.components.monitoring = { values: { grafana: { smtp: { password: 'hunter2' } } } }),
      problems: [`${at}platform.components.monitoring.values.grafana.smtp.password: holds a credential, which would sit in git and in the Terraform state ` +
        `(allowed: the chart's existing-secret setting, or app.components.rocketchat.secretEnv)`] },
    { title: 'an environment variable the project sets, and a credential in plain env',
      change: (c: Mutable) => (c.app.components = { rocketchat: { env: { MAIL_URL: 'smtp://x', GIPHY_API_TOKEN: 'abc' } } }),
      problems: [
        `${at}app.components.rocketchat.env.MAIL_URL: is set by the project (allowed: set app.rocketchat.smtp instead)`,
        `${at}app.components.rocketchat.env.GIPHY_API_TOKEN: looks like a credential, and env values sit in git and in the Terraform state (allowed: ` +
          `app.components.rocketchat.secretEnv naming a secret in the secret store)`,
      ] },
    { title: 'values for a component that is off', change: (c: Mutable) => (c.platform.components.tempo = { enabled: false, values: { replicas: 2 } }),
      problems: [`${at}platform.components.tempo.values: are set, but tempo is turned off, so they would go nowhere (allowed: remove them, or turn tempo on)`],
    },
    { title: 'a component of the other cloud', change: (c: Mutable) => (c.platform.components.albController = { values: {} }),
      problems: [`${at}platform.components.albController: is not a known field (allowed: monitoring, loki, tempo, alloy, certManager, externalDns, ` +
        `mongodbOperator, grafanaEdge, loadBalancerController, metricsServer, clusterAutoscaler)`] },
  ])('refuses $title with the path that did it, and writes nothing', ({ change, problems }) => {
    expect(refused(registryWith('aws-dev', change))).toEqual(problems);
  });
});

describe('toggles: <layer>.components.<name>.enabled', () => {
  const examples = synthExamples();

  it('aws-dev turns Tempo off: no release, identity, bucket or policy of it in the stacks, and Rocket.Chat sends no traces', () => {
    const platform = examples.stacks['aws-dev-platform']!;
    expect(mentions(platform, /tempo/gi)).toBe(0);
    expect(mentions(examples.stacks['aws-dev-app']!, /tempo|TRACING_ENABLED|OTEL_|alloy/g)).toBe(0);
    // The same environment with Tempo on has all of it (the other examples).
    expect(mentions(examples.stacks['azure-dev-platform']!, /tempo/gi)).toBeGreaterThan(10);
  });

  it('aws-dev turns Tempo off: nothing of it rendered, no OTLP in Alloy, no Tempo datasource, exemplar link or alert', () => {
    const objects = renderedExamples().releases.filter((r) => r.stack === 'aws-dev-platform').flatMap((r) => r.objects.map((o) => o.object));
    expect(objects.filter((o) => /tempo/.test(o.metadata?.name ?? ''))).toEqual([]);
    const alloy = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'alloy')!;
    expect(alloy.data['config.alloy']).not.toMatch(/otelcol|tempo/);
    expect(alloy.data['config.alloy']).toMatch(/loki\.write "default"/);
    const datasources = objects.filter((o) => o.kind === 'ConfigMap' && /datasource/.test(o.metadata.name)).map((o) => JSON.stringify(o.data)).join('\n');
    expect(datasources).toMatch(/Loki/);
    expect(datasources).not.toMatch(/tempo/i);
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.flatMap((g: Json) => g.rules.map((r: Json) => r.alert)));
    expect(rules).toContain('LokiIngestionFailing');
    expect(rules.filter((a: string) => /^Tempo/.test(a ?? ''))).toEqual([]);
  });

  it('every optional component off (Loki, Tempo, Alloy, external-dns, Grafana edge) leaves nothing of them; secretEnv comes from the secret store', () => {
    const config = example('aws-dev');
    config.platform.components = { loki: { enabled: false }, tempo: { enabled: false }, alloy: { enabled: false }, externalDns: { enabled: false },
      grafanaEdge: { enabled: false } };
    config.app.components = { rocketchat: { secretEnv: { GIPHY_API_KEY: 'aws-dev-giphy-key' } } };
    const { stacks } = synthWith({ 'aws-dev': config });
    const platform = stacks['aws-dev-platform']!;
    expect(mentions(platform, /loki|tempo|alloy|external-dns|grafana\.dev/gi)).toBe(0);
    // What depends on them in the other layers goes too: the CI plan identity's Secret namespaces, Rocket.Chat's OTLP egress.
    expect(mentions(stacks['aws-dev-cluster']!, /external-dns/g)).toBe(0);
    expect(mentions(stacks['aws-dev-app']!, /alloy|4317/g)).toBe(0);
    expect(resources(platform, 'kubernetes_namespace_v1').map((n) => n.metadata.name).sort()).toEqual(['cert-manager', 'mongodb', 'monitoring',
      'monitoring-node']);
    expect(resources(platform, 'helm_release').map((r) => r.name)).toEqual(expect.arrayContaining(['kube-prometheus-stack', 'cert-manager', 'psmdb-operator']));

    // Read at apply into the bootstrap Secret (the chart's extraSecret), never its value into git or cdktf.out.
    const app = stacks['aws-dev-app']!;
    const bootstrap = resources(app, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-bootstrap')!;
    expect(bootstrap.data.GIPHY_API_KEY).toMatch(/^\$\{data\.aws_secretsmanager_secret_version\.[^}]+\.secret_string\}$/);
    expect(Object.values<Json>(app.data.aws_secretsmanager_secret_version).map((d) => d.secret_id)).toContain('aws-dev-giphy-key');
  });

  it.each([
    { title: 'a component every environment needs', base: 'aws-dev' as const, change: (c: Mutable) => (c.platform.components.monitoring = { enabled: false }),
      problems: ['config/aws-dev: platform.components.monitoring.enabled: false is not possible: Prometheus, Alertmanager and Grafana are the metrics and ' +
        'alerting every environment is operated by (allowed: true or leave it out)'] },
    { title: 'logs off in prod', base: 'aws-prod' as const,
      change: (c: Mutable) => (c.platform.components = { loki: { enabled: false }, alloy: { enabled: false } }),
      problems: [
        'config/aws-prod: platform.components.loki.enabled: false is refused in prod: prod keeps its logs, the record an incident review and an audit ' +
          'read (allowed: true in prod)',
        'config/aws-prod: platform.components.alloy.enabled: false is refused in prod: prod keeps its logs, and Alloy is what ships them to Loki ' +
          '(allowed: true in prod)',
      ] },
    { title: 'Alloy with nowhere to send', base: 'aws-dev' as const,
      change: (c: Mutable) => { c.platform.components.loki = { enabled: false }; c.platform.components.alloy = { enabled: true }; },
      problems: ['config/aws-dev: platform.components.alloy.enabled: true with both Loki and Tempo off leaves Alloy nowhere to send logs or traces (allowed: ' +
        'false or leave it out, or turn platform.components.loki or platform.components.tempo on)'] },
    { title: 'Loki with nothing shipping to it', base: 'aws-dev' as const, change: (c: Mutable) => (c.platform.components.alloy = { enabled: false }),
      problems: ['config/aws-dev: platform.components.alloy.enabled: false leaves Loki with no logs: nothing else ships them (allowed: true or leave it out, ' +
        'or turn platform.components.loki off too)'] },
    { title: 'Rocket.Chat traces with Tempo off', base: 'aws-dev' as const, change: (c: Mutable) => (c.app.rocketchat.tracing = true),
      problems: ['config/aws-dev: app.rocketchat.tracing: true needs Tempo, which platform.components.tempo.enabled turns off (allowed: false or leave it ' +
        'out, or turn Tempo on)'] },
    { title: 'Rocket.Chat traces with Alloy off', base: 'azure-dev' as const,
      change: (c: Mutable) => {
        c.platform.components = { loki: { enabled: false }, tempo: { enabled: false }, alloy: { enabled: false } };
        c.app.rocketchat.tracing = true;
      },
      problems: ['config/azure-dev: app.rocketchat.tracing: true needs Tempo, which platform.components.tempo.enabled turns off (allowed: false or leave it ' +
        'out, or turn Tempo on)'] },
  ])('refuses $title with its reason', ({ base, change, problems }) => {
    expect(refused(registryWith(base, change))).toEqual(problems);
  });
});
