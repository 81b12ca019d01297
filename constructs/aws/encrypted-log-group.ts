/**
 * A CloudWatch log group encrypted with its own rotating KMS key that only
 * CloudWatch Logs, for this one group, may use (plus account IAM).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';
import { CustomerKey } from './kms-key';
import { cloudWatchLogsKeyStatement, logGroupArn } from './policy';

export interface EncryptedLogGroupProps {
  readonly name: string;
  readonly keyAlias: string;
  readonly description: string;
  readonly retentionDays: number;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  /** Known at synth time, so policies can name the group before it exists. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const { accountId, region, partition } = props;
    const key = new CustomerKey(this, 'key', {
      description: props.description,
      alias: props.keyAlias,
      accountId,
      partition,
      statements: [cloudWatchLogsKeyStatement(partition, region, accountId, props.name)],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: key.key.arn,
    });
    this.arn = logGroupArn(partition, region, accountId, props.name);
  }
}
