/**
 * A customer-managed KMS key with yearly automatic rotation and a 30-day
 * deletion window, so a mistaken destroy can still be cancelled.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { accountRootStatement, policyDocument, type Statement } from './policy';

export interface CustomerKeyProps {
  readonly description: string;
  /** Without the alias/ prefix. */
  readonly alias: string;
  readonly accountId: string;
  readonly partition: string;
  /** Service principals or roles that may use the key, beyond account IAM. */
  readonly statements?: readonly Statement[];
  /** Keys that protect state or data are kept from `terraform destroy`. */
  readonly preventDestroy?: boolean;
  /** The provider of another region (DR keys); absent: the stack's default provider. */
  readonly provider?: TerraformProvider;
}

export class CustomerKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: CustomerKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([accountRootStatement(props.partition, props.accountId), ...(props.statements ?? [])]),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, 'alias', { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }
}
