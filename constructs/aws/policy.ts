/** IAM and KMS policy documents as plain objects, rendered once to JSON. */
export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, string | string[]> | '*';
  readonly Action: string | string[];
  /** Omitted in trust policies, where IAM rejects it. */
  readonly Resource?: string | string[];
  /** Everything except these (Deny statements that fence a broad managed policy). */
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The ARN partition of a region: GovCloud and China are separate partitions. */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** Lets IAM in the account decide who may use a key, as AWS's default key policy does. */
export function accountRootStatement(partition: string, accountId: string): Statement {
  return {
    Sid: 'AccountAdministration',
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Lets CloudWatch Logs in this region use a key for one log group, and nothing else. */
export function cloudWatchLogsKeyStatement(partition: string, region: string, accountId: string, logGroupName: string): Statement {
  return {
    Sid: 'CloudWatchLogsUseForOneLogGroup',
    Effect: 'Allow',
    Principal: { Service: `logs.${region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn(partition, region, accountId, logGroupName) } },
  };
}

export function logGroupArn(partition: string, region: string, accountId: string, logGroupName: string): string {
  return `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}
