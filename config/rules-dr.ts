/**
 * Disaster-recovery rules: the second backup region (`app.backups.dr`) and the declarative
 * restore (`app.restore`). Each refusal names the field, the value, what is allowed and the fix,
 * because these are read in the middle of an incident.
 */
import { fieldPath as path, isSet, type Problem, type WrittenEnvironment } from './rules-kit';
import { BACKUP_NAME } from './schema-app';
import type { AwsEnvironment, AzureEnvironment } from './schema';

/**
 * Azure geo-redundant storage copies to the location's fixed pair only (Azure docs, "Azure
 * cross-region replication pairings"), so the DR region of an Azure environment is that pair.
 */
export const AZURE_PAIRED_REGIONS: Readonly<Record<string, string>> = {
  westeurope: 'northeurope',
  northeurope: 'westeurope',
  germanywestcentral: 'germanynorth',
  francecentral: 'francesouth',
  swedencentral: 'swedensouth',
  uksouth: 'ukwest',
  ukwest: 'uksouth',
  switzerlandnorth: 'switzerlandwest',
  norwayeast: 'norwaywest',
  eastus: 'westus',
  westus: 'eastus',
  eastus2: 'centralus',
  centralus: 'eastus2',
};

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

type Restore = NonNullable<NonNullable<WrittenEnvironment['app']>['restore']>;

function primaryRegion(env: WrittenEnvironment): { path: string; region: string | undefined } {
  return env.cloud === 'azure'
    ? { path: path<AzureEnvironment>((e) => e.azure.location), region: env.azure?.location }
    : { path: path<AwsEnvironment>((e) => e.aws.region), region: env.cloud === 'aws' ? env.aws?.region : undefined };
}

function drRegionRules(env: WrittenEnvironment, problems: Problem[]): void {
  const wanted = env.app?.backups?.dr?.region;
  if (wanted === undefined) return;
  const at = path((e) => e.app.backups.dr?.region);
  const { path: primaryPath, region } = primaryRegion(env);
  if (wanted === region) {
    problems.push({
      path: at,
      message: `"${wanted}" is this environment's own region (${primaryPath}), so one regional outage takes the backups and their copy (allowed: any other region; fix: name the region the DR environment runs in, such as ${env.cloud === 'azure' ? (AZURE_PAIRED_REGIONS[wanted] ?? 'the paired region') : 'eu-central-1'})`,
    });
    return;
  }
  if (env.cloud === 'azure' && region !== undefined) {
    const pair = AZURE_PAIRED_REGIONS[region];
    if (wanted !== pair) {
      problems.push({
        path: at,
        message: `"${wanted}" is not the paired region of ${primaryPath} "${region}"; geo-redundant storage copies only to the pair (allowed: ${pair ?? 'a location with a known pair'}; fix: set it to ${pair ?? `the pair of ${primaryPath}`})`,
      });
    }
  }
  if (env.cloud === 'aws' && !AWS_REGION.test(wanted)) {
    problems.push({ path: at, message: `"${wanted}" is not an AWS region (allowed: a region such as eu-central-1; fix: use the region code, not a location name)` });
  }
}

/** "2026-11-23T01:30:21Z" as milliseconds, or undefined when the calendar has no such second (2026-02-30). */
export function utcSecond(text: string): number | undefined {
  if (!BACKUP_NAME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toISOString().replace('.000Z', 'Z') !== text ? undefined : ms;
}

/** Azure storage account names (Azure naming rules for Microsoft.Storage). */
const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;

/**
 * Azure reads the source's RA-GZRS secondary (constructs/azure/restore-source.ts): the store is a
 * storage account, and the backup must be named because azurerm cannot list blobs at plan time.
 */
function azureRestoreRules(restore: Restore, problems: Problem[]): void {
  const store = restore.from?.store;
  if (store !== undefined && !AZURE_ACCOUNT.test(store)) {
    problems.push({
      path: path((e) => e.app.restore?.from.store),
      message: `"${store}" is not a storage account name (allowed: 3-24 lowercase letters and digits, the source's backup account; fix: copy backup_account_name from the source's app stack outputs)`,
    });
  }
  if (restore.backup === 'latest') {
    problems.push({
      path: path((e) => e.app.restore?.backup),
      message: `"latest" cannot be resolved on Azure: Terraform's azurerm provider cannot list the blobs of the source account (allowed: a backup name such as 2026-11-23T01:30:21Z; fix: list them as docs/restore.md "Region lost" shows and copy the newest, then set pointInTime "latest" to replay every oplog slice after it)`,
    });
  }
}

function restoreRules(env: WrittenEnvironment, problems: Problem[], now: number): void {
  if (!isSet(env.app, 'restore')) return;
  const restore: Restore = env.app?.restore ?? {};
  const from = restore.from ?? {};
  // The environment's own store receives this environment's new backups and PITR slices while the restore reads it.
  if (from.environment !== undefined && from.environment === env.name) {
    problems.push({
      path: path((e) => e.app.restore?.from.environment),
      message: `"${from.environment}" is this environment, which writes its backups and oplog slices to that store while the restore reads it (allowed: another environment's backups, such as its DR replica; fix: restore in place by hand, docs/restore.md "In place")`,
    });
  }
  if (from.prefix !== undefined && from.prefix === env.name) {
    problems.push({
      path: path((e) => e.app.restore?.from.prefix),
      message: `"${from.prefix}" is the prefix this environment writes its own backups under, so PBM would read its own live metadata (allowed: the source environment's prefix, such as ${from.environment !== undefined && from.environment !== env.name ? from.environment : 'aws-prod'}; fix: set it to from.environment)`,
    });
  }
  const { path: regionPath, region } = primaryRegion(env);
  if (from.region !== undefined && region !== undefined && from.region !== region) {
    problems.push({
      path: path((e) => e.app.restore?.from.region),
      message: `"${from.region}" is not this environment's region ${regionPath} "${region}"; a restore reads the copy in its own region (allowed: ${region}; fix: restore from the source's DR ${env.cloud === 'azure' ? 'secondary' : 'replica'} in ${region}, or deploy this environment there)`,
    });
  }
  if (restore.firstBackupDone === true && restore.serve !== true) {
    problems.push({ path: path((e) => e.app.restore?.firstBackupDone), message: `true before ${path((e) => e.app.restore?.serve)} is true: the first backup is taken by the serving deploy (allowed: false until serve is true and the after-restore backup is ready; fix: set serve true first)` });
  }
  if (env.cloud === 'azure') azureRestoreRules(restore, problems);
  const backup = restore.backup;
  const backupMs = backup !== undefined && backup !== 'latest' ? utcSecond(backup) : undefined;
  if (backup !== undefined && backup !== 'latest' && BACKUP_NAME.test(backup)) {
    if (backupMs === undefined) {
      problems.push({ path: path((e) => e.app.restore?.backup), message: `"${backup}" is not a real UTC second (allowed: "latest" or a backup name from pbm list; fix: copy the name from pbm list)` });
    } else if (backupMs > now) {
      problems.push({ path: path((e) => e.app.restore?.backup), message: `"${backup}" is in the future, so no such backup exists yet (allowed: "latest" or a backup name from pbm list; fix: copy the name from pbm list)` });
    }
  }
  const point = restore.pointInTime;
  if (point === undefined || point === 'latest' || !BACKUP_NAME.test(point)) return;
  const at = path((e) => e.app.restore?.pointInTime);
  const pointMs = utcSecond(point);
  if (pointMs === undefined) {
    problems.push({ path: at, message: `"${point}" is not a real UTC second (allowed: "latest" or YYYY-MM-DDTHH:MM:SSZ with a valid date; fix: check the day of the month)` });
    return;
  }
  if (pointMs > now) {
    problems.push({ path: at, message: `"${point}" is in the future (allowed: a UTC time before now, or "latest" for the newest oplog slice; fix: use "latest" or a past time)` });
  }
  // PBM deletes backups and their oplog after deleteAfterDays: nothing older can be restored.
  const keep = env.app?.backups?.deleteAfterDays;
  if (keep !== undefined && pointMs < now - keep * 86_400_000) {
    const oldest = new Date(now - keep * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    problems.push({ path: at, message: `"${point}" is before the oldest backup the config keeps (${path((e) => e.app.backups.deleteAfterDays)} ${keep}: nothing before ${oldest}) (allowed: a time after ${oldest}; fix: pick a later time)` });
    return;
  }
  if (backup === 'latest') {
    problems.push({
      path: at,
      message: `"${point}" needs a named backup: "latest" may have started after it (allowed: ${path((e) => e.app.restore?.backup)} set to the newest backup that started before ${point}, or pointInTime "latest"; fix: pick it from pbm list)`,
    });
  } else if (backupMs !== undefined && pointMs <= backupMs) {
    problems.push({
      path: at,
      message: `"${point}" is not after ${path((e) => e.app.restore?.backup)} "${backup}", the backup the oplog is replayed from (allowed: a time after ${backup}; fix: pick an older backup, or a later time)`,
    });
  }
}

/** `now` is a parameter so tests can pin it; the loader passes the clock. */
export function drRules(env: WrittenEnvironment, problems: Problem[], now: number = Date.now()): void {
  drRegionRules(env, problems);
  restoreRules(env, problems, now);
}
