/**
 * The environment's AWS WAF web ACL (regional, for the ALB), its request log and its alarms.
 *
 * Platform layer: the environment has one ALB (`group.name`), shared by Grafana (platform) and
 * Rocket.Chat (app), and an ALB carries exactly one web ACL; the ACL must exist before the first
 * Ingress creates the ALB, or the load balancer serves unfiltered until the app layer applies.
 * The app layer reads its ARN from the aws-platform contract.
 *
 * Alarms are CloudWatch alarms to an SNS topic mailed to the e-mail receivers of
 * `platform.alerting` (docs/platform.md says why not through Prometheus).
 */
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import { alarmTopic } from './alarm-topic';
import { EncryptedLogGroup } from './encrypted-log-group';
import { webAclRules } from './web-acl-rules';

/**
 * Request parts never written to the log: session credentials. Rocket.Chat's REST API
 * authenticates with the X-Auth-Token and X-User-Id headers, browsers with the rc_token cookie,
 * and file links carry rc_token/rc_uid in the query string.
 */
export const WAF_REDACTED_HEADERS = ['authorization', 'cookie', 'x-auth-token', 'x-user-id'] as const;

export interface AwsWebAclProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  /** The app's health path: a block of it means the WAF refuses what the load balancer and uptime checks call. */
  readonly healthCheckPath: string;
}

export class AwsWebAcl extends Construct {
  readonly acl: Wafv2WebAcl;

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
    });

    const emails = env.platform.alerting.receivers.flatMap((receiver, i) => (receiver.type === 'email' ? [[i, receiver.to] as const] : []));
    const topic = alarmTopic(this, { name: `${env.name}-edge-alarms`, description: `${env.name}: edge alarm topic`, accountId, partition, emails });
    const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };
    const dimensions = { WebACL: name, Region: region, Rule: 'ALL' };

    new CloudwatchMetricAlarm(this, 'blocked-above-normal', {
      alarmName: `${env.name}-waf-blocked-above-normal`,
      alarmDescription: `The ${name} web ACL blocks more requests than its learned band (CloudWatch anomaly detection, 3 standard deviations) in 2 of 3 five-minute periods: an attack, or a rule refusing Rocket.Chat (docs/operations.md)`,
      comparisonOperator: 'GreaterThanUpperThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      thresholdMetricId: 'band',
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'blocked', returnData: true, metric: { namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', dimensions, period: 300, stat: 'Sum' } },
        { id: 'band', expression: 'ANOMALY_DETECTION_BAND(blocked, 3)', label: 'Normal blocked requests', returnData: true },
      ],
      ...actions,
    });

    const namespace = 'RocketChatEdge';
    const metricName = `${env.name}-waf-blocked-health-path`;
    new CloudwatchLogMetricFilter(this, 'blocked-health-path', {
      name: metricName,
      logGroupName: logs.logGroup.name,
      pattern: `{ ($.action = "BLOCK") && ($.httpRequest.uri = "${props.healthCheckPath}") }`,
      metricTransformation: { name: metricName, namespace, value: '1', defaultValue: '0' },
    });
    new CloudwatchMetricAlarm(this, 'health-path-blocked', {
      alarmName: `${env.name}-waf-blocks-health-path`,
      alarmDescription: `The ${name} web ACL blocked ${props.healthCheckPath}, the path load balancers and uptime checks call: it is refusing Rocket.Chat itself (docs/operations.md)`,
      namespace,
      metricName,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
  }
}
