import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import awsDev from '../config/environments/aws-dev';
import { loadEnvironments, selectEnvironments } from '../config/load';
import { run } from '../synth/run';
import { problemsOf, refused, registryWith, tempDir } from './support';

type Mutable = Record<string, any>;

interface BadCase {
  readonly title: string;
  readonly base: 'aws-dev' | 'aws-prod' | 'azure-dev' | 'azure-prod';
  readonly change: (c: Mutable) => void;
  /** The environment's file, when not the one its name gives. */
  readonly file?: string;
  readonly problems: string[];
}

const cases: BadCase[] = [
  { title: 'unknown cloud', base: 'aws-dev', change: (c) => (c.cloud = 'gcp'),
    problems: ['config/aws-dev: cloud: "gcp" is not supported (allowed: aws, azure)'] },
  { title: 'invalid CIDR octet', base: 'aws-dev', change: (c) => (c.network.vpcCidr = '10.300.0.0/16'),
    problems: ['config/aws-dev: network.vpcCidr: "10.300.0.0/16" has an octet outside 0-255 (allowed: an IPv4 CIDR block such as 10.0.0.0/16)'] },
  { title: 'CIDR with host bits set', base: 'aws-prod', change: (c) => (c.network.privateSubnetCidrs[0] = '10.20.33.0/19'),
    problems: ['config/aws-prod: network.privateSubnetCidrs[0]: "10.20.33.0/19" has host bits set (the block starts at 10.20.32.0/19) (allowed: an IPv4 CIDR ' +
      'block such as 10.0.0.0/16)'] },
  { title: 'subnet outside the VPC', base: 'aws-dev', change: (c) => (c.network.publicSubnetCidrs[2] = '10.11.2.0/24'),
    problems: ['config/aws-dev: network.publicSubnetCidrs[2]: "10.11.2.0/24" is outside network.vpcCidr "10.10.0.0/16" (allowed: a block inside ' +
      '10.10.0.0/16)'] },
  { title: 'overlapping subnets', base: 'aws-dev', change: (c) => (c.network.privateSubnetCidrs[1] = '10.10.0.0/19'),
    problems: [
      'config/aws-dev: network.privateSubnetCidrs[1]: "10.10.0.0/19" overlaps network.publicSubnetCidrs[0] "10.10.0.0/24" (allowed: a block that ' +
        'overlaps no other subnet)',
      'config/aws-dev: network.privateSubnetCidrs[1]: "10.10.0.0/19" overlaps network.publicSubnetCidrs[1] "10.10.1.0/24" (allowed: a block that ' +
        'overlaps no other subnet)',
      'config/aws-dev: network.privateSubnetCidrs[1]: "10.10.0.0/19" overlaps network.publicSubnetCidrs[2] "10.10.2.0/24" (allowed: a block that ' +
        'overlaps no other subnet)',
    ] },
  { title: 'prod with two availability zones', base: 'aws-prod',
    change: (c) => { c.network.availabilityZones = ['eu-west-1a', 'eu-west-1b']; c.network.publicSubnetCidrs.pop(); c.network.privateSubnetCidrs.pop(); },
    problems: ['config/aws-prod: network.availabilityZones: prod has 2 availability zones (allowed: 3 or more)'] },
  { title: 'subnet count differs from zone count', base: 'aws-dev', change: (c) => c.network.publicSubnetCidrs.pop(),
    problems: ['config/aws-dev: network.publicSubnetCidrs: has 2 blocks for 3 availability zones (allowed: one block per zone)'] },
  { title: 'zone outside the region', base: 'aws-dev', change: (c) => (c.network.availabilityZones[2] = 'eu-central-1c'),
    problems: ['config/aws-dev: network.availabilityZones[2]: "eu-central-1c" is not in region eu-west-1 (allowed: eu-west-1a, eu-west-1b, eu-west-1c)'] },
  { title: 'single NAT gateway in prod', base: 'aws-prod', change: (c) => (c.network.natGateways = 'single'),
    problems: ['config/aws-prod: network.natGateways: "single" makes one zone\'s outage cut egress for every zone in prod (allowed: one-per-az)'] },
  { title: 'single-zone NAT egress in Azure prod', base: 'azure-prod', change: (c) => (c.kubernetes.outboundType = 'userAssignedNATGateway'),
    problems: ['config/azure-prod: kubernetes.outboundType: "userAssignedNATGateway" sends every zone\'s egress through one zonal NAT gateway, so one ' +
      'zone\'s outage cuts egress for every zone in prod (allowed: loadBalancer, whose zone-redundant outbound address survives a zone loss)'] },
  { title: 'an idle timeout longer than the load balancer outbound rule allows', base: 'azure-prod', change: (c) => (c.network.natIdleTimeoutMinutes = 120),
    problems: ['config/azure-prod: network.natIdleTimeoutMinutes: 120 is longer than an AKS load balancer outbound rule allows (allowed: 4 to 100 with ' +
      'outboundType loadBalancer)'] },
  { title: 'node image release for another Kubernetes minor', base: 'aws-prod', change: (c) => (c.kubernetes.nodeImageRelease = '1.34.9-20260714'),
    problems: ['config/aws-prod: kubernetes.nodeImageRelease: "1.34.9-20260714" is a release for Kubernetes 1.34, but the cluster runs 1.35 (allowed: a ' +
      '1.35.<patch>-<yyyymmdd> release)'] },
  { title: 'node image release that is not a release version', base: 'aws-dev', change: (c) => (c.kubernetes.nodeImageRelease = 'latest'),
    problems: ['config/aws-dev: kubernetes.nodeImageRelease: "latest" is not valid (allowed: an EKS AMI release version such as 1.35.6-20260714)'] },
  { title: 'unsupported Kubernetes version', base: 'azure-dev', change: (c) => (c.kubernetes.version = '1.29'),
    problems: ['config/azure-dev: kubernetes.version: "1.29" is not supported (allowed: 1.32, 1.33, 1.34, 1.35)'] },
  { title: 'node pool min above desired', base: 'aws-prod', change: (c) => (c.kubernetes.nodePools[0].minSize = 4),
    problems: ['config/aws-prod: kubernetes.nodePools[0].desiredSize: sizes min 4, desired 3, max 9 are out of order (allowed: minSize <= desiredSize <= ' +
      'maxSize)'] },
  { title: 'node pool size not an integer', base: 'azure-prod', change: (c) => (c.kubernetes.nodePools[1].maxSize = 2.5),
    problems: [
      'config/azure-prod: kubernetes.nodePools[1].maxSize: 2.5 is not valid (allowed: an integer from 1 to 100)',
      'config/azure-prod: kubernetes.nodePools[1].desiredSize: sizes min 3, desired 3, max 2.5 are out of order (allowed: minSize <= desiredSize <= maxSize)',
    ] },
  { title: 'bad domain', base: 'azure-dev', change: (c) => (c.domain = 'Chat_Example'),
    problems: ['config/azure-dev: domain: "Chat_Example" is not valid (allowed: a lowercase DNS name such as chat.example.com)'] },
  { title: 'backend of the other cloud', base: 'aws-dev',
    change: (c) => (c.state = { type: 'azurerm', resourceGroupName: 'rg', storageAccountName: 'st', containerName: 'tfstate', keyPrefix: 'x1' }),
    problems: ['config/aws-dev: state.type: "azurerm" is not supported (allowed: s3, local)'] },
  { title: 'local state in prod', base: 'azure-prod', change: (c) => (c.state = { type: 'local', directory: 'terraform-state' }),
    problems: ['config/azure-prod: state.type: "local" keeps prod state on one workstation without locking or encryption (allowed: azurerm)'] },
  { title: 'local state path escaping the repository', base: 'aws-dev', change: (c) => (c.state = { type: 'local', directory: '../elsewhere' }),
    problems: ['config/aws-dev: state.directory: "../elsewhere" is not valid (allowed: a relative path inside the repository such as terraform-state)'] },
  { title: 'missing S3 bucket', base: 'aws-prod', change: (c) => delete c.state.bucket,
    problems: ['config/aws-prod: state.bucket: is required (allowed: an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens)'] },
  { title: 'misspelled field', base: 'azure-dev', change: (c) => { c.network.vnetCIDR = c.network.vnetCidr; delete c.network.vnetCidr; },
    problems: [
      'config/azure-dev: network.vnetCidr: is required (allowed: an IPv4 CIDR block such as 10.0.0.0/16)',
      'config/azure-dev: network.vnetCIDR: is not a known field (allowed: vnetCidr, nodeSubnetCidr, ingressSubnetCidr, privateEndpointSubnetCidr, ' +
        'podCidr, zones, natIdleTimeoutMinutes, logRetentionDays, flowLogs)',
    ] },
  { title: 'ingress subnet too small for Application Gateway for Containers', base: 'azure-prod', change: (c) => (c.network.ingressSubnetCidr = '10.40.8.0/25'),
    problems: ['config/azure-prod: network.ingressSubnetCidr: "10.40.8.0/25" is smaller than Application Gateway for Containers needs (allowed: /24 or ' +
      'larger)'] },
  { title: 'overlay pod range inside the VNet', base: 'azure-dev', change: (c) => (c.network.podCidr = '10.30.128.0/17'),
    problems: ['config/azure-dev: network.podCidr: "10.30.128.0/17" overlaps network.vnetCidr "10.30.0.0/16" (allowed: an overlay range outside the VNet, ' +
      'such as 192.168.0.0/16)'] },
  { title: 'prod in one zone on Azure', base: 'azure-prod', change: (c) => (c.network.zones = ['1']),
    problems: ['config/azure-prod: network.zones: prod uses only zones ["1"] (allowed: ["1", "2", "3"])'] },
  { title: 'flow log retention CloudWatch does not offer', base: 'aws-dev', change: (c) => (c.network.flowLogRetentionDays = 45),
    problems: ['config/aws-dev: network.flowLogRetentionDays: 45 is not supported (allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ' +
      '1096, 1827, 2192, 2557, 2922, 3288, 3653)'] },
  { title: 'Kubernetes version without pinned EKS add-ons', base: 'aws-prod',
    change: (c) => { c.kubernetes.version = '1.33'; c.kubernetes.nodeImageRelease = '1.33.8-20260714'; },
    problems: ['config/aws-prod: kubernetes.version: "1.33" has no pinned EKS add-on and cluster-autoscaler versions in config/versions.ts (allowed: 1.34, ' +
      '1.35)'] },
  { title: 'prod API endpoint open to the internet', base: 'aws-prod', change: (c) => (c.kubernetes.publicEndpointCidrs = ['0.0.0.0/0']),
    problems: ['config/aws-prod: kubernetes.publicEndpointCidrs[0]: "0.0.0.0/0" opens the prod API endpoint to the whole internet (allowed: your VPN or ' +
      'office ranges, /16 or narrower, or none for a private-only endpoint)'] },
  { title: 'prod API endpoint open to half the internet at a time', base: 'aws-prod',
    change: (c) => (c.kubernetes.publicEndpointCidrs = ['0.0.0.0/1', '128.0.0.0/1', '198.51.100.0/24']),
    problems: [
      'config/aws-prod: kubernetes.publicEndpointCidrs[0]: "0.0.0.0/1" opens the prod API endpoint to 2,147,483,648 addresses (allowed: your VPN or ' +
        'office ranges, /16 or narrower, or none for a private-only endpoint)',
      'config/aws-prod: kubernetes.publicEndpointCidrs[1]: "128.0.0.0/1" opens the prod API endpoint to 2,147,483,648 addresses (allowed: your VPN or ' +
        'office ranges, /16 or narrower, or none for a private-only endpoint)',
    ] },
  { title: 'spot pool with one instance type', base: 'aws-dev', change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.large']),
    problems: ['config/aws-dev: kubernetes.nodePools[0].instanceTypes: SPOT with only "m7i.large" leaves the pool empty when that type runs out (allowed: 2 ' +
      'or more instance types)'] },
  { title: 'pool mixing arm64 and x86_64', base: 'aws-prod', change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.xlarge', 'm7g.xlarge']),
    problems: ['config/aws-prod: kubernetes.nodePools[0].instanceTypes: ["m7i.xlarge","m7g.xlarge"] mixes arm64 and x86_64 types, but a pool has one AMI ' +
      '(allowed: one architecture per pool)'] },
  { title: 'IMDS hop limit that lets pods reach the node role from overlay networks', base: 'aws-prod',
    change: (c) => (c.kubernetes.nodePools[1].imdsHopLimit = 3),
    problems: ['config/aws-prod: kubernetes.nodePools[1].imdsHopLimit: 3 is not valid (allowed: an integer from 1 to 2)'] },
  { title: 'admin that is not an IAM role ARN', base: 'aws-dev', change: (c) => (c.kubernetes.adminRoleArns = ['arn:aws:iam::111111111111:user/alice']),
    problems: ['config/aws-dev: kubernetes.adminRoleArns[0]: "arn:aws:iam::111111111111:user/alice" is not valid (allowed: an IAM role ARN such as ' +
      'arn:aws:iam::123456789012:role/platform-admin)'] },
  { title: 'cluster without any admin', base: 'aws-dev', change: (c) => (c.kubernetes.adminRoleArns = []),
    problems: ['config/aws-dev: kubernetes.adminRoleArns: [] is not valid (allowed: a list of 1 to 20 IAM role ARNs)'] },
  { title: 'unknown taint effect', base: 'aws-prod', change: (c) => (c.kubernetes.nodePools[1].taints[0].effect = 'NoSchedule'),
    problems: ['config/aws-prod: kubernetes.nodePools[1].taints[0].effect: "NoSchedule" is not supported (allowed: NO_SCHEDULE, NO_EXECUTE, ' +
      'PREFER_NO_SCHEDULE)'] },
  { title: 'name does not match the file', base: 'aws-dev', change: (c) => (c.name = 'aws-staging'), file: 'aws-dev',
    problems: ['config/aws-dev: name: "aws-staging" does not match the file name (allowed: "aws-dev")'] },
  { title: 'a DNS zone that does not contain the domain', base: 'aws-prod', change: (c) => (c.platform.dnsZone = 'example.net'),
    problems: ['config/aws-prod: platform.dnsZone: "example.net" does not contain domain "chat.example.com" (allowed: chat.example.com or a parent zone of ' +
      'it)'] },
  { title: 'prod without alert receivers', base: 'azure-prod', change: (c) => (c.platform.alerting.receivers = []),
    problems: ['config/azure-prod: platform.alerting.receivers: prod has no alert receiver, so alerts reach nobody (allowed: at least one receiver)'] },
  { title: 'a receiver named twice, an unknown receiver type and a literal secret value', base: 'aws-prod',
    change: (c) => {
      c.platform.alerting.receivers[1].name = 'team-slack';
      c.platform.alerting.receivers.push({ type: 'pagerduty', name: 'pager' });
      c.platform.alerting.receivers[0].webhookUrlSecret = 'https://hooks.slack.com/services/T000/B000/XXXX';
    },
    problems: [
      'config/aws-prod: platform.alerting.receivers[0].webhookUrlSecret: "https://hooks.slack.com/services/T000/B000/XXXX" is not valid (allowed: a ' +
        'Secrets Manager / Key Vault secret name: 1-127 letters, digits and hyphens)',
      'config/aws-prod: platform.alerting.receivers[2].type: "pagerduty" is not supported (allowed: slack, email, webhook)',
      'config/aws-prod: platform.alerting.receivers[1].name: "team-slack" is used by another receiver (allowed: a unique name)',
    ] },
  { title: 'a WAF that only counts in prod', base: 'aws-prod', change: (c) => (c.platform.waf.mode = 'count'),
    problems: ['config/aws-prod: platform.waf.mode: "count" in prod only logs attacks and lets them through to Rocket.Chat (allowed: block; count is for ' +
      'tuning in dev)'] },
  { title: 'a rate limit below AWS WAF\'s minimum', base: 'aws-dev', change: (c) => (c.platform.waf.rateLimit.requests = 5),
    problems: ["config/aws-dev: platform.waf.rateLimit.requests: 5 is below AWS WAF's minimum rate limit (allowed: 10 to 2000000000 requests per window)"] },
  { title: 'a login rate limit below the WAF minimum, and more method.call paths than the web ACL has rule numbers for', base: 'aws-dev',
    change: (c) => { c.platform.waf.loginRateLimit = 5; c.platform.waf.messagePaths = Array.from({ length: 13 }, (_, i) => `/api/v1/method.call/m${i}$`); },
    problems: [
      'config/aws-dev: platform.waf.loginRateLimit: 5 is not valid (allowed: an integer from 10 to 2000000000)',
      'config/aws-dev: platform.waf.messagePaths: 13 /api/v1/method.call/ paths across uploadPaths, messagePaths and largeBodyPaths (allowed: at most ' +
        '12, each one more WAF rule)',
    ] },
  { title: 'WAF exclusion paths that are not paths, and a rate window neither cloud offers', base: 'azure-dev',
    change: (c) => {
      c.platform.waf.uploadPaths = ['api/v1/rooms.upload', '/', '/ufs/ *', '/api/v1/chat.sendMessage'];
      c.platform.waf.rateLimit.windowMinutes = 10;
    },
    problems: [
      'config/azure-dev: platform.waf.rateLimit.windowMinutes: 10 is not supported (allowed: 1, 5)',
      ...['"api/v1/rooms.upload"', '"/"', '"/ufs/ *"', '"/api/v1/chat.sendMessage"'].map(
        (value, i) =>
          `config/azure-dev: platform.waf.uploadPaths[${i}]: ${value} is not valid (allowed: a URL path ending in / (a prefix, such as ` +
            `/api/v1/rooms.upload/) or $ (exact, such as /api/v1/chat.sendMessage$): "/" and 2 to 90 more characters, no spaces, ?, #, * or quotes)`,
      ),
    ] },
  { title: 'a method.call exemption wider than one DDP method', base: 'aws-dev',
    change: (c) => { c.platform.waf.messagePaths = ['/api/v1/method.call/', '/api/v1/method.call/sendMessage/', '/api/v1/method.call/sendMessage$']; },
    problems: [
      'config/aws-dev: platform.waf.messagePaths[0]: "/api/v1/method.call/" would exempt more than one DDP method (allowed: ' +
        '/api/v1/method.call/<method>$, one method, exact)',
      'config/aws-dev: platform.waf.messagePaths[1]: "/api/v1/method.call/sendMessage/" would exempt more than one DDP method (allowed: ' +
        '/api/v1/method.call/<method>$, one method, exact)',
    ] },
  { title: 'edge alarms in prod with no pager', base: 'azure-prod', change: (c) => { delete c.platform.waf.pager; },
    problems: ["config/azure-prod: platform.waf.pager: prod has no paging destination for edge alarms, so a WAF refusing Rocket.Chat or an attack pages " +
      "nobody (allowed: { urlSecret } naming the secret with the pager's HTTPS integration URL for cloud alarms)"] },
  { title: 'retention out of range and an unknown external-dns policy', base: 'azure-dev',
    change: (c) => { c.platform.observability.logsRetentionDays = 0; c.platform.externalDnsPolicy = 'delete-all'; },
    problems: ['config/azure-dev: platform.externalDnsPolicy: "delete-all" is not supported (allowed: sync, upsert-only)',
      'config/azure-dev: platform.observability.logsRetentionDays: 0 is not valid (allowed: an integer from 1 to 365)'] },
];

describe('environment configuration', () => {
  it('accepts every example environment', () => {
    const envs = loadEnvironments(ENVIRONMENTS, undefined);
    expect(envs.map((e) => e.name)).toEqual(expect.arrayContaining(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']));
    expect(envs).toHaveLength(Object.keys(ENVIRONMENTS).length);
  });

  it.each(cases)('rejects $title with exact messages and writes nothing', ({ base, change, file, problems }) => {
    expect(refused(registryWith(base, change, file))).toEqual(problems);
  });

  it('reports every problem of every environment in one run', () => {
    const registry = {
      ...registryWith('aws-dev', (c) => {
        c.tier = 'staging';
        c.network.vpcCidr = '10.10.0.0/8';
      }),
      ...registryWith('azure-dev', (c) => (c.kubernetes.nodePools[0].name = 'System-Pool')),
    };
    expect(problemsOf(() => loadEnvironments(registry, undefined))).toEqual(['config/aws-dev: tier: "staging" is not supported (allowed: dev, prod)',
      'config/aws-dev: network.vpcCidr: "10.10.0.0/8" has host bits set (the block starts at 10.0.0.0/8) (allowed: an IPv4 CIDR block such as 10.0.0.0/16)',
      'config/azure-dev: kubernetes.nodePools[0].name: "System-Pool" is not valid (allowed: 1-12 lowercase letters and digits, starting with a letter)']);
  });

  it('rejects two environments that disagree about a shared state bucket', () => {
    const registry = { 'aws-dev': awsDev, ...registryWith('aws-prod', (c) => (c.state.bucket = awsDev.state.bucket)) };
    expect(problemsOf(() => loadEnvironments(registry, undefined))).toEqual([
      'config/aws-prod: state.bucket: s3 bucket example-rocketchat-tfstate-111111111111 is in account 222222222222, region eu-west-1 here but in account ' +
        '111111111111, region eu-west-1 for aws-dev (allowed: the same account, region and resource group in every environment that shares it)',
    ]);
  });

  describe('ENVIRONMENTS selection', () => {
    const known = ['aws-dev', 'aws-prod', 'azure-dev'];
    it('selects everything when unset or empty', () => {
      expect(selectEnvironments(undefined, known)).toEqual(known);
      expect(selectEnvironments(' ', known)).toEqual(known);
    });
    it('selects the named environments, once each', () => {
      expect(selectEnvironments('aws-prod, azure-dev,aws-prod', known)).toEqual(['aws-prod', 'azure-dev']);
    });
    it('names unknown environments and lists the known ones', () => {
      expect(problemsOf(() => selectEnvironments('aws-prod,gcp-dev', known))).toEqual([
        'ENVIRONMENTS: "gcp-dev" is not an environment (allowed: aws-dev, aws-prod, azure-dev)',
      ]);
    });
    it('tells a name whose file exists but is not registered where to register it', () => {
      expect(problemsOf(() => selectEnvironments('aws-staging', known, ['aws-dev', 'aws-staging']))).toEqual([
        'ENVIRONMENTS: "aws-staging" has a file, config/environments/aws-staging.ts, but is not registered (allowed: add it to ENVIRONMENTS in ' +
          'config/environments/index.ts, or one of aws-dev, aws-prod, azure-dev)',
      ]);
    });
  });
});

describe('cdktf app entry point', () => {
  const root = join(__dirname, '..');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');

  it('exits 1 with one readable line per problem, no stack trace, and leaves cdktf.out untouched', () => {
    const outdir = join(tempDir(), 'cdktf.out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'marker'), 'from an earlier synth');
    const result = spawnSync(tsx, ['main.ts'], { cwd: root, env: { ...process.env, ENVIRONMENTS: 'aws-prod,nope', CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Invalid configuration, nothing was synthesized:\nENVIRONMENTS: "nope" is not an environment (allowed: ${Object.keys(ENVIRONMENTS).sort().join(', ')})\n`,
    );
    expect(readdirSync(outdir)).toEqual(['marker']);
    rmSync(outdir, { recursive: true });
  });

  it('leaves an earlier cdktf.out exactly as it was when a config field is invalid', () => {
    const parent = tempDir();
    const outdir = join(parent, 'cdktf.out');
    mkdirSync(join(outdir, 'stacks', 'aws-prod-network'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'aws-prod-network', 'cdk.tf.json'), '{"earlier": true}');
    const registry = registryWith('aws-prod', (c) => (c.kubernetes.nodePools[0].minSize = 12));
    expect(problemsOf(() => run(registry, undefined, outdir))).toEqual([
      'config/aws-prod: kubernetes.nodePools[0].desiredSize: sizes min 12, desired 3, max 9 are out of order (allowed: minSize <= desiredSize <= maxSize)',
    ]);
    expect(readdirSync(parent)).toEqual(['cdktf.out']);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['aws-prod-network']);
    expect(readFileSync(join(outdir, 'stacks', 'aws-prod-network', 'cdk.tf.json'), 'utf8')).toBe('{"earlier": true}');
    rmSync(parent, { recursive: true });
  });

  it('synthesizes only the selected environments', () => {
    const outdir = join(tempDir(), 'cdktf.out');
    execFileSync(tsx, ['main.ts'], { cwd: root, env: { ...process.env, ENVIRONMENTS: 'azure-dev', CDKTF_OUTDIR: outdir } });
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['azure-dev-app', 'azure-dev-cluster', 'azure-dev-network', 'azure-dev-platform',
      'bootstrap-exrctfstatedev01']);
    rmSync(outdir, { recursive: true });
  });
});
