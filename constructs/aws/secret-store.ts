/** Secrets Manager as the SecretStore: secrets encrypted with a customer key, 30 days to undo a deletion. */
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import type { Construct } from 'constructs';
import type { SecretStore } from '../platform/platform-cloud';

export function secretsManagerStore(scope: Construct, kmsKeyArn: string): SecretStore {
  return {
    read: (sid, name) => new DataAwsSecretsmanagerSecretVersion(scope, `${sid}-value`, { secretId: name }).secretString,
    keep: (sid, name, value, description) => {
      const secret = new SecretsmanagerSecret(scope, sid, { name, description, kmsKeyId: kmsKeyArn, recoveryWindowInDays: 30 });
      new SecretsmanagerSecretVersion(scope, `${sid}-version`, { secretId: secret.id, secretString: value });
    },
  };
}
