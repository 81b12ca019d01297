import { defineEnvironment } from '../schema';

/** Production on AWS: three zones, a NAT gateway per zone, interface endpoints so node traffic to AWS APIs stays private. */
export default defineEnvironment({
  name: 'aws-prod',
  cloud: 'aws',
  tier: 'prod',
  domain: 'chat.example.com',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234', 'data-classification': 'confidential' },
  // CI plans and applies from self-hosted runners inside the network: the cluster API admits only
  // the VPN ranges below, which GitHub-hosted runners are not in.
  delivery: {
    repository: 'example-org/rocketchat-platform',
    planRunner: ['self-hosted', 'linux', 'x64', 'aws-prod', 'plan'],
    deployRunner: ['self-hosted', 'linux', 'x64', 'aws-prod', 'deploy'],
    reviewers: ['example-org/platform-admins'],
  },
  aws: { accountId: '222222222222', region: 'eu-west-1' },
  state: {
    type: 's3',
    bucket: 'example-rocketchat-tfstate-222222222222',
    region: 'eu-west-1',
    keyPrefix: 'rocketchat',
  },
  network: {
    vpcCidr: '10.20.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    publicSubnetCidrs: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'],
    privateSubnetCidrs: ['10.20.32.0/19', '10.20.64.0/19', '10.20.96.0/19'],
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
        { type: 'slack', name: 'team-slack', channel: '#rocketchat-alerts', webhookUrlSecret: 'aws-prod-alerts-slack-webhook' },
        { type: 'webhook', name: 'on-call', urlSecret: 'aws-prod-alerts-oncall-url', severities: ['critical'] },
      ],
      // Dead man's switch: a check that alerts when Alertmanager's one-minute Watchdog pings stop.
      heartbeat: { urlSecret: 'aws-prod-alerts-heartbeat-url' },
    },
    // Grafana stays off the internet (platform.components.grafanaEdge, default off): its only sign-in is the
    // local admin; reach it with kubectl port-forward, or expose it behind SSO.
    components: {
      // An override, merged over the project's values last (docs/configuration.md): Loki's default
      // 4 MB/s per tenant refuses log lines at prod's peak (LokiDiscardingLogs, reason rate_limited).
      loki: { values: { loki: { limits_config: { ingestion_rate_mb: 16, ingestion_burst_size_mb: 32 } } } },
    },
    // Per client address: a whole office behind one NAT address stays well under 20000 requests in 5 minutes (docs/platform.md).
    // WAF alarms page through the pager's CloudWatch (SNS) integration, whose URL is this secret (docs/platform.md).
    waf: { mode: 'block', rateLimit: { requests: 20000, windowMinutes: 5 }, pager: { urlSecret: 'aws-prod-edge-pager-url' } },
  },
  app: {
    rocketchat: {
      replicas: 3,
      autoscaling: { maxReplicas: 9, cpuTargetPercent: 70 },
      licenseSecret: 'aws-prod-rocketchat-license',
      adminEmail: 'platform-team@example.com',
      smtp: { host: 'smtp.example.com', port: 587, username: 'rocketchat', passwordSecret: 'aws-prod-rocketchat-smtp', from: 'chat@example.com' },
    },
    // The tainted r7i "data" pool: 32 GiB per node, members never share a node with Rocket.Chat bursts.
    mongodb: { members: 3, storageGb: 200, cpu: '2', memory: '16Gi', nodePool: 'data' },
    // A copy of every backup and upload in Frankfurt: aws-dr restores from it when eu-west-1 is lost.
    backups: { fullBackupSchedule: '30 1 * * *', pitrOplogSpanMinutes: 5, coolAfterDays: 30, deleteAfterDays: 90, dr: { region: 'eu-central-1', alarmEmails: ['platform-oncall@example.com'] } },
  },
});
