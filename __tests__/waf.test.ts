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
import { resources, synthExamples, type Json } from './support';
import { healthyEdge, probeScript, stubHttps } from './support/edge-probe';

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
/** An ALB hands AWS WAF the first 8 KB of a body: the managed body rules see no more than that. */
const seen = (r: Request) => Buffer.from(r.body ?? '').subarray(0, 8192).toString();
const sqliExtended = (s: string) => /;\s*(drop|truncate)\s+table|\b(sleep|benchmark|pg_sleep)\s*\(/i.test(s);
const javaDeserialization = (s: string) => /java\.lang\.(Runtime|ProcessBuilder)|ObjectInputStream|rO0AB/.test(s);

/** Stand-ins for AWS's signatures (AWS WAF developer guide, "AWS Managed Rules rule groups list"). */
const MANAGED: Readonly<Record<string, readonly ManagedRule[]>> = {
  AWSManagedRulesAmazonIpReputationList: [],
  AWSManagedRulesKnownBadInputsRuleSet: [
    { rule: 'Log4JRCE_HEADER', label: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_Header', matches: (r) => jndi(allHeaders(r)) },
    { rule: 'Log4JRCE_QUERYSTRING', label: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_QueryString', matches: (r) => jndi(decode(r.query ?? '')) },
    { rule: 'JavaDeserializationRCE_BODY', label: 'awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body', matches: (r) =>
      javaDeserialization(seen(r)) },
  ],
  AWSManagedRulesCommonRuleSet: [
    { rule: 'NoUserAgent_HEADER', label: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header', matches: (r) => !r.headers?.['user-agent'] },
    // "System file extensions that are unsafe to read or run" in the URI path.
    { rule: 'RestrictedExtensions_URIPATH', label: 'awswaf:managed:aws:core-rule-set:RestrictedExtensions_URIPath', matches: (r) =>
      /\.(log|ini|conf|cfg|bak|backup|config|env|sql)$/i.test(decode(r.path)) },
    // The ALB hands AWS WAF the first 8 KB of a body; the rule refuses bodies larger than that.
    { rule: 'SizeRestrictions_BODY', label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body', matches: (r) => Buffer.byteLength(r.body ?? '') > 8192 },
    { rule: 'CrossSiteScripting_BODY', label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body', matches: (r) => xss(seen(r)) },
    { rule: 'GenericLFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body', matches: (r) => /\.\.\//.test(seen(r)) },
    { rule: 'GenericRFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body', matches: (r) => /https?:\/\/\d+\.\d+\.\d+\.\d+/.test(seen(r)) },
    { rule: 'EC2MetaDataSSRF_BODY', label: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body', matches: (r) => seen(r).includes('169.254.169.254') },
  ],
  AWSManagedRulesSQLiRuleSet: [
    { rule: 'SQLi_QUERYARGUMENTS', label: 'awswaf:managed:aws:sql-database:SQLi_QueryArguments', matches: (r) => sqli(decode(r.query ?? '')) },
    { rule: 'SQLi_BODY', label: 'awswaf:managed:aws:sql-database:SQLi_Body', matches: (r) => sqli(seen(r)) },
    { rule: 'SQLiExtendedPatterns_BODY', label: 'awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body', matches: (r) => sqliExtended(seen(r)) },
  ],
};

const one = (v: unknown): Json => (Array.isArray(v) ? v[0] : v) as Json;

/** Logical statements the Terraform provider's wafv2 `statement` schema nests at most (deeper ones fail to plan). */
function depth(statement: Json): number {
  const [kind, raw] = Object.entries(statement)[0]!;
  if (!['and_statement', 'or_statement', 'not_statement'].includes(kind)) return 0;
  return 1 + Math.max(...(one(raw).statement as Json[]).map(depth));
}

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

/** An ALB hands AWS WAF the first 8 KB of a body; oversize_handling says what a larger body does to the statement. */
const BODY_LIMIT = 8192;

function field(r: Request, f: Json): { value: string; oversize?: 'MATCH' | 'NO_MATCH' | 'CONTINUE' } | undefined {
  if ('uri_path' in f) return { value: r.path };
  // A header the request lacks matches no statement (the test's header names are lower case, as HTTP/2 sends them).
  if ('single_header' in f) {
    const value = r.headers?.[String(one(f.single_header).name).toLowerCase()];
    return value === undefined ? undefined : { value };
  }
  if ('query_string' in f) return { value: r.query ?? '' };
  if ('method' in f) return { value: r.method };
  if ('body' in f) {
    const bytes = Buffer.from(r.body ?? '');
    if (bytes.length <= BODY_LIMIT) return { value: r.body ?? '' };
    return { value: bytes.subarray(0, BODY_LIMIT).toString(), oversize: one(f.body).oversize_handling ?? 'CONTINUE' };
  }
  throw new Error(`field_to_match ${Object.keys(f).join()} is not modelled`);
}

/** The field after its transformations, or the verdict its oversize handling forces. */
function inspect(r: Request, s: Json, test: (value: string) => boolean): boolean {
  const found = field(r, one(s.field_to_match));
  if (!found) return false;
  const { value, oversize } = found;
  if (oversize === 'MATCH') return true;
  if (oversize === 'NO_MATCH') return false;
  return test(transform(value, s.text_transformation));
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
      const search = s.search_string as string;
      return inspect(r, s, (value) => {
        switch (s.positional_constraint) {
          case 'STARTS_WITH': return value.startsWith(search);
          case 'EXACTLY': return value === search;
          case 'CONTAINS': return value.includes(search);
          case 'ENDS_WITH': return value.endsWith(search);
          default: throw new Error(`positional constraint ${s.positional_constraint} is not modelled`);
        }
      });
    }
    case 'size_constraint_statement': {
      const size = s.size as number;
      return inspect(r, s, (value) => {
        const n = Buffer.byteLength(value);
        switch (s.comparison_operator) {
          case 'GE': return n >= size;
          case 'GT': return n > size;
          default: throw new Error(`comparison ${s.comparison_operator} is not modelled`);
        }
      });
    }
    case 'regex_match_statement': {
      // The project writes escaped literals, classes ([^"\\], [\s\S]), (?:...), alternation, * and +, ^ and $: RE2 and JavaScript read them alike.
      return inspect(r, s, (value) => new RegExp(s.regex_string as string).test(value));
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
    // A matching rule adds its labels whatever its action, counting included.
    for (const l of (rule.rule_label ?? []) as Json[]) labels.add(l.name);
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
/** 200 KB of file bytes, with the kind of text binary content contains by chance (in the first 8 KB, where the rules look). */
const fileBytes = `${'\x89PNG\r\n'}${'A'.repeat(1000)}<script>' OR 1=1--${'B'.repeat(200_000)}`;
const multipart = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Rocket.Chat web', 'content-type': 'multipart/form-data; boundary=x' };
/** A pasted snippet: 9 KB of message text (over the 8 KB rule), HTML and SQL included. */
const longMessage = `Look at this: <script>alert(1)</script> and SELECT * FROM users WHERE '1' OR 1=1 ${'x'.repeat(9000)}`;
/** The web client's DDP-over-REST body: `message` is the DDP call as a JSON string (Rocket.Chat runs the method named there). */
const ddp = (method: string, params: unknown[], extra: Json = {}) => JSON.stringify({ message: JSON.stringify({ msg: 'method', id: '7', method, params,
  ...extra }) });
/** 9 KB of plain message text: over the 8 KB size rule, nothing else. */
const longPlainMessage = `Release notes for the team. ${'All services were upgraded and the rollout went fine. '.repeat(170)}`;
const ddpSend = ddp('sendMessage', [{ rid: 'GENERAL', msg: longPlainMessage }]);

const legitimate: [string, Request][] = [
  ['a file upload (rooms.media, 200 KB multipart)', { method: 'POST', path: '/api/v1/rooms.media/GENERAL', headers: { ...browser,
    'content-type': 'multipart/form-data; boundary=x' }, body: fileBytes }],
  ['a legacy upload (rooms.upload)', { method: 'POST', path: '/api/v1/rooms.upload/GENERAL', headers: multipart, body: fileBytes }],
  ['a UFS file store upload', { method: 'POST', path: '/ufs/AmazonS3:Uploads/abc123', query: 'token=t&progress=0', headers: { ...browser,
    'content-type': 'application/octet-stream' }, body: fileBytes }],
  ['a livechat widget upload (multipart)', { method: 'POST', path: '/api/v1/livechat/upload/GENERAL', headers: multipart, body: fileBytes }],
  ['a SAML response (12 KB form post)', { method: 'POST', path: '/_saml/validate/default', headers: { ...browser,
    'content-type': 'application/x-www-form-urlencoded' }, body: `SAMLResponse=${'PHNhbWxwOlJlc3BvbnNlIHhtbG5z'.repeat(440)}&RelayState=abc` }],
  ['room settings with a 10 KB room avatar (data URL)', { method: 'POST', path: '/api/v1/rooms.saveRoomSettings', headers: browser, body: JSON.stringify({
    rid: 'r1', roomName: 'ops', roomAvatar: `data:image/png;base64,${'iVBORw0KGgo'.repeat(950)}` }) }],
  ['pasted SQL with a stacked query and sleep() through chat.sendMessage', { method: 'POST', path: '/api/v1/chat.sendMessage', headers: browser, body: JSON
    .stringify({ message: { rid: 'dev', msg: 'try: SELECT 1; DROP TABLE users; -- or SELECT sleep(5)' } }) }],
  ['pasted SQL with a stacked query through method.call/sendMessage', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: ddp('sendMessage', [{ rid: 'dev', msg: "SELECT 1; DROP TABLE users; SELECT benchmark(1000, md5('x'))" }]) }],
  ['pasted Java through chat.postMessage', { method: 'POST', path: '/api/v1/chat.postMessage', headers: browser, body: JSON.stringify({ channel: '#dev',
    text: 'Runtime r = java.lang.Runtime.getRuntime(); new ObjectInputStream(in)' }) }],
  ['a 12 KB message in a CJK script through method.call (over 8 KB, the method named first)', { method: 'POST', path: '/api/v1/method.call/sendMessage',
    headers: browser, body: ddp('sendMessage', [{ rid: 'GENERAL', msg: '\u4f1a\u8bae\u8bb0\u5f55'.repeat(1000) }]) }],
  ['a SockJS frame of a long message (over 8 KB)', { method: 'POST', path: '/sockjs/123/abcdefgh/xhr_send', headers: browser, body: JSON.stringify([JSON
    .stringify({ msg: 'method', id: '9', method: 'sendMessage', params: [{ rid: 'GENERAL', msg: longPlainMessage }] })]) }],
  ['the DDP WebSocket upgrade', { method: 'GET', path: '/websocket', headers: { ...browser, upgrade: 'websocket', connection: 'Upgrade',
    'sec-websocket-version': '13' } }],
  ['SockJS info', { method: 'GET', path: '/sockjs/info', query: 'cb=x1y2', headers: browser }],
  ['a SockJS frame carrying a long message', { method: 'POST', path: '/sockjs/123/abcdefgh/xhr_send', headers: browser, body: JSON.stringify([JSON
    .parse(ddpSend).message]) }],
  ['a 9 KB message through method.call (the web client)', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser, body: ddpSend }],
  ['a pasted snippet with HTML and SQL through method.call', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: ddp('sendMessage', [{ rid: 'dev', msg: 'why does <script>alert(1)</script> pass, and SELECT * FROM users WHERE \'1\' OR 1=1?' }]) }],
  ['an edited message through method.call', { method: 'POST', path: '/api/v1/method.call/updateMessage', headers: browser, body: ddp('updateMessage', [{
    _id: 'm1', rid: 'dev', msg: 'fixed: <b>bold</b> ../docs' }]) }],
  ['a download of an attachment named app.ini', { method: 'GET', path: '/file-upload/6f2a9c/app.ini', query: 'rc_uid=u1&rc_token=t1', headers: browser }],
  ['a download of a log file through the file store', { method: 'GET', path: '/ufs/AmazonS3:Uploads/6f2a9c/server.log', headers: browser }],
  ['a 9 KB message through chat.sendMessage (REST API)', { method: 'POST', path: '/api/v1/chat.sendMessage', headers: browser, body: JSON.stringify({
    message: { rid: 'GENERAL', msg: longMessage } }) }],
  ['an incoming webhook (a 12 KB push payload with paths and links)', { method: 'POST', path: '/hooks/6a1b2c/Xk9mQ', headers: {
    'user-agent': 'GitHub-Hookshot/a1b2c3d', 'content-type': 'application/json' },
    body: JSON.stringify({ ref: 'refs/heads/main', commits: [{ message: 'fix ../../lib path, see http://10.0.4.7:8080/build/17',
      diff: 'z'.repeat(12_000) }] }) }],
  ['an ops chat message about the metadata address and a local link', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: JSON.stringify({ message: JSON.stringify({ msg: 'method', method: 'sendMessage', params: [{ rid: 'ops', msg: 'curl ' +
      'http://169.254.169.254/latest/meta-data from ../../tmp' }] }) }) }],
  ['the text sent with an uploaded file', { method: 'POST', path: '/api/v1/rooms.mediaConfirm/GENERAL/f1le1d', headers: browser,
    body: '{"msg":"","description":"<b>see</b> SELECT 1 OR 1=1"}' }],
  ['an ordinary REST call', { method: 'GET', path: '/api/v1/rooms.get', query: 'updatedSince=2026-12-01T00:00:00.000Z', headers: browser }],
  ['the health path', { method: 'GET', path: '/api/v1/info', headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }],
];

const attacks: [string, Request, string][] = [
  ['an SQL-injection probe in the query string', { method: 'GET', path: '/api/v1/users.list', query: "query=%27%20OR%201%3D1--", headers: browser },
    'aws-sql-database/SQLi_QUERYARGUMENTS'],
  ['a Log4Shell probe in a header (known bad input)', { method: 'GET', path: '/api/v1/info', headers: { ...browser,
    'x-api-version': '${jndi:ldap://203.0.113.9/a}' } }, 'aws-known-bad-inputs/Log4JRCE_HEADER'],
  ['SQL injection in a login body', { method: 'POST', path: '/api/v1/login', headers: browser, body: '{"user":"admin\' OR 1=1--","password":"x"}' },
    'body-rules-outside-rocketchat-paths'],
  ['a script in a profile update body', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser,
    body: '{"data":{"name":"<script>alert(1)</script>"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a path traversal in a body outside the message paths', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser,
    body: '{"data":{"username":"../../../etc/passwd"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a 20 KB body outside the upload and message paths', { method: 'POST', path: '/api/v1/users.update', headers: browser,
    body: `{"data":{"bio":"${'y'.repeat(20_000)}"}}` }, 'body-rules-outside-rocketchat-paths'],
  ['a body attack hidden behind an upload prefix (/ufs/../)', { method: 'POST', path: '/ufs/../api/v1/login', headers: browser, body: '{"user":"admin\' ' +
    'OR 1=1--"}' }, 'body-rules-outside-rocketchat-paths'],
  ['the same, URL-encoded (/ufs/%2e%2e/)', { method: 'POST', path: '/ufs/%2e%2e/api/v1/login', headers: browser, body: '{"user":"admin\' OR 1=1--"}' },
    'body-rules-outside-rocketchat-paths'],
  ['a request without a User-Agent on an upload path', { method: 'POST', path: '/api/v1/rooms.media/GENERAL', body: 'x' }, 'aws-common/NoUserAgent_HEADER'],
  ['another DDP method with a script, sent to method.call/sendMessage', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: ddp('saveUserProfile', [{ realname: '<script>alert(1)</script>' }]) }, 'body-rules-outside-rocketchat-paths'],
  ['a second method key after sendMessage (JSON.parse keeps the last)', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: JSON.stringify({
      message: '{"msg":"method","id":"7","method":"sendMessage","params":["<script>alert(1)</script>"],"method":"saveUserProfile"}' }) },
      'body-rules-outside-rocketchat-paths'],
  ['a method key spelled with a unicode escape', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: JSON.stringify({ message: '{"msg":"method","method":"sendMessage","params":["<script>alert(1)</script>"],"m\\u0065thod":"saveUserProfile"}' }) },
      'body-rules-outside-rocketchat-paths'],
  ['a second top-level message key', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: `${ddp('sendMessage', [{ rid: 'GENERAL', msg: 'hi' }]).slice(0, -1)},"message":${JSON.stringify(JSON.stringify({ msg: 'method',
      method: 'saveUserProfile', params: ['<script>alert(1)</script>'] }))}}` }, 'body-rules-outside-rocketchat-paths'],
  ['a script after 8 KB of padding on method.call (the WAF cannot see the whole body)', { method: 'POST', path: '/api/v1/method.call/sendMessage',
    headers: browser,
    body: ddp('sendMessage', [{ rid: 'GENERAL', msg: `<script>alert(1)</script>${'p'.repeat(9000)}` }]) }, 'body-rules-outside-rocketchat-paths'],
  ['another method, its arguments padded past 8 KB (method.call)', { method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser,
    body: `{"message":"{\\"msg\\":\\"method\\",\\"id\\":\\"1\\",\\"method\\":\\"saveUserProfile\\",${'\\n'.repeat(4200)}\\"params\\":[{\\"realname\\":` +
      `\\"<script>alert(1)</script>\\"}]}"}` },
      'body-rules-outside-rocketchat-paths'],
  ['another method, its arguments padded past 8 KB (SockJS xhr_send)', { method: 'POST', path: '/sockjs/123/abcdefgh/xhr_send', headers: browser,
    body: `["{\\"msg\\":\\"method\\",\\"id\\":\\"1\\",\\"method\\":\\"saveUserProfile\\",${'\\n'.repeat(4200)}\\"params\\":[{\\"realname\\":` +
      `\\"<script>alert(1)</script>\\"}]}"]` },
      'body-rules-outside-rocketchat-paths'],
  ['a JSON body with a script on an upload path (rooms.media)', { method: 'POST', path: '/api/v1/rooms.media/GENERAL', headers: browser,
    body: '{"msg":"<script>alert(1)</script>"}' }, 'body-rules-outside-rocketchat-paths'],
  ['an avatar URL at the metadata address (users.setAvatar, JSON form)', { method: 'POST', path: '/api/v1/users.setAvatar', headers: browser,
    body: '{"avatarUrl":"http://169.254.169.254/latest/meta-data/iam/"}' }, 'body-rules-outside-rocketchat-paths'],
  ['a script in a room topic (rooms.saveRoomSettings: size only)', { method: 'POST', path: '/api/v1/rooms.saveRoomSettings', headers: browser,
    body: '{"rid":"r1","roomTopic":"<script>alert(1)</script>"}' }, 'body-rules-outside-rocketchat-paths'],
  ['pasted SQL outside the message paths (SQLiExtendedPatterns)', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser,
    body: '{"data":{"name":"x; DROP TABLE users"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a Java gadget outside the message paths (JavaDeserializationRCE)', { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: browser,
    body: '{"data":{"bio":"rO0ABXNyABFqYXZh"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['an X-Real-IP header from the internet (Rocket.Chat would take it as the client address)', { method: 'POST', path: '/api/v1/login', headers: {
    ...browser, 'x-real-ip': '198.51.100.7' }, body: '{"user":"a","password":"b"}' }, 'client-address-header-from-internet'],
  ['a look-alike path (method.call/sendMessageX)', { method: 'POST', path: '/api/v1/method.call/sendMessageX', headers: browser,
    body: ddp('sendMessageX', [{ msg: '<script>alert(1)</script>' }]) }, 'body-rules-outside-rocketchat-paths'],
  ['a look-alike path (chat.sendMessageX)', { method: 'POST', path: '/api/v1/chat.sendMessageX', headers: browser,
    body: '{"message":{"msg":"<script>alert(1)</script>"}}' }, 'body-rules-outside-rocketchat-paths'],
  ['a script in a SockJS frame (size only is exempt there)', { method: 'POST', path: '/sockjs/123/abcdefgh/xhr_send', headers: browser,
    body: JSON.stringify([JSON.stringify({ msg: 'method', id: '8', method: 'saveUserProfile', params: [{ realname: '<script>alert(1)</script>' }] })]) },
      'body-rules-outside-rocketchat-paths'],
  ['a system file outside the download paths', { method: 'GET', path: '/admin/app.ini', headers: browser }, 'restricted-extensions-outside-downloads'],
  ['a system file reached through a download prefix (/file-upload/../)', { method: 'GET', path: '/file-upload/%2e%2e/admin/app.ini', headers: browser },
    'restricted-extensions-outside-downloads'],
  ['a POST of a system file name to a download path', { method: 'POST', path: '/file-upload/6f2a9c/app.ini', headers: browser, body: 'x' },
    'restricted-extensions-outside-downloads'],
];

describe('AWS WAF web ACL of aws-prod (block mode), evaluated', () => {
  const rules = rulesOf('aws-prod');

  it.each(legitimate)('lets %s through', (_name, request) => {
    expect(evaluate(rules, request)).toMatchObject({ action: 'ALLOW' });
  });

  it.each(attacks)('blocks %s', (_name, request, by) => {
    expect(evaluate(rules, request)).toMatchObject({ action: 'BLOCK', by });
  });

  it('lets the edge probe through (canaries/edge-probe.cjs, its requests as sent), whose 9 KB message would be refused off the message paths', async () => {
    const stub = stubHttps(healthyEdge);
    try {
      await probeScript.probe('https://chat.example.com', () => undefined);
    } finally {
      stub.restore();
    }
    const sent = stub.sent.map((r): Request => ({ method: r.method, path: r.path, headers: r.headers, body: r.body || undefined }));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/info', 'POST /api/v1/chat.sendMessage']);
    for (const r of sent) expect(evaluate(rules, r)).toMatchObject({ action: 'ALLOW' });
    expect(evaluate(rules, { ...sent[1]!, path: '/api/v1/users.update' })).toMatchObject({ action: 'BLOCK', by: 'body-rules-outside-rocketchat-paths' });
  });

  it('leaves the body rules on for the upload and message paths only in count mode, so they still label', () => {
    const managedOnly = (r: Request) => evaluate(rules, r).counted.filter((c) => !c.startsWith('mark-'));
    expect(managedOnly(legitimate[0]![1])).toEqual(['aws-common/SizeRestrictions_BODY', 'aws-common/CrossSiteScripting_BODY', 'aws-sql-database/SQLi_BODY']);
    expect(managedOnly(legitimate.find(([name]) => name.includes('app.ini'))![1])).toEqual(['aws-common/RestrictedExtensions_URIPATH']);
  });

  it('nests no statement deeper than three logical levels', () => {
    expect(Math.max(...rules.map((rule) => depth(one(rule.statement))))).toBeLessThanOrEqual(3);
  });

  it('limits each client address to the configured rate, blocking', () => {
    const rate = rules.find((r) => r.name === 'rate-limit-per-client')!;
    expect(rate.action).toEqual({ block: {} });
    expect(rate.statement.rate_based_statement).toEqual({ limit: 20000, evaluation_window_sec: 300, aggregate_key_type: 'IP' });
  });

  it('limits logins per client address to 100 in 5 minutes: REST, and the DDP login method wherever it is posted', () => {
    const login = rules.find((r) => r.name === 'rate-limit-login-per-client')!;
    expect(login.action).toEqual({ block: {} });
    expect(login.priority).toBeLessThan(rules.find((r) => r.name === 'aws-ip-reputation')!.priority);
    const { scope_down_statement: scope, ...rate } = login.statement.rate_based_statement;
    expect(rate).toEqual({ limit: 100, evaluation_window_sec: 300, aggregate_key_type: 'IP' });
    const counts = (r: Request) => matches(one(scope), r, new Set());
    const ddpLogin = ddp('login', [{ user: { username: 'a' }, password: { digest: 'x', algorithm: 'sha-256' } }]);
    expect(counts({ method: 'POST', path: '/api/v1/login', headers: browser, body: '{"user":"a","password":"b"}' })).toBe(true);
    expect(counts({ method: 'POST', path: '/api/v1/method.callAnon/login', headers: browser, body: ddpLogin })).toBe(true);
    expect(counts({ method: 'POST', path: '/api/v1/method.callAnon/anything', headers: browser, body: ddpLogin })).toBe(true);
    expect(counts({ method: 'POST', path: '/api/v1/method.call/sendMessage', headers: browser, body: ddpSend })).toBe(false);
    expect(counts({ method: 'GET', path: '/api/v1/rooms.get', headers: browser })).toBe(false);
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
    expect(logging!.redacted_fields).toEqual([{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } },
      { single_header: { name: 'x-auth-token' } }, { single_header: { name: 'x-user-id' } }, { query_string: {} }]);
  });

  it('keeps only blocked requests and managed matches counted by override in the log, so an allowed webhook call never writes its token', () => {
    const filterOf = (env: string) => resources(stacks[`${env}-platform`]!, 'aws_wafv2_web_acl_logging_configuration')[0]!.logging_filter;
    const keeping = (...actions: string[]) => ({ default_behavior: 'DROP', filter: [{ behavior: 'KEEP', requirement: 'MEETS_ANY',
      condition: actions.map((action) => ({ action_condition: { action } })) }] });
    // Not COUNT in block mode: mark-authenticated and mark-message-paths count every session's and every webhook's request.
    expect(filterOf('aws-prod')).toEqual(keeping('BLOCK', 'EXCLUDED_AS_COUNT'));
    expect(filterOf('aws-dev')).toEqual(keeping('BLOCK', 'EXCLUDED_AS_COUNT', 'COUNT'));
  });

  it('pages on blocked signed-in requests and files total blocks above the learned band as an e-mail ticket', () => {
    const alarms = resources(stack, 'aws_cloudwatch_metric_alarm').filter((a) => String(a.alarm_name).includes('-waf-'));
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(['aws-prod-waf-blocked-above-normal', 'aws-prod-waf-blocked-authenticated']);
    // The health-path alarm is gone: the ALB's health checks never pass through the WAF.
    expect(resources(stack, 'aws_cloudwatch_log_metric_filter')).toEqual([]);
    const topicId = (name: string) => Object.entries<Json>(stack.resource.aws_sns_topic).find(([, t]) => t.name === name)![0];
    const topicRef = (attr: string, name = 'aws-prod-edge-alarms') => `\${aws_sns_topic.${topicId(name)}.${attr}}`;
    const byName = (name: string) => alarms.find((a) => a.alarm_name === name)!;
    const authenticated = byName('aws-prod-waf-blocked-authenticated');
    expect(authenticated).toMatchObject({ namespace: 'AWS/WAFV2', metric_name: 'BlockedRequests', statistic: 'Sum', period: 300, threshold: 20,
      comparison_operator: 'GreaterThanThreshold', dimensions: { WebACL: 'aws-prod-edge', Region: 'eu-west-1',
      LabelNamespace: 'awswaf:222222222222:webacl:aws-prod-edge:rocketchat', LabelName: 'authenticated' }, alarm_actions: [topicRef('arn')],
      ok_actions: [topicRef('arn')] });
    expect(byName('aws-prod-waf-blocked-above-normal')).toMatchObject({ alarm_actions: [topicRef('arn', 'aws-prod-edge-tickets')],
      ok_actions: [topicRef('arn', 'aws-prod-edge-tickets')] });
    // aws-prod has no e-mail receiver, so its ticket topic has no subscriber (the alarm shows in the console): above all it never pages.
    expect(resources(stack, 'aws_sns_topic_subscription').filter((sub) => sub.topic_arn === topicRef('arn', 'aws-prod-edge-tickets'))).toEqual([]);
    // The label the alarm counts is set on a session's requests by the first rule, before anything can block them.
    const rules = rulesOf('aws-prod');
    const withSession = { method: 'POST', path: '/api/v1/users.updateOwnBasicInfo', headers: { ...browser, 'x-auth-token': 't', 'x-user-id': 'u' },
      body: '{"data":{"name":"<script>x</script>"}}' };
    expect(evaluate(rules, withSession)).toMatchObject({ action: 'BLOCK', counted: expect.arrayContaining(['mark-authenticated']) });
    expect(evaluate(rules, { ...withSession, headers: { ...browser, cookie: 'rc_uid=u; rc_token=t' } }).counted).toContain('mark-authenticated');
    expect(evaluate(rules, { ...withSession, headers: browser }).counted).not.toContain('mark-authenticated');
    const subscriptions = resources(stack, 'aws_sns_topic_subscription').filter((sub) => sub.topic_arn === topicRef('arn'));
    expect(subscriptions).toEqual([expect.objectContaining({ protocol: 'https', endpoint_auto_confirms: true,
      endpoint: expect.stringMatching(/^\$\{data\.aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/) })]);
    const secretRef = /^\$\{data\.aws_secretsmanager_secret_version\.([\w-]+)\.secret_string\}$/.exec(subscriptions[0]!.endpoint)![1]!;
    expect(stack.data.aws_secretsmanager_secret_version[secretRef].secret_id).toBe('aws-prod-edge-pager-url');
    // Only the secret's name is synthesized, never a URL.
    expect(JSON.stringify(stack)).not.toMatch(/"endpoint":\s*"https:/);
  });
});

interface AzureRequest {
  readonly uri: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Azure WAF custom rule match conditions, ANDed; each variable after its transforms. */
function customRuleBlocks(rules: readonly Json[], r: AzureRequest): boolean {
  const value = (v: Json): string | undefined => {
    switch (v.variable_name) {
      case 'RequestUri': return r.uri;
      case 'RequestBody': return r.body ?? '';
      case 'RequestHeaders': return r.headers?.[String(v.selector).toLowerCase()];
      default: throw new Error(`match variable ${v.variable_name} is not modelled`);
    }
  };
  const applies = (c: Json): boolean => {
    const raw = value(c.match_variables[0]);
    const found = (() => {
      if (raw === undefined) return false;
      if (c.operator === 'Any') return true;
      const v = ((c.transforms ?? []) as string[]).reduce((x, t) => (t === 'UrlDecode' ? decodeURIComponent(x) : t === 'Lowercase' ? x.toLowerCase() : x), raw);
      if (c.operator === 'RegEx') return (c.match_values as string[]).some((m) => new RegExp(m).test(v));
      throw new Error(`operator ${c.operator} is not modelled`);
    })();
    return found !== (c.negation_condition === true);
  };
  return rules.some((rule) => rule.action === 'Block' && (rule.match_conditions as Json[]).every(applies));
}

describe('Azure WAF policies', () => {
  const stack = stacks['azure-prod-platform']!;
  const policies = (env: string) => {
    const all = resources(stacks[`${env}-platform`]!, 'azurerm_web_application_firewall_policy');
    return ['edge', 'bodies', 'messages'].map((name) => all.find((p) => p.name === `waf-${env}-${name}`)!);
  };

  it('inspects bodies everywhere but the file route, with the same rule sets and rate limit', () => {
    const [edge, bodies, messages] = policies('azure-prod');
    expect(one(edge!.policy_settings)).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true, request_body_enforcement: true });
    expect(one(bodies!.policy_settings)).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: false, request_body_enforcement: false });
    expect(one(messages!.policy_settings)).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true, request_body_enforcement: false });
    for (const p of [edge!, bodies!, messages!]) {
      expect(one(p.managed_rules).managed_rule_set.map((m: Json) => [m.type, m.version])).toEqual([['Microsoft_DefaultRuleSet', '2.1'],
        ['Microsoft_BotManagerRuleSet', '1.1']]);
      expect(p.custom_rules[0]).toEqual(expect.objectContaining({ rule_type: 'RateLimitRule', rate_limit_threshold: 20000, rate_limit_duration: 'FiveMins',
        group_rate_limit_by: 'ClientAddr', action: 'Block' }));
    }
    expect(one(policies('azure-dev')[0]!.policy_settings).mode).toBe('Detection');
  });

  it('turns off the two restricted-file rules on the file route only, for downloads such as app.ini', () => {
    const [edge, bodies, messages] = policies('azure-prod');
    expect(one(bodies!.managed_rules).managed_rule_set[0].rule_group_override).toEqual([
      { rule_group_name: 'PROTOCOL-ENFORCEMENT', rule: [{ id: '920440', enabled: false }] },
      { rule_group_name: 'LFI', rule: [{ id: '930130', enabled: false }] },
    ]);
    for (const p of [edge!, messages!]) expect(JSON.stringify(p.managed_rules)).not.toContain('rule_group_override');
  });

  it('excludes body arguments from the message-text groups on the message route only, and binds method.call to its method', () => {
    const [edge, bodies, messages] = policies('azure-prod');
    expect(one(messages!.managed_rules).exclusion).toEqual([{ match_variable: 'RequestArgNames', selector: '*', selector_match_operator: 'EqualsAny',
      excluded_rule_set: { type: 'Microsoft_DefaultRuleSet', version: '2.1', rule_group: [{ rule_group_name: 'XSS' }, { rule_group_name: 'SQLI' },
      { rule_group_name: 'LFI' }, { rule_group_name: 'RFI' }] } }]);
    for (const p of [edge!, bodies!]) expect(one(p.managed_rules).exclusion).toBeUndefined();
    const bound = (messages!.custom_rules as Json[]).filter((r) => String(r.name).startsWith('MethodCall'));
    expect(bound).toHaveLength(2);
    // Evaluate the custom rules as Azure would (conditions ANDed, transforms applied, negation honoured): a matching rule blocks.
    const blocked = (uri: string, body: string) => customRuleBlocks(bound, { uri, body });
    expect(blocked('/api/v1/method.call/sendMessage', ddp('sendMessage', [{ rid: 'GENERAL', msg: '<script>x</script>' }]))).toBe(false);
    expect(blocked('/api/v1/method.call/sendMessage', ddp('saveUserProfile', [{ realname: '<script>x</script>' }]))).toBe(true);
    expect(blocked('/api/v1/method.call/sendMessage?x=1', ddp('saveUserProfile', []))).toBe(true);
    // Spellings AGC may normalise before routing to the message route: the binding holds by body, not by the exact path.
    expect(blocked('//api/v1/method.call/sendMessage', ddp('saveUserProfile', [{ realname: '<script>x</script>' }]))).toBe(true);
    expect(blocked('/api/v1/./method.call/sendMessage', ddp('saveUserProfile', []))).toBe(true);
    expect(blocked('/api/v1/x/../method.call/sendMessage', ddp('deleteUser', ['u1']))).toBe(true);
    expect(blocked('/api/v1/METHOD.CALL/sendMessage', ddp('deleteUser', ['u1']))).toBe(true);
    expect(blocked('/api/v1/method%2Ecall/sendMessage', ddp('deleteUser', ['u1']))).toBe(true);
    expect(blocked('/api/v1/method.call/setAvatarFromService', ddp('setAvatarFromService', ['data:image/png;base64,iVBORw0KGgo=', 'image/png', 'url'])))
      .toBe(false);
    expect(blocked('/api/v1/method.call/sendMessage', JSON.stringify({
      message: '{"msg":"method","method":"sendMessage","params":[],"method":"deleteUser"}' }))).toBe(true);
    expect(blocked('/api/v1/method.call/sendMessage', JSON.stringify({
      message: '{"msg":"method","method":"sendMessage","params":[],"m\\u0065thod":"deleteUser"}' }))).toBe(true);
    // A REST message with pasted JSON and \u escapes (Python clients) is not a DDP call.
    expect(blocked('/api/v1/chat.postMessage', JSON.stringify({ text: '{"method":"POST"} caf\\u00e9' }))).toBe(false);
    expect(blocked('/api/v1/chat.sendMessage', '{"message":{"msg":"hi"}}')).toBe(false);
  });

  it('refuses X-Real-IP from the internet and limits logins per client on every policy', () => {
    for (const p of policies('azure-prod')) {
      const rules = p!.custom_rules as Json[];
      const header = rules.filter((r) => r.name === 'ClientAddressHeader');
      expect(customRuleBlocks(header, { uri: '/api/v1/login', headers: { 'x-real-ip': '198.51.100.7' } })).toBe(true);
      expect(customRuleBlocks(header, { uri: '/api/v1/login', headers: { 'user-agent': 'x' } })).toBe(false);
      const logins = rules.filter((r) => r.rule_type === 'RateLimitRule' && String(r.name).includes('Login'));
      expect(logins.map((r) => [r.rate_limit_threshold, r.rate_limit_duration, r.group_rate_limit_by])).toEqual([[100, 'FiveMins', 'ClientAddr'], [100,
        'FiveMins', 'ClientAddr']]);
      // A rate rule counts the requests its conditions match.
      const counted = (uri: string, body = '') => customRuleBlocks(logins, { uri, body });
      expect(counted('/api/v1/login')).toBe(true);
      expect(counted('//api/v1/login?x=1')).toBe(true);
      expect(counted('/api/v1/method.callAnon/anything', ddp('login', [{ resume: 't' }]))).toBe(true);
      expect(counted('/api/v1/method.call/sendMessage', ddpSend)).toBe(false);
      expect(counted('/api/v1/login.emailOnly')).toBe(false);
    }
  });

  it('makes all three referable on the AGC, sends its logs to the workspace and alerts on blocks through the pager and e-mail', () => {
    expect(resources(stack, 'azurerm_application_load_balancer_security_policy').map((p) => p.web_application_firewall_policy_id).sort()).toEqual([
      expect.stringMatching(/^\$\{azurerm_web_application_firewall_policy\.cloud_edge_waf_bodies_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{azurerm_web_application_firewall_policy\.cloud_edge_waf_edge_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{azurerm_web_application_firewall_policy\.cloud_edge_waf_messages_[0-9A-F]+\.id\}$/),
    ]);
    const diagnostics = resources(stack, 'azurerm_monitor_diagnostic_setting').filter((d) => String(d.target_resource_id)
      .includes('azurerm_application_load_balancer.'));
    expect(diagnostics).toEqual([expect.objectContaining({
      log_analytics_workspace_id: '${data.terraform_remote_state.azure-prod-cluster-state.outputs.log_analytics_workspace_id}' })]);
    const alerts = resources(stack, 'azurerm_monitor_scheduled_query_rules_alert_v2');
    expect(alerts.map((a) => a.name)).toEqual(['azure-prod-waf-blocked-above-normal']);
    const [group] = resources(stack, 'azurerm_monitor_action_group').filter((g) => g.name === 'ag-azure-prod-edge');
    expect(group!.email_receiver).toEqual([expect.objectContaining({ email_address: 'oncall@example.org' })]);
    expect(group!.webhook_receiver).toEqual([
      { name: 'pager', use_common_alert_schema: true, service_uri: expect.stringMatching(/^\$\{data\.azurerm_key_vault_secret\.[\w-]+\.value\}$/) },
    ]);
    const secretRef = /^\$\{data\.azurerm_key_vault_secret\.([\w-]+)\.value\}$/.exec(group!.webhook_receiver[0].service_uri)![1]!;
    expect(stack.data.azurerm_key_vault_secret[secretRef].name).toBe('edge-pager-url');
  });
});
