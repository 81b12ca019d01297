import { App } from 'cdktf';
import { rmSync } from 'node:fs';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import azureProdConfig from '../config/environments/azure-prod';
import { environmentSchema, type AzureEnvironment } from '../config/schema';
import { aksKubernetesAccess } from '../constructs/azure/aks-kubernetes-access';
import { azurermProvider } from '../constructs/azure/provider';
import { WorkloadIdentity } from '../constructs/azure/workload-identity';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import { LayerStack } from '../constructs/layer-stack';
import { consume } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { AzureClusterStack } from '../stacks/azure-cluster-stack';
import { azureClusterContract } from '../stacks/azure-contracts';
import { AzureNetworkStack } from '../stacks/azure-network-stack';
import { automaticCrossStackOutputs, byPath, clone, type Json, only, readOutdir, refused, registryWith, remoteStateProblems, resources, type Synthesized,
  stackWith, synthExamples, tempDir } from './support';

type Mutable = Record<string, any>;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let prod: Json;
let dev: Json;
let examples: Synthesized;

beforeAll(() => {
  examples = synthExamples();
  prod = examples.stacks['azure-prod-cluster']!;
  dev = examples.stacks['azure-dev-cluster']!;
});

const network = (env: string, output: string) => `\${data.terraform_remote_state.${env}-network-state.outputs.${output}}`;
const aks = (stack: Json = prod): Json => only(stack, 'azurerm_kubernetes_cluster');
const grant = (stack: Json, suffix: string): Json => byPath(stack, 'azurerm_role_assignment', suffix);
const propagation = (stack: Json): Json => byPath(stack, 'time_sleep', 'cluster-roles-propagation');

describe('azure cluster stack', () => {
  describe('wiring', () => {
    it('reads the network contract through remote state and deploys after the network', () => {
      expect(prod.data.terraform_remote_state['azure-prod-network-state']).toMatchObject({ backend: 'azurerm',
        config: { storage_account_name: 'exrctfstateprod01', key: 'rocketchat/azure-prod-network.tfstate', use_azuread_auth: true } });
      expect(examples.manifest.stacks['azure-prod-cluster'].dependencies).toEqual(['azure-prod-network', 'bootstrap-exrctfstateprod01']);
      expect(aks().default_node_pool.vnet_subnet_id).toBe(network('azure-prod', 'node_subnet_id'));
      expect(remoteStateProblems(examples.stacks)).toEqual([]);
      expect(automaticCrossStackOutputs(examples.stacks)).toEqual([]);
    });

    it('keeps its own state next to the network state, with Entra ID auth', () => {
      expect(prod.terraform.backend.azurerm).toMatchObject({ key: 'rocketchat/azure-prod-cluster.tfstate', use_azuread_auth: true });
    });

    it('tags every taggable resource with the standard tags', () => {
      const taggable = ['azurerm_kubernetes_cluster', 'azurerm_kubernetes_cluster_node_pool', 'azurerm_key_vault', 'azurerm_user_assigned_identity',
        'azurerm_disk_encryption_set', 'azurerm_private_endpoint', 'azurerm_resource_group'];
      for (const type of taggable) {
        const all = resources(prod, type);
        expect(all.length, type).toBeGreaterThan(0);
        for (const r of all) expect(r.tags, type).toMatchObject({ environment: 'azure-prod', project: 'rocketchat', 'managed-by': 'cdktf' });
      }
    });
  });

  describe('control plane', () => {
    it('runs the configured version, Standard tier in prod and Free in dev', () => {
      expect(aks()).toMatchObject({ name: 'azure-prod', kubernetes_version: '1.35', sku_tier: 'Standard', node_resource_group: 'rg-azure-prod-cluster-nodes' });
      expect(aks(dev).sku_tier).toBe('Free');
    });

    it('enables the OIDC issuer and workload identity', () => {
      expect(aks()).toMatchObject({ oidc_issuer_enabled: true, workload_identity_enabled: true });
    });

    it('accepts only Entra ID: Azure RBAC, admin groups from config, local accounts and run command off', () => {
      expect(aks()).toMatchObject({ local_account_disabled: true, role_based_access_control_enabled: true, run_command_enabled: false });
      expect(aks().azure_active_directory_role_based_access_control).toEqual({ azure_rbac_enabled: true, tenant_id: '00000000-0000-0000-0000-0000000000aa',
        admin_group_object_ids: ['00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2'] });
    });

    it('uses Azure CNI overlay with Cilium, the network pod range and a separate service range', () => {
      // The rest of the profile (egress IP, load balancer) is in the snapshot.
      expect(aks().network_profile).toMatchObject({ network_plugin: 'azure', network_plugin_mode: 'overlay', network_policy: 'cilium',
        network_data_plane: 'cilium', pod_cidr: '192.168.0.0/16', service_cidr: '172.16.0.0/16', dns_service_ip: '172.16.0.10' });
    });

    it('lets the control plane put the zone-redundant egress address on its load balancer, before the cluster exists', () => {
      const egress = grant(prod, 'identities/control-plane-egress-ip');
      expect(egress).toMatchObject({
        role_definition_name: 'Network Contributor',
        scope: `/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/${network('azure-prod',
          'resource_group_name')}/providers/Microsoft.Network/publicIPAddresses/pip-azure-prod-egress`,
      });
      expect(propagation(prod).depends_on).toContainEqual(expect.stringMatching(/^azurerm_role_assignment\.identities_control-plane-egress-ip_/));
    });

    it('egresses dev through the network NAT gateway, with no load balancer profile or egress grant', () => {
      expect(aks(dev).network_profile.outbound_type).toBe('userAssignedNATGateway');
      expect(aks(dev).network_profile.load_balancer_profile).toBeUndefined();
      expect(Object.keys(dev.resource.azurerm_role_assignment)).not.toContainEqual(expect.stringContaining('egress'));
    });

    it('keeps the Azure data plane when the policy engine is Azure NPM', () => {
      const stack = stackWith('azure-prod', 'cluster', (c) => (c.kubernetes.networkPolicy = 'azure'));
      expect(aks(stack).network_profile).toMatchObject({ network_policy: 'azure', network_data_plane: 'azure', outbound_type: 'loadBalancer' });
    });

    it('limits the public API server to the configured ranges, plus the NAT egress address that AKS does not add itself', () => {
      expect(aks().private_cluster_enabled).toBe(false);
      // AKS adds its load balancer's outbound addresses to the authorized ranges itself.
      expect(aks().api_server_access_profile.authorized_ip_ranges).toEqual(['198.51.100.0/24', '203.0.113.16/28']);
      expect(aks(dev).api_server_access_profile.authorized_ip_ranges).toContain(`${network('azure-dev', 'nat_public_ip')}/32`);
    });

    it('builds a private cluster without a public FQDN when config asks', () => {
      const stack = stackWith('azure-prod', 'cluster', (c) => (c.kubernetes.apiServer = { access: 'private', authorizedIpRanges: [] }));
      expect(aks(stack)).toMatchObject({ private_cluster_enabled: true, private_dns_zone_id: 'System', private_cluster_public_fqdn_enabled: false });
      expect(aks(stack).api_server_access_profile).toBeUndefined();
    });

    it('patches automatically and upgrades node images inside the configured windows', () => {
      expect(aks()).toMatchObject({ automatic_upgrade_channel: 'patch', node_os_upgrade_channel: 'NodeImage' });
      expect(aks().maintenance_window_auto_upgrade).toEqual({ frequency: 'Weekly', interval: 1, day_of_week: 'Sunday', start_time: '01:00', duration: 4,
        utc_offset: '+00:00' });
      expect(aks().maintenance_window_node_os).toEqual({ frequency: 'Weekly', interval: 1, day_of_week: 'Tuesday', start_time: '21:00', duration: 6,
        utc_offset: '+00:00' });
    });

    it('supports daily node OS windows and no automatic upgrades', () => {
      const stack = stackWith('azure-prod', 'cluster', (c) => {
        c.kubernetes.upgrades = { channel: 'none', nodeOsChannel: 'SecurityPatch' };
        c.kubernetes.maintenance.nodeOs = { frequency: 'Daily', intervalDays: 1, startTime: '02:00', durationHours: 4, utcOffset: '+01:00' };
      });
      expect(aks(stack).automatic_upgrade_channel).toBeUndefined();
      expect(aks(stack).node_os_upgrade_channel).toBe('SecurityPatch');
      expect(aks(stack).maintenance_window_node_os).toEqual({ frequency: 'Daily', interval: 1, start_time: '02:00', duration: 4, utc_offset: '+01:00' });
    });

    it('turns on Key Vault CSI rotation, Azure Policy, image cleaner and Container Insights over managed identity', () => {
      expect(aks()).toMatchObject({ key_vault_secrets_provider: { secret_rotation_enabled: true, secret_rotation_interval: '2m' }, azure_policy_enabled: true,
        image_cleaner_enabled: true, image_cleaner_interval_hours: 168,
        oms_agent: { log_analytics_workspace_id: network('azure-prod', 'log_analytics_workspace_id'), msi_auth_for_monitoring_enabled: true } });
    });

    it('assigns the pod security baseline initiative to the cluster in audit mode, sparing system and node-exporter namespaces', () => {
      const assignment = only(prod, 'azurerm_resource_policy_assignment');
      expect(assignment).toMatchObject({ resource_id: expect.stringMatching(/^\$\{azurerm_kubernetes_cluster\.aks_cluster_\w+\.id\}$/),
        policy_definition_id: '/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d' });
      expect(JSON.parse(assignment.parameters)).toEqual({ effect: { value: 'audit' },
        excludedNamespaces: { value: ['kube-system', 'gatekeeper-system', 'azure-arc', 'monitoring-node'] } });
    });

    it('runs Defender only where config asks', () => {
      expect(aks().microsoft_defender).toEqual({ log_analytics_workspace_id: network('azure-prod', 'log_analytics_workspace_id') });
      expect(aks(dev).microsoft_defender).toBeUndefined();
    });

    it('sends audit-admin and every other control-plane log category to the workspace, but not the full kube-audit', () => {
      const setting = byPath(prod, 'azurerm_monitor_diagnostic_setting', 'cluster-diagnostics');
      expect(setting.target_resource_id).toMatch(/^\$\{azurerm_kubernetes_cluster\.aks_cluster_\w+\.id\}$/);
      expect(setting).toMatchObject({ log_analytics_workspace_id: network('azure-prod', 'log_analytics_workspace_id'),
        log_analytics_destination_type: 'Dedicated' });
      expect(setting.enabled_log.map((l: Json) => l.category)).toEqual(['kube-audit-admin', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler',
        'cluster-autoscaler', 'cloud-controller-manager', 'guard', 'csi-azuredisk-controller', 'csi-azurefile-controller', 'csi-snapshot-controller']);
      expect(setting.enabled_metric).toEqual([{ category: 'AllMetrics' }]);
    });

    it('associates a Container Insights data collection rule with the cluster', () => {
      const rule = only(prod, 'azurerm_monitor_data_collection_rule');
      expect(rule.destinations.log_analytics).toEqual([{ name: 'workspace', workspace_resource_id: network('azure-prod', 'log_analytics_workspace_id') }]);
      expect(rule.data_sources.extension[0]).toMatchObject({ extension_name: 'ContainerInsights', name: 'ContainerInsightsExtension' });
      expect(rule.data_flow[0].streams).toContain('Microsoft-ContainerLogV2');
      const association = only(prod, 'azurerm_monitor_data_collection_rule_association');
      expect(association.target_resource_id).toMatch(/azurerm_kubernetes_cluster\.aks_cluster_\w+\.id/);
      expect(association.data_collection_rule_id).toMatch(/azurerm_monitor_data_collection_rule\.container-insights_rule_\w+\.id/);
    });
  });

  describe('identities', () => {
    it('runs the control plane and kubelet as user-assigned identities', () => {
      expect(aks().identity).toEqual({ type: 'UserAssigned', identity_ids: [expect
        .stringMatching(/azurerm_user_assigned_identity\.identities_control-plane_\w+\.id/)] });
      expect(aks().kubelet_identity).toEqual({
        user_assigned_identity_id: expect.stringMatching(/identities_kubelet_\w+\.id\}$/),
        client_id: expect.stringMatching(/identities_kubelet_\w+\.client_id\}$/),
        object_id: expect.stringMatching(/identities_kubelet_\w+\.principal_id\}$/),
      });
    });

    it('gives the control plane Network Contributor on the node subnet and Managed Identity Operator on the kubelet identity, before the cluster exists',
      () => {
      const subnet = grant(prod, 'identities/control-plane-subnet');
      expect(subnet).toMatchObject({ role_definition_name: 'Network Contributor', scope: network('azure-prod', 'node_subnet_id'),
        principal_type: 'ServicePrincipal' });
      expect(subnet.principal_id).toMatch(/identities_control-plane_\w+\.principal_id/);
      const operator = grant(prod, 'identities/control-plane-kubelet-operator');
      expect(operator.role_definition_name).toBe('Managed Identity Operator');
      expect(operator.scope).toMatch(/identities_kubelet_\w+\.id/);
      expect(propagation(prod).depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^azurerm_role_assignment\.identities_control-plane-subnet_/),
          expect.stringMatching(/^azurerm_role_assignment\.identities_control-plane-kubelet-operator_/)]),
      );
      expect(aks().depends_on).toEqual([expect.stringMatching(/^time_sleep\.cluster-roles-propagation$/)]);
    });
  });

  describe('node pools', () => {
    it('makes the System pool the default pool: critical add-ons only, three zones, autoscaled, in the node subnet', () => {
      // Size, OS disk and upgrade settings are in the snapshot.
      expect(aks().default_node_pool).toMatchObject({ name: 'system', zones: ['1', '2', '3'], only_critical_addons_enabled: true, auto_scaling_enabled: true,
        min_count: 3, max_count: 5, vnet_subnet_id: network('azure-prod', 'node_subnet_id'), host_encryption_enabled: true, node_public_ip_enabled: false });
      // The autoscaler owns the node count after creation.
      expect(aks().lifecycle.ignore_changes).toEqual(['default_node_pool[0].node_count']);
    });

    it('creates each User pool with its size, bounds, zones and disks', () => {
      const apps = byPath(prod, 'azurerm_kubernetes_cluster_node_pool', 'pool-apps/pool');
      expect(apps).toMatchObject({ name: 'apps', mode: 'User', priority: 'Regular', vm_size: 'Standard_D8ds_v5', auto_scaling_enabled: true, min_count: 3,
        max_count: 12, zones: ['1', '2', '3'], os_disk_type: 'Ephemeral', host_encryption_enabled: true,
        vnet_subnet_id: network('azure-prod', 'node_subnet_id'), upgrade_settings: { max_surge: '33%' }, lifecycle: { ignore_changes: ['node_count'] } });
      expect(apps.kubernetes_cluster_id).toMatch(/azurerm_kubernetes_cluster\.aks_cluster_\w+\.id/);
      expect(resources(prod, 'azurerm_kubernetes_cluster_node_pool').map((p) => p.name)).toEqual(['apps']);
    });

    it('runs a Spot pool on evictable VMs with the taint AKS sets, and no surge settings', () => {
      const spot = byPath(dev, 'azurerm_kubernetes_cluster_node_pool', 'pool-spot/pool');
      expect(spot).toMatchObject({ priority: 'Spot', eviction_policy: 'Delete', spot_max_price: -1, min_count: 0, max_count: 3,
        node_taints: ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule'], node_labels: { 'kubernetes.azure.com/scalesetpriority': 'spot' } });
      expect(spot.upgrade_settings).toBeUndefined();
    });
  });

  describe('Key Vault', () => {
    it('uses Azure RBAC, purge protection, soft delete and a default-deny firewall open only to the deployer ranges', () => {
      const vault = only(prod, 'azurerm_key_vault');
      expect(vault).toMatchObject({ name: expect.stringMatching(/^kv-azure-prod-[0-9a-f]{6}$/), rbac_authorization_enabled: true,
        purge_protection_enabled: true, soft_delete_retention_days: 90, public_network_access_enabled: true,
        network_acls: { default_action: 'Deny', bypass: 'AzureServices', ip_rules: ['198.51.100.0/24', '203.0.113.16/28'] },
        lifecycle: { prevent_destroy: true } });
      expect(vault.name.length).toBeLessThanOrEqual(24);
    });

    it('turns public access off where config says, leaving only the private endpoint', () => {
      const vault = only(dev, 'azurerm_key_vault');
      expect(vault).toMatchObject({ public_network_access_enabled: false, network_acls: { default_action: 'Deny', ip_rules: [] },
        soft_delete_retention_days: 7 });
    });

    it('reaches the vault through a private endpoint in the private endpoint subnet, resolved by a linked privatelink zone', () => {
      const endpoint = only(dev, 'azurerm_private_endpoint');
      expect(endpoint.subnet_id).toBe(network('azure-dev', 'private_endpoint_subnet_id'));
      expect(endpoint.private_service_connection).toMatchObject({ subresource_names: ['vault'], is_manual_connection: false });
      expect(endpoint.private_service_connection.private_connection_resource_id).toMatch(/azurerm_key_vault\.key-vault_\w+\.id/);
      expect(endpoint.private_dns_zone_group.private_dns_zone_ids[0]).toMatch(/azurerm_private_dns_zone\.key-vault_dns-zone_\w+\.id/);
      expect(only(dev, 'azurerm_private_dns_zone').name).toBe('privatelink.vaultcore.azure.net');
      expect(only(dev, 'azurerm_private_dns_zone_virtual_network_link')).toMatchObject({ virtual_network_id: network('azure-dev', 'vnet_id'),
        registration_enabled: false });
    });

    it('sends the vault audit log to the workspace', () => {
      const setting = byPath(prod, 'azurerm_monitor_diagnostic_setting', 'key-vault/diagnostics');
      expect(setting.target_resource_id).toMatch(/azurerm_key_vault\.key-vault_\w+\.id/);
      expect(setting.enabled_log).toEqual([{ category_group: 'allLogs' }]);
    });
  });

  describe('disk encryption', () => {
    it('encrypts disks with a rotating, destroy-protected customer key through a disk encryption set', () => {
      const key = only(prod, 'azurerm_key_vault_key');
      expect(key).toMatchObject({ key_type: 'RSA', key_size: 3072, key_opts: ['wrapKey', 'unwrapKey'],
        rotation_policy: { automatic: { time_after_creation: 'P90D' }, expire_after: 'P1Y', notify_before_expiry: 'P30D' },
        lifecycle: { prevent_destroy: true } });
      const set = only(prod, 'azurerm_disk_encryption_set');
      expect(set).toMatchObject({ auto_key_rotation_enabled: true, encryption_type: 'EncryptionAtRestWithCustomerKey', identity: { type: 'SystemAssigned' } });
      expect(set.key_vault_key_id).toMatch(/azurerm_key_vault_key\.disk-encryption_key_\w+\.versionless_id/);
      expect(aks().disk_encryption_set_id).toMatch(/azurerm_disk_encryption_set\.disk-encryption_set_\w+\.id/);
    });

    it('lets the set use only its key, the control plane read the set, and the cluster wait for both', () => {
      const keyAccess = grant(prod, 'disk-encryption/set-key-access');
      expect(keyAccess.role_definition_name).toBe('Key Vault Crypto Service Encryption User');
      expect(keyAccess.scope).toMatch(/azurerm_key_vault_key\.disk-encryption_key_\w+\.resource_versionless_id/);
      expect(keyAccess.principal_id).toMatch(/azurerm_disk_encryption_set\.disk-encryption_set_\w+\.identity\[0\]\.principal_id/);
      const reader = grant(prod, 'identities/control-plane-disk-encryption-reader');
      expect(reader.role_definition_name).toBe('Reader');
      expect(reader.scope).toMatch(/azurerm_disk_encryption_set\./);
      expect(propagation(prod).depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/disk-encryption_set-key-access_/),
          expect.stringMatching(/identities_control-plane-disk-encryption-reader_/)]),
      );
      const officer = grant(prod, 'disk-encryption/deployer-crypto-officer');
      // The bootstrap stack's "azure-prod disk key manager": key management without sign, import, delete or purge (not Key Vault Crypto Officer).
      expect(officer.role_definition_name).toBeUndefined();
      expect(officer.role_definition_id).toBe('/subscriptions/00000000-0000-0000-0000-000000000002/providers/Microsoft.Authorization/roleDefinitions/' +
        'ad2fec2b-3e38-5ef2-855b-6d1dc0deb334');
    });
  });

  describe('waits for role assignments to take effect (first apply in one go)', () => {
    const sleep = (stack: Json, suffix: string): Json => byPath(stack, 'time_sleep', suffix);

    it('creates the disk key only 10 minutes after the deployer becomes disk key manager', () => {
      const wait = sleep(prod, 'disk-encryption/deployer-crypto-officer-propagation');
      expect(wait.create_duration).toBe('10m');
      expect(wait.depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\.disk-encryption_deployer-crypto-officer_/)]);
      expect(wait.triggers.role_assignment_ids).toMatch(/azurerm_role_assignment\.disk-encryption_deployer-crypto-officer_\w+\.id/);
      expect(only(prod, 'azurerm_key_vault_key').depends_on).toEqual([expect
        .stringMatching(/^time_sleep\.disk-encryption_deployer-crypto-officer-propagation_/)]);
    });

    it('creates the cluster only 10 minutes after every role it and its disk encryption set need', () => {
      const wait = propagation(prod);
      expect(wait.create_duration).toBe('10m');
      const roles = (wait.depends_on as string[]).map((d) => d.replace(/^azurerm_role_assignment\.(.*)_[0-9A-F]{8}$/, '$1')).sort();
      expect(roles).toEqual(['disk-encryption_set-key-access', 'identities_control-plane-disk-encryption-reader', 'identities_control-plane-egress-ip',
        'identities_control-plane-kubelet-operator', 'identities_control-plane-subnet']);
      expect(aks().depends_on).toEqual([expect.stringMatching(/^time_sleep\.cluster-roles-propagation$/)]);
      expect((propagation(dev).depends_on as string[]).length).toBe(2);
      expect(aks(dev).depends_on).toEqual([expect.stringMatching(/^time_sleep\.cluster-roles-propagation$/)]);
    });

    it('configures the time provider once per stack that waits', () => {
      expect(prod.terraform.required_providers.time).toEqual({ source: 'hashicorp/time', version: '0.13.1' });
      expect(prod.provider.time).toEqual([{}]);
    });

    it('keeps platform-managed keys where config asks', () => {
      expect(resources(dev, 'azurerm_disk_encryption_set')).toEqual([]);
      expect(resources(dev, 'azurerm_key_vault_key')).toEqual([]);
      expect(aks(dev).disk_encryption_set_id).toBeUndefined();
      expect(dev.output.disk_encryption_set_id.value).toBe('');
    });
  });

  describe('azure-cluster contract', () => {
    it('publishes what the platform layer needs', () => {
      expect(Object.keys(prod.output).sort()).toEqual(['cluster_ca_certificate', 'cluster_endpoint', 'cluster_id', 'cluster_name', 'disk_encryption_set_id',
        'key_vault_id', 'key_vault_name', 'key_vault_private_dns_zone_id', 'key_vault_uri', 'kubelet_identity_client_id', 'kubelet_identity_object_id',
        'location', 'log_analytics_workspace_id', 'oidc_issuer_url', 'resource_group_name']);
      expect(prod.output.oidc_issuer_url.value).toMatch(/azurerm_kubernetes_cluster\.aks_cluster_\w+\.oidc_issuer_url/);
      expect(prod.output.location.value).toBe('westeurope');
    });

    it('publishes only the endpoint and CA out of kube_config, and never credentials', () => {
      const cluster = prod.output.cluster_endpoint.value.match(/azurerm_kubernetes_cluster\.aks_cluster_\w+/)[0];
      expect(prod.output.cluster_endpoint.value).toBe(`\${nonsensitive(${cluster}.kube_config[0].host)}`);
      expect(prod.output.cluster_ca_certificate.value).toBe(`\${nonsensitive(${cluster}.kube_config[0].cluster_ca_certificate)}`);
      const outputs = JSON.stringify(prod.output);
      expect(outputs).not.toMatch(/kube_admin_config|kube_config_raw|client_certificate|client_key|password|\.token/);
      expect(outputs.match(/kube_config\[0\]\.\w+/g)).toEqual(['kube_config[0].cluster_ca_certificate', 'kube_config[0].host']);
    });
  });
});

describe('a later layer consuming azure-cluster', () => {
  let platform: Json;
  let synth: Synthesized;

  beforeAll(() => {
    const env = v.parse(environmentSchema, clone(azureProdConfig)) as AzureEnvironment;
    const outdir = tempDir();
    dirs.push(outdir);
    const app = new App({ outdir });
    const networkStack = new AzureNetworkStack(app, env);
    const clusterStack = new AzureClusterStack(app, env, networkStack);
    const stack = new LayerStack(app, 'azure-prod-platform', stateLocation(env, 'azure-prod-platform'));
    azurermProvider(stack, { subscriptionId: env.azure.subscriptionId, tenantId: env.azure.tenantId });
    const cluster = consume(stack, clusterStack, azureClusterContract);
    kubernetesProviders(stack, aksKubernetesAccess(cluster));
    new WorkloadIdentity(stack, 'external-dns-identity', { name: 'id-azure-prod-external-dns', resourceGroupName: cluster.resourceGroupName,
      location: cluster.location, oidcIssuerUrl: cluster.oidcIssuerUrl, namespace: 'external-dns', serviceAccount: 'external-dns',
      scope: '/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones/chat.example.org',
      roles: ['DNS Zone Contributor'] });
    app.synth();
    synth = readOutdir(outdir);
    platform = synth.stacks['azure-prod-platform']!;
  });

  const clusterOutput = (name: string) => `\${data.terraform_remote_state.azure-prod-cluster-state.outputs.${name}}`;
  const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin',
    args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'] };

  it('reads the cluster contract from the cluster stack state and deploys after it', () => {
    expect(platform.data.terraform_remote_state['azure-prod-cluster-state'].config.key).toBe('rocketchat/azure-prod-cluster.tfstate');
    expect(synth.manifest.stacks['azure-prod-platform'].dependencies).toEqual(['azure-prod-cluster']);
    expect(remoteStateProblems(synth.stacks)).toEqual([]);
  });

  it('configures the helm provider (3.x objects) with an Entra ID token from kubelogin', () => {
    expect(platform.provider.helm[0].kubernetes).toEqual({ host: clusterOutput('cluster_endpoint'),
      cluster_ca_certificate: `\${base64decode(${clusterOutput('cluster_ca_certificate').slice(2, -1)})}`, exec });
  });

  it('configures the kubernetes provider (exec as a list) the same way', () => {
    expect(platform.provider.kubernetes[0]).toEqual({ host: clusterOutput('cluster_endpoint'),
      cluster_ca_certificate: `\${base64decode(${clusterOutput('cluster_ca_certificate').slice(2, -1)})}`, exec: [exec] });
  });

  it('binds a workload identity to exactly one service account through the cluster OIDC issuer', () => {
    const credential = only(platform, 'azurerm_federated_identity_credential');
    expect(credential).toEqual({ name: 'external-dns-external-dns', resource_group_name: clusterOutput('resource_group_name'),
      parent_id: expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.external-dns-identity_\w+\.id\}$/), issuer: clusterOutput('oidc_issuer_url'),
      subject: 'system:serviceaccount:external-dns:external-dns', audience: ['api://AzureADTokenExchange'] });
    expect(only(platform, 'azurerm_user_assigned_identity')).toMatchObject({ name: 'id-azure-prod-external-dns',
      resource_group_name: clusterOutput('resource_group_name'), location: clusterOutput('location') });
  });

  it('scopes the workload identity roles to the one resource given', () => {
    const role = only(platform, 'azurerm_role_assignment');
    expect(role).toMatchObject({ role_definition_name: 'DNS Zone Contributor',
      scope: '/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones/chat.example.org',
      principal_type: 'ServicePrincipal' });
    expect(role.principal_id).toMatch(/external-dns-identity_\w+\.principal_id/);
  });
});

interface BadCase {
  readonly title: string;
  readonly base: 'azure-dev' | 'azure-prod';
  readonly change: (c: Mutable) => void;
  readonly problems: string[];
}

const cases: BadCase[] = [
  {
    title: 'autoscaler minimum above maximum',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.nodePools[1].minSize = 13),
    problems: ['config/azure-prod: kubernetes.nodePools[1].desiredSize: sizes min 13, desired 3, max 12 are out of order (allowed: minSize <= ' +
      'desiredSize <= maxSize)'],
  },
  { title: 'version past AKS standard support', base: 'azure-dev', change: (c) => (c.kubernetes.version = '1.33'),
    problems: ['config/azure-dev: kubernetes.version: "1.33" is out of AKS standard support (allowed: 1.34, 1.35)'] },
  { title: 'prod on the Free tier', base: 'azure-prod', change: (c) => (c.kubernetes.skuTier = 'Free'),
    problems: ['config/azure-prod: kubernetes.skuTier: "Free" has no uptime SLA for the prod API server (allowed: Standard, Premium)'] },
  {
    title: 'prod API server open to the internet',
    base: 'azure-prod',
    change: (c) => c.kubernetes.apiServer.authorizedIpRanges.push('0.0.0.0/0'),
    problems: ['config/azure-prod: kubernetes.apiServer.authorizedIpRanges[2]: "0.0.0.0/0" opens the prod API server to the whole internet (allowed: ' +
      'your admin and CI ranges, /16 or narrower, or access "private")'],
  },
  {
    title: 'prod API server open to a /8',
    base: 'azure-prod',
    change: (c) => c.kubernetes.apiServer.authorizedIpRanges.push('100.0.0.0/8'),
    problems: ['config/azure-prod: kubernetes.apiServer.authorizedIpRanges[2]: "100.0.0.0/8" opens the prod API server to 16,777,216 addresses (allowed: ' +
      'your admin and CI ranges, /16 or narrower, or access "private")'],
  },
  {
    title: 'public API server with no authorized ranges',
    base: 'azure-dev',
    change: (c) => (c.kubernetes.apiServer.authorizedIpRanges = []),
    problems: ['config/azure-dev: kubernetes.apiServer.authorizedIpRanges: is empty, which leaves the public API server open to the whole internet ' +
      '(allowed: your admin and CI ranges, or access "private")'],
  },
  {
    title: 'authorized ranges on a private cluster',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.apiServer.access = 'private'),
    problems: ['config/azure-prod: kubernetes.apiServer.authorizedIpRanges: has ranges, but AKS applies none to a private cluster (allowed: an empty ' +
      'list with access "private")'],
  },
  {
    title: 'service range overlapping the VNet',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.serviceCidr = '10.40.0.0/16'),
    problems: [
      'config/azure-prod: kubernetes.serviceCidr: "10.40.0.0/16" overlaps network.vnetCidr "10.40.0.0/16" (allowed: a range outside the VNet and the pod ' +
        'range, such as 172.16.0.0/16)',
      'config/azure-prod: kubernetes.dnsServiceIp: "172.16.0.10" is outside kubernetes.serviceCidr "10.40.0.0/16" (allowed: an address inside it such as ' +
        '10.40.0.10)',
    ],
  },
  {
    title: 'service range overlapping the pod range',
    base: 'azure-prod',
    change: (c) => {
      c.kubernetes.serviceCidr = '192.168.0.0/20';
      c.kubernetes.dnsServiceIp = '192.168.0.10';
    },
    problems: ['config/azure-prod: kubernetes.serviceCidr: "192.168.0.0/20" overlaps network.podCidr "192.168.0.0/16" (allowed: a range outside the VNet ' +
      'and the pod range, such as 172.16.0.0/16)'],
  },
  {
    title: 'service range AKS reserves',
    base: 'azure-dev',
    change: (c) => {
      c.kubernetes.serviceCidr = '172.30.0.0/16';
      c.kubernetes.dnsServiceIp = '172.30.0.10';
    },
    problems: ['config/azure-dev: kubernetes.serviceCidr: "172.30.0.0/16" overlaps 172.30.0.0/16, which AKS reserves (allowed: a range outside ' +
      '169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24)'],
  },
  {
    title: 'pod range AKS reserves',
    base: 'azure-dev',
    change: (c) => (c.network.podCidr = '172.31.0.0/16'),
    problems: ['config/azure-dev: network.podCidr: "172.31.0.0/16" overlaps 172.31.0.0/16, which AKS reserves (allowed: a range outside 169.254.0.0/16, ' +
      '172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24)'],
  },
  {
    title: 'DNS service address outside the service range',
    base: 'azure-dev',
    change: (c) => (c.kubernetes.dnsServiceIp = '10.0.0.10'),
    problems: ['config/azure-dev: kubernetes.dnsServiceIp: "10.0.0.10" is outside kubernetes.serviceCidr "172.16.0.0/16" (allowed: an address inside it ' +
      'such as 172.16.0.10)'],
  },
  {
    title: 'DNS service address taken by the kubernetes service',
    base: 'azure-dev',
    change: (c) => (c.kubernetes.dnsServiceIp = '172.16.0.1'),
    problems: ['config/azure-dev: kubernetes.dnsServiceIp: "172.16.0.1" is the network or kubernetes service address of "172.16.0.0/16" (allowed: a ' +
      'later address such as 172.16.0.10)'],
  },
  { title: 'no System pool', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[0].mode = 'User'),
    problems: ['config/azure-dev: kubernetes.nodePools: has no System pool (allowed: exactly one pool with mode "System")'] },
  {
    title: 'two System pools',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.nodePools[1].mode = 'System'),
    problems: ['config/azure-prod: kubernetes.nodePools: has 2 System pools ["system","apps"] (allowed: exactly one pool with mode "System")',
      'config/azure-prod: app.mongodb.nodePool: "apps" is the System pool, tainted CriticalAddonsOnly (allowed: a User pool)'],
  },
  { title: 'Spot System pool', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[0].spot = true),
    problems: ['config/azure-dev: kubernetes.nodePools[0].spot: a System pool cannot run on Spot VMs, which Azure evicts at any time (allowed: false)'] },
  { title: 'System pool that may scale to zero', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[0].minSize = 0),
    problems: ['config/azure-dev: kubernetes.nodePools[0].minSize: a System pool needs at least one node (allowed: 1 or more)'] },
  { title: 'prod System pool in one zone', base: 'azure-prod', change: (c) => (c.kubernetes.nodePools[0].zones = ['1']),
    problems: ['config/azure-prod: kubernetes.nodePools[0].zones: prod System pool uses only zones ["1"] (allowed: ["1", "2", "3"])'] },
  {
    title: 'ephemeral OS disk on a size without a local disk',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.nodePools[1].vmSize = 'Standard_D8s_v5'),
    problems: ['config/azure-prod: kubernetes.nodePools[1].osDiskType: "Ephemeral" needs a VM size with a local temp disk, and "Standard_D8s_v5" has ' +
      'none (allowed: "Managed", or a size with a "d" such as Standard_D4ds_v5)'],
  },
  { title: 'node pool without a mode', base: 'azure-dev', change: (c) => delete c.kubernetes.nodePools[1].mode,
    problems: ['config/azure-dev: kubernetes.nodePools[1].mode: is required (allowed: System, User)'] },
  {
    title: 'admin group id that is not a UUID',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.adminGroupObjectIds[1] = 'platform-admins'),
    problems: ['config/azure-prod: kubernetes.adminGroupObjectIds[1]: "platform-admins" is not valid (allowed: an Entra ID group object id (lowercase UUID))'],
  },
  { title: 'network policy engine AKS overlay does not offer here', base: 'azure-dev', change: (c) => (c.kubernetes.networkPolicy = 'calico'),
    problems: ['config/azure-dev: kubernetes.networkPolicy: "calico" is not supported (allowed: cilium, azure)'] },
  { title: 'upgrade channel that would move the minor version', base: 'azure-dev', change: (c) => (c.kubernetes.upgrades.channel = 'stable'),
    problems: ['config/azure-dev: kubernetes.upgrades.channel: "stable" is not supported (allowed: patch, none)'] },
  {
    title: 'prod nodes without OS patching',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.upgrades.nodeOsChannel = 'None'),
    problems: ['config/azure-prod: kubernetes.upgrades.nodeOsChannel: "None" leaves prod nodes without scheduled security patches (allowed: NodeImage, ' +
      'SecurityPatch)'],
  },
  { title: 'maintenance window shorter than four hours', base: 'azure-prod', change: (c) => (c.kubernetes.maintenance.nodeOs.durationHours = 2),
    problems: ['config/azure-prod: kubernetes.maintenance.nodeOs.durationHours: 2 is not valid (allowed: an integer from 4 to 24)'] },
  { title: 'maintenance window start time out of range', base: 'azure-prod', change: (c) => (c.kubernetes.maintenance.autoUpgrade.startTime = '25:00'),
    problems: ['config/azure-prod: kubernetes.maintenance.autoUpgrade.startTime: "25:00" is not valid (allowed: a 24-hour time HH:mm such as 21:00)'] },
  {
    title: 'maintenance window on an unknown day',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.maintenance.autoUpgrade.dayOfWeek = 'Funday'),
    problems: ['config/azure-prod: kubernetes.maintenance.autoUpgrade.dayOfWeek: "Funday" is not supported (allowed: Monday, Tuesday, Wednesday, ' +
      'Thursday, Friday, Saturday, Sunday)'],
  },
  { title: 'weekly interval out of range', base: 'azure-dev', change: (c) => (c.kubernetes.maintenance.autoUpgrade.intervalWeeks = 6),
    problems: ['config/azure-dev: kubernetes.maintenance.autoUpgrade.intervalWeeks: 6 is not valid (allowed: an integer from 1 to 4)'] },
  {
    title: 'daily window with a day of the week',
    base: 'azure-dev',
    change: (c) => {
      c.kubernetes.maintenance.nodeOs.frequency = 'Daily';
      c.kubernetes.maintenance.nodeOs.intervalDays = 1;
      delete c.kubernetes.maintenance.nodeOs.intervalWeeks;
    },
    problems: ['config/azure-dev: kubernetes.maintenance.nodeOs.dayOfWeek: is not a known field (allowed: frequency, intervalDays, startTime, ' +
      'durationHours, utcOffset)'],
  },
  { title: 'maintenance frequency AKS does not offer here', base: 'azure-dev', change: (c) => (c.kubernetes.maintenance.autoUpgrade.frequency = 'Monthly'),
    problems: ['config/azure-dev: kubernetes.maintenance.autoUpgrade.frequency: "Monthly" is not supported (allowed: Weekly, Daily)'] },
  { title: 'malformed UTC offset', base: 'azure-dev', change: (c) => (c.kubernetes.maintenance.autoUpgrade.utcOffset = '+5:30'),
    problems: ['config/azure-dev: kubernetes.maintenance.autoUpgrade.utcOffset: "+5:30" is not valid (allowed: a UTC offset such as +00:00 or -05:30)'] },
  {
    title: 'public Key Vault with no allowed ranges',
    base: 'azure-prod',
    change: (c) => (c.keyVault.allowedIpRanges = []),
    problems: ["config/azure-prod: keyVault.allowedIpRanges: is empty, so public access reaches nothing (allowed: the deployers' ranges, or " +
      "publicNetworkAccess false)"],
  },
  {
    title: 'Key Vault ranges while public access is off',
    base: 'azure-dev',
    change: (c) => (c.keyVault.allowedIpRanges = ['198.51.100.0/24']),
    problems: ['config/azure-dev: keyVault.allowedIpRanges: has ranges, but public network access is off (allowed: an empty list, or publicNetworkAccess ' +
      'true)'],
  },
  {
    title: 'Key Vault open to the internet',
    base: 'azure-prod',
    change: (c) => (c.keyVault.allowedIpRanges = ['0.0.0.0/0']),
    problems: ["config/azure-prod: keyVault.allowedIpRanges[0]: \"0.0.0.0/0\" opens the Key Vault to the whole internet (allowed: the deployers' ranges, " +
      "/16 or narrower)"],
  },
  { title: 'missing Key Vault settings', base: 'azure-dev', change: (c) => delete c.keyVault,
    problems: ['config/azure-dev: keyVault: is required (allowed: an object with fields publicNetworkAccess, allowedIpRanges, softDeleteRetentionDays)'] },
  { title: 'flag that is not a boolean', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[2].spot = 'yes'),
    problems: ['config/azure-dev: kubernetes.nodePools[2].spot: must be true or false, got string "yes" (allowed: true, false)'] },
];

describe('azure cluster configuration', () => {
  it.each(cases)('rejects $title with exact messages and writes nothing', ({ base, change, problems }) => {
    expect(refused(registryWith(base, change))).toEqual(problems);
  });
});
