/**
 * Stand-in values for everything an Azure stack reads from outside itself when
 * it is planned offline: the outputs its producer stacks publish (one fixture
 * per contract in stacks/azure-contracts.ts, typed by it) and the data sources
 * that call Azure. Each value says where its shape comes from. Azure stacks are
 * not planned offline today (docs/offline-plan.md); the offline copies are
 * still written, so these stubs keep up with the stacks.
 */
import { createHash } from 'node:crypto';
import type { AzureEnvironment } from '../../config/schema';
import { azureResourceGroupName, logAnalyticsName } from '../../config/names';
import { azureClusterContract, azureNetworkContract, azurePlatformContract } from '../../stacks/azure-contracts';
import { CA_DATA, contractFixture, secretValue, type CloudFixtures } from './fixtures';

/** ARM resource ids: /subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name> (ARM docs, "Resource ID"). */
function resourceId(env: AzureEnvironment, group: string, type: string, name: string): string {
  return `/subscriptions/${env.azure.subscriptionId}/resourceGroups/${group}/providers/${type}/${name}`;
}

/** A stable GUID per name and purpose, so each identity's ids differ as Entra's do. */
function guid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const networkGroup = (env: AzureEnvironment) => azureResourceGroupName(env.name, 'network');
const clusterGroup = (env: AzureEnvironment) => azureResourceGroupName(env.name, 'cluster');
const platformGroup = (env: AzureEnvironment) => azureResourceGroupName(env.name, 'platform');
// Key Vault names: 3-24 letters, digits and hyphens (Key Vault naming rules).
const vaultName = (env: AzureEnvironment) => `kv-${env.name}-0a1b2c`.slice(0, 24);

export const azureFixtures: CloudFixtures<AzureEnvironment> = {
  cloud: 'azure',
  contracts: [
    contractFixture(azureNetworkContract, (env: AzureEnvironment) => {
      const vnet = `vnet-${env.name}`;
      const vnetId = resourceId(env, networkGroup(env), 'Microsoft.Network/virtualNetworks', vnet);
      return {
        location: env.azure.location,
        resourceGroupName: networkGroup(env),
        vnetId,
        vnetName: vnet,
        nodeSubnetId: `${vnetId}/subnets/snet-nodes`,
        ingressSubnetId: `${vnetId}/subnets/snet-ingress`,
        privateEndpointSubnetId: `${vnetId}/subnets/snet-private-endpoints`,
        natGatewayId: resourceId(env, networkGroup(env), 'Microsoft.Network/natGateways', `ng-${env.name}`),
        // RFC 5737 documentation range.
        natPublicIp: '198.51.100.20',
        logAnalyticsWorkspaceId: resourceId(env, networkGroup(env), 'Microsoft.OperationalInsights/workspaces', logAnalyticsName(env.name)),
      };
    }),
    contractFixture(azureClusterContract, (env: AzureEnvironment) => ({
      location: env.azure.location,
      resourceGroupName: clusterGroup(env),
      // config/names.ts clusterName(): the cluster is named after the environment.
      clusterName: env.name,
      clusterId: resourceId(env, clusterGroup(env), 'Microsoft.ContainerService/managedClusters', env.name),
      // kube_config[0].host: https://<dns prefix>-<hash>.hcp.<location>.azmk8s.io:443
      clusterEndpoint: `https://${env.name}-0a1b2c3d.hcp.${env.azure.location}.azmk8s.io:443`,
      clusterCaCertificate: CA_DATA,
      // oidc_issuer_url: https://<location>.oic.prod-aks.azure.com/<tenant>/<guid>/
      oidcIssuerUrl: `https://${env.azure.location}.oic.prod-aks.azure.com/${env.azure.tenantId}/6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/`,
      kubeletIdentityObjectId: '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809',
      kubeletIdentityClientId: '2c3d4e5f-6071-4829-a3b4-c5d6e7f8091a',
      keyVaultId: resourceId(env, clusterGroup(env), 'Microsoft.KeyVault/vaults', vaultName(env)),
      keyVaultName: vaultName(env),
      keyVaultUri: `https://${vaultName(env)}.vault.azure.net/`,
      keyVaultPrivateDnsZoneId: resourceId(env, clusterGroup(env), 'Microsoft.Network/privateDnsZones', 'privatelink.vaultcore.azure.net'),
      // The cluster stack publishes "" with platform-managed keys (contract description).
      diskEncryptionSetId: env.tier === 'prod' ? resourceId(env, clusterGroup(env), 'Microsoft.Compute/diskEncryptionSets', `des-${env.name}`) : '',
      logAnalyticsWorkspaceId: resourceId(env, networkGroup(env), 'Microsoft.OperationalInsights/workspaces', logAnalyticsName(env.name)),
    })),
    contractFixture(azurePlatformContract, (env: AzureEnvironment) => ({
      applicationLoadBalancerId: resourceId(env, platformGroup(env), 'Microsoft.ServiceNetworking/trafficControllers', `agc-${env.name}`),
      frontendName: `fe-${env.name}`,
      wafPolicyId: resourceId(env, platformGroup(env), 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', `waf-${env.name}-edge`),
      bodiesWafPolicyId: resourceId(env, platformGroup(env), 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', `waf-${env.name}-bodies`),
      messagesWafPolicyId: resourceId(env, platformGroup(env), 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', `waf-${env.name}-messages`),
      blobPrivateDnsZoneId: resourceId(env, platformGroup(env), 'Microsoft.Network/privateDnsZones', 'privatelink.blob.core.windows.net'),
    })),
  ],
  data: {
    // data.azurerm_dns_zone: a public zone in the group the config names.
    azurerm_dns_zone: (args, env) => ({
      values: {
        id: resourceId(env, String(args.resource_group_name), 'Microsoft.Network/dnsZones', String(args.name)),
        name: args.name,
        resource_group_name: args.resource_group_name,
        name_servers: ['ns1-01.azure-dns.com.', 'ns2-01.azure-dns.net.', 'ns3-01.azure-dns.org.', 'ns4-01.azure-dns.info.'],
        number_of_record_sets: 2,
        max_number_of_record_sets: 10000,
        tags: {},
      },
    }),
    // data.azurerm_key_vault_secret: id is <vault uri>secrets/<name>/<32 hex version> (Key Vault docs, "Object identifiers").
    azurerm_key_vault_secret: (args, env) => ({
      values: {
        id: `https://${vaultName(env)}.vault.azure.net/secrets/${args.name}/0a1b2c3d4e5f60718293a4b5c6d7e8f9`,
        name: args.name,
        key_vault_id: args.key_vault_id,
        value: secretValue(env, String(args.name)),
        content_type: '',
        not_before_date: '',
        expiration_date: '',
        resource_id: `${resourceId(env, clusterGroup(env), 'Microsoft.KeyVault/vaults', vaultName(env))}/secrets/${args.name}`,
        resource_versionless_id: `${resourceId(env, clusterGroup(env), 'Microsoft.KeyVault/vaults', vaultName(env))}/secrets/${args.name}`,
        versionless_id: `https://${vaultName(env)}.vault.azure.net/secrets/${args.name}`,
        version: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        tags: {},
      },
      sensitive: ['value'],
    }),
    // data.azurerm_user_assigned_identity: a CI identity the bootstrap stack created in the state store's group.
    azurerm_user_assigned_identity: (args, env) => ({
      values: {
        id: resourceId(env, String(args.resource_group_name), 'Microsoft.ManagedIdentity/userAssignedIdentities', String(args.name)),
        name: args.name,
        resource_group_name: args.resource_group_name,
        location: env.azure.location,
        principal_id: guid(String(args.name), 'principal'),
        client_id: guid(String(args.name), 'client'),
        tenant_id: env.azure.tenantId,
        tags: {},
      },
    }),
    // data.azurerm_key_vault_secrets (the preflight listing): every secret the environment's config names exists in the vault.
    azurerm_key_vault_secrets: (args, env) => ({
      values: {
        id: resourceId(env, clusterGroup(env), 'Microsoft.KeyVault/vaults', vaultName(env)),
        key_vault_id: args.key_vault_id,
        names: configuredSecrets(env),
        secrets: configuredSecrets(env).map((name) => ({ name, id: `https://${vaultName(env)}.vault.azure.net/secrets/${name}`, enabled: true, tags: {} })),
      },
    }),
    // data.azurerm_resources (the preflight listings of the DNS zone and Network Watcher): the resource exists where the config says.
    azurerm_resources: (args, env) => {
      const type = String(args.type);
      const group = type === 'Microsoft.Network/networkWatchers' ? env.network.flowLogs.networkWatcherResourceGroup : env.platform.dnsZoneResourceGroup;
      const location = type === 'Microsoft.Network/networkWatchers' ? env.azure.location : 'global';
      return {
        values: {
          id: `resource-${type}-${String(args.name)}`,
          name: args.name,
          type,
          resource_group_name: args.resource_group_name ?? null,
          required_tags: null,
          resources: [{ id: resourceId(env, group, type, String(args.name)), name: args.name, type, resource_group_name: group, location, tags: {} }],
        },
      };
    },
    // data.azurerm_client_config: the deploying identity (a CI service principal) in the environment's tenant and subscription.
    azurerm_client_config: (_args, env) => ({
      values: {
        id: 'Y2xpZW50Q29uZmlncy9vZmZsaW5lLXBsYW4=',
        client_id: '3d4e5f60-7182-493a-b4c5-d6e7f8091a2b',
        object_id: '4e5f6071-8293-4a4b-85d6-e7f8091a2b3c',
        subscription_id: env.azure.subscriptionId,
        tenant_id: env.azure.tenantId,
      },
    }),
  },
  computedLocally: [],
};

/** Every Key Vault secret the environment's config names (receivers, heartbeat, license, SMTP). */
function configuredSecrets(env: AzureEnvironment): string[] {
  const receivers = env.platform.alerting.receivers.map((r) => (r.type === 'slack' ? r.webhookUrlSecret : r.type === 'email' ? r.passwordSecret : r.urlSecret));
  const { licenseSecret, smtp } = env.app.rocketchat;
  return [...receivers, env.platform.alerting.heartbeat?.urlSecret, licenseSecret, smtp?.passwordSecret].filter((n): n is string => n !== undefined);
}
