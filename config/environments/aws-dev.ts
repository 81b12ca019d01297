import { defineEnvironment } from '../schema';

/** Development on AWS: three zones for parity with prod; one NAT gateway and spot nodes (three instance types, so capacity is found) to save cost. */
export default defineEnvironment({
  name: 'aws-dev',
  cloud: 'aws',
  tier: 'dev',
  domain: 'dev.chat.example.com',
  tags: { owner: 'platform-team', 'cost-center': 'cc-1234' },
  // CI plans and applies from self-hosted runners inside the network: the cluster API admits only
  // the VPN ranges below, which GitHub-hosted runners are not in.
  delivery: {
    repository: 'example-org/rocketchat-platform',
    planRunner: ['self-hosted', 'linux', 'x64', 'aws-dev', 'plan'],
    deployRunner: ['self-hosted', 'linux', 'x64', 'aws-dev', 'deploy'],
  },
  aws: { accountId: '111111111111', region: 'eu-west-1' },
  state: {
    type: 's3',
    bucket: 'example-rocketchat-tfstate-111111111111',
    region: 'eu-west-1',
    keyPrefix: 'rocketchat',
  },
  network: {
    vpcCidr: '10.10.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    publicSubnetCidrs: ['10.10.0.0/24', '10.10.1.0/24', '10.10.2.0/24'],
    privateSubnetCidrs: ['10.10.32.0/19', '10.10.64.0/19', '10.10.96.0/19'],
    natGateways: 'single',
    flowLogRetentionDays: 30,
    interfaceEndpoints: [],
  },
  kubernetes: {
    version: '1.35',
    // Newest 1.35 release in awslabs/amazon-eks-ami's CHANGELOG (AMI release v20260714); nodes roll only when this changes.
    nodeImageRelease: '1.35.6-20260714',
    nodePools: [
      {
        name: 'general',
        instanceTypes: ['m7i.large', 'm6i.large', 'm7a.large'],
        capacityType: 'SPOT',
        minSize: 2,
        desiredSize: 2,
        maxSize: 4,
      },
    ],
    // The deployers' VPN egress; the API is also reachable privately from inside the VPC.
    publicEndpointCidrs: ['203.0.113.0/24'],
    adminRoleArns: ['arn:aws:iam::111111111111:role/platform-admin'],
    logRetentionDays: 90,
    supportType: 'STANDARD',
  },
  platform: {
    dnsZone: 'example.com',
    acmeEmail: 'platform-team@example.com',
    externalDnsPolicy: 'sync',
    observability: { metricsRetentionDays: 7, metricsStorageGb: 20, logsRetentionDays: 14, tracesRetentionDays: 3 },
    alerting: {
      receivers: [{ type: 'slack', name: 'team-slack', channel: '#rocketchat-dev-alerts', webhookUrlSecret: 'aws-dev-alerts-slack-webhook', severities: ['critical'] }],
    },
    components: {
      // Exposed on https://grafana.<domain> to show the path; dev holds no production data.
      grafanaEdge: { enabled: true },
      // A toggle: no Tempo here (its release, identity, bucket, datasource and alerts go, and
      // Rocket.Chat sends no traces); azure-dev keeps the full stack to show it. On an aws-dev already
      // deployed with Tempo the plan stops at its bucket (prevent_destroy): empty and delete it first.
      tempo: { enabled: false },
    },
    // count: the WAF logs what it would refuse while Rocket.Chat's traffic is tuned here; prod must block.
    waf: { mode: 'count', rateLimit: { requests: 2000, windowMinutes: 5 } },
  },
  app: {
    // Community edition: one Rocket.Chat pod, no license needed.
    rocketchat: { replicas: 1, adminEmail: 'platform-team@example.com' },
    mongodb: { members: 3, storageGb: 20, cpu: '250m', memory: '1Gi' },
    backups: { fullBackupSchedule: '0 2 * * *', pitrOplogSpanMinutes: 10, coolAfterDays: 30, deleteAfterDays: 45 },
  },
});
