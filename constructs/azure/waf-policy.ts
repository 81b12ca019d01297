/**
 * Azure Web Application Firewall for Application Gateway for Containers: three WAF policies, each
 * made referable by the ALB Controller through a security policy (a child of the AGC resource), the
 * AGC's diagnostic logs (access and firewall) to the environment's Log Analytics workspace, and a
 * log alert to an action group that pages (`platform.waf.pager`) and mails the e-mail receivers of
 * `platform.alerting`.
 *
 * - `edge`: Microsoft_DefaultRuleSet 2.1 and Microsoft_BotManagerRuleSet 1.1 with body
 *   inspection, and the per-client rate limit from config. On the Gateway and on every route.
 * - `bodies`: the same rules and rate limit without request-body inspection and without the two
 *   restricted-file rules, only on the HTTPRoute of Rocket.Chat's file paths (uploads and
 *   downloads, config `platform.waf`): file bytes are what body rules refuse, and a user's file may
 *   be called app.ini. Headers, URI and query string are still inspected there.
 * - `messages`: body inspection on, the message-text rule groups (XSS, SQLI, LFI, RFI) excluded
 *   for body arguments, and custom rules that refuse a `method.call/<name>` body naming another
 *   DDP method; only on the HTTPRoute of the message paths.
 */
import { ApplicationLoadBalancerSecurityPolicy } from '@cdktf/provider-azurerm/lib/application-load-balancer-security-policy';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { WebApplicationFirewallPolicy, type WebApplicationFirewallPolicyCustomRules } from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { METHOD_CALL_PREFIX } from '../../config/schema-platform';
import { METHOD_CALL_BODY } from '../aws/web-acl-rules';
import type { SecretStore } from '../platform/platform-cloud';
import { sendDiagnostics } from './diagnostics';

/** Versions of the managed rule sets; Azure keeps a version until it retires it, so an upgrade is a deliberate change here. */
export const AZURE_MANAGED_RULE_SETS = [
  { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
  { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
] as const;

/**
 * DRS 2.1 rules a file download trips on its file name (Microsoft Learn, "DRS rule groups and
 * rules"): 920440 "URL file extension is restricted by policy" (.ini, .log, .conf, ...) and 930130
 * "Restricted File Access Attempt". Off only in the `bodies` policy, on the file route.
 */
export const DOWNLOAD_RULE_OVERRIDES = [
  { ruleGroupName: 'PROTOCOL-ENFORCEMENT', rule: [{ id: '920440', enabled: false }] },
  { ruleGroupName: 'LFI', rule: [{ id: '930130', enabled: false }] },
] as const;

/** DRS 2.1 groups that match message text (pasted code, SQL, paths, links): excluded for body arguments on the message route only. */
export const MESSAGE_TEXT_GROUPS = ['XSS', 'SQLI', 'LFI', 'RFI'] as const;

/**
 * Custom rules binding every DDP-over-REST call on the message route to the methods that route
 * exempts: Rocket.Chat runs the body's method, so the route's exclusions would otherwise cover any
 * method. A request whose URL-decoded, lower-cased URI contains `method.call` anywhere (so `//api`,
 * `/./` or `/x/../` spellings that AGC may normalise before routing still match) is refused when its
 * body names none of those methods, or carries a second method key or a \u escape (the regexes of
 * the AWS rules, constructs/aws/web-acl-rules.ts).
 */
export function methodCallRules(paths: readonly string[]): WebApplicationFirewallPolicyCustomRules[] {
  const methods = paths.filter((p) => p.startsWith(METHOD_CALL_PREFIX)).map((p) => p.slice(METHOD_CALL_PREFIX.length, -1));
  if (methods.length === 0) return [];
  // Block in both modes: a Detection policy only logs what its custom rules would block.
  const action = 'Block';
  const uri = { matchVariables: [{ variableName: 'RequestUri' }], operator: 'RegEx', matchValues: ['method\\.call'], transforms: ['UrlDecode', 'Lowercase'] };
  const body = (regex: string, negationCondition: boolean) => ({ matchVariables: [{ variableName: 'RequestBody' }], operator: 'RegEx', negationCondition, matchValues: [regex] });
  const allowed = METHOD_CALL_BODY.names(`(?:${methods.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, true);
  return [
    { name: 'MethodCallOther', priority: 20, ruleType: 'MatchRule', action, matchConditions: [uri, body(allowed, true)] },
    { name: 'MethodCallSmuggled', priority: 21, ruleType: 'MatchRule', action, matchConditions: [uri, body(METHOD_CALL_BODY.smuggled, false)] },
  ];
}

/**
 * Custom rules on every policy against credential stuffing: refuse X-Real-IP from the internet
 * (Rocket.Chat takes it as the client address, so one client could rotate past its rate limits),
 * and a per-client rate on the REST login and on method.call/method.callAnon bodies naming `login`.
 */
export function clientRules(waf: AzureEnvironment['platform']['waf']): WebApplicationFirewallPolicyCustomRules[] {
  const rate = (name: string, priority: number, matchConditions: WebApplicationFirewallPolicyCustomRules['matchConditions']) => ({
    name, priority, ruleType: 'RateLimitRule', rateLimitDuration: 'FiveMins', rateLimitThreshold: waf.loginRateLimit, groupRateLimitBy: 'ClientAddr', action: 'Block', matchConditions,
  });
  return [
    { name: 'ClientAddressHeader', priority: 5, ruleType: 'MatchRule', action: 'Block', matchConditions: [{ matchVariables: [{ variableName: 'RequestHeaders', selector: 'x-real-ip' }], operator: 'Any' }] },
    rate('LoginRatePerClient', 11, [{ matchVariables: [{ variableName: 'RequestUri' }], operator: 'RegEx', matchValues: ['^/+api/+v1/+login/*(?:\\?|$)'], transforms: ['UrlDecode', 'Lowercase'] }]),
    rate('DdpLoginRatePerClient', 12, [
      { matchVariables: [{ variableName: 'RequestUri' }], operator: 'RegEx', matchValues: ['method\\.call'], transforms: ['UrlDecode', 'Lowercase'] },
      { matchVariables: [{ variableName: 'RequestBody' }], operator: 'RegEx', matchValues: [METHOD_CALL_BODY.names('login')] },
    ]),
  ];
}

export interface AzureWafProps {
  readonly env: AzureEnvironment;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly loadBalancerId: string;
  readonly workspaceId: string;
  /** Where the pager's integration URL is read from at plan time (it lands in state, never in cdktf.out). */
  readonly secrets: SecretStore;
  /** The message route's paths: its custom rules bind each method.call path to its method. */
  readonly messagePaths: readonly string[];
}

export class AzureWaf extends Construct {
  /** WAF policy ids the WebApplicationFirewallPolicy custom resources name. */
  readonly edgePolicyId: string;
  readonly bodiesPolicyId: string;
  readonly messagesPolicyId: string;
  /** The security policies: a WebApplicationFirewallPolicy resource is refused until its WAF policy is referable. */
  readonly ready: ApplicationLoadBalancerSecurityPolicy[] = [];
  /** `ag-<env>-edge`: the pager and the e-mail receivers; the edge probe alerts here too. */
  readonly actionGroupId: string;

  constructor(scope: Construct, id: string, props: AzureWafProps) {
    super(scope, id);
    const { env } = props;
    const { waf } = env.platform;
    const [drs] = AZURE_MANAGED_RULE_SETS;
    type Kind = 'edge' | 'bodies' | 'messages';
    const policy = (name: Kind) => {
      const p = new WebApplicationFirewallPolicy(this, name, {
        name: `waf-${env.name}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        policySettings: {
          enabled: true,
          mode: waf.mode === 'block' ? 'Prevention' : 'Detection',
          requestBodyCheck: name !== 'bodies',
          // Incoming webhooks (/hooks/) may post more than the 128 KB the WAF inspects: inspect the start, do not refuse the rest.
          requestBodyEnforcement: name === 'edge',
        },
        managedRules: {
          managedRuleSet: AZURE_MANAGED_RULE_SETS.map((set) => ({
            type: set.type,
            version: set.version,
            ...(name === 'bodies' && set === drs ? { ruleGroupOverride: DOWNLOAD_RULE_OVERRIDES.map((g) => ({ ruleGroupName: g.ruleGroupName, rule: g.rule.map((r) => ({ ...r })) })) } : {}),
          })),
          // Azure exclusions name request fields, not paths: scoped by this policy sitting on the message route alone.
          ...(name === 'messages'
            ? {
                exclusion: [
                  {
                    matchVariable: 'RequestArgNames',
                    selector: '*',
                    selectorMatchOperator: 'EqualsAny',
                    excludedRuleSet: { type: drs.type, version: drs.version, ruleGroup: MESSAGE_TEXT_GROUPS.map((ruleGroupName) => ({ ruleGroupName })) },
                  },
                ],
              }
            : {}),
        },
        customRules: [
          {
            name: 'RateLimitPerClient',
            priority: 10,
            ruleType: 'RateLimitRule',
            rateLimitDuration: waf.rateLimit.windowMinutes === 1 ? 'OneMin' : 'FiveMins',
            rateLimitThreshold: waf.rateLimit.requests,
            groupRateLimitBy: 'ClientAddr',
            action: 'Block',
            // A rate-limit rule counts the requests its conditions match: every IPv4 client.
            matchConditions: [{ matchVariables: [{ variableName: 'RemoteAddr' }], operator: 'IPMatch', matchValues: ['0.0.0.0/0'] }],
          },
          ...clientRules(waf),
          ...(name === 'messages' ? methodCallRules(props.messagePaths) : []),
        ],
      });
      const securityPolicy = new ApplicationLoadBalancerSecurityPolicy(this, `${name}-security-policy`, {
        name: `waf-${name}`,
        applicationLoadBalancerId: props.loadBalancerId,
        location: props.location,
        webApplicationFirewallPolicyId: p.id,
      });
      this.ready.push(securityPolicy);
      return p;
    };
    this.edgePolicyId = policy('edge').id;
    this.bodiesPolicyId = policy('bodies').id;
    this.messagesPolicyId = policy('messages').id;

    sendDiagnostics(this, 'diagnostics', { targetResourceId: props.loadBalancerId, workspaceId: props.workspaceId, logs: true, metrics: true });

    const emails = env.platform.alerting.receivers.flatMap((r) => (r.type === 'email' ? [r.to] : []));
    const group = new MonitorActionGroup(this, 'action-group', {
      name: `ag-${env.name}-edge`,
      resourceGroupName: props.resourceGroupName,
      shortName: 'rc-edge',
      emailReceiver: emails.map((emailAddress, i) => ({ name: `email-${i}`, emailAddress, useCommonAlertSchema: true })),
      // The pager's Azure Monitor integration takes the common alert schema; the URL lands in state and on the action group.
      webhookReceiver: waf.pager ? [{ name: 'pager', serviceUri: props.secrets.read('edge-pager-url', waf.pager.urlSecret), useCommonAlertSchema: true }] : undefined,
    });
    this.actionGroupId = group.id;
    // AGC firewall log (Dedicated destination: table AGCFirewallLogs); Action is Blocked for refused requests.
    const blocked = 'AGCFirewallLogs | where Action == "Blocked"';
    const alert = (name: string, description: string, query: string, threshold: number, severity: number) =>
      new MonitorScheduledQueryRulesAlertV2(this, name, {
        name: `${env.name}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        description,
        severity,
        scopes: [props.workspaceId],
        evaluationFrequency: 'PT5M',
        windowDuration: 'PT5M',
        criteria: [{ query, timeAggregationMethod: 'Count', operator: 'GreaterThan', threshold }],
        action: { actionGroups: [group.id] },
      });
    alert(
      'waf-blocked-above-normal',
      'The WAF blocks more than three times its usual rate (the last day\'s five-minute average) and over 100 requests: an attack, or a rule refusing Rocket.Chat (docs/operations.md)',
      `let usual = toscalar(${blocked} | where TimeGenerated between (ago(1d) .. ago(5m)) | summarize count() / 288.0);\n${blocked} | where TimeGenerated > ago(5m) | summarize n = count() | where n > max_of(3 * usual, 100)`,
      0,
      2,
    );
    // AGC's health probes go from AGC to the pods and never through the WAF, so no log alert here can see
    // the WAF refusing the health path; the synthetic check through the edge does (edge-probe.ts).
  }
}
