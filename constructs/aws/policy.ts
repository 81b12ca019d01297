/** IAM and KMS policy documents as plain objects, rendered once to JSON. */
export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, string | string[]> | '*';
  readonly Action: string | string[];
  readonly Resource: string | string[];
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
