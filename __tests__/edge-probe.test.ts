/**
 * The external synthetic check of the public edge (docs/platform.md, "Health path"): the canary
 * script's request logic run with node:https stubbed, the AWS canary, its artifact bucket, role
 * (evaluated by the IAM harness) and alarm, and the Azure standard web tests and their alerts, as
 * synthesized for the example environments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { examplesOutdir, resources, synthExamples, type Json } from './support';
import { canaryZip } from '../scripts/canary-zip';
import { assertRequest, awsAccessModel } from './support/iam';
import { healthyEdge, probeScript, RESPONSE_BODY_MARKER, stubHttps, type Answer, type SentRequest } from './support/edge-probe';

const BASE = 'https://chat.example.com';

/** Runs the probe against the stubbed edge; returns what it sent, logged, and its error if it threw. */
async function run(answer: (r: SentRequest) => Answer, base = BASE) {
  const stub = stubHttps(answer);
  const lines: string[] = [];
  try {
    await probeScript.probe(base, (line) => lines.push(line));
    return { sent: stub.sent, lines, error: undefined };
  } catch (error) {
    return { sent: stub.sent, lines, error: (error as Error).message };
  } finally {
    stub.restore();
  }
}

describe('the canary script (canaries/edge-probe.cjs), with node:https stubbed', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('passes when info answers 200 and the unauthenticated 9 KB message 401, and sends what the design says', async () => {
    const { sent, error } = await run(healthyEdge);
    expect(error).toBeUndefined();
    expect(sent.map((r) => [r.method, r.url])).toEqual([
      ['GET', 'https://chat.example.com/api/v1/info'],
      ['POST', 'https://chat.example.com/api/v1/chat.sendMessage'],
    ]);
    const post = sent[1]!;
    // Over the 8 KB AWS's SizeRestrictions_BODY refuses, so only the message-path exemption lets it through.
    expect(Buffer.byteLength(post.body)).toBeGreaterThan(8192);
    expect(Buffer.byteLength(post.body)).toBeLessThan(10_240);
    expect(post.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(post.body)) });
    expect(JSON.parse(post.body)).toEqual({ message: { rid: expect.any(String), msg: expect.any(String) } });
    // No credentials: the 401 is Rocket.Chat's refusal. A User-Agent: AWS's NoUserAgent_HEADER blocks requests without one.
    for (const r of sent) {
      expect(Object.keys(r.headers).map((h) => h.toLowerCase())).not.toEqual(expect.arrayContaining(['x-auth-token']));
      expect(r.headers['user-agent']).toMatch(/\S/);
      expect(r.timeoutMs).toBe(10_000);
    }
  });

  it('fails on the WAF blocking the message (403), naming the check', async () => {
    const { error } = await run((r) => (r.method === 'GET' ? { status: 200 } : { status: 403 }));
    expect(error).toBe('edge probe of https://chat.example.com failed: large-message: status 403, expected 401');
  });

  it('fails when the message is accepted without credentials (200) or the app errs (5xx)', async () => {
    expect((await run((r) => (r.method === 'GET' ? { status: 200 } : { status: 200 }))).error).toMatch(/large-message: status 200, expected 401$/);
    expect((await run((r) => (r.method === 'GET' ? { status: 503 } : { status: 401 }))).error).toMatch(/failed: info: status 503, expected 200$/);
    expect((await run(() => ({ status: 502 }))).error).toMatch(/info: status 502, expected 200; large-message: status 502, expected 401$/);
  });

  it('fails on a timeout and on a connection error, and runs every check anyway', async () => {
    const timedOut = await run(() => 'silence');
    expect(timedOut.error).toBe('edge probe of https://chat.example.com failed: info: no answer within 10000 ms; large-message: no answer within 10000 ms');
    expect(timedOut.sent).toHaveLength(2);
    expect((await run(() => ({ error: 'ECONNREFUSED' }))).error).toMatch(/info: ECONNREFUSED; large-message: ECONNREFUSED$/);
  });

  it('logs the check, status and time of each request, never a response body', async () => {
    const failing = await run(() => ({ status: 403 }));
    const passing = await run(healthyEdge);
    const logged = [...failing.lines, ...passing.lines, failing.error!].join('\n');
    expect(passing.lines).toEqual([
      expect.stringMatching(/^edge-probe info GET \/api\/v1\/info: ok \(\d+ ms\)$/),
      expect.stringMatching(/^edge-probe large-message POST \/api\/v1\/chat\.sendMessage: ok \(\d+ ms\)$/),
    ]);
    expect(logged).not.toContain(RESPONSE_BODY_MARKER);
  });

  it('runs as the Synthetics handler from PROBE_BASE_URL, and refuses a URL that is not https://<host>', async () => {
    vi.stubEnv('PROBE_BASE_URL', 'https://chat.example.net');
    const stub = stubHttps(healthyEdge);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(probeScript.handler()).resolves.toBeUndefined();
      expect(stub.sent.map((r) => r.url)).toEqual(['https://chat.example.net/api/v1/info', 'https://chat.example.net/api/v1/chat.sendMessage']);
      expect(log).toHaveBeenCalledTimes(2);
      expect(log.mock.calls.flat().join('\n')).not.toContain(RESPONSE_BODY_MARKER);
    } finally {
      stub.restore();
      log.mockRestore();
    }
    for (const bad of [undefined, 'http://chat.example.com', 'https://chat.example.com/path']) {
      await expect(probeScript.probe(bad, () => undefined)).rejects.toThrow(/^PROBE_BASE_URL must be https:\/\/<host>/);
    }
  });
});

/** The files of a zip archive (central directory; stored or deflated entries). */
function unzip(buffer: Buffer): Map<string, Buffer> {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + skip;
  }
  return files;
}

const stacks = synthExamples().stacks;

describe('AWS: the CloudWatch Synthetics canary of aws-prod', () => {
  const stack = stacks['aws-prod-platform']!;
  const [canary] = resources(stack, 'aws_synthetics_canary');
  const refId = (ref: string) => /^\$\{[a-z0-9_]+\.([\w-]+)\.[a-z_]+\}/.exec(ref)![1]!;

  it('probes https://<domain> every 5 minutes with the script shipped as nodejs/node_modules/edge-probe.js', () => {
    expect(resources(stack, 'aws_synthetics_canary')).toHaveLength(1);
    expect(canary).toMatchObject({ name: 'aws-prod-edge', handler: 'edge-probe.handler',
      runtime_version: expect.stringMatching(/^syn-nodejs-puppeteer-\d+\.\d+$/), schedule: { expression: 'rate(5 minutes)' },
      run_config: { environment_variables: { PROBE_BASE_URL: 'https://chat.example.com' } }, start_canary: true, delete_lambda: true });
    const zip = unzip(readFileSync(join(examplesOutdir(), 'stacks', 'aws-prod-platform', canary!.zip_file)));
    expect([...zip.keys()]).toEqual(['nodejs/node_modules/edge-probe.js']);
    expect(zip.get('nodejs/node_modules/edge-probe.js')!.toString()).toBe(readFileSync(join(__dirname, '..', 'canaries', 'edge-probe.cjs'), 'utf8'));
    expect(resources(stacks['aws-dev-platform']!, 'aws_synthetics_canary')[0]!.run_config.environment_variables.PROBE_BASE_URL).toMatch(/^https:\/\/[^/]+$/);
  });

  it('ships the committed package, which is the script as scripts/canary-zip.ts builds it today (npm run canary:zip)', () => {
    expect(readFileSync(join(__dirname, '..', 'canaries', 'edge-probe.zip')).equals(canaryZip())).toBe(true);
    // A different script makes a different package: the comparison above can fail.
    expect(canaryZip(Buffer.from('exports.handler = async () => {};\n')).equals(canaryZip())).toBe(false);
  });

  it('keeps its artifacts in an encrypted, private bucket for 14 days, under its own key', () => {
    const bucketId = refId(canary!.artifact_s3_location.replace(/^s3:\/\//, ''));
    const bucket = stack.resource.aws_s3_bucket[bucketId];
    const of = (type: string) => resources(stack, type).filter((r) => r.bucket === `\${aws_s3_bucket.${bucketId}.id}`);
    expect(canary!.artifact_s3_location).toBe(`s3://\${aws_s3_bucket.${bucketId}.bucket}/edge-probe/`);
    expect(bucket.bucket).toMatch(/^aws-prod-edge-canary-[0-9a-f]{8}$/);
    expect(of('aws_s3_bucket_public_access_block')).toEqual([expect.objectContaining({ block_public_acls: true, block_public_policy: true,
      ignore_public_acls: true, restrict_public_buckets: true })]);
    const [sse] = of('aws_s3_bucket_server_side_encryption_configuration');
    expect(sse!.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: canary!.artifact_config
      .s3_encryption.kms_key_arn });
    expect(canary!.artifact_config.s3_encryption).toEqual({ encryption_mode: 'SSE_KMS', kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\./) });
    expect(of('aws_s3_bucket_lifecycle_configuration')[0]!.rule[0].expiration).toEqual([{ days: 14 }]);
    expect([canary!.success_retention_period, canary!.failure_retention_period]).toEqual([14, 14]);
  });

  it('pages through the edge alarm topic when it fails or stops running', () => {
    const alarms = resources(stack, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'CloudWatchSynthetics');
    const [topicId] = Object.entries<Json>(stack.resource.aws_sns_topic).find(([, t]) => t.name === 'aws-prod-edge-alarms')!;
    expect(alarms).toEqual([expect.objectContaining({ alarm_name: 'aws-prod-edge-probe-failing', metric_name: 'SuccessPercent',
      dimensions: { CanaryName: 'aws-prod-edge' }, statistic: 'Average', period: 300, comparison_operator: 'LessThanThreshold', threshold: 100,
      evaluation_periods: 3, datapoints_to_alarm: 2, treat_missing_data: 'breaching', alarm_actions: [`\${aws_sns_topic.${topicId}.arn}`],
      ok_actions: [`\${aws_sns_topic.${topicId}.arn}`] })]);
  });

  it('runs with a role that may write only under its artifact prefix and publish only Synthetics metrics (IAM evaluator)', async () => {
    // The probe's role, policy and key with every bucket of the stack (and its policy): the rest of the
    // stack reads remote state the harness does not resolve.
    const probe = (type: string) => Object.fromEntries(Object.entries<Json>(stack.resource[type]).filter(([, r]) => r['//'].metadata.path
      .includes('/edge/probe/')));
    const model = awsAccessModel({
      'aws-prod-platform': { provider: stack.provider, resource: { aws_iam_role: probe('aws_iam_role'), aws_iam_role_policy: probe('aws_iam_role_policy'),
        aws_kms_key: probe('aws_kms_key'), aws_s3_bucket: stack.resource.aws_s3_bucket, aws_s3_bucket_policy: stack.resource.aws_s3_bucket_policy } },
      // The deploy boundary every layer role carries is defined with the CI identities.
      'bootstrap-euw1-222222222222': synthExamples().stacks['bootstrap-euw1-222222222222']!,
    });
    const role = 'aws-prod-edge-canary';
    expect(model.roles.get(role)?.trust.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole' })]);
    const bucket = stack.resource.aws_s3_bucket[refId(canary!.artifact_s3_location.replace(/^s3:\/\//, ''))].bucket as string;
    const loki = resources(stack, 'aws_s3_bucket').map((b) => b.bucket as string).find((b) => b.startsWith('aws-prod-loki-'))!;
    const tls = { 's3:TlsVersion': '1.3' };
    await assertRequest(model, { role, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/edge-probe/2026/12/07/run/report.json`, context: tls }, true);
    await assertRequest(model, { role, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/elsewhere/x`, context: tls }, false);
    await assertRequest(model, { role, action: 's3:PutObject', resource: `arn:aws:s3:::${loki}/chunks/x`, context: tls }, false);
    await assertRequest(model, { role, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/edge-probe/x`, context: tls }, false);
    await assertRequest(model, { role, action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/edge-probe/x`, context: tls }, false);
    await assertRequest(model, { role, action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } }, true);
    await assertRequest(model, { role, action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/WAFV2' } }, false);
    await assertRequest(model, { role, action: 'logs:PutLogEvents',
      resource: 'arn:aws:logs:eu-west-1:222222222222:log-group:/aws/lambda/cwsyn-aws-prod-edge-0a1b2c:log-stream:x' }, true);
    await assertRequest(model, { role, action: 'logs:PutLogEvents',
      resource: 'arn:aws:logs:eu-west-1:222222222222:log-group:aws-waf-logs-aws-prod:log-stream:x' }, false);
  });
});

describe('Azure: Application Insights standard web tests of azure-prod', () => {
  const stack = stacks['azure-prod-platform']!;
  const tests = resources(stack, 'azurerm_application_insights_standard_web_test');

  it('probe https://<domain> from three locations every 5 minutes: info 200, the 9 KB message 401', () => {
    const [insights] = resources(stack, 'azurerm_application_insights');
    expect(insights).toMatchObject({ name: 'appi-azure-prod-edge',
      workspace_id: '${data.terraform_remote_state.azure-prod-cluster-state.outputs.log_analytics_workspace_id}' });
    expect(tests.map((t) => [t.request.http_verb, t.request.url, t.validation_rules.expected_status_code])).toEqual([
      ['GET', 'https://chat.example.org/api/v1/info', 200],
      ['POST', 'https://chat.example.org/api/v1/chat.sendMessage', 401],
    ]);
    for (const t of tests) {
      expect(t).toMatchObject({ frequency: 300, enabled: true, application_insights_id: expect.stringMatching(/^\$\{azurerm_application_insights\./) });
      expect(new Set(t.geo_locations).size).toBeGreaterThanOrEqual(3);
      expect(t.validation_rules).toMatchObject({ ssl_check_enabled: true });
    }
    expect(Buffer.byteLength(tests[1]!.request.body)).toBeGreaterThan(8192);
    expect(tests[1]!.request.header).toEqual([{ name: 'Content-Type', value: 'application/json' }]);
  });

  it('alert the edge action group (the pager) when 2 locations fail', () => {
    const [groupId] = Object.entries<Json>(stack.resource.azurerm_monitor_action_group).find(([, g]) => g.name === 'ag-azure-prod-edge')!;
    const alerts = resources(stack, 'azurerm_monitor_metric_alert').filter((a) => a.application_insights_web_test_location_availability_criteria);
    expect(alerts).toHaveLength(2);
    for (const a of alerts) {
      expect(a.action).toEqual([{ action_group_id: `\${azurerm_monitor_action_group.${groupId}.id}` }]);
      expect(a.application_insights_web_test_location_availability_criteria).toMatchObject({ failed_location_count: 2 });
    }
    expect(alerts.map((a) => a.application_insights_web_test_location_availability_criteria.web_test_id).sort()).toEqual(
      Object.keys(stack.resource.azurerm_application_insights_standard_web_test).map((id) => `\${azurerm_application_insights_standard_web_test.${id}.id}`)
        .sort(),
    );
  });
});
