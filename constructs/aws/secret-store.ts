/**
 * Secrets Manager as the SecretStore: secrets encrypted with a customer key, 30 days to undo a
 * deletion, and, with a DR region, a replica there (its own key) that a restore in that region
 * reads by the same name while the primary region is down.
 */
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataAwsSecretsmanagerSecrets } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secrets';
import { Fn } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import type { Construct } from 'constructs';
import type { SecretStore } from '../platform/platform-cloud';
import { preflight } from '../preflight';

export interface SecretReplica {
  readonly region: string;
  readonly kmsKeyArn: string;
}

export function secretsManagerStore(scope: Construct, kmsKeyArn: string, replica?: SecretReplica): SecretStore {
  return {
    read: (sid, name) => {
      // ListSecrets matches names by prefix; the condition wants this exact name.
      const found = new DataAwsSecretsmanagerSecrets(scope, `${sid}-preflight`, { filter: [{ name: 'name', values: [name] }] });
      return new DataAwsSecretsmanagerSecretVersion(scope, `${sid}-value`, {
        secretId: name,
        lifecycle: {
          precondition: [
            preflight(
              Fn.contains(found.names, name),
              `Secrets Manager has no secret named "${name}" in this account and region. Create it before planning this stack: aws secretsmanager create-secret --name ${name} --secret-string '<value>' (README.md, "Deploying", lists the secrets an environment needs).`,
            ),
          ],
        },
      }).secretString;
    },
    keep: (sid, name, value, description) => {
      const secret = new SecretsmanagerSecret(scope, sid, {
        name,
        description,
        kmsKeyId: kmsKeyArn,
        recoveryWindowInDays: 30,
        replica: replica ? [{ region: replica.region, kmsKeyId: replica.kmsKeyArn }] : undefined,
      });
      new SecretsmanagerSecretVersion(scope, `${sid}-version`, { secretId: secret.id, secretString: value });
    },
  };
}
