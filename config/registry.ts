/**
 * Checks across every registered environment, whatever ENVIRONMENTS selects: a synth of one
 * environment must not create a bootstrap stack, a state store or a global name that another
 * environment's synth creates differently. Also finds environment files that are not registered.
 */
import { readdirSync } from 'node:fs';
import * as names from './names';
import { fieldPath } from './rules-kit';
import type { AwsEnvironment, AzureEnvironment, Environment } from './schema';

/** The bootstrap stack an environment's remote state store gets (stacks/environments.ts builds it with this id). */
export function bootstrapStackId(env: Environment): string | undefined {
  return names.stateStoreStackId(env);
}

const DR_REGION = fieldPath((e) => e.app.backups.dr?.region);
const ENV_NAME = fieldPath((e) => e.name);
export const STATE_BUCKET = fieldPath<{ state: Extract<AwsEnvironment['state'], { type: 's3' }> }>((e) => e.state.bucket);
export const STATE_ACCOUNT = fieldPath<{ state: Extract<AzureEnvironment['state'], { type: 'azurerm' }> }>((e) => e.state.storageAccountName);

/**
 * What one bootstrap stack creates, beyond what load.ts's shared-store check compares (account,
 * region, subscription, resource group): the kind of store, and the one container it makes.
 */
function storeOf(env: Environment): { field: string; text: string } | undefined {
  const state = env.state;
  if (state.type === 's3') return { field: STATE_BUCKET, text: `an S3 bucket` };
  if (state.type === 'azurerm') return { field: STATE_ACCOUNT, text: `a storage account with container ${state.containerName}` };
  return undefined;
}

/** Names that are unique across a whole cloud (S3 buckets, storage accounts, Key Vaults) or that two environments cannot share (domains). */
function globalNames(env: Environment): Array<{ field: string; kind: string; name: string }> {
  const at = (kind: string, name: string) => ({ field: ENV_NAME, kind, name });
  const own =
    env.cloud === 'aws'
      ? names.AWS_BUCKET_PURPOSES.map((p) => at('S3 bucket', names.awsBucketName(env.name, env.aws.accountId, p)))
      : [
          at('Key Vault', names.azureKeyVaultName(env.name, env.azure.subscriptionId)),
          ...(env.app.backups.dr ? [at('Key Vault', names.azureEscrowVaultName(env.name, env.azure.subscriptionId))] : []),
          ...(['flow-logs', 'observability', 'mongodb-backups'] as const).map((p) => at('storage account', names.azureStorageAccountName(env.name, env.azure.subscriptionId, p))),
        ];
  return [...own, { field: fieldPath((e) => e.domain), kind: 'domain', name: env.domain }];
}

export function registryProblems(envs: readonly Environment[]): string[] {
  const problems: string[] = [];
  const stacks = new Map<string, { env: string; store: string }>();
  const owners = new Map<string, { env: string; kind: string }>();
  for (const env of envs) {
    const id = bootstrapStackId(env);
    const store = storeOf(env);
    if (id && store) {
      const seen = stacks.get(id);
      if (!seen) stacks.set(id, { env: env.name, store: store.text });
      else if (seen.store !== store.text) {
        problems.push(
          `config/${env.name}: ${store.field}: makes the bootstrap stack "${id}" for ${store.text}, but ${seen.env} makes the same stack for ${seen.store}, and one stack can create only one (allowed: the same store in every environment that shares it, or a name no other environment uses)`,
        );
      }
      // A shared store is one name for several environments; anything else with its name is a clash.
      const storeName = env.state.type === 's3' ? env.state.bucket : env.state.type === 'azurerm' ? env.state.storageAccountName : '';
      if (!owners.has(storeName)) owners.set(storeName, { env: env.name, kind: 'state store' });
      else if (owners.get(storeName)!.kind !== 'state store') {
        problems.push(`config/${env.name}: ${store.field}: "${storeName}" is also the ${owners.get(storeName)!.kind} of ${owners.get(storeName)!.env} (allowed: a name no other environment uses)`);
      }
    }
    // The AWS fences name an environment's roles, policies and secrets `<env>-*` (constructs/aws/deploy-fence.ts): in one
    // account, an environment named like another's name and a hyphen would be inside the other's fence, and it inside its.
    if (env.cloud === 'aws') {
      const covering = envs.find((other) => other.cloud === 'aws' && other.aws.accountId === env.aws.accountId && env.name.startsWith(`${other.name}-`));
      if (covering) {
        problems.push(
          `config/${env.name}: ${ENV_NAME}: "${env.name}" starts with "${covering.name}-", and ${covering.name} is in the same AWS account ${env.aws.accountId}, where each environment's deploy role is fenced to the roles, policies and secrets named "<environment>-*": ${covering.name}'s deploy role could rewrite ${env.name}'s (allowed: a name that does not start with another same-account environment's name and a hyphen, or another account)`,
        );
      }
    }
    for (const { field, kind, name } of globalNames(env)) {
      const seen = owners.get(name);
      if (!seen) owners.set(name, { env: env.name, kind });
      else if (seen.env !== env.name) {
        problems.push(`config/${env.name}: ${field}: "${name}" is also the ${seen.kind} of ${seen.env}, and ${kind === 'domain' ? 'two clusters would fight over its DNS records and certificates' : `${kind} names are unique across the cloud`} (allowed: a ${kind} no other environment uses)`);
      }
    }
  }
  return problems;
}

/** The stores that hold `source`'s backups in `region`, by what its config creates there. */
function backupStoresOf(source: Environment, region: string): string[] {
  if (source.cloud === 'aws') {
    const { accountId } = source.aws;
    return [
      ...(source.aws.region === region ? [names.awsBucketName(source.name, accountId, 'mongodb-backups')] : []),
      ...(source.app.backups.dr?.region === region ? [names.awsReplicaBucketName(source.name, accountId, 'mongodb-backups')] : []),
    ];
  }
  // Azure: one account, read where its RA-GZRS secondary is (constructs/azure/restore-source.ts).
  return source.app.backups.dr?.region === region ? [names.azureStorageAccountName(source.name, source.azure.subscriptionId, 'mongodb-backups')] : [];
}

/**
 * `app.restore.from` naming a registered environment must name what that environment's config
 * creates: a typo here is otherwise found by a failed restore during an incident.
 */
export function restoreSourceProblems(envs: readonly Environment[]): string[] {
  const byName = new Map(envs.map((e) => [e.name, e]));
  const problems: string[] = [];
  for (const env of envs) {
    const from = env.app.restore?.from;
    const source = from && byName.get(from.environment);
    if (!from || !source) continue;
    const at = (field: keyof typeof from, text: string) => problems.push(`config/${env.name}: ${fieldPath((e) => e.app.restore?.from[field])}: ${text}`);
    if (source.cloud !== env.cloud) {
      at('environment', `"${from.environment}" runs on ${source.cloud}, this environment on ${env.cloud}, and a restore reads its own cloud's store (allowed: an ${env.cloud} environment)`);
      continue;
    }
    if (source.cloud === 'azure' && env.cloud === 'azure' && source.azure.subscriptionId !== env.azure.subscriptionId) {
      at('environment', `"${from.environment}" is in subscription ${source.azure.subscriptionId}, this environment in ${env.azure.subscriptionId}; the source's vault and account are found in this environment's subscription (allowed: a source in ${env.azure.subscriptionId})`);
      continue;
    }
    if (from.prefix !== source.name) at('prefix', `"${from.prefix}" is not where ${source.name} writes its backups (allowed: ${source.name})`);
    // The source's own region holds its live store: its PBM writes there while the restore's resync rewrites .pbm.init, and it goes with that region.
    const sourceRegion = source.cloud === 'aws' ? source.aws.region : source.azure.location;
    if (from.region === sourceRegion) {
      const replica = source.app.backups.dr?.region;
      at('region', `"${from.region}" is ${source.name}'s own region, where its live store is written by its own backups while a restore would resync it, and which a regional outage takes with it (allowed: ${replica ?? `the ${DR_REGION} of ${source.name}`}, where its replica is; fix: restore from the replica there${replica ? '' : `, after setting ${fieldPath((e) => e.app.backups.dr)} in ${source.name}`})`);
      continue;
    }
    const stores = backupStoresOf(source, from.region);
    if (stores.length === 0) {
      // Azure reads only the RA-GZRS secondary: the primary would need a writable path to the source's account.
      const where = source.cloud === 'aws' ? `its own region, or its ${DR_REGION}` : `its ${DR_REGION}, where its secondary is`;
      at('region', `${source.name} keeps no copy of its backups in "${from.region}" (allowed: ${where}; fix: set ${DR_REGION}: ${from.region} in ${source.name} and deploy it first)`);
    } else if (!stores.includes(from.store)) {
      at('store', `"${from.store}" is not ${source.name}'s backup store in ${from.region} (allowed: ${stores.join(' or ')})`);
    }
  }
  return problems;
}

/** Environment names of the files in config/environments (every .ts file but index.ts). */
export function environmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function unregisteredProblems(files: readonly string[], registry: Readonly<Record<string, unknown>>): string[] {
  return files
    .filter((f) => !(f in registry))
    .map(
      (f) =>
        `config/${f}: (file): config/environments/${f}.ts exists but is not in ENVIRONMENTS in config/environments/index.ts, so it is never validated or synthesized (allowed: register it there, or delete the file)`,
    );
}
