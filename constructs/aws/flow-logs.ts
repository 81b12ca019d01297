/**
 * VPC flow logs (all traffic, 1-minute aggregation) into a CloudWatch log group
 * encrypted with its own rotating KMS key. The delivery role can write to that
 * one group only, and only the flow-logs service of this account can assume it.
 */
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { policyDocument } from './policy';
import { awsRoleName } from '../../config/names';

export interface VpcFlowLogsProps {
  readonly name: string;
  readonly vpcId: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly retentionDays: number;
}

export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { accountId, region, partition } = props;
    const logs = new EncryptedLogGroup(this, 'logs', {
      name: `/aws/vpc-flow-logs/${props.name}`,
      keyAlias: `${props.name}/vpc-flow-logs`,
      description: `Encrypts the VPC flow logs of ${props.name}`,
      retentionDays: props.retentionDays,
      accountId,
      region,
      partition,
    });
    this.logGroup = logs.logGroup;
    const logGroupArn = logs.arn;

    const role = new IamRole(this, 'delivery-role', {
      name: awsRoleName(props.name, 'vpc-flow-logs'),
      description: 'Delivers VPC flow logs to CloudWatch Logs',
      assumeRolePolicy: policyDocument([
        {
          Sid: 'FlowLogsServiceOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: { 'aws:SourceArn': `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
          },
        },
      ]),
    });
    new IamRolePolicy(this, 'delivery-policy', {
      role: role.name,
      name: 'write-flow-logs',
      policy: policyDocument([
        {
          Sid: 'WriteThisLogGroup',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups'],
          Resource: [logGroupArn, `${logGroupArn}:*`],
        },
      ]),
    });

    new FlowLog(this, 'flow-log', {
      vpcId: props.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: props.name },
    });
  }
}
