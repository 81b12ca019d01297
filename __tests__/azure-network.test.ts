import { beforeAll, describe, expect, it } from 'vitest';
import { byPath, only, resources, synthExamples, type Json } from './support';

let prod: Json;
let dev: Json;

beforeAll(() => {
  const { stacks } = synthExamples();
  prod = stacks['azure-prod-network']!;
  dev = stacks['azure-dev-network']!;
});

describe('azure network stack', () => {
  it('keeps state in the environment storage account with Entra ID auth', () => {
    expect(prod.terraform.backend).toEqual({
      azurerm: { resource_group_name: 'rg-rocketchat-tfstate-prod', storage_account_name: 'exrctfstateprod01', container_name: 'tfstate',
        key: 'rocketchat/azure-prod-network.tfstate', subscription_id: '00000000-0000-0000-0000-000000000002',
        tenant_id: '00000000-0000-0000-0000-0000000000aa', use_azuread_auth: true },
    });
  });

  it('pins the provider to the subscription and uses Entra ID for storage', () => {
    expect(prod.provider.azurerm[0]).toMatchObject({ subscription_id: '00000000-0000-0000-0000-000000000002', tenant_id: '00000000-0000-0000-0000-0000000000aa',
      storage_use_azuread: true });
  });

  it('tags every taggable resource with the standard tags', () => {
    const taggable = ['azurerm_resource_group', 'azurerm_virtual_network', 'azurerm_network_security_group', 'azurerm_nat_gateway', 'azurerm_public_ip',
      'azurerm_storage_account', 'azurerm_log_analytics_workspace', 'azurerm_network_watcher_flow_log'];
    for (const type of taggable) {
      for (const r of resources(prod, type)) expect(r.tags, type).toMatchObject({ environment: 'azure-prod', 'managed-by': 'cdktf' });
    }
  });

  it('creates the VNet with node, ingress and private endpoint subnets without default outbound access', () => {
    expect(only(prod, 'azurerm_virtual_network').address_space).toEqual(['10.40.0.0/16']);
    const subnets = Object.fromEntries(resources(prod, 'azurerm_subnet').map((s: Json): [string, Json] => [s.name, s]));
    expect(subnets['snet-nodes']!.address_prefixes).toEqual(['10.40.0.0/22']);
    expect(subnets['snet-ingress']!.address_prefixes).toEqual(['10.40.8.0/24']);
    expect(subnets['snet-private-endpoints']!.private_endpoint_network_policies).toBe('Enabled');
    for (const s of Object.values(subnets)) expect(s.default_outbound_access_enabled).toBe(false);
  });

  it('delegates the ingress subnet to Application Gateway for Containers', () => {
    const ingress = resources(prod, 'azurerm_subnet').find((s) => s.name === 'snet-ingress')!;
    expect(ingress.delegation[0].service_delegation.name).toBe('Microsoft.ServiceNetworking/trafficControllers');
  });

  it('guards nodes with explicit rules: cluster traffic, ingress to backends, probes, then deny', () => {
    const rules = resources(prod, 'azurerm_network_security_rule').filter((r) => r.network_security_group_name.includes('nodes-nsg'));
    expect(rules.map((r) => [r.priority, r.name, r.access]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
      [100, 'allow-cluster-internal', 'Allow'],
      [110, 'allow-ingress-to-backends', 'Allow'],
      [120, 'allow-azure-load-balancer', 'Allow'],
      [4096, 'deny-all-other-inbound', 'Deny'],
    ]);
    const internal = rules.find((r) => r.name === 'allow-cluster-internal')!;
    expect(internal.source_address_prefixes).toEqual(['10.40.0.0/22', '192.168.0.0/16']);
    const ingress = rules.find((r) => r.name === 'allow-ingress-to-backends')!;
    expect(ingress).toMatchObject({ source_address_prefix: '10.40.8.0/24', protocol: 'Tcp' });
    const deny = rules.find((r) => r.name === 'deny-all-other-inbound')!;
    expect(deny).toMatchObject({ source_address_prefix: '*', destination_address_prefix: '*', direction: 'Inbound' });
  });

  it('admits only HTTPS from the cluster to private endpoints', () => {
    const rules = resources(prod, 'azurerm_network_security_rule').filter((r) => r.network_security_group_name.includes('private-endpoints-nsg'));
    expect(rules.map((r) => [r.name, r.destination_port_range])).toEqual([['allow-https-from-cluster', '443'], ['deny-all-other-inbound', '*']]);
  });

  it('associates each NSG with its subnet', () => {
    const associations = resources(prod, 'azurerm_subnet_network_security_group_association');
    expect(associations.map((a) => [a.subnet_id, a.network_security_group_id])).toEqual([
      [expect.stringContaining('nodes-subnet'), expect.stringContaining('nodes-nsg')],
      [expect.stringContaining('private-endpoints-subnet'), expect.stringContaining('private-endpoints-nsg')],
    ]);
  });

  it('gives prod egress a static Standard public IP in all three zones, and no NAT gateway, which would take the flows from the load balancer', () => {
    expect(byPath(prod, 'azurerm_public_ip', 'egress/public-ip')).toMatchObject({ name: 'pip-azure-prod-egress', sku: 'Standard', allocation_method: 'Static',
      zones: ['1', '2', '3'], lifecycle: { prevent_destroy: true } });
    expect(resources(prod, 'azurerm_nat_gateway')).toEqual([]);
    expect(resources(prod, 'azurerm_subnet_nat_gateway_association')).toEqual([]);
    expect(prod.output.nat_public_ip.value).toMatch(/^\$\{azurerm_public_ip\.egress_public-ip_\w+\.ip_address\}$/);
    expect(prod.output.nat_gateway_id.value).toBe('');
  });

  it('sends dev node egress through one zonal NAT gateway with a static Standard public IP', () => {
    expect(only(dev, 'azurerm_nat_gateway')).toMatchObject({ sku_name: 'Standard', zones: ['1'], idle_timeout_in_minutes: 4 });
    expect(only(dev, 'azurerm_public_ip')).toMatchObject({ sku: 'Standard', allocation_method: 'Static', zones: ['1'] });
    expect(only(dev, 'azurerm_subnet_nat_gateway_association').subnet_id).toContain('nodes-subnet');
  });

  it('keeps a Log Analytics workspace with Entra-only access and the configured retention', () => {
    expect(only(prod, 'azurerm_log_analytics_workspace')).toMatchObject({ retention_in_days: 90, local_authentication_enabled: false });
  });

  it('sends VNet, NSG, public IP and NAT diagnostics to Log Analytics', () => {
    const targets = (stack: Json) => resources(stack, 'azurerm_monitor_diagnostic_setting').map((d) => d.target_resource_id.split('.')[0]).sort();
    expect(targets(prod)).toEqual(['${azurerm_network_security_group', '${azurerm_network_security_group', '${azurerm_public_ip', '${azurerm_virtual_network']);
    expect(targets(dev)).toEqual([
      '${azurerm_nat_gateway', '${azurerm_network_security_group', '${azurerm_network_security_group', '${azurerm_public_ip', '${azurerm_virtual_network',
    ]);
    const nsg = byPath(prod, 'azurerm_monitor_diagnostic_setting', 'nsg-nodes-diagnostics');
    expect(nsg.enabled_log).toEqual([{ category_group: 'allLogs' }]);
    expect(nsg.log_analytics_workspace_id).toContain('azurerm_log_analytics_workspace');
  });

  it('enables VNet flow logs with retention and Traffic Analytics', () => {
    const flowLog = only(prod, 'azurerm_network_watcher_flow_log');
    expect(flowLog.target_resource_id).toContain('azurerm_virtual_network');
    expect(flowLog).toMatchObject({ network_watcher_name: 'NetworkWatcher_westeurope', resource_group_name: 'NetworkWatcherRG', version: 2,
      retention_policy: { enabled: true, days: 365 }, traffic_analytics: { enabled: true, interval_in_minutes: 10 } });
  });

  it('stores flow logs in a hardened account named uniquely per subscription', () => {
    const account = only(prod, 'azurerm_storage_account');
    expect(account.name).toMatch(/^stazureprodfl[0-9a-f]{6}$/);
    expect(account).toMatchObject({ min_tls_version: 'TLS1_2', https_traffic_only_enabled: true, allow_nested_items_to_be_public: false,
      infrastructure_encryption_enabled: true });
  });

  it('publishes the azure-network contract', () => {
    expect(Object.keys(prod.output).sort()).toEqual(['ingress_subnet_id', 'location', 'log_analytics_workspace_id', 'nat_gateway_id', 'nat_public_ip',
      'node_subnet_id', 'private_endpoint_subnet_id', 'resource_group_name', 'vnet_id', 'vnet_name']);
  });
});
