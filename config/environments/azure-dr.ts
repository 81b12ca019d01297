import { defineEnvironment } from '../schema';

/**
 * Disaster recovery for azure-prod in North Europe, West Europe's pair (docs/restore.md, "Region
 * lost"): production's shape, its own state store there (azure-prod's is in the lost region),
 * and it starts from a copy of azure-prod's backups taken from the RA-GZRS secondary of its backup
 * account, with azure-prod's users, key and admin password read from azure-prod's escrow vault in
 * North Europe (kvx-azure-prod-<suffix>, constructs/azure/escrow-vault.ts), not from its own vault,
 * whose failover to the pair Microsoft decides. Same subscription as azure-prod: the source's
 * escrow vault and account are found by name there.
 */
export default defineEnvironment({
  name: 'azure-dr',
  cloud: 'azure',
  tier: 'prod',
  // Its own name until cut-over: both environments run external-dns against the same zone (docs/restore.md).
  domain: 'chat-dr.example.org',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234', 'data-classification': 'confidential' },
  // CI plans and applies from self-hosted runners inside the network: the cluster API admits only
  // the VPN ranges below, which GitHub-hosted runners are not in.
  delivery: {
    repository: 'example-org/rocketchat-platform',
    planRunner: ['self-hosted', 'linux', 'x64', 'azure-dr', 'plan'],
    deployRunner: ['self-hosted', 'linux', 'x64', 'azure-dr', 'deploy'],
    reviewers: ['example-org/platform-admins'],
  },
  azure: {
    subscriptionId: '00000000-0000-0000-0000-000000000002',
    tenantId: '00000000-0000-0000-0000-0000000000aa',
    location: 'northeurope',
  },
  state: {
    type: 'azurerm',
    resourceGroupName: 'rg-rocketchat-tfstate-dr',
    storageAccountName: 'exrctfstatedr01',
    containerName: 'tfstate',
    keyPrefix: 'rocketchat',
  },
  network: {
    vnetCidr: '10.50.0.0/16',
    nodeSubnetCidr: '10.50.0.0/22',
    ingressSubnetCidr: '10.50.8.0/24',
    privateEndpointSubnetCidr: '10.50.9.0/24',
    podCidr: '192.168.0.0/16',
    zones: ['1', '2', '3'],
    natIdleTimeoutMinutes: 4,
    logRetentionDays: 90,
    flowLogs: {
      retentionDays: 365,
      networkWatcherName: 'NetworkWatcher_northeurope',
      networkWatcherResourceGroup: 'NetworkWatcherRG',
    },
  },
  kubernetes: {
    version: '1.35',
    nodePools: [
      { name: 'system', mode: 'System', vmSize: 'Standard_D4ds_v5', minSize: 3, desiredSize: 3, maxSize: 5, zones: ['1', '2', '3'], osDiskType: 'Ephemeral', osDiskSizeGb: 128, hostEncryption: true },
      { name: 'apps', mode: 'User', vmSize: 'Standard_D8ds_v5', minSize: 3, desiredSize: 3, maxSize: 12, zones: ['1', '2', '3'], osDiskType: 'Ephemeral', osDiskSizeGb: 128, hostEncryption: true },
    ],
    skuTier: 'Standard',
    adminGroupObjectIds: ['00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2'],
    // Admin network and CI runners; the cluster's egress address is added by the cluster stack.
    apiServer: { access: 'authorized-ranges', authorizedIpRanges: ['198.51.100.0/24', '203.0.113.16/28'] },
    networkPolicy: 'cilium',
    // Egress through AKS's load balancer on a zone-redundant address: survives a zone loss, which one zonal NAT gateway does not.
    outboundType: 'loadBalancer',
    serviceCidr: '172.16.0.0/16',
    dnsServiceIp: '172.16.0.10',
    upgrades: { channel: 'patch', nodeOsChannel: 'NodeImage' },
    maintenance: {
      autoUpgrade: { frequency: 'Weekly', intervalWeeks: 1, dayOfWeek: 'Sunday', startTime: '01:00', durationHours: 4, utcOffset: '+00:00' },
      nodeOs: { frequency: 'Weekly', intervalWeeks: 1, dayOfWeek: 'Tuesday', startTime: '21:00', durationHours: 6, utcOffset: '+00:00' },
    },
    diskEncryption: 'customer-managed-key',
    defender: true,
  },
  // The deployers create the disk encryption key through the data plane, so their ranges may reach the vault.
  keyVault: { publicNetworkAccess: true, allowedIpRanges: ['198.51.100.0/24', '203.0.113.16/28'], softDeleteRetentionDays: 90 },
  platform: {
    dnsZone: 'example.org',
    dnsZoneResourceGroup: 'rg-dns',
    acmeEmail: 'platform-team@example.org',
    // upsert-only: a mistaken ingress change never deletes a production record.
    externalDnsPolicy: 'upsert-only',
    observability: { metricsRetentionDays: 30, metricsStorageGb: 200, logsRetentionDays: 30, tracesRetentionDays: 7 },
    alerting: {
      receivers: [
        { type: 'slack', name: 'team-slack', channel: '#rocketchat-alerts', webhookUrlSecret: 'alerts-slack-webhook' },
        {
          type: 'email',
          name: 'on-call-mail',
          to: 'oncall@example.org',
          from: 'alertmanager@example.org',
          smarthost: 'smtp.example.org:587',
          username: 'alertmanager',
          passwordSecret: 'alerts-smtp-password',
          severities: ['critical'],
        },
      ],
      // Dead man's switch: a check that alerts when Alertmanager's one-minute Watchdog pings stop.
      heartbeat: { urlSecret: 'alerts-heartbeat-url' },
    },
    // Per client address: a whole office behind one NAT address stays well under 20000 requests in 5 minutes (docs/platform.md).
    // WAF alerts page through the pager's Azure Monitor integration (action group webhook), whose URL is this secret (docs/platform.md).
    waf: { mode: 'block', rateLimit: { requests: 20000, windowMinutes: 5 }, pager: { urlSecret: 'edge-pager-url' } },
  },
  app: {
    rocketchat: {
      replicas: 2,
      autoscaling: { maxReplicas: 6, cpuTargetPercent: 70 },
      licenseSecret: 'azure-dr-rocketchat-license',
      adminEmail: 'platform-team@example.org',
      smtp: { host: 'smtp.example.org', port: 587, username: 'rocketchat', passwordSecret: 'azure-dr-rocketchat-smtp', from: 'chat@example.org' },
    },
    mongodb: { members: 3, storageGb: 200, cpu: '2', memory: '8Gi', nodePool: 'apps' },
    // Its own backups from the first hour it serves (no DR copy: its pair, West Europe, is the lost region).
    backups: { fullBackupSchedule: '30 1 * * *', pitrOplogSpanMinutes: 5, coolAfterDays: 30, deleteAfterDays: 90 },
    // azure-prod's backups (azure-prod-app output backup_account_name) at the account's secondary in North Europe.
    // Azure needs a named backup: replace it with the newest one listed as docs/restore.md "Region lost" shows;
    // pointInTime "latest" then replays every oplog slice written after it.
    restore: {
      from: { environment: 'azure-prod', store: 'bakazureprodf05ad632', prefix: 'azure-prod', region: 'northeurope' },
      backup: '2026-11-23T01:30:21Z',
      pointInTime: 'latest',
      // Rocket.Chat stays without pods until the restore is ready; then set serve: true and deploy again.
      serve: false,
    },
  },
});
