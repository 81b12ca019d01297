/**
 * Issue 26, items 4 and 8: every alert the project writes, run by Prometheus's own rule engine
 * (`promtool test rules`) on the rules as Helm renders them, firing on the failure it names and
 * silent on a healthy system; the SLO burn-rate alerts page on a fast burn and open a ticket on a
 * slow one. The rendered Alertmanager configuration of every example passes `amtool
 * check-config`, and `amtool config routes test` shows where Watchdog, a page and a ticket go.
 * promtool runs once for every case file; amtool once for the check and once per routed alert.
 */
import { Buffer } from 'node:buffer';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { ALERT_TESTS, type AlertCase } from './support/alert-cases';
import { renderedExamples, renderedObjectsOf, resources, synthExamples, type Json } from './support';
import { failureOf, forAmtool, promtoolPassed, runTool, toolVersion, type ToolRun } from './support/prometheus-tools';

const ENVS = Object.keys(ENVIRONMENTS);
const RULES_FILE = 'rules.yml';
const PREVIOUS = '[previous rule]';
/**
 * Rules as they were before a fix (or the plausible wrong rule a case guards against), whose cases
 * must fail: the named cases, else every firing one; with `severity`, only that rule of the alert
 * is replaced; with `record`, the recording rule of that name in the alert's group instead.
 */
const PREVIOUS_RULES: readonly { alert: string; expr: string; severity?: string; record?: string; cases?: readonly string[] }[] = [
  { alert: 'MongoDBConnectionsLow', expr: 'mongodb_ss_connections{conn_type="available"} / (mongodb_ss_connections{conn_type="available"} + ' +
    'mongodb_ss_connections{conn_type="current"}) < 0.1' },
  { alert: 'MongoDBReplicationLag', expr: 'max by (namespace, pod) (mongodb_mongod_replset_member_replication_lag) > 10' },
  // The 24-hour error objective's page before the on-call review: no floor on failures.
  {
    alert: 'RocketChatErrorBudgetBurn',
    severity: 'critical',
    expr: '(slo:sli_error:ratio_rate5m{slo="errors"} > 0.0144 and slo:sli_error:ratio_rate5m{slo="errors"} > 0.0144) or ' +
      '(slo:sli_error:ratio_rate12m{slo="errors"} > 0.006 and slo:sli_error:ratio_rate5m{slo="errors"} > 0.006)',
    cases: ['night: a burst of 3 errors among 20 calls pages nobody (4 minutes on)'],
  },
  // Availability before the on-call review: zero ready pods counted as bad while DR is held for its restore.
  {
    alert: 'RocketChatAvailabilityBudgetBurn',
    record: 'slo:sli_error:bad',
    expr: 'sum(kube_deployment_status_replicas_available{namespace="rocketchat", deployment="rocketchat-rocketchat"}) < bool 1',
    cases: ['held for restore: no pod desired, none ready, for 2 hours', 'serve: true after a 2-hour hold: pods ready 4 minutes after they are wanted ' +
      'page nobody', "a new environment's first deploy: pods ready 4 minutes after the Deployment is created page nobody"],
  },
  // A rule counting ACTIVE ingesters would page for every pod that leaves the ring gracefully and takes a while to return.
  { alert: 'TempoIngesterUnhealthy', expr: 'max(tempo_ring_members{name="ingester", state="ACTIVE"}) < 3',
    cases: ['a drain: one ingester left gracefully and is back after 25 minutes'] },
];
const DASHBOARD_RULES = 'dashboard-queries.rules.yml';

let dir: string;
let promtool: ToolRun;
let passed: Map<string, boolean>;
let checkRules: ToolRun;
let stacks: Record<string, Json>;

afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const kps = (env: string): Json[] => renderedObjectsOf(`${env}-platform`, 'kube-prometheus-stack');

/** The PrometheusRule the project adds to kube-prometheus-stack (additionalPrometheusRulesMap.platform), as rendered. */
const projectRules = (env: string): Json => {
  const found = kps(env).filter((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'kube-prometheus-stack-platform');
  expect(found, env).toHaveLength(1);
  return found[0]!.spec;
};
const alertNames = (spec: Json): string[] => [...new Set<string>(spec.groups.flatMap((g: Json) => g.rules.filter((r: Json) => r.alert).map((r: Json) => r
  .alert)))];

/** One promtool test group per case; series in promtool's `series`/`values` form. */
function promtoolTest(alert: string, c: AlertCase): object {
  return {
    name: c.name,
    interval: c.interval ?? '1m',
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: [{ eval_time: c.at, alertname: alert, exp_alerts: c.alerts.map((a) => ({ exp_labels: a.labels, exp_annotations: a.annotations })) }],
  };
}

beforeAll(async () => {
  toolVersion('promtool');
  stacks = synthExamples().stacks;
  dir = mkdtempSync(join(tmpdir(), 'alerts-promtool-'));
  for (const env of ENVS) writeFileSync(join(dir, `${env}-${RULES_FILE}`), stringify(projectRules(env)));
  // One file per rendered group: promtool evaluates every rule it loads at every step, so each
  // case loads only its alert's group (the SLO groups' day-long windows would slow every case).
  const groupFile = new Map<string, string>();
  for (const env of new Set(ALERT_TESTS.map((t) => t.env ?? 'aws-prod'))) {
    for (const group of projectRules(env).groups as Json[]) {
      const file = `${env}.${group.name}.rules.yml`;
      writeFileSync(join(dir, file), stringify({ groups: [group] }));
      for (const r of group.rules) if (r.alert) groupFile.set(`${env}/${r.alert}`, file);
    }
  }
  const files = ALERT_TESTS.map(({ alert, env, cases, evaluationInterval }) => {
    const file = `${alert}.test.yml`;
    const rules = groupFile.get(`${env ?? 'aws-prod'}/${alert}`) ?? `no group of ${env ?? 'aws-prod'} has ${alert}`;
    writeFileSync(join(dir, file), stringify({ rule_files: [rules], evaluation_interval: evaluationInterval ?? '1m', tests: cases.map((c) =>
      promtoolTest(alert, c)) }));
    return file;
  });
  // The same cases against the rules issue 26 replaced: they must fail, or they prove nothing.
  for (const { alert, expr, severity, record, cases: named } of PREVIOUS_RULES) {
    const file = groupFile.get(`${ALERT_TESTS.find((t) => t.alert === alert)!.env ?? 'aws-prod'}/${alert}`)!;
    const spec = parse(readFileSync(join(dir, file), 'utf8')) as Json;
    const replaced = (spec.groups[0].rules as Json[]).filter((r) => (record ? r.record === record : r.alert === alert && (!severity || r.labels
      .severity === severity)));
    expect(replaced.length, `${alert}: the previous rule replaces one`).toBeGreaterThan(0);
    for (const r of replaced) r.expr = expr;
    writeFileSync(join(dir, `${alert}.previous.rules.yml`), stringify(spec));
    const all = ALERT_TESTS.find((t) => t.alert === alert)!.cases;
    const cases = named ? all.filter((c) => named.includes(c.name)) : all.filter((c) => c.alerts.length > 0);
    expect(cases.length, `${alert}: previous cases`).toBe(named?.length ?? cases.length);
    writeFileSync(join(dir, `${alert}.previous.test.yml`), stringify({ rule_files: [`${alert}.previous.rules.yml`], tests: cases.map((c) =>
      promtoolTest(alert, { ...c, name: `${c.name} ${PREVIOUS}` })) }));
    files.push(`${alert}.previous.test.yml`);
  }
  // Every dashboard panel's query, as a recording rule, so promtool parses it too.
  const panels = resources(stacks['aws-prod-platform']!, 'kubernetes_config_map_v1')
    .filter((m) => m.metadata.labels?.grafana_dashboard === '1')
    .flatMap((m) => Object.values<string>(m.data).flatMap((json) => (JSON.parse(json) as Json).panels.map((p: Json) => ({ title: p.title, expr: p.targets[0]
      .expr }))));
  expect(panels.length).toBeGreaterThan(20);
  writeFileSync(join(dir, DASHBOARD_RULES), stringify({ groups: [{ name: 'dashboards', rules: panels.map((p: Json, i: number) => ({
    record: `dashboard:panel_${i}:check`, expr: p.expr, labels: { title: p.title } })) }] }));
  [promtool, checkRules] = await Promise.all([
    runTool('promtool', ['test', 'rules', ...files], dir),
    runTool('promtool', ['check', 'rules', ...ENVS.map((e) => `${e}-${RULES_FILE}`), DASHBOARD_RULES], dir),
  ]);
  passed = promtoolPassed(promtool.stdout);
}, 60_000);

describe('promtool: every project alert fires on its failure and stays silent when healthy', () => {
  it('the rendered rules of every example, and every dashboard query, load in promtool (syntax, templates, durations)', () => {
    expect(checkRules.stderr + checkRules.stdout).not.toMatch(/FAILED/);
    expect(checkRules.code).toBe(0);
  });

  it('the only PrometheusRule the project writes is kube-prometheus-stack-platform (no other release or manifest holds one)', () => {
    const manifests = Object.values<Json>(stacks).flatMap((s) => Object.values<Json>(s.resource?.kubernetes_manifest ?? {})).filter((m) => m
      .manifest?.kind === 'PrometheusRule');
    expect(manifests).toEqual([]);
    const elsewhere = renderedExamples().releases.filter((r) => r.name !== 'kube-prometheus-stack' && r.objects.some((o) => o.object
      .kind === 'PrometheusRule'));
    expect(elsewhere.map((r) => `${r.stack}/${r.name}`)).toEqual([]);
  });

  it('every alert any example renders has a firing and a silent case, run against an example that renders it', () => {
    const rendered = [...new Set(ENVS.flatMap((env) => alertNames(projectRules(env))))].sort();
    expect(ALERT_TESTS.map((t) => t.alert).sort()).toEqual(rendered);
    for (const { alert, env, cases } of ALERT_TESTS) {
      expect(alertNames(projectRules(env ?? 'aws-prod')), `${alert} in ${env ?? 'aws-prod'}`).toContain(alert);
      expect(cases.some((c) => c.alerts.length > 0), `${alert}: a firing case`).toBe(true);
      expect(cases.some((c) => c.alerts.length === 0), `${alert}: a silent case`).toBe(true);
    }
  });

  it('an environment with objectives has burn-rate alerts instead of the fixed REST 5xx and mean-latency thresholds', () => {
    const burn = ['RocketChatAvailabilityBudgetBurn', 'RocketChatLatencyBudgetBurn', 'RocketChatErrorBudgetBurn'];
    const fixed = ['RocketChatHigh5xxRate', 'RocketChatHighMeanLatency'];
    for (const env of ['aws-prod', 'aws-dr', 'azure-prod', 'azure-dr']) {
      expect(alertNames(projectRules(env)), env).toEqual(expect.arrayContaining(burn));
      expect(alertNames(projectRules(env)).filter((a) => fixed.includes(a)), env).toEqual([]);
    }
    for (const env of ['aws-dev', 'azure-dev']) {
      expect(alertNames(projectRules(env)), env).toEqual(expect.arrayContaining(fixed));
      expect(alertNames(projectRules(env)).filter((a) => burn.includes(a)), env).toEqual([]);
    }
  });

  it.each(ALERT_TESTS.map((t) => [t.alert, t.cases.map((c) => c.name).join('; ')]))('%s: %s', (alert) => {
    const result = passed.get(`${alert}.test.yml`);
    expect(result, `promtool did not test ${alert}:\n${promtool.stdout}${promtool.stderr}`).toBeDefined();
    // The failing case's name, what was expected and what promtool got, straight from its report.
    expect(result, failureOf(promtool.stderr, alert, PREVIOUS)).toBe(true);
  });

  it.each(PREVIOUS_RULES.map((r) => [r.alert, r.expr]))('the cases catch the previous %s: %s', (alert) => {
    expect(passed.get(`${alert}.previous.test.yml`)).toBe(false);
  });
});

describe('missing tools', () => {
  it('a missing promtool or amtool fails the tests with the command that installs it', () => {
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      expect(() => toolVersion('promtool')).toThrow('promtool is not on the PATH: install it with `apt-get install -y prometheus` (Debian/Ubuntu) to run ' +
        'the alert tests');
      expect(() => toolVersion('amtool')).toThrow('amtool is not on the PATH: install it with `apt-get install -y prometheus-alertmanager` ' +
        '(Debian/Ubuntu) to run the alert tests');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('amtool: the rendered Alertmanager configuration', () => {
  let amtoolVersion: string;
  const configs = new Map<string, { file: string; replaced: string[] }>();
  let check: ToolRun;

  beforeAll(async () => {
    amtoolVersion = toolVersion('amtool');
    for (const env of ENVS) {
      const secret = kps(env).find((o) => o.kind === 'Secret' && o.metadata.name === 'alertmanager-kube-prometheus-stack-alertmanager')!;
      const { config, replaced } = forAmtool(parse(Buffer.from(secret.data['alertmanager.yaml'], 'base64').toString('utf8')), amtoolVersion);
      const file = join(dir, `${env}-alertmanager.yml`);
      writeFileSync(file, stringify(config));
      configs.set(env, { file, replaced });
    }
    check = await runTool('amtool', ['check-config', ...ENVS.map((e) => configs.get(e)!.file)]);
  }, 30_000);

  it('passes check-config in every example (amtool older than 0.26 reads webhook url_file as a placeholder url)', () => {
    expect(check.stdout + check.stderr).not.toMatch(/FAILED/);
    expect(check.code).toBe(0);
    if (amtoolVersion.startsWith('0.25.')) {
      expect(configs.get('aws-prod')!.replaced).toEqual(['/etc/alertmanager/secrets/alertmanager-receivers/heartbeat-url',
        '/etc/alertmanager/secrets/alertmanager-receivers/on-call-url']);
      expect(configs.get('azure-dev')!.replaced).toEqual([]);
    }
  });

  /**
   * Every example notifies with its environment first in the title: the rendered Prometheus puts
   * `environment` on its alerts (externalLabels), and amtool renders each receiver's rendered title
   * template with Alertmanager's own default templates (Debian's prometheus-alertmanager ships them).
   */
  it('titles every Slack message and e-mail with the environment the alert comes from', async () => {
    const defaults = '/usr/share/prometheus/alertmanager/*.tmpl';
    expect(existsSync('/usr/share/prometheus/alertmanager/default.tmpl'), "Alertmanager's default templates (package prometheus-alertmanager) at " +
      "/usr/share/prometheus/alertmanager").toBe(true);
    const titles: [string, string, string][] = [];
    for (const env of ENVS) {
      const prometheus = kps(env).find((o) => o.kind === 'Prometheus')!;
      expect(prometheus.spec.externalLabels, env).toEqual({ environment: env, cloud: env.split('-')[0] });
      const labels = { alertname: 'RocketChatErrorBudgetBurn', severity: 'critical', slo: 'errors', ...prometheus.spec.externalLabels };
      const data = { receiver: 'x', status: 'firing', alerts: [{ status: 'firing', labels, annotations: {} }], groupLabels: { alertname: labels.alertname },
        commonLabels: labels, commonAnnotations: {}, externalURL: 'https://alertmanager.example' };
      writeFileSync(join(dir, `${env}-template-data.json`), JSON.stringify(data));
      const config = parse(readFileSync(configs.get(env)!.file, 'utf8')) as Json;
      for (const r of config.receivers as Json[]) {
        for (const c of r.slack_configs ?? []) titles.push([env, `${r.name} title`, c.title], [env, `${r.name} fallback`, c.fallback]);
        for (const c of r.email_configs ?? []) titles.push([env, `${r.name} subject`, c.headers?.Subject]);
      }
    }
    expect(titles.length).toBeGreaterThanOrEqual(ENVS.length);
    // One amtool run per example: its titles joined by a line no title renders.
    const SEPARATOR = '\n=====\n';
    const rendered = (await Promise.all(ENVS.map(async (env) => {
      const mine = titles.filter(([e]) => e === env);
      const text = mine.map(([, , t]) => t ?? '(none)').join(SEPARATOR);
      const r = await runTool('amtool', ['template', 'render', `--template.glob=${defaults}`, `--template.text=${text}`,
        `--template.data=${join(dir, `${env}-template-data.json`)}`]);
      expect(r.code, `${env}: ${r.stderr}`).toBe(0);
      const out = r.stdout.split(SEPARATOR);
      expect(out, env).toHaveLength(mine.length);
      return mine.map(([, what], i) => `${env} ${what}: ${out[i]}`);
    }))).flat();
    expect(rendered).toHaveLength(titles.length);
    for (const line of rendered) {
      const env = line.split(' ')[0]!;
      expect(line).toMatch(new RegExp(`^${env} \\S+ \\w+: \\[${env}\\] \\[FIRING:1\\] RocketChatErrorBudgetBurn`));
    }
  });

  /** Where each alert goes in the examples: receivers in routing order. */
  const EXAMPLE_ROUTES: Record<string, { watchdog: string; page: string; ticket: string }> = {
    'aws-prod': { watchdog: 'heartbeat', page: 'team-slack,on-call', ticket: 'team-slack' },
    'aws-dr': { watchdog: 'heartbeat', page: 'team-slack,on-call', ticket: 'team-slack' },
    'azure-prod': { watchdog: 'heartbeat', page: 'team-slack,on-call-mail', ticket: 'team-slack' },
    'azure-dr': { watchdog: 'heartbeat', page: 'team-slack,on-call-mail', ticket: 'team-slack' },
    // Dev: no heartbeat, and its Slack receiver asks for critical alerts only.
    'aws-dev': { watchdog: 'null', page: 'team-slack', ticket: 'null' },
    'azure-dev': { watchdog: 'null', page: 'team-slack', ticket: 'null' },
  };

  it('routes Watchdog to the heartbeat, a page (critical) to on-call and chat, a ticket (warning) to chat only', async () => {
    const route = async (env: string, labels: string[]) => {
      const r = await runTool('amtool', ['config', 'routes', 'test', `--config.file=${configs.get(env)!.file}`, ...labels]);
      expect(r.code, `${env} ${labels.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout.trim();
    };
    const got = Object.fromEntries(await Promise.all(ENVS.map(async (env) => {
      const [watchdog, page, ticket] = await Promise.all([route(env, ['alertname=Watchdog', 'severity=none']),
        route(env, ['alertname=RocketChatErrorBudgetBurn', 'severity=critical', 'slo=errors']),
        route(env, ['alertname=RocketChatErrorBudgetBurn', 'severity=warning', 'slo=errors'])]);
      return [env, { watchdog, page, ticket }];
    })));
    expect(got).toMatchObject(EXAMPLE_ROUTES);
    // Any environment: Watchdog to its heartbeat, else dropped; each severity to the receivers that list it, else dropped.
    for (const env of loadEnvironments(ENVIRONMENTS, undefined)) {
      const { receivers, heartbeat } = env.platform.alerting;
      const asking = (severity: string) => receivers.filter((r) => (r.severities as readonly string[]).includes(severity)).map((r) => r.name).join(',') ||
        'null';
      expect(got[env.name], env.name).toEqual({ watchdog: heartbeat ? 'heartbeat' : 'null', page: asking('critical'), ticket: asking('warning') });
    }
  });
});
