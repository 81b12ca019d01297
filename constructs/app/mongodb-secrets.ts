/**
 * Everything a new cluster needs to use this database's data, kept outside the cluster: the
 * system users' and Rocket.Chat's passwords and the WiredTiger encryption key. Terraform
 * generates them (random provider), keeps them in the secret store (Secrets Manager, replicated
 * to the DR region; Key Vault) and hands them to the operator as Kubernetes secrets, so the
 * operator never invents one that would exist only in the cluster.
 *
 * An environment restoring another's backups (`app.restore`) takes that environment's values
 * instead, read where the restore source says (AWS: this region's replicas of the source's
 * secrets; Azure: the source's Key Vault): a logical restore brings back the
 * source's users, so the operator must log in with the source's passwords, and a physical
 * backup or a retained volume opens only with the source's key. It keeps them under its own
 * names as well, so its own backups stay restorable the same way.
 */
import { Bytes } from '@cdktf/provider-random/lib/bytes';
import { Password } from '@cdktf/provider-random/lib/password';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { Environment } from '../../config/schema';
import type { SecretStore } from '../platform/platform-cloud';

/** System users the operator manages (psmdb_types.go EnvMongoDB*), all with generated passwords. */
export const SYSTEM_USERS = {
  BACKUP: 'backup',
  DATABASE_ADMIN: 'databaseAdmin',
  CLUSTER_ADMIN: 'clusterAdmin',
  CLUSTER_MONITOR: 'clusterMonitor',
  USER_ADMIN: 'userAdmin',
} as const;

/** The key of Rocket.Chat's own user in the `<env>-mongodb-users` secret. */
export const APP_USER_KEY = 'rocketchat';

/** Secret store names, one place: the DR environment reads the source's by these names. */
export const mongoSecretNames = (env: string) => ({
  users: `${env}-mongodb-users`,
  encryptionKey: `${env}-mongodb-encryption-key`,
  rocketchatAdmin: `${env}-rocketchat-admin-password`,
});

export interface MongoSecretValues {
  /** Password per system user name. */
  readonly system: Readonly<Record<string, string>>;
  readonly app: string;
  /** base64 of 32 random bytes: what mongod's --encryptionKeyFile takes (the operator generates the same). */
  readonly encryptionKey: string;
}

/** With `app.restore`, the store the source environment's secrets are read from (RestoreSource.secrets); else undefined. */
function restoreSecrets(env: Environment, source: SecretStore | undefined): { environment: string; store: SecretStore } | undefined {
  const environment = env.app.restore?.from.environment;
  if (environment === undefined) return undefined;
  if (source === undefined) throw new Error(`${env.name}: app.restore is set but no restore source store was passed`);
  return { environment, store: source };
}

/**
 * The values, generated or read from the restore source, and kept in the store. `scope` is the
 * replica set construct, so the generated passwords keep their addresses in state.
 */
export function mongoSecrets(scope: Construct, env: Environment, store: SecretStore, restoreStore: SecretStore | undefined): MongoSecretValues {
  const own = mongoSecretNames(env.name);
  const source = restoreSecrets(env, restoreStore);
  let values: MongoSecretValues;
  if (source) {
    const names = mongoSecretNames(source.environment);
    const users = Fn.jsondecode(source.store.read('restore-source-users', names.users));
    values = {
      system: Object.fromEntries(Object.values(SYSTEM_USERS).map((user) => [user, Fn.lookup(users, user) as string])),
      app: Fn.lookup(users, APP_USER_KEY) as string,
      encryptionKey: source.store.read('restore-source-encryption-key', names.encryptionKey),
    };
  } else {
    // Letters and digits only: the passwords go into connection URIs unescaped.
    const password = (name: string) => new Password(scope, `${name}-password`, { length: 32, special: false }).result;
    values = {
      system: Object.fromEntries(Object.values(SYSTEM_USERS).map((user) => [user, password(`system-${user}`)])),
      app: password('rocketchat'),
      encryptionKey: new Bytes(scope, 'encryption-key', { length: 32 }).base64,
    };
  }
  store.keep(
    'mongodb-users-secret',
    own.users,
    Fn.jsonencode({ ...values.system, [APP_USER_KEY]: values.app }),
    `MongoDB users of ${env.name}: system users and ${APP_USER_KEY} (a restore elsewhere logs in with these)`,
  );
  store.keep('mongodb-encryption-key-secret', own.encryptionKey, values.encryptionKey, `MongoDB data-at-rest encryption key of ${env.name} (opens its volumes and physical backups)`);
  return values;
}

/** Rocket.Chat's first administrator: generated, or the restore source's (the restored database holds that user). */
export function rocketchatAdminPassword(scope: Construct, env: Environment, restoreStore: SecretStore | undefined): string {
  const source = restoreSecrets(env, restoreStore);
  if (source) return source.store.read('restore-source-admin-password', mongoSecretNames(source.environment).rocketchatAdmin);
  return new Password(scope, 'admin-password', { length: 32, special: false }).result;
}
