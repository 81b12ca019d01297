/**
 * Stand-in values for everything an AWS stack reads from outside itself when
 * it is planned offline: the outputs its producer stacks publish (one fixture
 * per contract in stacks/aws-contracts.ts, typed by it) and the data sources
 * that call AWS. Each value says where its shape comes from.
 */
import type { AwsEnvironment } from '../../config/schema';
import { awsClusterContract, awsNetworkContract, awsPlatformContract } from '../../stacks/aws-contracts';
import { CA_DATA, contractFixture, secretValue, type CloudFixtures } from './fixtures';

// EKS: the API endpoint host and the OIDC issuer id are the same 32 upper-case hex digits (EKS console, "API server endpoint").
const EKS_ID = '4A6F2B1C9D8E7F60A1B2C3D4E5F60718';

/** Resource ids are a prefix and 17 lower-case hex digits (EC2 API reference, "Resource IDs"). */
function ec2Id(prefix: string, n: number): string {
  return `${prefix}-0a1b2c3d4e5f6${n.toString(16).padStart(4, '0')}`;
}

function arn(env: AwsEnvironment, service: string, resource: string, regional = true): string {
  return `arn:aws:${service}:${regional ? env.aws.region : ''}:${env.aws.accountId}:${resource}`;
}

export const awsFixtures: CloudFixtures<AwsEnvironment> = {
  cloud: 'aws',
  contracts: [
    contractFixture(awsNetworkContract, (env: AwsEnvironment) => {
      const zones = env.network.availabilityZones;
      return {
        region: env.aws.region,
        vpcId: ec2Id('vpc', 1),
        // The network stack creates the VPC with exactly this block.
        vpcCidr: env.network.vpcCidr,
        availabilityZones: [...zones],
        // One private and one public subnet per zone, in zone order (contract description).
        privateSubnetIds: zones.map((_, i) => ec2Id('subnet', 0x10 + i)),
        publicSubnetIds: zones.map((_, i) => ec2Id('subnet', 0x20 + i)),
        privateRouteTableIds: zones.map((_, i) => ec2Id('rtb', 0x30 + i)),
        // One NAT gateway per zone or a single one (config natGateways); addresses from RFC 5737's documentation range.
        natPublicIps: (env.network.natGateways === 'single' ? zones.slice(0, 1) : zones).map((_, i) => `198.51.100.${10 + i}`),
      };
    }),
    contractFixture(awsClusterContract, (env: AwsEnvironment) => ({
      region: env.aws.region,
      // config/names.ts clusterName(): the cluster is named after the environment.
      clusterName: env.name,
      // aws_eks_cluster.endpoint: https://<id>.<suffix>.<region>.eks.amazonaws.com
      clusterEndpoint: `https://${EKS_ID}.gr7.${env.aws.region}.eks.amazonaws.com`,
      // aws_eks_cluster.certificate_authority[0].data: base64 of a PEM certificate.
      clusterCertificateAuthorityData: CA_DATA,
      // aws_iam_openid_connect_provider.arn for an EKS issuer (IAM user guide, "Create an IAM OIDC provider for your cluster").
      oidcProviderArn: arn(env, 'iam', `oidc-provider/oidc.eks.${env.aws.region}.amazonaws.com/id/${EKS_ID}`, false),
      oidcIssuerUrl: `https://oidc.eks.${env.aws.region}.amazonaws.com/id/${EKS_ID}`,
      clusterSecurityGroupId: ec2Id('sg', 0x40),
      nodeSecurityGroupId: ec2Id('sg', 0x41),
      // KMS key ARNs end in a key id that is a UUID (KMS developer guide, "Key ARN").
      secretsKmsKeyArn: arn(env, 'kms', 'key/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c01'),
      ebsKmsKeyArn: arn(env, 'kms', 'key/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c02'),
    })),
    contractFixture(awsPlatformContract, (env: AwsEnvironment) => ({
      // ACM certificate ARNs end in a UUID (ACM user guide).
      certificateArn: arn(env, 'acm', 'certificate/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'),
      // A regional web ACL's ARN: regional/webacl/<name>/<id> (AWS WAF API reference, WebACL.ARN).
      webAclArn: arn(env, 'wafv2', `regional/webacl/${env.name}-edge/5c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b`),
    })),
  ],
  data: {
    // data.aws_route53_zone: a public zone's id is "Z" and upper-case letters and digits (Route 53 API, HostedZone.Id).
    aws_route53_zone: (args) => {
      const zoneId = 'Z04812753K9ZOFFL1NE7Q';
      return {
        values: {
          id: zoneId,
          zone_id: zoneId,
          name: args.name,
          private_zone: args.private_zone ?? false,
          arn: `arn:aws:route53:::hostedzone/${zoneId}`,
          name_servers: ['ns-1536.awsdns-00.co.uk', 'ns-0.awsdns-00.com', 'ns-1024.awsdns-00.org', 'ns-512.awsdns-00.net'],
          comment: '',
          tags: {},
        },
      };
    },
    // data.aws_secretsmanager_secret_version: secret ARNs end in the name, "-" and six random characters (Secrets Manager user guide, "Secret ARN").
    aws_secretsmanager_secret_version: (args, env) => ({
      values: {
        id: `${args.secret_id}|AWSCURRENT`,
        arn: arn(env, 'secretsmanager', `secret:${args.secret_id}-Ab12Cd`),
        secret_id: args.secret_id,
        secret_string: secretValue(env, String(args.secret_id)),
        secret_binary: '',
        version_id: '01234567-89ab-4cde-8f01-23456789abcd',
        version_stages: ['AWSCURRENT'],
      },
      sensitive: ['secret_string', 'secret_binary'],
    }),
    // data.aws_s3_objects: PBM's listing of a backup prefix with delimiter "/": its init marker and one <name>.pbm.json per backup (PBM storage layout).
    aws_s3_objects: (args) => {
      const prefix = String(args.prefix ?? '');
      return {
        values: {
          id: String(args.bucket),
          bucket: args.bucket,
          prefix,
          delimiter: args.delimiter ?? '',
          keys: [`${prefix}.pbm.init`, `${prefix}2026-11-21T01:30:12Z.pbm.json`, `${prefix}2026-11-22T01:30:09Z.pbm.json`],
          common_prefixes: [`${prefix}2026-11-21T01:30:12Z/`, `${prefix}2026-11-22T01:30:09Z/`, `${prefix}pbmPitr/`],
          owners: [],
          request_charged: '',
        },
      };
    },
    // data.aws_secretsmanager_secrets (the preflight listing): the secret exists, so the listing holds its name and ARN.
    aws_secretsmanager_secrets: (args, env) => {
      const name = String(((args.filter as Array<{ values: string[] }> | undefined) ?? [])[0]?.values[0]);
      return { values: { id: env.aws.region, names: [name], arns: [arn(env, 'secretsmanager', `secret:${name}-Ab12Cd`)], filter: args.filter } };
    },
    // data.aws_iam_roles (the preflight listing of the Auto Scaling service-linked role): present once per account.
    aws_iam_roles: (args, env) => ({
      values: {
        id: env.aws.region,
        name_regex: args.name_regex,
        path_prefix: args.path_prefix,
        names: ['AWSServiceRoleForAutoScaling'],
        arns: [`arn:aws:iam::${env.aws.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`],
      },
    }),
    // data.aws_iam_role: service-linked roles live under /aws-service-role/<service>/ (IAM user guide, "Service-linked roles").
    aws_iam_role: (args, env) => {
      const name = String(args.name);
      const linked: Record<string, string> = { AWSServiceRoleForAutoScaling: 'autoscaling.amazonaws.com' };
      const path = linked[name] ? `/aws-service-role/${linked[name]}/` : '/';
      return {
        values: {
          id: name,
          name,
          path,
          arn: `arn:aws:iam::${env.aws.accountId}:role${path}${name}`,
          // Role unique ids start with AROA (IAM user guide, "Unique identifiers").
          unique_id: 'AROA2OFFLINEPLANSTUB1',
          create_date: '2024-01-15T09:30:00Z',
          max_session_duration: 3600,
          assume_role_policy: '{"Version":"2012-10-17","Statement":[]}',
          description: '',
          permissions_boundary: '',
          role_last_used: [],
          tags: {},
        },
      };
    },
  },
  // Both are computed by the provider from its configuration and arguments, without a request.
  computedLocally: ['aws_iam_policy_document', 'aws_partition'],
};
