import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';

export interface AwsAccountProps {
  readonly accountId: string;
  readonly region: string;
  readonly tags: Record<string, string>;
}

/**
 * The AWS provider pinned to one account: a plan run with credentials for any
 * other account fails before it changes anything. `alias`: a second region
 * in the same stack (the DR region).
 */
export function awsProvider(scope: Construct, props: AwsAccountProps, alias?: string): AwsProvider {
  return new AwsProvider(scope, alias ? `aws-${alias}` : 'aws', {
    alias,
    region: props.region,
    allowedAccountIds: [props.accountId],
    defaultTags: [{ tags: props.tags }],
  });
}
