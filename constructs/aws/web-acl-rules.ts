/**
 * The rules of the environment's AWS WAF web ACL, as Terraform JSON (`aws_wafv2_web_acl.rule`),
 * built from config `platform.waf`. Pure data so a test can evaluate the statements
 * (__tests__/waf.test.ts).
 *
 * Order: the per-client rate limit, then Amazon's IP reputation list, known bad inputs, the core
 * rule set and the SQL-injection set. The rules that refuse what Rocket.Chat legitimately sends
 * (bodies over 8 KB; script, file-path, URL, metadata-address and SQL patterns in a body; system
 * file extensions in a download's file name) run in count mode inside their groups, which still
 * label the request; counting rules then label the requests exempt from them (the paths from
 * config; an upload path only for a multipart or octet-stream body; a `method.call` or SockJS body
 * only when it names the path's method, or for size when its first 8 KB start by naming it), and the last two rules
 * block on the managed labels unless the exemption label is there. So every other rule keeps
 * inspecting those paths, and the counted rules keep protecting every other path.
 */
import type { Environment } from '../../config/schema';
import { METHOD_CALL_PREFIX } from '../../config/schema-platform';

type Waf = Environment['platform']['waf'];

/**
 * Static versions, so AWS's default-version changes never reach production unannounced. AWS
 * publishes new versions in the AWS Managed Rules changelog and on each group's SNS topic; no
 * Renovate datasource can list them (docs/platform.md, "Web application firewall").
 * The IP reputation list has no versions (AWS WAF developer guide, "Deployments for versioned
 * AWS Managed Rules rule groups").
 */
export const AWS_MANAGED_RULE_GROUPS = {
  ipReputation: { name: 'AWSManagedRulesAmazonIpReputationList', version: undefined },
  knownBadInputs: { name: 'AWSManagedRulesKnownBadInputsRuleSet', version: 'Version_1.22' },
  common: { name: 'AWSManagedRulesCommonRuleSet', version: 'Version_1.19' },
  sqlDatabase: { name: 'AWSManagedRulesSQLiRuleSet', version: 'Version_2.3' },
} as const;

/** Body rules counted inside their group and blocked by label outside the exempt paths. */
export const BODY_RULES = [
  { group: 'common', rule: 'SizeRestrictions_BODY', label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' },
  { group: 'common', rule: 'CrossSiteScripting_BODY', label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body' },
  // Message text with file paths (../), links to IP addresses, or the metadata address people discuss.
  { group: 'common', rule: 'GenericLFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body' },
  { group: 'common', rule: 'GenericRFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body' },
  { group: 'common', rule: 'EC2MetaDataSSRF_BODY', label: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body' },
  { group: 'sqlDatabase', rule: 'SQLi_BODY', label: 'awswaf:managed:aws:sql-database:SQLi_Body' },
  // Pasted SQL (comments, stacked queries, benchmark/sleep calls) trips the extended patterns as well.
  { group: 'sqlDatabase', rule: 'SQLiExtendedPatterns_BODY', label: 'awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body' },
  // Pasted Java (java.lang.Runtime, ObjectInputStream, stack traces): Rocket.Chat is Node and deserializes no Java.
  { group: 'knownBadInputs', rule: 'JavaDeserializationRCE_BODY', label: 'awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body' },
] as const;

/** URI rules counted inside their group and blocked by label outside file downloads: a user's file may be called app.ini or server.log. */
export const DOWNLOAD_RULES = [
  { group: 'common', rule: 'RestrictedExtensions_URIPATH', label: 'awswaf:managed:aws:core-rule-set:RestrictedExtensions_URIPath' },
] as const;

const COUNTED_RULES = [...BODY_RULES, ...DOWNLOAD_RULES];

type Json = Record<string, unknown>;

const visibility = (metric: string): Json => ({ cloudwatch_metrics_enabled: true, metric_name: metric, sampled_requests_enabled: true });

/** `/ufs/%2e%2e/api/...` must not pass as an upload: decode, then resolve `..` and `//`, before comparing. */
const PATH_TRANSFORMS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
];

/** AWS WAF accepts regular expressions of at most 200 characters (regex match statement). */
const MAX_REGEX = 200;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A config path as a regex alternative: a trailing `$` is an exact path, a trailing `/` a prefix of whole segments. */
const pathAlternative = (path: string) => (path.endsWith('$') ? `${escapeRegex(path.slice(0, -1))}$` : escapeRegex(path));

/**
 * Statements matching any of `paths` (config form: `/prefix/` or `/exact$`), packed into as few
 * anchored alternations (`^(?:a|b$)`) as the 200-character limit allows: one regex match costs 3
 * capacity units plus 10 per transformation, where one byte match per path would cost 22 units each.
 */
export function pathPrefixStatements(paths: readonly string[]): Json[] {
  const groups: string[][] = [];
  for (const alternative of paths.map(pathAlternative)) {
    const last = groups.at(-1);
    if (last && `^(?:${[...last, alternative].join('|')})`.length <= MAX_REGEX) last.push(alternative);
    else groups.push([alternative]);
  }
  return groups.map((alternatives) => ({
    regex_match_statement: { regex_string: `^(?:${alternatives.join('|')})`, field_to_match: { uri_path: {} }, text_transformation: PATH_TRANSFORMS },
  }));
}

/**
 * Body checks for `/api/v1/method.call/<name>`. Rocket.Chat ignores the URL's name and runs the
 * method the body's `message` (a JSON string) names (apps/meteor/app/api/server/v1/misc.ts), so
 * a path exemption alone would let any method's arguments past the body rules. These hold only
 * for a body the WAF sees whole (at most 8 KB on an ALB) that is exactly `{"message":"<string>"}`
 * and names `<name>` as its one method: no second `method` key (JSON.parse keeps the last one)
 * and no `\u` escape (which could spell a key the regexes cannot see).
 */
const bodyRegex = (regex: string, oversize: 'MATCH' | 'NO_MATCH' | 'CONTINUE'): Json => ({
  regex_match_statement: { regex_string: regex, field_to_match: { body: { oversize_handling: oversize } }, text_transformation: [{ priority: 0, type: 'NONE' }] },
});
/** JSON whitespace inside the message string: raw, or escaped as \n, \r, \t. */
const WS = String.raw`(?:\s|\\[nrt])*`;
const METHOD_KEY = String.raw`[{,]${WS}\\"method\\"${WS}`;
export const METHOD_CALL_BODY = {
  /** The whole body is one `message` key holding one JSON string. */
  shape: String.raw`^\{"message":"(?:[^"\\]|\\.)*"\}$`,
  /** `method` is a method name, or with `alternation` already a regular expression (Azure binds a route to several). */
  names: (method: string, alternation = false) => String.raw`${METHOD_KEY}:${WS}\\"${alternation ? method : escapeRegex(method)}\\"`,
  /** A second method key, or any \u escape. */
  smuggled: String.raw`\\u|${METHOD_KEY}[\s\S]*${METHOD_KEY}`,
} as const;

/**
 * The start the web client's DDP-over-REST body has (msg, id, method, in Meteor's key order): an
 * oversize method.call body is exempt from the size rule only when its first 8 KB name the path's
 * method there. What follows the first 8 KB (a second method key, its arguments) no WAF rule sees.
 */
export const methodCallPrefix = (methods: readonly string[]) =>
  String.raw`^\{"message":"\{\\"msg\\":\\"method\\",(?:\\"id\\":\\"[\w-]*\\",)?\\"method\\":\\"(?:${methods.map(escapeRegex).join('|')})\\"[,}]`;

/**
 * SockJS's xhr_send (the fallback when WebSockets are blocked) posts an array of DDP frames: an
 * oversize one is exempt from the size rule only when its first frame calls one of the message
 * methods (`methods`) in its first 8 KB; like method.call, nothing past 8 KB is seen.
 */
export const sockJsPrefix = (methods: readonly string[]) =>
  String.raw`^\["\{\\"msg\\":\\"method\\",(?:\\"id\\":\\"[\w-]*\\",)?\\"method\\":\\"(?:${methods.map(escapeRegex).join('|')})\\"[,}]`;
const isSockJs = (path: string) => path.startsWith('/sockjs/');

/** One statement for every method.call path: the body must start by naming one of their methods (the content exemption binds each path to its own). */
function methodCallSizeExemption(paths: readonly string[]): Json {
  const methods = paths.map((p) => p.slice(METHOD_CALL_PREFIX.length, -1));
  // CONTINUE: an oversize body is what this exemption is for, so its first 8 KB are inspected.
  return { and_statement: { statement: [anyOf(pathPrefixStatements(paths)), bodyRegex(methodCallPrefix(methods), 'CONTINUE')] } };
}

function methodCallExemption(path: string): Json {
  const method = path.slice(METHOD_CALL_PREFIX.length, -1);
  return {
    and_statement: {
      statement: [
        pathPrefixStatements([path])[0]!,
        bodyRegex(METHOD_CALL_BODY.shape, 'NO_MATCH'),
        bodyRegex(METHOD_CALL_BODY.names(method), 'NO_MATCH'),
        { not_statement: { statement: [bodyRegex(METHOD_CALL_BODY.smuggled, 'MATCH')] } },
      ],
    },
  };
}

const isMethodCall = (path: string) => path.startsWith(METHOD_CALL_PREFIX);

/** The paths each exemption covers. */
function exemptions(waf: Waf) {
  const bodies = [...waf.uploadPaths, ...waf.messagePaths];
  const size = [...bodies, ...waf.largeBodyPaths];
  return {
    sizeByPath: size.filter((p) => !isMethodCall(p) && !isSockJs(p)),
    sizeByMethod: [...new Set(size.filter(isMethodCall))],
    sockJs: size.filter(isSockJs),
    messageMethods: waf.messagePaths.filter(isMethodCall).map((p) => p.slice(METHOD_CALL_PREFIX.length, -1)),
    uploads: waf.uploadPaths.filter((p) => !isMethodCall(p)),
    contentByPath: waf.messagePaths.filter((p) => !isMethodCall(p)),
    contentByMethod: bodies.filter(isMethodCall),
    downloads: waf.downloadPaths,
  };
}

/**
 * Upload paths are content-exempt only for a file body: a multipart form (the REST uploads) or raw
 * bytes (the UFS store). A JSON body there (users.setAvatar's avatarUrl, fetched server-side) keeps
 * the script, SQL, file-path, URL and metadata-address rules and is exempt from the size rule only.
 */
export const FILE_CONTENT_TYPE = '^(?:multipart/form-data|application/octet-stream)';
const isFileBody: Json = {
  regex_match_statement: { regex_string: FILE_CONTENT_TYPE, field_to_match: { single_header: { name: 'content-type' } }, text_transformation: [{ priority: 0, type: 'LOWERCASE' }] },
};

/**
 * Rocket.Chat's logins: the REST endpoint, and the DDP `login` method in a body wherever it is sent
 * (method.call, method.callAnon whatever the URL's name, SockJS xhr_send). Oversize bodies are not
 * counted here (every large upload would count as a login); a login padded past 8 KB still meets
 * the per-client limit.
 */
export const LOGIN_PATH = '^/api/v1/login$';
const loginScope = (): Json => ({
  or_statement: {
    statement: [
      { regex_match_statement: { regex_string: LOGIN_PATH, field_to_match: { uri_path: {} }, text_transformation: PATH_TRANSFORMS } },
      bodyRegex(METHOD_CALL_BODY.names('login'), 'NO_MATCH'),
    ],
  },
});

/** Headers Rocket.Chat reads as the client address before X-Forwarded-For (remoteAddressMiddleware, the REST API's getRequestIP). */
export const CLIENT_ADDRESS_HEADERS = ['x-real-ip'] as const;

/** Requests carrying a Rocket.Chat session: the REST token header or the web client's rc_token cookie. */
const authenticated: Json = {
  or_statement: {
    statement: [
      { size_constraint_statement: { field_to_match: { single_header: { name: 'x-auth-token' } }, comparison_operator: 'GT', size: 0, text_transformation: [{ priority: 0, type: 'NONE' }] } },
      { byte_match_statement: { search_string: 'rc_token=', positional_constraint: 'CONTAINS', field_to_match: { single_header: { name: 'cookie' } }, text_transformation: [{ priority: 0, type: 'NONE' }] } },
    ],
  },
};

/**
 * Web ACL capacity units (AWS WAF developer guide, "Web ACL capacity units"): above 1500 every
 * request costs more. Managed groups at their published capacity; label match 1; rate-based 2;
 * regex match 3 plus 10 per text transformation (none on the body regexes); byte match 2.
 */
const MANAGED_CAPACITY: Readonly<Record<keyof typeof AWS_MANAGED_RULE_GROUPS, number>> = { ipReputation: 25, knownBadInputs: 200, common: 700, sqlDatabase: 200 };

export function webAclCapacity(waf: Waf): number {
  const pathRegex = 3 + 10 * PATH_TRANSFORMS.length;
  const e = exemptions(waf);
  const paths = [e.sizeByPath, e.sockJs, e.uploads, e.contentByPath, e.downloads].reduce((sum, list) => sum + pathPrefixStatements(list).length * pathRegex, 0);
  const methods = e.contentByMethod.length * (pathRegex + 3 * 3) + pathPrefixStatements(e.sizeByMethod).length * pathRegex + (e.sizeByMethod.length > 0 ? 3 : 0);
  // SockJS first frame 3; upload content type 13; login rate rule 2 + its scope pathRegex + 3; client-address header 1; authenticated marker 1 + 2.
  const extras = 3 + 13 + 2 + pathRegex + 3 + CLIENT_ADDRESS_HEADERS.length + 3;
  return 2 + Object.values(MANAGED_CAPACITY).reduce((a, b) => a + b, 0) + COUNTED_RULES.length + paths + methods + 2 + extras;
}

/** An or_statement needs two statements at least; one stands alone. */
function anyOf(statements: Json[]): Json {
  return statements.length === 1 ? statements[0]! : { or_statement: { statement: statements } };
}

const label = (key: string): Json => ({ label_match_statement: { scope: 'LABEL', key } });

function managed(name: string, priority: number, group: keyof typeof AWS_MANAGED_RULE_GROUPS, count: boolean): Json {
  const { name: groupName, version } = AWS_MANAGED_RULE_GROUPS[group];
  const overrides = COUNTED_RULES.filter((r) => r.group === group).map((r) => ({ name: r.rule, action_to_use: { count: {} } }));
  return {
    name,
    priority,
    override_action: count ? { count: {} } : { none: {} },
    statement: {
      managed_rule_group_statement: {
        vendor_name: 'AWS',
        name: groupName,
        ...(version ? { version } : {}),
        ...(overrides.length > 0 ? { rule_action_override: overrides } : {}),
      },
    },
    visibility_config: visibility(name),
  };
}

/**
 * Labels the exemption rules add (rule labels are added on a match in count mode too): the rules
 * that block then match labels, so no statement nests deeper than the three logical levels the
 * Terraform provider's `statement` schema holds.
 */
export const EXEMPT_LABELS = {
  authenticated: 'rocketchat:authenticated',
  size: 'rocketchat:body-size-exempt',
  content: 'rocketchat:body-content-exempt',
  download: 'rocketchat:download',
} as const;

function marker(name: string, priority: number, statement: Json, labelName: string): Json {
  // At most 6 + 12 markers (config caps the method.call paths at 12): numbered from 51, they end before the blocking rules at 100.
  return { name, priority, action: { count: {} }, rule_label: [{ name: labelName }], statement, visibility_config: visibility(name) };
}

export function webAclRules(waf: Waf): Json[] {
  const count = waf.mode === 'count';
  const action = count ? { count: {} } : { block: {} };
  const e = exemptions(waf);
  const [size, ...content] = BODY_RULES;
  // Downloads are GETs; an upload or any other method to those paths keeps the rule.
  const isGet = { byte_match_statement: { search_string: 'GET', positional_constraint: 'EXACTLY', field_to_match: { method: {} }, text_transformation: [{ priority: 0, type: 'NONE' }] } };
  // Counting rules that only label, numbered from 51 in this order; the blocking rules follow at 100 and 110.
  const markers = [
    ...(e.sizeByPath.length > 0 ? [['mark-large-body-paths', anyOf(pathPrefixStatements(e.sizeByPath)), EXEMPT_LABELS.size] as const] : []),
    ...(e.sizeByMethod.length > 0 ? [['mark-method-call-size', methodCallSizeExemption(e.sizeByMethod), EXEMPT_LABELS.size] as const] : []),
    ...(e.sockJs.length > 0 && e.messageMethods.length > 0
      ? [['mark-sockjs-size', { and_statement: { statement: [anyOf(pathPrefixStatements(e.sockJs)), bodyRegex(sockJsPrefix(e.messageMethods), 'CONTINUE')] } }, EXEMPT_LABELS.size] as const]
      : []),
    ...(e.uploads.length > 0 ? [['mark-upload-paths', { and_statement: { statement: [isFileBody, anyOf(pathPrefixStatements(e.uploads))] } }, EXEMPT_LABELS.content] as const] : []),
    ...(e.contentByPath.length > 0 ? [['mark-message-paths', anyOf(pathPrefixStatements(e.contentByPath)), EXEMPT_LABELS.content] as const] : []),
    ...e.contentByMethod.map((path, i) => [`mark-method-call-${i}`, methodCallExemption(path), EXEMPT_LABELS.content] as const),
    ...(e.downloads.length > 0 ? [['mark-download-paths', { and_statement: { statement: [isGet, anyOf(pathPrefixStatements(e.downloads))] } }, EXEMPT_LABELS.download] as const] : []),
  ].map(([name, statement, labelName], i) => marker(name, 51 + i, statement, labelName));
  const unless = (labelled: Json, exemptLabel: string) => ({ and_statement: { statement: [labelled, { not_statement: { statement: [label(exemptLabel)] } }] } });
  return [
    // Labels a session's requests first, so CloudWatch's label metrics count the blocked ones (web-acl.ts pages on them).
    marker('mark-authenticated', 1, authenticated, EXEMPT_LABELS.authenticated),
    {
      // Rocket.Chat takes X-Real-IP as the client address: from the internet it would let one client rotate past its rate limits.
      name: 'client-address-header-from-internet',
      priority: 5,
      action,
      statement: anyOf(CLIENT_ADDRESS_HEADERS.map((name) => ({ size_constraint_statement: { field_to_match: { single_header: { name } }, comparison_operator: 'GE', size: 0, text_transformation: [{ priority: 0, type: 'NONE' }] } }))),
      visibility_config: visibility('client-address-header-from-internet'),
    },
    {
      name: 'rate-limit-per-client',
      priority: 10,
      action,
      statement: { rate_based_statement: { limit: waf.rateLimit.requests, evaluation_window_sec: waf.rateLimit.windowMinutes * 60, aggregate_key_type: 'IP' } },
      visibility_config: visibility('rate-limit-per-client'),
    },
    {
      // Credential stuffing: a much lower rate on the login endpoints than on everything else.
      name: 'rate-limit-login-per-client',
      priority: 11,
      action,
      statement: { rate_based_statement: { limit: waf.loginRateLimit, evaluation_window_sec: 300, aggregate_key_type: 'IP', scope_down_statement: loginScope() } },
      visibility_config: visibility('rate-limit-login-per-client'),
    },
    managed('aws-ip-reputation', 20, 'ipReputation', count),
    managed('aws-known-bad-inputs', 30, 'knownBadInputs', count),
    managed('aws-common', 40, 'common', count),
    managed('aws-sql-database', 50, 'sqlDatabase', count),
    ...markers,
    {
      name: 'body-rules-outside-rocketchat-paths',
      priority: 100,
      action,
      statement: anyOf([unless(label(size.label), EXEMPT_LABELS.size), unless(anyOf(content.map((r) => label(r.label))), EXEMPT_LABELS.content)]),
      visibility_config: visibility('body-rules-outside-rocketchat-paths'),
    },
    {
      name: 'restricted-extensions-outside-downloads',
      priority: 110,
      action,
      statement: unless(anyOf(DOWNLOAD_RULES.map((r) => label(r.label))), EXEMPT_LABELS.download),
      visibility_config: visibility('restricted-extensions-outside-downloads'),
    },
  ];
}
