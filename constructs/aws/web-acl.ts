/**
 * The environment's AWS WAF web ACL (regional, for the ALB), its request log and its alarms.
 *
 * Platform layer: the environment has one ALB (`group.name`), shared by Grafana (platform) and
 * Rocket.Chat (app), and an ALB carries exactly one web ACL; the ACL must exist before the first
 * Ingress creates the ALB, or the load balancer serves unfiltered until the app layer applies.
 * The app layer reads its ARN from the aws-platform contract.
 *
 * Alarms are CloudWatch alarms: blocked signed-in requests page (an SNS topic subscribed by the
 * pager's HTTPS integration, `platform.waf.pager`, and mailed to the e-mail receivers of
 * `platform.alerting`); total blocks above normal only mail a ticket topic (docs/platform.md says
 * why, and why not through Prometheus).
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import type { SecretStore } from '../platform/platform-cloud';
import { alarmTopic } from './alarm-topic';
import { EncryptedLogGroup } from './encrypted-log-group';
import { EXEMPT_LABELS, webAclRules } from './web-acl-rules';

/**
 * Request parts never written to the log: session credentials. Rocket.Chat's REST API
 * authenticates with the X-Auth-Token and X-User-Id headers, browsers with the rc_token cookie,
 * and file links carry rc_token/rc_uid in the query string.
 */
export const WAF_REDACTED_HEADERS = ['authorization', 'cookie', 'x-auth-token', 'x-user-id'] as const;

/** Blocked signed-in requests per five minutes that page: a stolen token replayed by a scanner stays below, a rule refusing an app screen does not. */
export const AUTHENTICATED_BLOCKS_PAGE = 20;

export interface AwsWebAclProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  /** Where the pager's integration URL is read from at plan time (it lands in state, never in cdktf.out). */
  readonly secrets: SecretStore;
}

export class AwsWebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  /** `<env>-edge-alarms`: the pager and the e-mail receivers; the edge probe alarms here too. */
  readonly alarmTopic: SnsTopic;

  constructor(scope: Construct, id: string, props: AwsWebAclProps) {
    super(scope, id);
    const { env, partition } = props;
    const { accountId, region } = env.aws;
    const { waf } = env.platform;
    const name = `${env.name}-edge`;
    this.acl = new Wafv2WebAcl(this, 'acl', {
      name,
      description: `${env.name}: public ALB (Rocket.Chat, Grafana); mode ${waf.mode}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    // Written as Terraform JSON: the binding types rule statements as `any` and passes them through
    // unconverted, so one snake_case shape is what is synthesized, planned and evaluated in tests.
    this.acl.addOverride('rule', webAclRules(waf));

    // AWS WAF delivers to CloudWatch Logs only into groups named aws-waf-logs-*.
    const logGroupName = `aws-waf-logs-${env.name}`;
    const logs = new EncryptedLogGroup(this, 'logs', {
      name: logGroupName,
      keyAlias: `${env.name}-waf-logs`,
      description: `${env.name}: AWS WAF request log`,
      retentionDays: waf.logRetentionDays,
      accountId,
      region,
      partition,
    });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [logs.logGroup.arn],
      redactedFields: [...WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })), { queryString: {} }],
      // Only what a rule refused, or a managed rule overridden to count matched (EXCLUDED_AS_COUNT: what tuning needs): allowed
      // requests are not written, so a webhook's token in its path (/hooks/<id>/<token>) is logged only when a rule matched
      // that request. Not COUNT in block mode: the label-marking rules count on every session and every message (docs/platform.md).
      loggingFilter: {
        defaultBehavior: 'DROP',
        filter: [{ behavior: 'KEEP', requirement: 'MEETS_ANY', condition: (waf.mode === 'count' ? ['BLOCK', 'EXCLUDED_AS_COUNT', 'COUNT'] : ['BLOCK', 'EXCLUDED_AS_COUNT']).map((action) => ({ actionCondition: { action } })) }],
      },
    });

    const emails = env.platform.alerting.receivers.flatMap((receiver, i) => (receiver.type === 'email' ? [[i, receiver.to] as const] : []));
    const topic = (this.alarmTopic = alarmTopic(this, { name: `${env.name}-edge-alarms`, description: `${env.name}: edge alarm topic`, accountId, partition, emails }));
    const { pager } = waf;
    if (pager) {
      // SNS posts a SubscriptionConfirmation first; the pager's CloudWatch integration confirms it, and
      // endpoint_auto_confirms makes the apply wait for that (a URL that cannot take SNS fails the apply).
      new SnsTopicSubscription(this, 'alarm-pager', {
        topicArn: topic.arn,
        protocol: 'https',
        endpoint: props.secrets.read('edge-pager-url', pager.urlSecret),
        endpointAutoConfirms: true,
        confirmationTimeoutInMinutes: 5,
      });
    }
    // Tickets, not pages: scanner bursts raise the total, and a persistent false positive becomes its baseline.
    const tickets = alarmTopic(new Construct(this, 'tickets'), { name: `${env.name}-edge-tickets`, description: `${env.name}: edge ticket topic (e-mail)`, accountId, partition, emails });
    const dimensions = { WebACL: name, Region: region, Rule: 'ALL' };

    new CloudwatchMetricAlarm(this, 'blocked-above-normal', {
      alarmName: `${env.name}-waf-blocked-above-normal`,
      alarmDescription: `The ${name} web ACL blocks more requests than its learned band (CloudWatch anomaly detection, 3 standard deviations) in 2 of 3 five-minute periods: an attack or scanner, or a rule refusing Rocket.Chat; a ticket (docs/operations.md)`,
      comparisonOperator: 'GreaterThanUpperThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      thresholdMetricId: 'band',
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'blocked', returnData: true, metric: { namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', dimensions, period: 300, stat: 'Sum' } },
        { id: 'band', expression: 'ANOMALY_DETECTION_BAND(blocked, 3)', label: 'Normal blocked requests', returnData: true },
      ],
      alarmActions: [tickets.arn],
      okActions: [tickets.arn],
    });

    // Pages: signed-in users being refused is Rocket.Chat broken for them, whatever the baseline. AWS WAF
    // publishes BlockedRequests per label (LabelNamespace, LabelName); mark-authenticated labels every
    // request carrying X-Auth-Token or the rc_token cookie before any rule can block it. A web ACL's own
    // rule labels are qualified with awswaf:<account>:webacl:<name>: (AWS WAF developer guide, "Label syntax").
    const cut = EXEMPT_LABELS.authenticated.lastIndexOf(':');
    const labelNamespace = `awswaf:${accountId}:webacl:${name}:${EXEMPT_LABELS.authenticated.slice(0, cut)}`;
    const labelName = EXEMPT_LABELS.authenticated.slice(cut + 1);
    new CloudwatchMetricAlarm(this, 'blocked-authenticated', {
      alarmName: `${env.name}-waf-blocked-authenticated`,
      alarmDescription: `The ${name} web ACL blocked more than ${AUTHENTICATED_BLOCKS_PAGE} requests of signed-in users in each of 2 five-minute periods: most likely a rule refusing Rocket.Chat itself (docs/operations.md)`,
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensions: { WebACL: name, Region: region, LabelNamespace: labelNamespace, LabelName: labelName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: AUTHENTICATED_BLOCKS_PAGE,
      treatMissingData: 'notBreaching',
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });

    // The ALB's health checks go straight to the pods and never through the WAF, so no alarm here can
    // see the WAF refusing the health path; the synthetic check through the edge does (docs/platform.md).
  }
}
