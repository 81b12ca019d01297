/**
 * Issue 16, item 1: backups watched, a dead man's switch, Prometheus and Alertmanager that
 * survive a node or a zone, and Loki/Tempo ingestion alerts. Each rule is asserted as the
 * literal PromQL it ships, next to the signal it reads: the kube-state-metrics custom resource
 * config and RBAC, the ServiceMonitors, and the Alertmanager config are read from the rendered
 * manifests of the run's one render (global-setup.ts).
 */
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fullBackupIntervalHours, pitrMaxLagSeconds } from '../constructs/app/mongodb-alerts';
import type { AlertRule } from '../constructs/platform/alert-rule';
import { PSMDB_METRICS } from '../constructs/platform/mongodb-operator/backup-metrics';
import { alertGroups } from '../stacks/platform-alerts';
import { clone, example, type Json, parsed, problemsOf, renderedObjectsOf, resources, synthExamples, validate } from './support';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const kps = (env: string): Json[] => renderedObjectsOf(`${env}-platform`, 'kube-prometheus-stack');
const one = (objects: Json[], kind: string, name: string): Json => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** The rules as the rendered PrometheusRule carries them, by alert name. */
const renderedRules = (env: string): Map<string, Json> =>
  new Map(one(kps(env), 'PrometheusRule', 'kube-prometheus-stack-platform').spec.groups.flatMap((g: Json) => g.rules.map((r: Json) => [r.alert, r])));
const rule = (env: string, name: string): Json => {
  const found = renderedRules(env).get(name);
  if (!found) throw new Error(`no rule ${name} in ${env}`);
  return found;
};
const alertmanagerYaml = (env: string): Json =>
  parse(Buffer.from(one(kps(env), 'Secret', 'alertmanager-kube-prometheus-stack-alertmanager').data['alertmanager.yaml'], 'base64').toString('utf8'));
const ksmConfig = (env: string): Json => parse(one(kps(env), 'ConfigMap', 'kube-prometheus-stack-kube-state-metrics-customresourcestate-config')
  .data['config.yaml']);

const READY_FULL = 'kube_psmdb_backup_completed_timestamp_seconds{type!="incremental"} and on (namespace, name) kube_psmdb_backup_state{state=~"ready"} == 1';

describe('MongoDB backup alerts', () => {
  it('the last full backup is measured against the schedule: daily 24 h, weekly 168 h, plus 4 h to finish', () => {
    expect(fullBackupIntervalHours('30 1 * * *')).toBe(24);
    expect(fullBackupIntervalHours('0 2 * * 0')).toBe(168);
    // What fires and when: the promtool cases (support/alert-cases.ts). Here: the threshold, 24 h + 4 h, for the last full backup and a new cluster.
    expect(rule('aws-prod', 'MongoDBFullBackupTooOld')).toMatchObject({ for: '15m', labels: { severity: 'critical' } });
    const tooOld = rule('aws-prod', 'MongoDBFullBackupTooOld').expr;
    expect(tooOld).toContain(`(${READY_FULL}) > 100800) or `);
    expect(tooOld).toContain('(kube_psmdb_created_timestamp_seconds) > 100800 unless');
    const weekly = clone(parsed('azure-prod'));
    (weekly.app.backups as { fullBackupSchedule: string }).fullBackupSchedule = '0 3 * * 6';
    const expr = alertGroups(weekly).flatMap((g) => g.rules).find((r) => r.alert === 'MongoDBFullBackupTooOld')!.expr;
    expect(expr).toContain('> 619200');
  });

  it('point-in-time recovery lag is measured against the oplog span (2 spans + 10 min), paused while a backup runs', () => {
    expect(pitrMaxLagSeconds(parsed('aws-prod').app.backups)).toBe(1200);
    expect(pitrMaxLagSeconds(parsed('aws-dev').app.backups)).toBe(1800);
    expect(rule('aws-prod', 'MongoDBPITRLagging')).toMatchObject({ for: '5m', labels: { severity: 'critical' } });
    const paused = 'unless on (namespace, psmdb_cluster) (kube_psmdb_backup_state{state=~"requested|running"} == 1)';
    expect(rule('aws-prod', 'MongoDBPITRLagging').expr).toContain(`) > 1200 ${paused}`);
    expect(rule('aws-dev', 'MongoDBPITRLagging').expr).toContain(') > 1800 unless');
  });

  it('a failed backup alerts until a later one succeeds; a stuck backup and a failed restore alert too', () => {
    // A failure newer than the last success (promtool cases: "the newest attempt failed after an older success", "an old failure followed by a success").
    expect(rule('azure-prod', 'MongoDBBackupFailed')).toMatchObject({ labels: { severity: 'warning' } });
    expect(rule('azure-prod', 'MongoDBBackupFailed').expr).toContain('kube_psmdb_backup_state{state=~"error"} == 1) > on (namespace, psmdb_cluster)');
    expect(rule('azure-prod', 'MongoDBBackupStuck')).toMatchObject({ labels: { severity: 'critical' } });
    expect(rule('azure-prod', 'MongoDBBackupStuck').expr).toContain('kube_psmdb_backup_state{state=~"waiting|requested|running"} == 1) > 14400');
    expect(rule('azure-prod', 'MongoDBRestoreFailed')).toMatchObject({ expr: 'kube_psmdb_restore_state{state=~"error|rejected"} == 1', labels: {
      severity: 'critical' } });
    expect(rule('azure-prod', 'MongoDBBackupConfigNotApplied')).toMatchObject({ expr: 'kube_psmdb_status_condition{condition="PBMReady"} == 0', for: '15m' });
    expect(rule('azure-prod', 'MongoDBBackupStatusMissing')).toMatchObject({ expr: 'absent(kube_psmdb_created_timestamp_seconds{namespace="mongodb"}) ' +
      'and on () kube_namespace_created{namespace="rocketchat"}', for: '30m' });
  });

  it('every backup metric a rule reads is one kube-state-metrics is configured to export', () => {
    const config = ksmConfig('aws-prod');
    const exported = config.spec.resources.flatMap((r: Json) => r.metrics.map((m: Json) => `${r.metricNamePrefix}_${m.name}`));
    expect(exported.sort()).toEqual(Object.values(PSMDB_METRICS).sort());
    const read = [...renderedRules('aws-prod').values()].flatMap((r) => r.expr.match(/kube_psmdb_\w+/g) ?? []);
    expect(new Set(read)).toEqual(new Set(Object.values(PSMDB_METRICS)));
  });
});

describe('kube-state-metrics reads the Percona operator status', () => {
  it('turns each backup, restore and cluster status field into a metric (operator 1.22.0 CRD fields)', () => {
    const [backup, restore, cluster] = ksmConfig('aws-prod').spec.resources;
    expect(backup.groupVersionKind).toEqual({ group: 'psmdb.percona.com', version: 'v1', kind: 'PerconaServerMongoDBBackup' });
    expect(backup.resourcePlural).toBe('perconaservermongodbbackups');
    expect(backup.labelsFromPath).toEqual({ namespace: ['metadata', 'namespace'], name: ['metadata', 'name'], psmdb_cluster: ['spec', 'clusterName'],
      type: ['status', 'type'] });
    const backupMetric = (name: string) => backup.metrics.find((m: Json) => m.name === name).each;
    expect(backupMetric('state')).toEqual({ type: 'StateSet', stateSet: { labelName: 'state', path: ['status', 'state'], list: ['waiting', 'requested',
      'running', 'error', 'ready'] } });
    expect(backupMetric('completed_timestamp_seconds')).toEqual({ type: 'Gauge', gauge: { path: ['status', 'completed'], nilIsZero: true } });
    expect(backupMetric('latest_restorable_timestamp_seconds')).toEqual({ type: 'Gauge', gauge: { path: ['status', 'latestRestorableTime'],
      nilIsZero: true } });
    expect(backupMetric('created_timestamp_seconds')).toEqual({ type: 'Gauge', gauge: { path: ['metadata', 'creationTimestamp'], nilIsZero: true } });
    expect(restore.groupVersionKind.kind).toBe('PerconaServerMongoDBRestore');
    expect(restore.metrics[0].each.stateSet.list).toEqual(['waiting', 'requested', 'rejected', 'running', 'error', 'ready']);
    expect(cluster.groupVersionKind.kind).toBe('PerconaServerMongoDB');
    expect(cluster.metrics.find((m: Json) => m.name === 'status_condition').each).toEqual({
      type: 'Gauge',
      gauge: { path: ['status', 'conditions'], labelsFromPath: { condition: ['type'] }, valueFrom: ['status'] },
    });
  });

  it('runs with the config mounted and may list and watch exactly those kinds', () => {
    const objects = kps('azure-prod');
    const args: string[] = one(objects, 'Deployment', 'kube-prometheus-stack-kube-state-metrics').spec.template.spec.containers[0].args;
    expect(args).toContain('--custom-resource-state-config-file=/etc/customresourcestate/config.yaml');
    const rules: Json[] = one(objects, 'ClusterRole', 'kube-prometheus-stack-kube-state-metrics').rules;
    expect(rules).toContainEqual({ apiGroups: ['psmdb.percona.com'], resources: ['perconaservermongodbs', 'perconaservermongodbbackups',
      'perconaservermongodbrestores'], verbs: ['list', 'watch'] });
    expect(rules.filter((r) => r.apiGroups.includes('psmdb.percona.com'))).toHaveLength(1);
  });
});

describe('Loki and Tempo ingestion alerts', () => {
  it('Loki: Alloy drops, push 5xx, ingester append timeouts, discarded lines and failed flushes', () => {
    const loki = rule('aws-prod', 'LokiIngestionFailing').expr;
    expect(loki).toContain('sum(rate(loki_write_dropped_entries_total[5m])) > 0 or ');
    expect(loki).toContain('loki_request_duration_seconds_count{route=~"loki_api_v1_push|otlp_v1_logs", status_code=~"5.."}[5m])) > 0 or ');
    expect(loki).toContain('sum(rate(loki_distributor_ingester_append_timeouts_total[5m])) > 0');
    expect(rule('aws-prod', 'LokiDiscardingLogs').expr).toBe('sum by (reason) (rate(loki_discarded_samples_total[5m])) > 0');
    expect(rule('aws-prod', 'LokiFlushFailing').expr).toBe('sum(increase(loki_ingester_chunks_flush_failures_total[15m])) > 0');
  });

  it('Tempo: Alloy export failures, refused spans (either exposition name), ingester append failures, discards and failed flushes', () => {
    const tempo = rule('aws-prod', 'TempoIngestionFailing').expr;
    expect(tempo).toContain('sum(rate(otelcol_exporter_send_failed_spans_total[5m])) > 0 or ');
    expect(tempo).toContain('sum(rate({__name__=~"tempo_receiver_refused_spans(_total)?"}[5m])) > 0 or ');
    expect(tempo).toContain('sum(rate(tempo_distributor_ingester_append_failures_total[5m])) > 0');
    expect(rule('aws-prod', 'TempoDiscardingSpans').expr).toBe('sum by (reason) (rate(tempo_discarded_spans_total[5m])) > 0');
    expect(rule('aws-prod', 'TempoFlushFailing').expr).toBe('sum(increase(tempo_ingester_failed_flushes_total[15m])) > 0');
  });

  it('Loki, Tempo and Alloy are scraped through their charts’ ServiceMonitors', () => {
    const monitor = (release: string): Json => one(renderedObjectsOf('aws-prod-platform', release), 'ServiceMonitor', release).spec;
    expect(monitor('loki').endpoints.map((e: Json) => e.port)).toEqual(['http-metrics']);
    expect(monitor('loki').selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'loki', 'app.kubernetes.io/name': 'loki' });
    expect(monitor('tempo').endpoints.map((e: Json) => e.port)).toEqual(['tempo-prom-metrics']);
    expect(monitor('alloy').endpoints.length).toBeGreaterThan(0);
  });

  it('every rule is severity-labelled and every severity is one a receiver can ask for', () => {
    const all: AlertRule[] = alertGroups(parsed('aws-prod')).flatMap((g) => [...g.rules]);
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
    for (const r of all) expect(['critical', 'warning', 'info']).toContain(r.labels.severity);
  });
});

describe("dead man's switch", () => {
  it('prod routes Watchdog to the heartbeat receiver every minute, first, and nowhere else', () => {
    for (const env of ['aws-prod', 'azure-prod']) {
      const config = alertmanagerYaml(env);
      expect(config.route.routes[0]).toEqual({ receiver: 'heartbeat', matchers: ['alertname = "Watchdog"'], group_wait: '0s', group_interval: '1m',
        repeat_interval: '1m' });
      expect(config.route.routes[0].continue).toBeUndefined();
      expect(config.receivers.find((r: Json) => r.name === 'heartbeat')).toEqual({ name: 'heartbeat',
        webhook_configs: [{ url_file: '/etc/alertmanager/secrets/alertmanager-receivers/heartbeat-url', send_resolved: false, max_alerts: 1 }] });
    }
  });

  it('reads the heartbeat URL from the secret store like the other receivers', () => {
    const aws = resources(stacks['aws-prod-platform']!, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'alertmanager-receivers')!;
    expect(aws.data['heartbeat-url']).toMatch(/^\$\{data\.aws_secretsmanager_secret_version\.cloud_receiver-heartbeat-value_\w+\.secret_string\}$/);
    expect(Object.values<Json>(stacks['aws-prod-platform']!.data.aws_secretsmanager_secret_version).map((d) => d.secret_id))
      .toContain('aws-prod-alerts-heartbeat-url');
    const azure = resources(stacks['azure-prod-platform']!, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'alertmanager-receivers')!;
    expect(azure.data['heartbeat-url']).toMatch(/^\$\{data\.azurerm_key_vault_secret\..+\.value\}$/);
    expect(Object.values<Json>(stacks['azure-prod-platform']!.data.azurerm_key_vault_secret).map((d) => d.name)).toContain('alerts-heartbeat-url');
  });

  it('dev has no heartbeat: Watchdog is dropped', () => {
    const config = alertmanagerYaml('aws-dev');
    expect(config.route.routes[0]).toEqual({ receiver: 'null', matchers: ['alertname = "Watchdog"'] });
    expect(config.receivers.map((r: Json) => r.name)).not.toContain('heartbeat');
  });

  it('prod without a heartbeat, and a receiver named heartbeat, are refused', () => {
    const noHeartbeat = example('aws-prod');
    delete noHeartbeat.platform.alerting.heartbeat;
    expect(problemsOf(validate('aws-prod', noHeartbeat))).toEqual([
      'config/aws-prod: platform.alerting.heartbeat: prod has no heartbeat, so nobody notices when Prometheus or Alertmanager stops (allowed: { ' +
        'urlSecret } naming the secret with the ping URL)',
    ]);
    const clash = example('aws-dev');
    clash.platform.alerting.receivers[0].name = 'heartbeat';
    expect(problemsOf(validate('aws-dev', clash))).toEqual([
      'config/aws-dev: platform.alerting.receivers[0].name: "heartbeat" is the receiver of platform.alerting.heartbeat (allowed: any other name)',
    ]);
  });
});

describe('Prometheus and Alertmanager in prod', () => {
  const zoneAntiAffinity = (app: string, key: string, value: string) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{
    topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [app] },
      { key, operator: 'In', values: [value] }] } }] } });

  it.each(['aws-prod', 'azure-prod'])('%s: two replicas each, in different zones', (env) => {
    const prometheus = one(kps(env), 'Prometheus', 'kube-prometheus-stack-prometheus').spec;
    const alertmanager = one(kps(env), 'Alertmanager', 'kube-prometheus-stack-alertmanager').spec;
    expect(prometheus.replicas).toBe(2);
    expect(alertmanager.replicas).toBe(2);
    expect(prometheus.affinity).toEqual(zoneAntiAffinity('prometheus', 'app.kubernetes.io/instance', 'kube-prometheus-stack-prometheus'));
    expect(alertmanager.affinity).toEqual(zoneAntiAffinity('alertmanager', 'alertmanager', 'kube-prometheus-stack-alertmanager'));
  });

  it.each(['aws-prod', 'azure-prod'])('%s: a disruption budget keeps one of each running, selecting the operator-built pods', (env) => {
    const budget = (matchLabels: Record<string, string>) => ({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels } });
    expect(one(kps(env), 'PodDisruptionBudget', 'kube-prometheus-stack-prometheus').spec).toEqual(budget({ 'app.kubernetes.io/name': 'prometheus',
      'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' }));
    expect(one(kps(env), 'PodDisruptionBudget', 'kube-prometheus-stack-alertmanager').spec).toEqual(budget({ 'app.kubernetes.io/name': 'alertmanager',
      alertmanager: 'kube-prometheus-stack-alertmanager' }));
  });

  it('dev runs one of each and no budget that would block node drains', () => {
    const objects = kps('azure-dev');
    expect(one(objects, 'Prometheus', 'kube-prometheus-stack-prometheus').spec.replicas).toBe(1);
    expect(one(objects, 'Alertmanager', 'kube-prometheus-stack-alertmanager').spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  it('each replica keeps its own volume; Tempo writes span metrics to every replica; Grafana sticks to one', () => {
    const prometheus = one(kps('aws-prod'), 'Prometheus', 'kube-prometheus-stack-prometheus').spec;
    expect(prometheus.storage.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'encrypted', resources: { requests: { storage: '200Gi' } } });
    const tempoConfig = parse(one(renderedObjectsOf('aws-prod-platform', 'tempo'), 'ConfigMap', 'tempo').data['tempo.yaml']);
    expect(tempoConfig.metrics_generator.storage.remote_write).toEqual([
      { url: 'http://prometheus-kube-prometheus-stack-prometheus-0.prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' },
      { url: 'http://prometheus-kube-prometheus-stack-prometheus-1.prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' },
    ]);
    expect(one(kps('aws-prod'), 'Service', 'kube-prometheus-stack-prometheus').spec.sessionAffinity).toBe('ClientIP');
  });
});
