/**
 * An SNS topic for CloudWatch alarms, encrypted with a customer key CloudWatch may use, with e-mail
 * subscribers. A function, not a construct: its children keep the ids (`alarm-key`, `alarms`,
 * `alarm-email-<n>`) of the constructs that create them, so their Terraform addresses stay put.
 */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Construct } from 'constructs';
import { CustomerKey } from './kms-key';

export interface AlarmTopicProps {
  /** Topic name and key alias. */
  readonly name: string;
  readonly description: string;
  readonly accountId: string;
  readonly partition: string;
  /** E-mail addresses by subscription number (`alarm-email-<n>`). */
  readonly emails: ReadonlyArray<readonly [number, string]>;
}

export function alarmTopic(scope: Construct, props: AlarmTopicProps): SnsTopic {
  const key = new CustomerKey(scope, 'alarm-key', {
    description: props.description,
    alias: props.name,
    accountId: props.accountId,
    partition: props.partition,
    statements: [
      {
        Sid: 'CloudWatchAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      },
    ],
  });
  const topic = new SnsTopic(scope, 'alarms', { name: props.name, kmsMasterKeyId: key.key.arn });
  // E-mail subscriptions stay pending until each address confirms from the mail SNS sends; until then nobody hears the alarms.
  for (const [i, address] of props.emails) {
    new SnsTopicSubscription(scope, `alarm-email-${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: address });
  }
  return topic;
}
