/**
 * The customer key for every EBS volume of a cluster: node root volumes and
 * persistent volumes. Auto Scaling launches nodes with CMK-encrypted volumes
 * through its service-linked role, so the key policy lets that role use the
 * key and create grants for AWS resources. The role is looked up, so a plan
 * in an account without it fails with a clear "not found" (create it once:
 * `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`).
 */
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { Construct } from 'constructs';
import { CustomerKey } from './kms-key';
import type { Statement } from './policy';
import { preflight } from '../preflight';

export interface EbsKeyProps {
  readonly clusterName: string;
  readonly accountId: string;
  readonly partition: string;
}

export class EbsKey extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EbsKeyProps) {
    super(scope, id);
    const linked = new DataAwsIamRoles(this, 'autoscaling-service-role-preflight', {
      nameRegex: '^AWSServiceRoleForAutoScaling$',
      pathPrefix: '/aws-service-role/autoscaling.amazonaws.com/',
    });
    const autoscaling = new DataAwsIamRole(this, 'autoscaling-service-role', {
      name: 'AWSServiceRoleForAutoScaling',
      lifecycle: {
        precondition: [
          preflight(
            `\${length(${linked.fqn}.names) > 0}`,
            'the Auto Scaling service-linked role AWSServiceRoleForAutoScaling does not exist in this account, so node groups would fail mid-apply. Create it once per account: aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com',
          ),
        ],
      },
    });
    const key = new CustomerKey(this, 'key', {
      description: `Encrypts EBS volumes of ${props.clusterName}`,
      alias: `${props.clusterName}/ebs`,
      accountId: props.accountId,
      partition: props.partition,
      statements: [
        {
          Sid: 'AutoScalingUsesKeyForNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: autoscaling.arn },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        },
        {
          Sid: 'AutoScalingGrantsForNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: autoscaling.arn },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      ],
    });
    this.arn = key.key.arn;
  }
}

/** What the EBS CSI driver needs on a customer key to create and attach encrypted volumes. */
export function ebsCsiKeyStatements(keyArn: string): Statement[] {
  return [
    {
      Sid: 'GrantsForAttachedVolumes',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      Sid: 'UseKeyForVolumes',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: keyArn,
    },
  ];
}
