/**
 * Disaster recovery on Azure (issue 17): azure-dr in North Europe restores azure-prod's backups
 * from the RA-GZRS secondary of azure-prod's backup account, with azure-prod's secrets read from
 * azure-prod's Key Vault; the refusals that keep a restore pointed at a real copy.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { byPath, clone, example, type Json, objectsOf, problemsOf, release, resources, synthExamples, validate, valuesOf } from './support';

let stacks: Record<string, Json>;
beforeAll(() => {
  stacks = synthExamples().stacks;
});

const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000002';
// azure-prod's escrow vault in North Europe (escrow-vault.ts), never its own vault in the lost region.
const SOURCE_VAULT = `${SUBSCRIPTION}/resourceGroups/rg-azure-prod-escrow/providers/Microsoft.KeyVault/vaults/kvx-azure-prod-5a7dec`;
const SOURCE_ACCOUNT = `${SUBSCRIPTION}/resourceGroups/rg-azure-prod-app/providers/Microsoft.Storage/storageAccounts/bakazureprodf05ad632`;
const RESTORE_SECRETS = ['azure-prod-mongodb-encryption-key', 'azure-prod-mongodb-users', 'azure-prod-rocketchat-admin-password'];

const app = (env: string): Json => stacks[`${env}-app`]!;
const platform = (env: string): Json => stacks[`${env}-platform`]!;
/** Data sources of one type keyed by their address. */
const data = (stack: Json, type: string): Record<string, Json> => stack.data?.[type] ?? {};

describe('azure-prod keeps what a restore elsewhere needs', () => {
  it("keeps its backup account's key in its Key Vault (PBM signs in with it; a DR restore reads it there)", () => {
    const stack = app('azure-prod');
    const [id] = Object.entries<Json>(stack.resource.azurerm_storage_account).find(([, a]) => a.name === 'bakazureprodf05ad632')!;
    const secret = resources(stack, 'azurerm_key_vault_secret').find((s) => s.name === 'azure-prod-mongodb-backup-account-key')!;
    expect(secret.value).toBe(`\${azurerm_storage_account.${id}.primary_access_key}`);
    expect(secret.key_vault_id).toBe('${data.terraform_remote_state.azure-prod-cluster-state.outputs.key_vault_id}');
  });

  it('escrows every secret its app layer keeps in a vault of its own resource group in North Europe, written after the grants propagated', () => {
    const stack = app('azure-prod');
    const vault = byPath(stack, 'azurerm_key_vault', '/cloud/escrow/vault');
    expect(vault).toMatchObject({ name: 'kvx-azure-prod-5a7dec', location: 'northeurope', rbac_authorization_enabled: true, purge_protection_enabled: true,
      lifecycle: { prevent_destroy: true } });
    expect(byPath(stack, 'azurerm_resource_group', '/cloud/escrow/resource-group')).toMatchObject({ name: 'rg-azure-prod-escrow', location: 'northeurope' });
    const [vaultId] = Object.entries<Json>(stack.resource.azurerm_key_vault).find(([, v]) => v.name === 'kvx-azure-prod-5a7dec')!;
    const escrowed = resources(stack, 'azurerm_key_vault_secret').filter((s) => s.key_vault_id === `\${azurerm_key_vault.${vaultId}.id}`);
    expect(escrowed.map((s) => s.name).sort()).toEqual(['azure-prod-mongodb-backup-account-key', 'azure-prod-mongodb-database-admin-password',
      'azure-prod-mongodb-encryption-key', 'azure-prod-mongodb-users', 'azure-prod-rocketchat-admin-password']);
    for (const secret of escrowed) expect(secret.depends_on).toEqual([expect.stringMatching(/^time_sleep\.cloud_escrow_propagation_/)]);
    const grants = resources(stack, 'azurerm_role_assignment').filter((g) => g.scope === `\${azurerm_key_vault.${vaultId}.id}`);
    expect(grants.map((g) => g.role_definition_name).sort()).toEqual(['Key Vault Secrets Officer', 'Key Vault Secrets User']);
    // No DR copy, no escrow (azure-dev).
    expect(resources(app('azure-dev'), 'azurerm_key_vault')).toEqual([]);
  });

  it('publishes the backup account name the DR environment names as its store', () => {
    expect(app('azure-prod').output.backup_account_name.value).toMatch(/^\$\{azurerm_storage_account\.cloud_backup-storage_account_[0-9A-F]+\.name\}$/);
  });

  it("mails app.backups.dr.alarmEmails when the backup account's Resource Health turns Degraded or Unavailable", () => {
    const stack = app('azure-prod');
    const group = byPath(stack, 'azurerm_monitor_action_group', '/cloud/backup-health/action-group');
    expect(group.email_receiver).toEqual([{ name: 'email-0', email_address: 'oncall@example.org', use_common_alert_schema: true }]);
    const alert = byPath(stack, 'azurerm_monitor_activity_log_alert', '/cloud/backup-health/account-health');
    const [account] = Object.entries<Json>(stack.resource.azurerm_storage_account).find(([, a]) => a.name === 'bakazureprodf05ad632')!;
    expect(alert.scopes).toEqual([`\${azurerm_storage_account.${account}.id}`]);
    expect(alert.location).toBe('global');
    expect(alert.criteria).toEqual({ category: 'ResourceHealth', resource_health: { current: ['Degraded', 'Unavailable'] } });
    expect(alert.action).toEqual([{ action_group_id: expect
      .stringMatching(/^\$\{azurerm_monitor_action_group\.cloud_backup-health_action-group_[0-9A-F]+\.id\}$/) }]);
    // No DR copy, no DR alert (azure-dev).
    expect(resources(app('azure-dev'), 'azurerm_monitor_activity_log_alert')).toEqual([]);
  });

  it('makes the backup account RA-GZRS, readable at its secondary in North Europe', () => {
    expect(resources(app('azure-prod'), 'azurerm_storage_account').find((a) => a.name === 'bakazureprodf05ad632')!.account_replication_type).toBe('RAGZRS');
  });
});

describe('azure-dr platform layer: its way in to the source, before the app layer plans', () => {
  const endpoint = (suffix: string): Json => byPath(platform('azure-dr'), 'azurerm_private_endpoint', suffix);

  it("reaches azure-prod's backup account only at its read-only secondary, through a private endpoint in its own VNet", () => {
    const pe = endpoint('/restore-source-access/restore-source-blob');
    expect(pe.location).toBe('northeurope');
    expect(pe.subnet_id).toBe('${data.terraform_remote_state.azure-dr-network-state.outputs.private_endpoint_subnet_id}');
    expect(pe.private_service_connection).toEqual({ name: 'blob_secondary', private_connection_resource_id: SOURCE_ACCOUNT,
      subresource_names: ['blob_secondary'], is_manual_connection: false });
    expect(pe.private_dns_zone_group.private_dns_zone_ids).toEqual([expect
      .stringMatching(/^\$\{azurerm_private_dns_zone\.cloud_blob-dns-zone_[0-9A-F]+\.id\}$/)]);
  });

  it("reaches azure-prod's escrow vault (in its own region) through a private endpoint registered in its own vault DNS zone", () => {
    const pe = endpoint('/restore-source-access/restore-source-vault');
    expect(pe.private_service_connection).toEqual({ name: 'vault', private_connection_resource_id: SOURCE_VAULT, subresource_names: ['vault'],
      is_manual_connection: false });
    expect(pe.private_dns_zone_group.private_dns_zone_ids)
      .toEqual(['${data.terraform_remote_state.azure-dr-cluster-state.outputs.key_vault_private_dns_zone_id}']);
  });

  it('grants its CI plan and deploy identities Key Vault Secrets User on exactly the three secrets a restore reads, each alone', () => {
    const stack = platform('azure-dr');
    const identities = Object.entries(data(stack, 'azurerm_user_assigned_identity')).map(([id, d]) => ({ id, name: d.name, group: d.resource_group_name }));
    expect(identities.map((i) => [i.name, i.group]).sort()).toEqual([
      ['azure-dr-ci-deploy', 'rg-rocketchat-tfstate-dr'],
      ['azure-dr-ci-plan', 'rg-rocketchat-tfstate-dr'],
    ]);
    const grants = resources(stack, 'azurerm_role_assignment').filter((g) => String(g.scope).startsWith(SOURCE_VAULT));
    expect(grants).toHaveLength(6);
    for (const grant of grants) expect(grant.role_definition_name).toBe('Key Vault Secrets User');
    for (const identity of identities) {
      const scopes = grants.filter((g) => g.principal_id === `\${data.azurerm_user_assigned_identity.${identity.id}.principal_id}`).map((g) => g.scope);
      expect(scopes.sort(), identity.name).toEqual(RESTORE_SECRETS.map((s) => `${SOURCE_VAULT}/secrets/${s}`));
    }
  });

  it("grants the deploy identity read on azure-prod's backup container alone (the restore copy), and nothing writable there", () => {
    const stack = platform('azure-dr');
    const onAccount = resources(stack, 'azurerm_role_assignment').filter((g) => String(g.scope).startsWith(SOURCE_ACCOUNT));
    expect(onAccount.map((g) => [g.role_definition_name, g.scope])).toEqual([['Storage Blob Data Reader',
      `${SOURCE_ACCOUNT}/blobServices/default/containers/mongodb-backups`]]);
    const [deploy] = Object.entries(data(stack, 'azurerm_user_assigned_identity')).find(([, d]) => d.name === 'azure-dr-ci-deploy')!;
    expect(onAccount[0]!.principal_id).toBe(`\${data.azurerm_user_assigned_identity.${deploy}.principal_id}`);
  });

  it('adds nothing of the kind where app.restore is absent (azure-prod)', () => {
    expect(Object.keys(platform('azure-prod').resource.azurerm_private_endpoint ?? {}).filter((k) => k.includes('restore'))).toEqual([]);
  });
});

describe('azure-dr app layer: the declarative restore', () => {
  const sourceReads = (): Record<string, string> => Object.fromEntries(Object.entries(data(app('azure-dr'), 'azurerm_key_vault_secret'))
    .filter(([, d]) => d.key_vault_id === SOURCE_VAULT).map(([id, d]) => [d.name as string, `data.azurerm_key_vault_secret.${id}.value`]));

  it("synthesizes a PerconaServerMongoDBRestore reading the named backup from azure-dr's own copy, then every oplog slice", () => {
    const objects = objectsOf(app('azure-dr'), 'rocketchat-mongodb-restore');
    expect(objects).toEqual([{ apiVersion: 'psmdb.percona.com/v1', kind: 'PerconaServerMongoDBRestore', metadata: { name: 'restore-from-azure-prod-1',
      namespace: 'mongodb', annotations: { 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-failed' } }, spec: {
      clusterName: 'rocketchat-mongodb', pitr: { type: 'latest' }, backupSource: { type: 'logical',
        destination: 'azure://mongodb-backups/azure-prod/2026-11-23T01:30:21Z',
        // azure-dr's own account and key (mongodb-backup-azure): PBM can rewrite the resync's marker file there; nothing of azure-prod's is writable.
        azure: { container: 'mongodb-backups', prefix: 'azure-prod', credentialsSecret: expect
          .stringMatching(/^\$\{kubernetes_secret_v1\.cloud_backup-credentials_[0-9A-F]+\.metadata\[0\]\.name\}$/) } } } }]);
    expect(resources(app('azure-dr'), 'kubernetes_secret_v1').find((s) => s.metadata.name === 'mongodb-restore-source-azure')).toBeUndefined();
  });

  it("copies the backup and the oplog written since out of azure-prod's read-only secondary into its own container, once per attempt, before the restore " +
    "exists", () => {
    const stack = app('azure-dr');
    const copy = byPath(stack, 'terraform_data', '/cloud/restore-copy');
    expect(copy.triggers_replace).toEqual({ source: 'bakazureprodf05ad632/azure-prod/2026-11-23T01:30:21Z', attempt: '1' });
    const [exec] = copy.provisioner.map((p: Json) => p['local-exec']);
    expect(exec.environment).toEqual({ AZCOPY_AUTO_LOGIN_TYPE: 'AZCLI' });
    const own = resources(stack, 'azurerm_storage_account')[0]!.name;
    const src = 'https://bakazureprodf05ad632-secondary.blob.core.windows.net/mongodb-backups/azure-prod';
    expect(exec.command.split('\n')).toEqual([
      'set -e',
      // azcopy 10.22 or later (AZCOPY_AUTO_LOGIN_TYPE=AZCLI), checked before anything moves.
      `set -- $(azcopy --version | sed -n 's/^azcopy version \\([0-9]*\\)\\.\\([0-9]*\\).*/\\1 \\2/p') 0 0`,
      '[ "$1" -gt 10 ] || { [ "$1" -eq 10 ] && [ "$2" -ge 22 ]; } || { echo "azcopy 10.22 or later is needed (AZCOPY_AUTO_LOGIN_TYPE=AZCLI)" >&2; exit 1; }',
      'relogin() { if [ -n "$RESTORE_COPY_RELOGIN" ]; then sh -c "$RESTORE_COPY_RELOGIN"; fi; }',
      'dir=$(mktemp -d)',
      `trap 'rm -rf "$dir"' EXIT`,
      // A fresh sign-in before each pass: a federated az login cannot renew itself.
      'relogin',
      `azcopy copy '${src}/2026-11-23T01:30:21Z.pbm.json' "$dir/2026-11-23T01:30:21Z.pbm.json"`,
      `azcopy copy '${src}/2026-11-23T01:30:21Z' "$dir" --recursive`,
      `azcopy copy '${src}/pbmPitr' "$dir" --recursive --include-after '2026-11-23T01:30:21Z'`,
      'relogin',
      `azcopy copy "$dir/*" 'https://${own}.blob.core.windows.net/mongodb-backups/azure-prod' --recursive`,
    ]);
    expect(exec.interpreter).toEqual(['/bin/sh', '-c']);
    // The shell parses it (sh -n: syntax only, nothing runs).
    expect(() => execFileSync('sh', ['-n'], { input: exec.command })).not.toThrow();
    // Terraform would read "$" + "{" as an interpolation: the command has none.
    expect(exec.command).not.toContain('${');
    const [copyId] = Object.entries<Json>(stack.resource.terraform_data).find(([, r]) => r.triggers_replace)!;
    expect(release(app('azure-dr'), 'rocketchat-mongodb-restore').depends_on).toContain(`terraform_data.${copyId}`);
    // The deploy identity writes the copy into azure-dr's own container only, after the grant has propagated.
    const writer = byPath(stack, 'azurerm_role_assignment', '/cloud/restore-copy-writer');
    expect(writer.role_definition_name).toBe('Storage Blob Data Contributor');
    expect(writer.scope).toMatch(/^\$\{azurerm_storage_container\.cloud_backup-container_[0-9A-F]+\.id\}$/);
    expect(writer.principal_id).toMatch(/^\$\{data\.azurerm_user_assigned_identity\.cloud_restore-copy-deploy_[0-9A-F]+\.principal_id\}$/);
    expect(copy.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^time_sleep\.cloud_restore-copy-propagation_/)]));
  });

  it("reads only the three restore secrets from azure-prod's vault, and takes users, key and admin from there", () => {
    const reads = sourceReads();
    expect(Object.keys(reads).sort()).toEqual(RESTORE_SECRETS);
    const stack = app('azure-dr');
    const users = `jsondecode(${reads['azure-prod-mongodb-users']})`;
    const system = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-users')!;
    expect(system.data.MONGODB_DATABASE_ADMIN_PASSWORD).toBe(`\${${users}.databaseAdmin}`);
    const key = resources(stack, 'kubernetes_secret_v1').find((s) => s.metadata.name === 'rocketchat-mongodb-encryption-key')!;
    expect(key.data['encryption-key']).toBe(`\${${reads['azure-prod-mongodb-encryption-key']}}`);
    expect(Object.keys(stack.resource.random_password ?? {})).toEqual([]);
    expect(stack.resource.random_bytes).toBeUndefined();
    // Kept under its own names in its own vault, so its own backups restore the same way.
    const kept = resources(stack, 'azurerm_key_vault_secret');
    for (const name of ['azure-dr-mongodb-users', 'azure-dr-mongodb-encryption-key', 'azure-dr-rocketchat-admin-password']) {
      expect(kept.find((s) => s.name === name)?.key_vault_id, name).toBe('${data.terraform_remote_state.azure-dr-cluster-state.outputs.key_vault_id}');
    }
  });

  it('keeps Rocket.Chat without pods until the restore is ready (serve: false)', () => {
    expect(valuesOf(release(app('azure-dr'), 'rocketchat')).replicaCount).toBe(0);
    expect(resources(app('azure-dr'), 'kubernetes_horizontal_pod_autoscaler_v2')).toEqual([]);
  });
});

describe('the DR environment azure-dr', () => {
  const layers = ['network', 'cluster', 'platform', 'app'].map((l) => `azure-dr-${l}`);

  it('has its own state store in North Europe and reads no state of azure-prod', () => {
    expect(stacks['bootstrap-exrctfstatedr01']).toBeDefined();
    for (const name of layers) {
      const stack = stacks[name]!;
      expect(stack.terraform.backend.azurerm, name).toMatchObject({ storage_account_name: 'exrctfstatedr01', resource_group_name: 'rg-rocketchat-tfstate-dr' });
      for (const remote of Object.values<Json>(stack.data?.terraform_remote_state ?? {})) {
        expect(remote.config.storage_account_name, name).toBe('exrctfstatedr01');
        expect(remote.config.key, name).toMatch(/\/azure-dr-/);
      }
    }
  });

  it('does not clash with azure-prod: its own resource groups, vault, accounts and cluster', () => {
    const names = (env: string, type: string): string[] => layers.map((l) => l.replace('azure-dr', env)).flatMap((l) => resources(stacks[l]!, type)
      .map((r) => r.name as string));
    for (const type of ['azurerm_resource_group', 'azurerm_key_vault', 'azurerm_storage_account', 'azurerm_kubernetes_cluster']) {
      const prod = new Set(names('azure-prod', type));
      expect(names('azure-dr', type).filter((n) => prod.has(n)), type).toEqual([]);
    }
  });
});

describe('Azure restore configuration', () => {

  it('refuses "latest", which Terraform cannot resolve on Azure', () => {
    const input = example('azure-dr');
    input.app.restore.backup = 'latest';
    expect(problemsOf(validate('azure-dr', input))).toEqual([
      'config/azure-dr: app.restore.backup: "latest" cannot be resolved on Azure: Terraform\'s azurerm provider cannot list the blobs of the source ' +
        'account (allowed: a backup name such as 2026-11-23T01:30:21Z; fix: list them as docs/restore.md "Region lost" shows and copy the newest, then ' +
        'set pointInTime "latest" to replay every oplog slice after it)',
    ]);
  });

  it('refuses a store that is not a storage account name, and a copy in another location', () => {
    const input = example('azure-dr');
    input.app.restore.from.store = 'azure-prod-backups';
    input.app.restore.from.region = 'westeurope';
    expect(problemsOf(validate('azure-dr', input))).toEqual([
      'config/azure-dr: app.restore.from.region: "westeurope" is not this environment\'s region azure.location "northeurope"; a restore reads the copy ' +
        'in its own region (allowed: northeurope; fix: restore from the source\'s DR secondary in northeurope, or deploy this environment there)',
      'config/azure-dr: app.restore.from.store: "azure-prod-backups" is not a storage account name (allowed: 3-24 lowercase letters and digits, the ' +
        'source\'s backup account; fix: copy backup_account_name from the source\'s app stack outputs)',
    ]);
  });
});

describe('a restore source named in the registry must be what that environment creates', () => {
  const registry = (edit: (envs: Record<string, Json>) => void): Record<string, Json> => {
    const envs = clone(ENVIRONMENTS) as Record<string, Json>;
    edit(envs);
    return envs;
  };
  const load = (envs: Record<string, Json>) => () => loadEnvironments(envs, undefined);

  it('accepts the examples: aws-dr and azure-dr name their sources exactly', () => {
    expect(() => load(registry(() => {}))()).not.toThrow();
  });

  it("refuses a store that is not the source's copy in that region (AWS and Azure)", () => {
    const envs = registry((e) => {
      e['aws-dr']!.app.restore.from.store = 'aws-prod-mongodb-backups-typo';
      e['azure-dr']!.app.restore.from.store = 'bakazureprod00000000';
    });
    expect(problemsOf(load(envs))).toEqual([
      'config/aws-dr: app.restore.from.store: "aws-prod-mongodb-backups-typo" is not aws-prod\'s backup store in eu-central-1 (allowed: ' +
        'aws-prod-mongodb-backups-dr-48e7e59a)',
      'config/azure-dr: app.restore.from.store: "bakazureprod00000000" is not azure-prod\'s backup store in northeurope (allowed: bakazureprodf05ad632)',
    ]);
  });

  it('refuses a source that keeps no copy in that region, a wrong prefix, another subscription and another cloud', () => {
    const envs = registry((e) => {
      delete e['azure-prod']!.app.backups.dr;
      e['azure-dr']!.app.restore.from.prefix = 'azure-dev';
      e['aws-dr']!.app.restore.from.environment = 'azure-prod';
    });
    expect(problemsOf(load(envs))).toEqual([
      'config/aws-dr: app.restore.from.environment: "azure-prod" runs on azure, this environment on aws, and a restore reads its own cloud\'s store ' +
        '(allowed: an aws environment)',
      'config/azure-dr: app.restore.from.prefix: "azure-dev" is not where azure-prod writes its backups (allowed: azure-prod)',
      'config/azure-dr: app.restore.from.region: azure-prod keeps no copy of its backups in "northeurope" (allowed: its app.backups.dr.region, where its ' +
        'secondary is; fix: set app.backups.dr.region: northeurope in azure-prod and deploy it first)',
    ]);
    const other = registry((e) => {
      e['azure-prod']!.azure.subscriptionId = '00000000-0000-0000-0000-000000000009';
    });
    expect(problemsOf(load(other))).toContain(
      'config/azure-dr: app.restore.from.environment: "azure-prod" is in subscription 00000000-0000-0000-0000-000000000009, this environment in ' +
        '00000000-0000-0000-0000-000000000002; the source\'s vault and account are found in this environment\'s subscription (allowed: a source in ' +
        '00000000-0000-0000-0000-000000000002)',
    );
  });
});
