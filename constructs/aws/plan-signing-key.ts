/**
 * The key that signs a gated environment's sealed plan bundle: an asymmetric KMS key (ECC_NIST_P256,
 * SIGN_VERIFY) only the environment's plan role may sign with. The plan job signs a digest of the
 * bundle bound to repository, run, commit and environment; the approved apply job verifies it
 * before it opens the bundle. The seal (scripts/ci/seal.ts) keeps the plans secret, but its public
 * key is public: anything on a plan runner could seal a bundle. The signature says the plan
 * identity made it.
 *
 * Sign is refused to every other principal by the key policy itself (so no identity policy,
 * AdministratorAccess included, grants it), and the deploy fences keep deploy roles and the roles
 * they create from changing this key's policy, deleting it or moving its alias
 * (constructs/aws/deploy-fence.ts). The apply verifies with `kms:Verify` under the deploy role.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciRolePatterns } from './deploy-fence';
import { accountRootStatement, policyDocument } from './policy';

/** `<env>_plan_signing_key_arn`: the bootstrap output the GitHub settings stack copies into the `<env>` environment's PLAN_SIGNING_KEY_ARN. */
export function planSigningKeyOutput(environment: string): string {
  return `${environment.replace(/-/g, '_')}_plan_signing_key_arn`;
}

/** `alias/<env>-plan-signing`: the plan job signs by this alias; the apply verifies by the key's ARN (PLAN_SIGNING_KEY_ARN) and checks KMS names it. */
export function planSigningAlias(environment: string): string {
  return `alias/${environment}-plan-signing`;
}

export interface PlanSigningKeyProps {
  readonly environment: string;
  readonly partition: string;
  readonly accountId: string;
  readonly planRoleArn: string;
}

export class PlanSigningKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: PlanSigningKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: `Signs the sealed plan bundles of ${props.environment} (plan role only)`,
      customerMasterKeySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      deletionWindowInDays: 30,
      policy: policyDocument([
        accountRootStatement(props.partition, props.accountId),
        {
          Sid: 'OnlyThePlanRoleSigns',
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:Sign',
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': props.planRoleArn } },
        },
        {
          Sid: 'CiKeepsTheKeyAsBootstrapped',
          Effect: 'Deny',
          Principal: '*',
          // A grant is another way to hand out kms:Sign: CI creates none on this key.
          Action: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:CreateGrant'],
          Resource: '*',
          Condition: { ArnLike: { 'aws:PrincipalArn': ciRolePatterns(props.partition, props.accountId) } },
        },
      ]),
    });
    new KmsAlias(this, 'alias', { name: planSigningAlias(props.environment), targetKeyId: this.key.keyId });
    new TerraformOutput(this, 'key-arn', { value: this.key.arn, description: `Key the approved applies of ${props.environment} verify plan signatures with` }).overrideLogicalId(
      planSigningKeyOutput(props.environment),
    );
  }
}
