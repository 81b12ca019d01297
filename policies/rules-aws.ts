/** Rules for AWS resources. */
import { asList, parsePolicy, type Json, type Rule } from './engine';
import { block, manifests } from './kubernetes';
import { ADMIN_PORTS, each, needsCompanion, portsIn, rule } from './rule-kit';

/** The statements of a policy attribute; an unparsable document has none to check. */
const statements = (raw: unknown): Json[] => {
  if (typeof raw !== 'string') return [];
  try {
    return asList(parsePolicy(raw).Statement).filter(Boolean) as Json[];
  } catch {
    return [];
  }
};

// A type annotation, not `as const`: Stryker does not mutate inside a TS `as` expression (npm run mutate).
export const awsRules: readonly Rule[] = [
  rule('AWS-S3-001', 'S3 buckets are encrypted with a customer KMS key', 'CKV_AWS_145', 'add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms and a kms_master_key_id (SecureBucket does)',
    needsCompanion('aws_s3_bucket', 'aws_s3_bucket_server_side_encryption_configuration', 'bucket',
      (b) => asList(b.rule).some((r: any) => r?.apply_server_side_encryption_by_default?.sse_algorithm === 'aws:kms' && r.apply_server_side_encryption_by_default.kms_master_key_id),
      'has no SSE-KMS encryption with a customer key')),
  rule('AWS-S3-002', 'S3 buckets block every kind of public access', 'CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56, FSBP S3.8', 'add aws_s3_bucket_public_access_block with all four settings true',
    needsCompanion('aws_s3_bucket', 'aws_s3_bucket_public_access_block', 'bucket',
      (b) => b.block_public_acls === true && b.block_public_policy === true && b.ignore_public_acls === true && b.restrict_public_buckets === true,
      'does not block all public access')),
  rule('AWS-S3-003', 'S3 bucket policies deny plain HTTP and TLS below 1.2', 'FSBP S3.5', 'attach a policy denying aws:SecureTransport=false and s3:TlsVersion<1.2',
    needsCompanion('aws_s3_bucket', 'aws_s3_bucket_policy', 'bucket', (b) => {
      const deny = statements(b.policy).filter((s) => s.Effect === 'Deny');
      return deny.some((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false') && deny.some((s) => s.Condition?.NumericLessThan?.['s3:TlsVersion'] === '1.2');
    }, 'has no policy refusing plain HTTP and TLS below 1.2')),
  rule('AWS-S3-004', 'S3 buckets are versioned', 'CKV_AWS_21, FSBP S3.14', 'add aws_s3_bucket_versioning with status Enabled',
    needsCompanion('aws_s3_bucket', 'aws_s3_bucket_versioning', 'bucket', (b) => b.versioning_configuration?.status === 'Enabled', 'is not versioned')),
  rule('AWS-S3-005', 'S3 buckets disable ACLs', 'FSBP S3.12, CKV2_AWS_65', 'add aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced',
    needsCompanion('aws_s3_bucket', 'aws_s3_bucket_ownership_controls', 'bucket', (b) => b.rule?.object_ownership === 'BucketOwnerEnforced', 'still honours ACLs')),
  rule('AWS-KMS-001', 'KMS keys rotate automatically', 'CKV_AWS_7, FSBP KMS.4', 'set enable_key_rotation = true (CustomerKey does)',
    // AWS rotates symmetric encryption keys only; an asymmetric signing key (plan bundle signatures) cannot rotate.
    each('aws_kms_key', (b) => (b.enable_key_rotation === true || (b.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' ? undefined : 'does not rotate'))),
  rule('AWS-KMS-002', 'KMS keys wait at least 14 days before deletion', '', 'set deletion_window_in_days to 14-30',
    each('aws_kms_key', (b) => (Number(b.deletion_window_in_days ?? 30) >= 14 ? undefined : `deletes after ${b.deletion_window_in_days} days`))),
  rule('AWS-LOG-001', 'CloudWatch log groups are encrypted with a customer KMS key', 'CKV_AWS_158', 'set kms_key_id (EncryptedLogGroup does)',
    each('aws_cloudwatch_log_group', (b) => (b.kms_key_id ? undefined : 'is not encrypted with a customer key'))),
  rule('AWS-LOG-002', 'CloudWatch log groups have a retention period', 'CKV_AWS_66', 'set retention_in_days',
    each('aws_cloudwatch_log_group', (b) => (Number(b.retention_in_days) > 0 ? undefined : 'keeps logs forever (no retention)'))),
  rule('AWS-EC2-001', 'Launch templates require IMDSv2', 'CKV_AWS_79, FSBP EC2.8', 'set metadata_options.http_tokens = "required"',
    each('aws_launch_template', (b) => (b.metadata_options?.http_tokens === 'required' ? undefined : 'allows IMDSv1'))),
  rule('AWS-EC2-002', 'Launch templates keep the IMDS hop limit at 1 or 2', 'CKV_AWS_341', 'set metadata_options.http_put_response_hop_limit to 1 (2 only for pods that need IMDS)',
    each('aws_launch_template', (b) => {
      const hops = Number(b.metadata_options?.http_put_response_hop_limit ?? 1);
      return hops <= 2 ? undefined : `lets IMDS answer ${hops} hops away`;
    })),
  rule('AWS-EC2-003', 'Launch template volumes are encrypted with a customer KMS key', 'CKV_AWS_8, FSBP EC2.7', 'set ebs.encrypted = "true" and ebs.kms_key_id',
    each('aws_launch_template', (b) =>
      asList(b.block_device_mappings).every((m: any) => !m?.ebs || (String(m.ebs.encrypted) === 'true' && m.ebs.kms_key_id)) ? undefined : 'has a volume without customer-key encryption')),
  rule('AWS-EC2-004', 'The default security group has no rules', 'CKV2_AWS_12, FSBP EC2.2', 'adopt it with aws_default_security_group and no ingress/egress',
    each('aws_default_security_group', (b) => (asList(b.ingress).length + asList(b.egress).length === 0 ? undefined : 'allows traffic'))),
  rule('AWS-EC2-005', 'No security group opens SSH or RDP to the internet', 'CKV_AWS_24, CKV_AWS_25, FSBP EC2.13, EC2.14', 'restrict the source to known ranges or use SSM Session Manager',
    (stack) => [
      ...each('aws_vpc_security_group_ingress_rule', (b) =>
        ['0.0.0.0/0'].includes(b.cidr_ipv4) || b.cidr_ipv6 === '::/0'
          ? ADMIN_PORTS.some(portsIn(b.from_port, b.to_port)) || b.ip_protocol === '-1' ? 'opens an admin port to the internet' : undefined
          : undefined)(stack),
      ...each('aws_security_group', (b) =>
        asList(b.ingress).some((i: any) => asList(i?.cidr_blocks).includes('0.0.0.0/0') && ADMIN_PORTS.some(portsIn(i.from_port, i.to_port)))
          ? 'opens an admin port to the internet' : undefined)(stack),
    ]),
  rule('AWS-EC2-006', 'Subnets do not give instances public addresses', 'FSBP EC2.15, CKV_AWS_130', 'set map_public_ip_on_launch = false',
    each('aws_subnet', (b) => (b.map_public_ip_on_launch === true ? 'assigns public IPs on launch' : undefined))),
  rule('AWS-VPC-001', 'VPCs have flow logs', 'CKV2_AWS_11, FSBP EC2.6', 'add aws_flow_log for the VPC (VpcFlowLogs does)',
    needsCompanion('aws_vpc', 'aws_flow_log', 'vpc_id', () => true, 'has no flow logs')),
  rule('AWS-EKS-001', 'EKS envelope-encrypts secrets with KMS', 'CKV_AWS_58, FSBP EKS.3', 'set encryption_config with resources ["secrets"] and a key',
    each('aws_eks_cluster', (b) => (asList(b.encryption_config?.resources).includes('secrets') && b.encryption_config?.provider?.key_arn ? undefined : 'stores secrets without envelope encryption'))),
  rule('AWS-EKS-002', 'EKS sends api, audit and authenticator logs', 'CKV_AWS_37, FSBP EKS.8', 'add the missing types to enabled_cluster_log_types',
    each('aws_eks_cluster', (b) => {
      const missing = ['api', 'audit', 'authenticator'].filter((t) => !asList(b.enabled_cluster_log_types).includes(t));
      return missing.length ? `does not log ${missing.join(', ')}` : undefined;
    })),
  rule('AWS-EKS-003', 'The EKS API is not public to the whole internet', 'CKV_AWS_38, CKV_AWS_39, FSBP EKS.1', 'list your VPN/office ranges in kubernetes.publicEndpointCidrs, or none',
    each('aws_eks_cluster', (b) => {
      const v = b.vpc_config ?? {};
      if (v.endpoint_public_access === false) return undefined;
      const cidrs = asList(v.public_access_cidrs);
      return cidrs.length === 0 || cidrs.includes('0.0.0.0/0') ? 'exposes its API endpoint to 0.0.0.0/0' : undefined;
    })),
  rule('AWS-EKS-004', 'EKS uses access entries and grants no implicit creator admin', 'terraform-aws-eks v21 default', 'set access_config authentication_mode "API" and bootstrap_cluster_creator_admin_permissions false',
    each('aws_eks_cluster', (b) =>
      b.access_config?.authentication_mode === 'API' && b.access_config?.bootstrap_cluster_creator_admin_permissions === false ? undefined : 'uses aws-auth or an implicit creator admin')),
  rule('AWS-EKS-005', 'EKS nodes run only in private subnets', 'CIS EKS 5.4.x', 'pass the network contract\'s private_subnet_ids',
    // Only the network contract knows which subnets are private: a literal id or another reference cannot be checked.
    each(['aws_eks_node_group', 'aws_eks_cluster'], (b) => {
      const subnets = b.subnet_ids ?? b.vpc_config?.subnet_ids;
      const contract = String.raw`data\.terraform_remote_state\.[\w-]+\.outputs\.private_subnet_ids`;
      const whole = new RegExp(String.raw`^\$\{${contract}(\[\d+\])?\}$`);
      const oneOf = new RegExp(String.raw`^\$\{element\(${contract}, \d+\)\}$`);
      const fromContract = (v: unknown) => typeof v === 'string' && (whole.test(v) || oneOf.test(v));
      const ok = Array.isArray(subnets) ? subnets.length > 0 && subnets.every(fromContract) : fromContract(subnets);
      return ok ? undefined : 'is not placed only in the network contract\'s private subnets';
    })),
  rule('AWS-EKS-006', 'EKS node groups use a launch template', '', 'give the node group a launch_template (EksNodePool does), so IMDS and volume rules apply',
    each('aws_eks_node_group', (b) => (b.launch_template?.id || b.launch_template?.name ? undefined : 'has no launch template'))),
  rule('AWS-IAM-001', 'No IAM users or access keys', 'FSBP IAM.6 (spirit), CKV_AWS_273', 'use roles: SSO for people, OIDC for CI, IRSA/Pod Identity for pods',
    each(['aws_iam_user', 'aws_iam_access_key', 'aws_iam_user_login_profile'], () => 'creates a long-lived credential')),
  rule('AWS-IAM-002', 'Web-identity trust is pinned to one subject and audience', 'CKV_AWS_358 (spirit)', 'add StringEquals conditions on <issuer>:sub and <issuer>:aud (WorkloadRole does)',
    each('aws_iam_role', (b) => {
      const web = statements(b.assume_role_policy).filter((s) => asList(s.Action).includes('sts:AssumeRoleWithWebIdentity'));
      // StringLike on sub only where its one wildcard is a pull request number (refs/pull/*/merge).
      const pullRequestOnly = (value: unknown) => asList(value).every((v) => typeof v === 'string' && v.replace(/refs\/pull\/\*\/merge/g, '').search(/[*?]/) < 0);
      const pinned = (s: Json) => {
        const equals = Object.keys(s.Condition?.StringEquals ?? {});
        const like = Object.entries<unknown>(s.Condition?.StringLike ?? {});
        const sub = equals.some((k) => k.endsWith(':sub')) || like.some(([k, v]) => k.endsWith(':sub') && pullRequestOnly(v));
        return sub && equals.some((k) => k.endsWith(':aud')) && like.every(([, v]) => pullRequestOnly(v));
      };
      return web.every(pinned) ? undefined : 'can be assumed by any subject of the identity provider';
    })),
  rule('AWS-IAM-003', 'IAM policies do not allow every action', 'CKV_AWS_62, CKV_AWS_63, FSBP IAM.1', 'list the actions the workload needs',
    each(['aws_iam_role_policy', 'aws_iam_policy'], (b) =>
      statements(b.policy).some((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === '*' || a === '*:*')) ? 'allows "*"' : undefined)),
  rule('AWS-IAM-004', 'IAM policies fit IAM\'s size limits', '', 'split the statements, or shorten resource lists with wildcards that name nothing else (IAM refuses the apply otherwise)',
    (stack) => {
      // Whitespace does not count; a Terraform reference becomes an ARN, counted at 100 characters.
      const size = (policy: unknown) => (typeof policy === 'string' ? policy.replace(/\$\{[^}]*\}/g, 'x'.repeat(100)).replace(/\s/g, '').length : 0);
      const managed = stack.resources('aws_iam_policy').flatMap((resource) => {
        const n = size(resource.body.policy);
        return n > 6144 ? [{ resource, message: `is ${n} characters with its references resolved (allowed: 6,144 for a managed policy)` }] : [];
      });
      const inline = new Map<string, { total: number; resources: typeof managed[number]['resource'][] }>();
      for (const resource of stack.resources('aws_iam_role_policy')) {
        const role = String(resource.body.role);
        const entry = inline.get(role) ?? { total: 0, resources: [] };
        inline.set(role, { total: entry.total + size(resource.body.policy), resources: [...entry.resources, resource] });
      }
      const roles = [...inline.values()].filter((r) => r.total > 10240).map((r) => ({
        resource: r.resources[r.resources.length - 1]!,
        message: `brings its role's inline policies to ${r.total} characters with references resolved (allowed: 10,240 per role)`,
      }));
      return [...managed, ...roles];
    }),
  rule('AWS-EBS-001', 'EBS StorageClasses encrypt their volumes', 'CKV_AWS_3 (spirit), FSBP EC2.7 (spirit)', 'set parameters.encrypted = "true" and kmsKeyId (StorageClasses does)',
    (stack) => {
      const ebs = (provisioner: unknown) => provisioner === 'ebs.csi.aws.com' || provisioner === 'kubernetes.io/aws-ebs';
      const encrypted = (parameters: any) => String(parameters?.encrypted ?? '').toLowerCase() === 'true';
      return [
        ...['kubernetes_storage_class_v1', 'kubernetes_storage_class'].flatMap((type) => stack.resources(type).flatMap((resource) =>
          ebs(resource.body.storage_provisioner) && !encrypted(resource.body.parameters) ? [{ resource, message: 'provisions unencrypted EBS volumes' }] : [])),
        ...manifests(stack).flatMap(({ resource, where, object }) =>
          object.kind === 'StorageClass' && ebs(object.provisioner) && !encrypted(object.parameters)
            ? [{ resource, message: `renders StorageClass ${block(object.metadata).name ?? ''} (${where}) that provisions unencrypted EBS volumes` }] : []),
      ];
    }),
  rule('AWS-PRV-001', 'The AWS provider is pinned to the environment account', '', 'set allowed_account_ids (awsProvider does)',
    (stack) => stack.providers('aws').flatMap((p) => (asList(p.body?.allowed_account_ids).length > 0 ? [] : [{ resource: p, message: 'may run against any account' }]))),
];

