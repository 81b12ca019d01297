/**
 * Azure Web Application Firewall for Application Gateway for Containers: two WAF policies, each
 * made referable by the ALB Controller through a security policy (a child of the AGC resource), the
 * AGC's diagnostic logs (access and firewall) to the environment's Log Analytics workspace, and two
 * log alerts mailed to the e-mail receivers of `platform.alerting`.
 *
 * - `edge`: Microsoft_DefaultRuleSet 2.1 and Microsoft_BotManagerRuleSet 1.1 with body
 *   inspection, and the per-client rate limit from config. On the Gateway and on every route.
 * - `bodies`: the same rules and rate limit without request-body inspection, only on the HTTPRoute
 *   of Rocket.Chat's upload and message paths (config `platform.waf.uploadPaths` and
 *   `messagePaths`): files and message text are what body rules refuse. Headers, URI and query
 *   string are still inspected there.
 */
import { ApplicationLoadBalancerSecurityPolicy } from '@cdktf/provider-azurerm/lib/application-load-balancer-security-policy';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { WebApplicationFirewallPolicy } from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { sendDiagnostics } from './diagnostics';

/** Versions of the managed rule sets; Azure keeps a version until it retires it, so an upgrade is a deliberate change here. */
export const AZURE_MANAGED_RULE_SETS = [
  { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
  { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
] as const;

export interface AzureWafProps {
  readonly env: AzureEnvironment;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly loadBalancerId: string;
  readonly workspaceId: string;
  readonly healthCheckPath: string;
}

export class AzureWaf extends Construct {
  /** WAF policy ids the WebApplicationFirewallPolicy custom resources name. */
  readonly edgePolicyId: string;
  readonly bodiesPolicyId: string;
  /** The security policies: a WebApplicationFirewallPolicy resource is refused until its WAF policy is referable. */
  readonly ready: ApplicationLoadBalancerSecurityPolicy[] = [];

  constructor(scope: Construct, id: string, props: AzureWafProps) {
    super(scope, id);
    const { env } = props;
    const { waf } = env.platform;
    const policy = (name: string, inspectBodies: boolean) => {
      const p = new WebApplicationFirewallPolicy(this, name, {
        name: `waf-${env.name}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        policySettings: {
          enabled: true,
          mode: waf.mode === 'block' ? 'Prevention' : 'Detection',
          requestBodyCheck: inspectBodies,
          requestBodyEnforcement: inspectBodies,
        },
        managedRules: { managedRuleSet: AZURE_MANAGED_RULE_SETS.map((set) => ({ type: set.type, version: set.version })) },
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
    this.edgePolicyId = policy('edge', true).id;
    this.bodiesPolicyId = policy('bodies', false).id;

    sendDiagnostics(this, 'diagnostics', { targetResourceId: props.loadBalancerId, workspaceId: props.workspaceId, logs: true, metrics: true });

    const emails = env.platform.alerting.receivers.flatMap((r) => (r.type === 'email' ? [r.to] : []));
    const group = new MonitorActionGroup(this, 'action-group', {
      name: `ag-${env.name}-edge`,
      resourceGroupName: props.resourceGroupName,
      shortName: 'rc-edge',
      emailReceiver: emails.map((emailAddress, i) => ({ name: `email-${i}`, emailAddress, useCommonAlertSchema: true })),
    });
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
    alert(
      'waf-blocks-health-path',
      `The WAF blocked ${props.healthCheckPath}, the path probes and uptime checks call: it is refusing Rocket.Chat itself (docs/operations.md)`,
      `${blocked} | where RequestUri startswith "${props.healthCheckPath}"`,
      0,
      1,
    );
  }
}
