import { defineEnvironment } from '../schema';

/** Development on Azure: same layout as prod, shorter log retention, Free tier, a Spot pool, platform-managed disk keys. */
export default defineEnvironment({
  name: 'azure-dev',
  cloud: 'azure',
  tier: 'dev',
  domain: 'dev.chat.example.org',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234' },
  // CI plans and applies from self-hosted runners inside the network: the cluster API admits only
  // the VPN ranges below, which GitHub-hosted runners are not in.
  delivery: {
    repository: 'example-org/rocketchat-platform',
    planRunner: ['self-hosted', 'linux', 'x64', 'azure-dev', 'plan'],
    deployRunner: ['self-hosted', 'linux', 'x64', 'azure-dev', 'deploy'],
  },
  azure: {
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    tenantId: '00000000-0000-0000-0000-0000000000aa',
    location: 'westeurope',
  },
  state: {
    type: 'azurerm',
    resourceGroupName: 'rg-rocketchat-tfstate-dev',
    storageAccountName: 'exrctfstatedev01',
    containerName: 'tfstate',
    keyPrefix: 'rocketchat',
  },
  network: {
    vnetCidr: '10.30.0.0/16',
    nodeSubnetCidr: '10.30.0.0/22',
    ingressSubnetCidr: '10.30.8.0/24',
    privateEndpointSubnetCidr: '10.30.9.0/24',
    podCidr: '192.168.0.0/16',
    zones: ['1', '2', '3'],
    natIdleTimeoutMinutes: 4,
    logRetentionDays: 30,
    flowLogs: {
      retentionDays: 30,
      networkWatcherName: 'NetworkWatcher_westeurope',
      networkWatcherResourceGroup: 'NetworkWatcherRG',
    },
  },
  kubernetes: {
    version: '1.35',
    nodePools: [
      { name: 'system', mode: 'System', vmSize: 'Standard_D2ds_v5', minSize: 2, desiredSize: 2, maxSize: 3, zones: ['1', '2', '3'], osDiskType: 'Ephemeral', osDiskSizeGb: 64 },
      { name: 'apps', mode: 'User', vmSize: 'Standard_D4ds_v5', minSize: 1, desiredSize: 2, maxSize: 4, zones: ['1', '2', '3'], osDiskType: 'Ephemeral', osDiskSizeGb: 128 },
      // Interruptible work only: pods need a toleration for kubernetes.azure.com/scalesetpriority=spot.
      { name: 'spot', mode: 'User', vmSize: 'Standard_D4ds_v5', minSize: 0, desiredSize: 0, maxSize: 3, zones: ['1', '2', '3'], osDiskType: 'Ephemeral', osDiskSizeGb: 128, spot: true },
    ],
    // Dev trades the API server SLA for cost.
    skuTier: 'Free',
    adminGroupObjectIds: ['00000000-0000-0000-0000-0000000000b1'],
    apiServer: { access: 'authorized-ranges', authorizedIpRanges: ['198.51.100.0/24'] },
    networkPolicy: 'cilium',
    outboundType: 'userAssignedNATGateway',
    serviceCidr: '172.16.0.0/16',
    dnsServiceIp: '172.16.0.10',
    upgrades: { channel: 'patch', nodeOsChannel: 'NodeImage' },
    maintenance: {
      autoUpgrade: { frequency: 'Weekly', intervalWeeks: 1, dayOfWeek: 'Monday', startTime: '06:00', durationHours: 4, utcOffset: '+00:00' },
      nodeOs: { frequency: 'Weekly', intervalWeeks: 1, dayOfWeek: 'Monday', startTime: '10:00', durationHours: 4, utcOffset: '+00:00' },
    },
    diskEncryption: 'platform-managed-key',
  },
  // No customer-managed key in dev, so nothing outside the VNet needs the vault's data plane.
  keyVault: { publicNetworkAccess: false, allowedIpRanges: [], softDeleteRetentionDays: 7 },
  platform: {
    dnsZone: 'example.org',
    dnsZoneResourceGroup: 'rg-dns',
    acmeEmail: 'platform-team@example.org',
    externalDnsPolicy: 'sync',
    observability: { metricsRetentionDays: 7, metricsStorageGb: 20, logsRetentionDays: 14, tracesRetentionDays: 3 },
    alerting: {
      receivers: [{ type: 'slack', name: 'team-slack', channel: '#rocketchat-dev-alerts', webhookUrlSecret: 'alerts-slack-webhook', severities: ['critical'] }],
    },
    // Exposed on https://grafana.<domain> to show the path; dev holds no production data.
    components: { grafanaEdge: { enabled: true } },
    // count: the WAF logs what it would refuse while Rocket.Chat's traffic is tuned here; prod must block.
    waf: { mode: 'count', rateLimit: { requests: 2000, windowMinutes: 5 } },
  },
  app: {
    rocketchat: { replicas: 1, adminEmail: 'platform-team@example.org' },
    components: {
      // Extra Rocket.Chat settings as environment variables (plain values only; secrets go in secretEnv
      // by secret name): a dev server nobody outside the team should sign up to.
      rocketchat: { env: { OVERWRITE_SETTING_Accounts_RegistrationForm: 'Disabled' } },
    },
    mongodb: { members: 3, storageGb: 20, cpu: '250m', memory: '1Gi' },
    backups: { fullBackupSchedule: '0 2 * * *', pitrOplogSpanMinutes: 10, coolAfterDays: 30, deleteAfterDays: 45 },
  },
});
