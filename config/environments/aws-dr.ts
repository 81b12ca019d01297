import { defineEnvironment } from '../schema';

/**
 * Disaster recovery for aws-prod in Frankfurt (docs/restore.md, "Region lost"): production's shape
 * in eu-central-1, its own state store there (aws-prod's is in the lost region), and it starts from
 * aws-prod's backups replicated into eu-central-1, with aws-prod's users and keys read from the
 * Secrets Manager replicas there. Nothing here reads aws-prod's state.
 */
export default defineEnvironment({
  name: 'aws-dr',
  cloud: 'aws',
  tier: 'prod',
  // Its own name until cut-over: both environments run external-dns against the same zone (docs/restore.md).
  domain: 'chat-dr.example.com',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234', 'data-classification': 'confidential' },
  // CI plans and applies from self-hosted runners inside the network: the cluster API admits only
  // the VPN ranges below, which GitHub-hosted runners are not in.
  delivery: {
    repository: 'example-org/rocketchat-platform',
    planRunner: ['self-hosted', 'linux', 'x64', 'aws-dr', 'plan'],
    deployRunner: ['self-hosted', 'linux', 'x64', 'aws-dr', 'deploy'],
    reviewers: ['example-org/platform-admins'],
  },
  aws: { accountId: '222222222222', region: 'eu-central-1' },
  state: {
    type: 's3',
    bucket: 'example-rocketchat-tfstate-dr-222222222222',
    region: 'eu-central-1',
    keyPrefix: 'rocketchat',
  },
  network: {
    vpcCidr: '10.30.0.0/16',
    availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    publicSubnetCidrs: ['10.30.0.0/24', '10.30.1.0/24', '10.30.2.0/24'],
    privateSubnetCidrs: ['10.30.32.0/19', '10.30.64.0/19', '10.30.96.0/19'],
    natGateways: 'one-per-az',
    flowLogRetentionDays: 365,
    interfaceEndpoints: ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'elasticloadbalancing', 'kms', 'logs', 'secretsmanager', 'sts'],
  },
  kubernetes: {
    version: '1.35',
    // Newest 1.35 release in awslabs/amazon-eks-ami's CHANGELOG (AMI release v20260714); nodes roll only when this changes.
    nodeImageRelease: '1.35.6-20260714',
    nodePools: [
      {
        name: 'general',
        instanceTypes: ['m7i.xlarge'],
        capacityType: 'ON_DEMAND',
        minSize: 3,
        desiredSize: 3,
        maxSize: 9,
        diskSizeGb: 100,
        labels: { workload: 'general' },
      },
      {
        // One group per zone (sizes per zone): MongoDB members keep zonal EBS volumes, and the
        // autoscaler must be able to add a node in the zone a rescheduled member's volume is in.
        name: 'data',
        perZone: true,
        instanceTypes: ['r7i.xlarge'],
        capacityType: 'ON_DEMAND',
        minSize: 1,
        desiredSize: 1,
        maxSize: 2,
        diskSizeGb: 100,
        labels: { workload: 'data' },
        taints: [{ key: 'workload', value: 'data', effect: 'NO_SCHEDULE' }],
      },
    ],
    // The deployers' VPN egress; the API is also reachable privately from inside the VPC.
    publicEndpointCidrs: ['198.51.100.0/24'],
    adminRoleArns: ['arn:aws:iam::222222222222:role/platform-admin'],
    logRetentionDays: 365,
    supportType: 'EXTENDED',
  },
  platform: {
    dnsZone: 'example.com',
    acmeEmail: 'platform-team@example.com',
    // upsert-only: a mistaken ingress change never deletes a production record.
    externalDnsPolicy: 'upsert-only',
    observability: { metricsRetentionDays: 30, metricsStorageGb: 200, logsRetentionDays: 30, tracesRetentionDays: 7 },
    alerting: {
      receivers: [
        { type: 'slack', name: 'team-slack', channel: '#rocketchat-alerts', webhookUrlSecret: 'aws-dr-alerts-slack-webhook' },
        { type: 'webhook', name: 'on-call', urlSecret: 'aws-dr-alerts-oncall-url', severities: ['critical'] },
      ],
      // Dead man's switch: a check that alerts when Alertmanager's one-minute Watchdog pings stop.
      heartbeat: { urlSecret: 'aws-dr-alerts-heartbeat-url' },
    },
    // Per client address: a whole office behind one NAT address stays well under 20000 requests in 5 minutes (docs/platform.md).
    // WAF alarms page through the pager's CloudWatch (SNS) integration, whose URL is this secret (docs/platform.md).
    waf: { mode: 'block', rateLimit: { requests: 20000, windowMinutes: 5 }, pager: { urlSecret: 'aws-dr-edge-pager-url' } },
  },
  app: {
    rocketchat: {
      replicas: 3,
      autoscaling: { maxReplicas: 9, cpuTargetPercent: 70 },
      licenseSecret: 'aws-dr-rocketchat-license',
      adminEmail: 'platform-team@example.com',
      smtp: { host: 'smtp.example.com', port: 587, username: 'rocketchat', passwordSecret: 'aws-dr-rocketchat-smtp', from: 'chat@example.com' },
    },
    // The tainted r7i "data" pool: 32 GiB per node, members never share a node with Rocket.Chat bursts.
    mongodb: { members: 3, storageGb: 200, cpu: '2', memory: '16Gi', nodePool: 'data' },
    // Its own backups from the first hour it serves (no DR copy: the region it would copy to is the lost one).
    backups: { fullBackupSchedule: '30 1 * * *', pitrOplogSpanMinutes: 5, coolAfterDays: 30, deleteAfterDays: 90 },
    // aws-prod's replicated backups (aws-prod-app output dr_backup_bucket): the newest full backup, then every oplog slice after it.
    restore: {
      from: { environment: 'aws-prod', store: 'aws-prod-mongodb-backups-dr-48e7e59a', prefix: 'aws-prod', region: 'eu-central-1' },
      backup: 'latest',
      pointInTime: 'latest',
      // Rocket.Chat stays without pods until the restore is ready; then set serve: true and deploy again.
      serve: false,
    },
  },
});
