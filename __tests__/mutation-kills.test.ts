/**
 * Assertions added for mutants that survived `npm run mutate` (docs/mutation-testing.md): each
 * pins a setting whose weakening no other test noticed. The harmless survivors are listed there
 * with the reason.
 */
import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import { RULES, checkStacks } from '../policies';
import azureProd from '../config/environments/azure-prod';
import { loadEnvironments } from '../config/load';
import { clone, problemsOf, type Json } from './support';

type Mutable = Record<string, any>;

describe('delivery runners (config/rules-delivery.ts survivors)', () => {
  it('lets GitHub-hosted runners reach an Azure API only when its authorized ranges really are 0.0.0.0/0', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.deployRunner = ['ubuntu-24.04'];
    env.kubernetes.apiServer = { access: 'authorized-ranges', authorizedIpRanges: ['0.0.0.0/0'] };
    // Only the prod internet-exposure rule speaks; the runner is accepted.
    expect(problemsOf(() => loadEnvironments({ 'azure-prod': env }, undefined))).toEqual([
      'config/azure-prod: kubernetes.apiServer.authorizedIpRanges[0]: "0.0.0.0/0" opens the prod API server to the whole internet (allowed: your admin ' +
        'and CI ranges, /16 or narrower, or access "private")',
    ]);
  });

  it('refuses GitHub-hosted runners for a private Azure API even when stray ranges include 0.0.0.0/0', () => {
    const env: Mutable = clone(azureProd);
    env.delivery.planRunner = ['ubuntu-24.04'];
    env.kubernetes.apiServer = { access: 'private', authorizedIpRanges: ['0.0.0.0/0'] };
    expect(problemsOf(() => loadEnvironments({ 'azure-prod': env }, undefined))).toContain(
      'config/azure-prod: delivery.planRunner[0]: "ubuntu-24.04" is a GitHub-hosted runner, which cannot reach the cluster: the cluster API is private ' +
        '(kubernetes.apiServer.access "private") (allowed: labels of self-hosted runners inside the network, such as ["self-hosted", "linux", "x64", ' +
        '"azure-prod"]; or open the endpoint to 0.0.0.0/0 where that is acceptable)',
    );
  });

  it('names every range an AWS endpoint admits when it refuses a hosted runner', () => {
    const env: Mutable = clone(awsDev);
    env.kubernetes.publicEndpointCidrs = ['203.0.113.0/24', '198.51.100.0/24'];
    env.delivery.deployRunner = ['ubuntu-24.04'];
    expect(problemsOf(() => loadEnvironments({ 'aws-dev': env }, undefined))[0]).toContain('admits only kubernetes.publicEndpointCidrs 203.0.113.0/24, ' +
      '198.51.100.0/24 (allowed:');
  });
});

/** What one policy rule says about one resource (the project's fixture shape: path = name). */
function findings(id: string, type: string, body: Json): string[] {
  const stacks = { s: { resource: { [type]: { r: { '//': { metadata: { path: 's/r' } }, ...body } } } } };
  return checkStacks(stacks, RULES.filter((r) => r.id === id), []).violations.map((v) => v.message);
}

describe('Azure storage (policies/rules-azure.ts survivors)', () => {
  const account = { min_tls_version: 'TLS1_2', https_traffic_only_enabled: true, allow_nested_items_to_be_public: false,
    infrastructure_encryption_enabled: true, shared_access_key_enabled: false };
  const ST6 = 'cannot restore deleted or overwritten blobs';

  it('AZ-ST-006 needs versioning on: soft delete alone does not pass', () => {
    expect(findings('AZ-ST-006', 'azurerm_storage_account', { ...account, blob_properties: { versioning_enabled: false, delete_retention_policy: {
      days: 30 } } })).toEqual([ST6]);
  });

  it('AZ-ST-006 needs at least one day of soft delete: 0 days does not pass, 1 does', () => {
    expect(findings('AZ-ST-006', 'azurerm_storage_account', { ...account, blob_properties: { versioning_enabled: true, delete_retention_policy: {
      days: 0 } } })).toEqual([ST6]);
    expect(findings('AZ-ST-006', 'azurerm_storage_account', { ...account, blob_properties: { versioning_enabled: true, delete_retention_policy: {
      days: 1 } } })).toEqual([]);
  });

  it('AZ-ST-006 reports, rather than crashes on, an account without blob properties or soft delete', () => {
    expect(findings('AZ-ST-006', 'azurerm_storage_account', account)).toEqual([ST6]);
    expect(findings('AZ-ST-006', 'azurerm_storage_account', { ...account, blob_properties: { versioning_enabled: true } })).toEqual([ST6]);
  });

  it('AZ-ST-007 accepts a container that leaves access at the private default', () => {
    expect(findings('AZ-ST-007', 'azurerm_storage_container', { name: 'tfstate' })).toEqual([]);
  });
});

describe('Azure NSG admin ports (policies/rules-azure.ts survivors)', () => {
  const OPEN = 'opens an admin port to the internet';
  const inbound = { direction: 'Inbound', access: 'Allow', source_address_prefix: 'Internet' };

  it('AZ-NET-001 fires on every port ("*") from the internet', () => {
    expect(findings('AZ-NET-001', 'azurerm_network_security_rule', { ...inbound, destination_port_range: '*' })).toEqual([OPEN]);
  });

  it('AZ-NET-001 fires when one of several ports is an admin port', () => {
    expect(findings('AZ-NET-001', 'azurerm_network_security_rule', { ...inbound, destination_port_ranges: ['443', '22'] })).toEqual([OPEN]);
  });

  it('AZ-NET-001 fires when one of several sources is the internet', () => {
    expect(findings('AZ-NET-001', 'azurerm_network_security_rule', { direction: 'Inbound', access: 'Allow', source_address_prefixes: ['10.0.0.0/8',
      '0.0.0.0/0'], destination_port_range: '3389' })).toEqual([OPEN]);
  });

  it('AZ-NET-001 leaves deny rules and outbound rules alone', () => {
    expect(findings('AZ-NET-001', 'azurerm_network_security_rule', { ...inbound, access: 'Deny', destination_port_range: '22' })).toEqual([]);
    expect(findings('AZ-NET-001', 'azurerm_network_security_rule', { ...inbound, direction: 'Outbound', destination_port_range: '22' })).toEqual([]);
  });
});
