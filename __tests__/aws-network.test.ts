import { beforeAll, describe, expect, it } from 'vitest';
import { byPath, only, resources, synthExamples, type Json } from './support';

let prod: Json;
let dev: Json;

beforeAll(() => {
  const { stacks } = synthExamples();
  prod = stacks['aws-prod-network']!;
  dev = stacks['aws-dev-network']!;
});

const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

describe('aws network stack', () => {
  it('keeps state in the environment S3 bucket, encrypted and locked with a lock file', () => {
    expect(prod.terraform.backend).toEqual({
      s3: { bucket: 'example-rocketchat-tfstate-222222222222', key: 'rocketchat/aws-prod-network.tfstate', region: 'eu-west-1', encrypt: true,
        use_lockfile: true },
    });
  });

  it('pins the provider to the environment account and tags everything', () => {
    const provider = prod.provider.aws[0];
    expect(provider.allowed_account_ids).toEqual(['222222222222']);
    expect(provider.region).toBe('eu-west-1');
    expect(provider.default_tags[0].tags).toMatchObject({ environment: 'aws-prod', 'managed-by': 'cdktf', owner: 'platform-team' });
  });

  it('creates a VPC with DNS support and hostnames', () => {
    expect(only(prod, 'aws_vpc')).toMatchObject({ cidr_block: '10.20.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
  });

  it('spreads a public and a private subnet over each zone with the load balancer tags', () => {
    const subnets = resources(prod, 'aws_subnet');
    const publics = subnets.filter((s) => s.tags['kubernetes.io/role/elb'] === '1');
    const privates = subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1');
    expect(publics.map((s) => s.availability_zone)).toEqual(zones);
    expect(privates.map((s) => s.availability_zone)).toEqual(zones);
    expect(privates.map((s) => s.cidr_block)).toEqual(['10.20.32.0/19', '10.20.64.0/19', '10.20.96.0/19']);
    for (const s of subnets) expect(s.tags['kubernetes.io/cluster/aws-prod']).toBe('shared');
    for (const s of publics) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it('runs a NAT gateway per zone in prod, each private zone routing to its own', () => {
    const nats = resources(prod, 'aws_nat_gateway');
    expect(nats).toHaveLength(3);
    for (const zone of zones) {
      const route = byPath(prod, 'aws_route', `vpc/private-${zone}-default-route`);
      expect(route.destination_cidr_block).toBe('0.0.0.0/0');
      expect(route.nat_gateway_id).toMatch(new RegExp(`aws_nat_gateway\\.vpc_nat-${zone}_\\w+\\.id`));
    }
  });

  it('runs a single NAT gateway in dev that every private route table uses', () => {
    expect(resources(dev, 'aws_nat_gateway')).toHaveLength(1);
    const targets = zones.map((zone) => byPath(dev, 'aws_route', `vpc/private-${zone}-default-route`).nat_gateway_id);
    expect(new Set(targets).size).toBe(1);
  });

  it('routes public subnets to the internet gateway', () => {
    const route = byPath(prod, 'aws_route', 'vpc/public-default-route');
    expect(route.gateway_id).toMatch(/aws_internet_gateway\./);
    expect(resources(prod, 'aws_route_table_association')).toHaveLength(6);
  });

  it('locks the default security group down to no rules', () => {
    const group = only(prod, 'aws_default_security_group');
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  it('sends all flow logs to a KMS-encrypted log group with the configured retention', () => {
    const flowLog = only(prod, 'aws_flow_log');
    expect(flowLog).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs', max_aggregation_interval: 60 });
    expect(flowLog.log_destination).toMatch(/aws_cloudwatch_log_group\..*\.arn/);
    const group = only(prod, 'aws_cloudwatch_log_group');
    expect(group.retention_in_days).toBe(365);
    expect(group.kms_key_id).toMatch(/aws_kms_key\..*\.arn/);
    expect(only(dev, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
  });

  it('uses a rotating key whose policy lets CloudWatch Logs use it for that log group only', () => {
    const key = only(prod, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const policy = JSON.parse(key.policy);
    const logs = policy.Statement.find((s: Json) => s.Principal?.Service === 'logs.eu-west-1.amazonaws.com');
    expect(logs.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn']).toBe('arn:aws:logs:eu-west-1:222222222222:log-group:/aws/vpc-flow-logs/aws-prod');
  });

  it('lets only this account\'s flow-logs service assume the delivery role, writing one log group', () => {
    const trust = JSON.parse(only(prod, 'aws_iam_role').assume_role_policy);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust.Statement[0].Condition.StringEquals['aws:SourceAccount']).toBe('222222222222');
    // IAM rejects a Resource element in trust policies.
    expect(trust.Statement[0].Resource).toBeUndefined();
    const policy = JSON.parse(only(prod, 'aws_iam_role_policy').policy);
    expect(policy.Statement[0].Resource).toEqual(['arn:aws:logs:eu-west-1:222222222222:log-group:/aws/vpc-flow-logs/aws-prod',
      'arn:aws:logs:eu-west-1:222222222222:log-group:/aws/vpc-flow-logs/aws-prod:*']);
  });

  it('adds an S3 gateway endpoint on the private route tables', () => {
    const s3 = resources(prod, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Gateway')!;
    expect(s3.service_name).toBe('com.amazonaws.eu-west-1.s3');
    expect(s3.route_table_ids).toHaveLength(3);
  });

  it('adds the configured interface endpoints with private DNS behind an HTTPS-from-VPC group', () => {
    const interfaces = resources(prod, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name.replace('com.amazonaws.eu-west-1.', ''))).toEqual([
      'ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'elasticloadbalancing', 'kms', 'logs', 'secretsmanager', 'sts',
    ]);
    for (const e of interfaces) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toHaveLength(3);
    }
    expect(only(prod, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: '10.20.0.0/16' });
    expect(resources(dev, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface')).toHaveLength(0);
    expect(resources(dev, 'aws_security_group')).toHaveLength(0);
  });

  it('publishes the aws-network contract', () => {
    expect(Object.keys(prod.output).sort()).toEqual(['availability_zones', 'nat_public_ips', 'private_route_table_ids', 'private_subnet_ids',
      'public_subnet_ids', 'region', 'vpc_cidr', 'vpc_id']);
    // In zone order: the cluster layer's per-zone node pools take element i for availabilityZones[i].
    const subnetByAddress = Object.fromEntries(Object.entries<Json>(prod.resource.aws_subnet).map(([id, s]) => [`\${aws_subnet.${id}.id}`, s
      .availability_zone]));
    expect(prod.output.private_subnet_ids.value.map((ref: string) => subnetByAddress[ref])).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(prod.output.nat_public_ips.value).toHaveLength(3);
  });
});
