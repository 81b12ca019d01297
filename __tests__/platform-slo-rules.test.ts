/**
 * Issue 26, item 8: the objectives Rocket.Chat promises, from config to rules and dashboard.
 * promtool proves the alerts behave (platform-alert-rules-promtool.test.ts); this file holds what config
 * accepts, the windows the workbook's pairs scale to, and what each example renders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../config/load';
import { DEFAULT_SLOS, durationSeconds } from '../config/slo';
import { burnWindows } from '../constructs/platform/monitoring/slo-rules';
import { example, type Json, problemsOf, renderedObjectsOf, resources, synthExamples, validate } from './support';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const withSlos = (name: string, slos: Json, edit?: (env: Json) => void): Json => {
  const env = example(name);
  env.platform.slos = slos;
  edit?.(env);
  return env;
};
const renderedGroups = (env: string): Json[] =>
  renderedObjectsOf(`${env}-platform`, 'kube-prometheus-stack').find((o) => o.kind === 'PrometheusRule' && o.metadata
    .name === 'kube-prometheus-stack-platform')!.spec.groups;

describe('objectives in config', () => {
  it('prod promises 99.9% availability over 30d, 95% under 500 ms over 7d and 99.9% without errors over 24h; dev nothing', () => {
    expect(DEFAULT_SLOS).toEqual({ availability: { target: 99.9, window: '30d' }, latency: { target: 95, thresholdMs: 500, window: '7d' }, errors: {
      target: 99.9, window: '24h', minFailedRequests: 10 } });
    expect(renderedGroups('aws-prod').filter((g) => g.name.startsWith('slo.')).map((g) => g.name)).toEqual(['slo.availability', 'slo.latency', 'slo.errors']);
    expect(renderedGroups('azure-prod').filter((g) => g.name.startsWith('slo.'))).toHaveLength(3);
    for (const env of ['aws-dev', 'azure-dev']) expect(renderedGroups(env).filter((g) => g.name.startsWith('slo.')), env).toEqual([]);
  });

  it('a dev environment that sets objectives gets them; fields left out take the defaults', () => {
    const [env] = loadEnvironments({ 'aws-dev': withSlos('aws-dev', { availability: { target: 99.5, window: '7d' }, errors: { target: 99,
      window: '1d' } }) }, undefined);
    expect(env!.platform.slos).toEqual({ availability: { target: 99.5, window: '7d' }, latency: { target: 95, thresholdMs: 500, window: '7d' }, errors: {
      target: 99, window: '1d', minFailedRequests: 10 } });
  });

  it('refuses a target outside (0, 100) and a window that is not a Prometheus duration, one line each', () => {
    const bad = withSlos('aws-prod', { availability: { target: 100, window: '30 days' }, latency: { target: 0, thresholdMs: 500, window: '7d' }, errors: {
      target: '99.9', window: '24h' } });
    expect(problemsOf(validate('aws-prod', bad))).toEqual([
      'config/aws-prod: platform.slos.availability.target: 100 is not valid (allowed: a number greater than 0 and less than 100, such as 99.9)',
      'config/aws-prod: platform.slos.availability.window: "30 days" is not valid (allowed: a Prometheus duration such as 30d, 7d or 24h)',
      'config/aws-prod: platform.slos.latency.target: 0 is not valid (allowed: a number greater than 0 and less than 100, such as 99.9)',
      'config/aws-prod: platform.slos.errors.target: must be a number, got string "99.9" (allowed: a number greater than 0 and less than 100, such as 99.9)',
    ]);
    expect(problemsOf(validate('aws-prod', withSlos('aws-prod', { errors: { target: 99.9, window: '24h', minFailedRequests: 0 } })))).toEqual([
      'config/aws-prod: platform.slos.errors.minFailedRequests: 0 is not valid (allowed: an integer from 1 to 100000)',
    ]);
    expect(problemsOf(validate('aws-prod', withSlos('aws-prod', { errors: { target: 99.9, window: '24h', minFailedRequests: 2.5 } })))).toEqual([
      'config/aws-prod: platform.slos.errors.minFailedRequests: 2.5 is not valid (allowed: an integer from 1 to 100000)',
    ]);
    expect(problemsOf(validate('aws-prod', withSlos('aws-prod', { errors: { target: 99.9, window: '' } })))).toEqual([
      'config/aws-prod: platform.slos.errors.window: "" is not valid (allowed: a Prometheus duration such as 30d, 7d or 24h)',
    ]);
  });

  it('refuses a window Prometheus no longer holds, or too short to alert on, and a budget no page can burn through', () => {
    expect(problemsOf(validate('aws-prod', withSlos('aws-prod', { latency: { target: 95, thresholdMs: 500, window: '0d' } })))).toEqual([
      'config/aws-prod: platform.slos.latency.window: "0d" is not a window an objective can be judged over (allowed: 1h to the metrics retention, ' +
        'platform.observability.metricsRetentionDays = 30d)',
    ]);
    expect(problemsOf(validate('aws-prod', withSlos('aws-prod', { availability: { target: 99.9, window: '90d' }, errors: { target: 90, window: '30m' } }))))
      .toEqual([
      'config/aws-prod: platform.slos.availability.window: "90d" is not a window an objective can be judged over (allowed: 1h to the metrics retention, ' +
        'platform.observability.metricsRetentionDays = 30d)',
      'config/aws-prod: platform.slos.errors.target: 90 leaves a budget that a 14.4x burn exceeds 100% errors to reach, so the page never fires ' +
        '(allowed: a number from 93.06 to below 100)',
      'config/aws-prod: platform.slos.errors.window: "30m" is not a window an objective can be judged over (allowed: 1h to the metrics retention, ' +
        'platform.observability.metricsRetentionDays = 30d)',
    ]);
    // Prod without the block gets the 30-day default, which 14 days of metrics cannot hold.
    const short = example('azure-prod');
    short.platform.observability.metricsRetentionDays = 14;
    expect(problemsOf(validate('azure-prod', short))).toEqual([
      'config/azure-prod: platform.slos: the default availability window "30d" does not fit (allowed: 1h to the metrics retention, ' +
        'platform.observability.metricsRetentionDays = 14d; set platform.slos.availability.window or raise the retention)',
    ]);
  });

  it('reads Prometheus durations as Prometheus does', () => {
    expect(['30d', '7d', '24h', '1h30m', '2w', '90s', '1y'].map(durationSeconds)).toEqual([2592000, 604800, 86400, 5400, 1209600, 90, 31536000]);
    expect(['', '30', '1d2w', '30 d', '-1h', '0s'].map(durationSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('burn-rate windows', () => {
  it('30 days: the SRE workbook pairs as published', () => {
    expect(burnWindows({ target: 99.9, window: '30d' })).toEqual([
      { long: '1h', short: '5m', factor: 14.4, response: 'page' },
      { long: '6h', short: '30m', factor: 6, response: 'page' },
      { long: '1d', short: '2h', factor: 3, response: 'ticket' },
      { long: '3d', short: '6h', factor: 1, response: 'ticket' },
    ]);
  });

  it('7 days and 24 hours: scaled to the window, never under 5 minutes', () => {
    expect(burnWindows({ target: 95, window: '7d' }).map((p) => `${p.long}/${p.short}`)).toEqual(['14m/5m', '1h24m/7m', '5h36m/28m', '16h48m/1h24m']);
    expect(burnWindows({ target: 99.9, window: '24h' }).map((p) => `${p.long}/${p.short}`)).toEqual(['5m/5m', '12m/5m', '48m/5m', '2h24m/12m']);
  });

  it('aws-prod: the error objective pages at 1.44% of REST calls failing over 5 minutes and tickets at 0.1% over 2h24m, each pair only with 10 failures ' +
    'in its long window', () => {
    const errors = renderedGroups('aws-prod').find((g) => g.name === 'slo.errors')!;
    const failed = (w: string) => `and on() sum(increase(rocketchat_rest_api_count{status=~"5.."}[${w}])) >= 10`;
    expect(errors.rules.filter((r: Json) => r.alert).map((r: Json) => [r.labels.severity, r.expr])).toEqual([
      ['critical', `(slo:sli_error:ratio_rate5m{slo="errors"} > 0.0144 and slo:sli_error:ratio_rate5m{slo="errors"} > 0.0144 ${failed('5m')}) or ` +
        `(slo:sli_error:ratio_rate12m{slo="errors"} > 0.006 and slo:sli_error:ratio_rate5m{slo="errors"} > 0.006 ${failed('12m')})`],
      ['warning', `(slo:sli_error:ratio_rate48m{slo="errors"} > 0.003 and slo:sli_error:ratio_rate5m{slo="errors"} > 0.003 ${failed('48m')}) or ` +
        `(slo:sli_error:ratio_rate2h24m{slo="errors"} > 0.001 and slo:sli_error:ratio_rate12m{slo="errors"} > 0.001 ${failed('2h24m')})`],
    ]);
    // Availability and latency are time-based: no request floor.
    const availability = renderedGroups('aws-prod').find((g) => g.name === 'slo.availability')!;
    expect(availability.rules.filter((r: Json) => r.alert).map((r: Json) => r.expr).join(' ')).not.toContain('increase(');
    expect(errors.rules.find((r: Json) => r.record === 'slo:sli_error:ratio_rate2h24m')).toEqual({ record: 'slo:sli_error:ratio_rate2h24m',
      expr: 'sum(rate(rocketchat_rest_api_count{status=~"5.."}[2h24m])) / sum(rate(rocketchat_rest_api_count[2h24m]))', labels: { slo: 'errors' } });
    expect(availability.rules[0]).toEqual({
      record: 'slo:sli_error:bad',
      expr: '(sum(kube_deployment_status_replicas_available{namespace="rocketchat", deployment="rocketchat-rocketchat"}) < bool 1) unless on() ' +
        '(min_over_time(sum(kube_deployment_spec_replicas{namespace="rocketchat", deployment="rocketchat-rocketchat"})[10m:]) == 0 or time() - ' +
        'max(kube_deployment_created{namespace="rocketchat", deployment="rocketchat-rocketchat"}) < 600)',
      labels: { slo: 'availability' },
    });
  });
});

describe('SLO dashboard', () => {
  const dashboard = (env: string): Json | undefined => {
    const map = resources(stacks[`${env}-platform`]!, 'kubernetes_config_map_v1').find((m) => m.metadata.name === 'dashboard-platform-slo');
    return map && JSON.parse(map.data['platform-slo.json']);
  };

  it('shows the error budget left over each window and the burn rate, where the environment promises anything', () => {
    const d = dashboard('azure-prod')!;
    expect(d.title).toBe('Platform / Rocket.Chat SLOs');
    expect(d.panels.map((p: Json) => [p.title, p.targets[0].expr])).toEqual([
      ['Rocket.Chat availability: error budget left (99.9% over 30d)', '1 - (avg_over_time(slo:sli_error:bad{slo="availability"}[30d])) / 0.001'],
      ['Rocket.Chat availability: burn rate over 1h', 'slo:sli_error:ratio_rate1h{slo="availability"} / 0.001'],
      ['Rocket.Chat latency: error budget left (95% over 7d)', '1 - (avg_over_time(slo:sli_error:bad{slo="latency"}[7d])) / 0.05'],
      ['Rocket.Chat latency: burn rate over 14m', 'slo:sli_error:ratio_rate14m{slo="latency"} / 0.05'],
      ['Rocket.Chat REST errors: error budget left (99.9% over 24h)', '1 - (sum(rate(rocketchat_rest_api_count{status=~"5.."}[24h])) / ' +
        'sum(rate(rocketchat_rest_api_count[24h]))) / 0.001'],
      ['Rocket.Chat REST errors: burn rate over 5m', 'slo:sli_error:ratio_rate5m{slo="errors"} / 0.001'],
    ]);
    expect(dashboard('aws-dev')).toBeUndefined();
  });
});
