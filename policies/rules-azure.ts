/** Rules for Azure resources. */
import { asList, StackView, type Resource, type Rule } from './engine';
import { block } from './kubernetes';
import { ADMIN_PORTS, each, portsIn, rule, WORLD } from './rule-kit';

// A type annotation, not `as const`: Stryker does not mutate inside a TS `as` expression (npm run mutate).
export const azureRules: readonly Rule[] = [
  rule('AZ-ST-001', 'Storage accounts accept TLS 1.2 or newer only', 'CKV_AZURE_44', 'set min_tls_version = "TLS1_2"',
    each('azurerm_storage_account', (b) => (b.min_tls_version === 'TLS1_2' ? undefined : `accepts ${b.min_tls_version ?? 'the provider default TLS'}`))),
  rule('AZ-ST-002', 'Storage accounts accept HTTPS only', 'CKV_AZURE_3', 'set https_traffic_only_enabled = true',
    each('azurerm_storage_account', (b) => (b.https_traffic_only_enabled === false ? 'accepts plain HTTP' : undefined))),
  rule('AZ-ST-003', 'Storage accounts allow no anonymous blob access', 'CKV_AZURE_190, CKV_AZURE_59', 'set allow_nested_items_to_be_public = false',
    each('azurerm_storage_account', (b) => (b.allow_nested_items_to_be_public === false ? undefined : 'allows anonymous blob access'))),
  rule('AZ-ST-004', 'Storage accounts use infrastructure (double) encryption', 'CIS Azure 3.2 (spirit)', 'set infrastructure_encryption_enabled = true',
    each('azurerm_storage_account', (b) => (b.infrastructure_encryption_enabled === true ? undefined : 'encrypts data once only'))),
  rule('AZ-ST-005', 'Storage accounts disable shared-key access', 'CKV2_AZURE_40', 'set shared_access_key_enabled = false and use Entra ID',
    each('azurerm_storage_account', (b) => (b.shared_access_key_enabled === false ? undefined : 'accepts account keys'))),
  rule('AZ-ST-006', 'Blob versioning and soft delete are on', 'CKV2_AZURE_38, CIS Azure 3.11', 'set blob_properties versioning_enabled and delete_retention_policy',
    each('azurerm_storage_account', (b) =>
      b.blob_properties?.versioning_enabled === true && Number(b.blob_properties?.delete_retention_policy?.days) > 0 ? undefined : 'cannot restore deleted or overwritten blobs')),
  rule('AZ-ST-007', 'Storage containers are private', 'CKV_AZURE_34', 'set container_access_type = "private"',
    each('azurerm_storage_container', (b) => (b.container_access_type === undefined || b.container_access_type === 'private' ? undefined : 'is readable anonymously'))),
  rule('AZ-NET-001', 'No NSG rule opens SSH or RDP to the internet', 'CKV_AZURE_9, CKV_AZURE_10', 'restrict the source, or use Azure Bastion',
    each('azurerm_network_security_rule', (b) => {
      if (b.direction !== 'Inbound' || b.access !== 'Allow') return undefined;
      const sources = [b.source_address_prefix, ...asList(b.source_address_prefixes)];
      const ports = [b.destination_port_range, ...asList(b.destination_port_ranges)].filter((p) => p !== undefined).map(String);
      const openPort = ports.some((p) => p === '*' || ADMIN_PORTS.some(portsIn(...(p.split('-') as [string, string?]))));
      return sources.some((s) => WORLD.includes(String(s))) && openPort ? 'opens an admin port to the internet' : undefined;
    })),
  rule('AZ-NET-002', 'Subnets have no default outbound access', 'Azure retirement of default outbound access (2025-09-30)', 'set default_outbound_access_enabled = false; egress through the NAT gateway',
    each('azurerm_subnet', (b) => (b.default_outbound_access_enabled === false ? undefined : 'uses Azure\'s implicit outbound access'))),
  rule('AZ-NET-003', 'Every non-delegated subnet has an NSG', 'CKV2_AZURE_31', 'associate an NSG (Vnet does for nodes and private endpoints)',
    (stack) => stack.resources('azurerm_subnet').flatMap((subnet) =>
      asList(subnet.body.delegation).length > 0 || stack.referencing('azurerm_subnet_network_security_group_association', 'subnet_id', subnet).length > 0
        ? [] : [{ resource: subnet, message: 'has no network security group' }])),
  rule('AZ-LOG-001', 'Log Analytics workspaces accept Entra ID auth only', 'MCSB LT-3 (spirit)', 'set local_authentication_enabled = false',
    // azurerm 4.x still accepts the deprecated local_authentication_disabled; either spelling counts.
    each('azurerm_log_analytics_workspace', (b) => (b.local_authentication_enabled === false || b.local_authentication_disabled === true ? undefined : 'accepts workspace keys'))),
  rule('AZ-AKS-001', 'AKS local accounts are disabled', 'CKV_AZURE_141', 'set local_account_disabled = true',
    each('azurerm_kubernetes_cluster', (b) => (b.local_account_disabled === true ? undefined : 'keeps the static admin kubeconfig'))),
  rule('AZ-AKS-002', 'AKS uses Entra ID with Azure RBAC', 'CKV_AZURE_5', 'set azure_active_directory_role_based_access_control with azure_rbac_enabled = true',
    each('azurerm_kubernetes_cluster', (b) => (b.azure_active_directory_role_based_access_control?.azure_rbac_enabled === true ? undefined : 'does not authorize with Azure RBAC'))),
  rule('AZ-AKS-003', 'The AKS API is private or limited to authorized ranges', 'CKV_AZURE_6, CKV_AZURE_115', 'set private_cluster_enabled or api_server_access_profile.authorized_ip_ranges (never 0.0.0.0/0)',
    each('azurerm_kubernetes_cluster', (b) => {
      if (b.private_cluster_enabled === true) return undefined;
      const ranges = asList(b.api_server_access_profile?.authorized_ip_ranges);
      return ranges.length === 0 || ranges.includes('0.0.0.0/0') ? 'exposes its API server to the internet' : undefined;
    })),
  rule('AZ-AKS-004', 'AKS enforces network policies', 'CKV_AZURE_7', 'set network_profile.network_policy to azure or cilium',
    each('azurerm_kubernetes_cluster', (b) => (b.network_profile?.network_policy ? undefined : 'has no network policy engine'))),
  rule('AZ-AKS-005', 'AKS sends container logs to Log Analytics', 'CKV_AZURE_4', 'configure oms_agent with a workspace',
    each('azurerm_kubernetes_cluster', (b) => (b.oms_agent?.log_analytics_workspace_id ? undefined : 'has no Container Insights'))),
  rule('AZ-AKS-006', 'The AKS Key Vault secrets provider rotates secrets', 'CKV_AZURE_172', 'set key_vault_secrets_provider.secret_rotation_enabled = true',
    each('azurerm_kubernetes_cluster', (b) => (b.key_vault_secrets_provider?.secret_rotation_enabled === true ? undefined : 'does not rotate mounted secrets'))),
  rule('AZ-AKS-007', 'AKS node pools encrypt their disks on the host or with a disk encryption set', 'CKV_AZURE_227, CKV_AZURE_117',
    'set hostEncryption on the pool in config (needs the EncryptionAtHost subscription feature) or kubernetes.diskEncryption "customer-managed-key"',
    (stack) => {
      const clusters = stack.resources('azurerm_kubernetes_cluster');
      const withSet = (cluster: Resource) => typeof cluster.body.disk_encryption_set_id === 'string' && cluster.body.disk_encryption_set_id !== '';
      const message = (pool: string) => `node pool ${pool} has neither host encryption nor a disk encryption set`;
      return [
        ...clusters.flatMap((cluster) => {
          const pool = block(cluster.body.default_node_pool);
          return pool.host_encryption_enabled === true || withSet(cluster) ? [] : [{ resource: cluster, message: message(String(pool.name ?? 'default')) }];
        }),
        ...stack.resources('azurerm_kubernetes_cluster_node_pool').flatMap((pool) => {
          // A pool's disks use its cluster's disk encryption set.
          const cluster = clusters.find((c) => String(pool.body.kubernetes_cluster_id ?? '').includes(`\${${StackView.address(c)}.`));
          return pool.body.host_encryption_enabled === true || (cluster && withSet(cluster)) ? [] : [{ resource: pool, message: message(String(pool.body.name ?? pool.name)) }];
        }),
      ];
    }),
  rule('AZ-KV-001', 'Key Vaults have purge protection', 'CKV_AZURE_110, CKV_AZURE_42', 'set purge_protection_enabled = true',
    each('azurerm_key_vault', (b) => (b.purge_protection_enabled === true ? undefined : 'can be purged with its keys'))),
  rule('AZ-KV-002', 'Key Vaults authorize with Azure RBAC', 'MCSB IM-1 (spirit)', 'set rbac_authorization_enabled = true',
    each('azurerm_key_vault', (b) => (b.rbac_authorization_enabled === true || b.enable_rbac_authorization === true ? undefined : 'uses access policies'))),
  rule('AZ-PRV-001', 'The azurerm provider is pinned to the environment subscription', '', 'set subscription_id and tenant_id (azurermProvider does)',
    (stack) => stack.providers('azurerm').flatMap((p) => (p.body?.subscription_id && p.body?.tenant_id ? [] : [{ resource: p, message: 'follows whatever subscription the shell selected' }]))),
];
