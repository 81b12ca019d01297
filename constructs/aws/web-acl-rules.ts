/**
 * The rules of the environment's AWS WAF web ACL, as Terraform JSON (`aws_wafv2_web_acl.rule`),
 * built from config `platform.waf`. Pure data so a test can evaluate the statements
 * (__tests__/waf-aws.test.ts).
 *
 * Order: the per-client rate limit, then Amazon's IP reputation list, known bad inputs, the core
 * rule set and the SQL-injection set. The three body rules that refuse what Rocket.Chat
 * legitimately sends (bodies over 8 KB, and cross-site-scripting or SQL patterns in a body) run in
 * count mode inside their groups, which still label the request; the last rule blocks on those
 * labels everywhere except under the upload and message paths from config. So every other rule
 * keeps inspecting those paths, and the body rules keep protecting every other path.
 */
import type { Environment } from '../../config/schema';

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
] as const;

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

/**
 * Statements matching paths that start with any of `prefixes`, packed into as few anchored
 * alternations (`^(?:a|b)`) as the 200-character limit allows: one regex match costs 3 capacity
 * units plus 10 per transformation, where one byte match per prefix would cost 22 units each.
 */
export function pathPrefixStatements(prefixes: readonly string[]): Json[] {
  const groups: string[][] = [];
  for (const alternative of prefixes.map(escapeRegex)) {
    const last = groups.at(-1);
    if (last && `^(?:${[...last, alternative].join('|')})`.length <= MAX_REGEX) last.push(alternative);
    else groups.push([alternative]);
  }
  return groups.map((alternatives) => ({
    regex_match_statement: { regex_string: `^(?:${alternatives.join('|')})`, field_to_match: { uri_path: {} }, text_transformation: PATH_TRANSFORMS },
  }));
}

/**
 * Web ACL capacity units (AWS WAF developer guide, "Web ACL capacity units"): above 1500 every
 * request costs more. Managed groups at their published capacity; label match 1; rate-based 2;
 * regex match 3 plus 10 per text transformation.
 */
const MANAGED_CAPACITY: Readonly<Record<keyof typeof AWS_MANAGED_RULE_GROUPS, number>> = { ipReputation: 25, knownBadInputs: 200, common: 700, sqlDatabase: 200 };

export function webAclCapacity(waf: Waf): number {
  const paths = pathPrefixStatements([...waf.uploadPaths, ...waf.messagePaths]).length * (3 + 10 * PATH_TRANSFORMS.length);
  return 2 + Object.values(MANAGED_CAPACITY).reduce((a, b) => a + b, 0) + BODY_RULES.length + paths;
}

/** An or_statement needs two statements at least; one stands alone. */
function anyOf(statements: Json[]): Json {
  return statements.length === 1 ? statements[0]! : { or_statement: { statement: statements } };
}

function managed(name: string, priority: number, group: keyof typeof AWS_MANAGED_RULE_GROUPS, count: boolean): Json {
  const { name: groupName, version } = AWS_MANAGED_RULE_GROUPS[group];
  const overrides = BODY_RULES.filter((r) => r.group === group).map((r) => ({ name: r.rule, action_to_use: { count: {} } }));
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

export function webAclRules(waf: Waf): Json[] {
  const count = waf.mode === 'count';
  const action = count ? { count: {} } : { block: {} };
  const exempt = [...waf.uploadPaths, ...waf.messagePaths];
  const labelled = anyOf(BODY_RULES.map((r) => ({ label_match_statement: { scope: 'LABEL', key: r.label } })));
  return [
    {
      name: 'rate-limit-per-client',
      priority: 10,
      action,
      statement: { rate_based_statement: { limit: waf.rateLimit.requests, evaluation_window_sec: waf.rateLimit.windowMinutes * 60, aggregate_key_type: 'IP' } },
      visibility_config: visibility('rate-limit-per-client'),
    },
    managed('aws-ip-reputation', 20, 'ipReputation', count),
    managed('aws-known-bad-inputs', 30, 'knownBadInputs', count),
    managed('aws-common', 40, 'common', count),
    managed('aws-sql-database', 50, 'sqlDatabase', count),
    {
      name: 'body-rules-outside-rocketchat-paths',
      priority: 60,
      action,
      statement: exempt.length === 0 ? labelled : { and_statement: { statement: [labelled, { not_statement: { statement: [anyOf(pathPrefixStatements(exempt))] } }] } },
      visibility_config: visibility('body-rules-outside-rocketchat-paths'),
    },
  ];
}
