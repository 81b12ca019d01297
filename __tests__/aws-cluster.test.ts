import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App } from 'cdktf';
import { rmSync } from 'node:fs';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import awsProdConfig from '../config/environments/aws-prod';
import { environmentSchema, type AwsEnvironment } from '../config/schema';
import { eksKubernetesAccess } from '../constructs/aws/eks-kubernetes-access';
import { WorkloadRole } from '../constructs/aws/workload-role';
import { kubernetesProviders } from '../constructs/kubernetes-access';
import { LayerStack } from '../constructs/layer-stack';
import { consume } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { AwsClusterStack } from '../stacks/aws-cluster-stack';
import { awsClusterContract } from '../stacks/aws-contracts';
import { AwsNetworkStack } from '../stacks/aws-network-stack';
import { byPath, type Json, only, parsePolicy, readOutdir, remoteStateProblems, resources, stackWith, synthExamples, tempDir } from './support';

let prod: Json;
let dev: Json;
let manifest: Json;

beforeAll(() => {
  const synth = synthExamples();
  prod = synth.stacks['aws-prod-cluster']!;
  dev = synth.stacks['aws-dev-cluster']!;
  manifest = synth.manifest;
  expect(remoteStateProblems(synth.stacks)).toEqual([]);
});

const policy = parsePolicy;
const cluster = (stack: Json = prod): Json => only(stack, 'aws_eks_cluster');

describe('aws cluster stack', () => {
  it('reads the network contract through remote state and deploys after the network', () => {
    expect(prod.data.terraform_remote_state['aws-prod-network-state'].config.key).toBe('rocketchat/aws-prod-network.tfstate');
    expect(manifest.stacks['aws-prod-cluster'].dependencies).toEqual(['aws-prod-network', 'bootstrap-euw1-222222222222']);
    expect(cluster().vpc_config.subnet_ids).toBe('${data.terraform_remote_state.aws-prod-network-state.outputs.private_subnet_ids}');
  });

  describe('control plane', () => {
    it('runs the configured version with a private endpoint and a public one only for listed sources', () => {
      expect(cluster()).toMatchObject({ name: 'aws-prod', version: '1.35' });
      expect(cluster().vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['198.51.100.0/24'] });
    });

    it('keeps the endpoint private-only when no public CIDR is configured', () => {
      const stack = stackWith('aws-prod', 'cluster', (c) => (c.kubernetes.publicEndpointCidrs = []));
      expect(cluster(stack).vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
      expect(cluster(stack).vpc_config.public_access_cidrs).toBeUndefined();
    });

    it('uses access entries only, with no implicit admin for the creator', () => {
      expect(cluster().access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
      const entries = resources(prod, 'aws_eks_access_entry');
      // The CI roles' entries come from ci-access (__tests__/ci.test.ts); the configured admins are cluster admins.
      expect(entries.map((e) => e.principal_arn)).toEqual(['arn:aws:iam::222222222222:role/aws-prod-ci-deploy',
        'arn:aws:iam::222222222222:role/aws-prod-ci-plan', 'arn:aws:iam::222222222222:role/platform-admin']);
      for (const a of resources(prod, 'aws_eks_access_policy_association').filter((p) => p.principal_arn.includes('control-plane_admin'))) {
        expect(a.policy_arn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy');
        expect(a.access_scope).toEqual({ type: 'cluster' });
      }
    });

    it('envelope-encrypts secrets with a rotating customer key the cluster role may use', () => {
      const keyRef = cluster().encryption_config.provider.key_arn;
      expect(cluster().encryption_config.resources).toEqual(['secrets']);
      expect(keyRef).toMatch(/aws_kms_key\.control-plane_secrets-key_\w+\.arn/);
      expect(byPath(prod, 'aws_kms_key', 'control-plane/secrets-key/key').enable_key_rotation).toBe(true);
      const use = policy(byPath(prod, 'aws_iam_role_policy', 'control-plane/secrets-key-use').policy);
      expect(use.Statement[0].Resource).toBe(keyRef);
    });

    it('sends every control-plane log type to a KMS-encrypted log group created first', () => {
      expect(cluster().enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
      const group = only(prod, 'aws_cloudwatch_log_group');
      expect(group).toMatchObject({ name: '/aws/eks/aws-prod/cluster', retention_in_days: 365 });
      expect(group.kms_key_id).toMatch(/aws_kms_key\.control-plane_logs_key/);
      const key = byPath(prod, 'aws_kms_key', 'control-plane/logs/key/key');
      expect(key.enable_key_rotation).toBe(true);
      const logsGrant = policy(key.policy).Statement.find((st: Json) => st.Principal?.Service === 'logs.eu-west-1.amazonaws.com');
      expect(logsGrant.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn'])
        .toBe('arn:aws:logs:eu-west-1:222222222222:log-group:/aws/eks/aws-prod/cluster');
      expect(cluster().depends_on).toContainEqual(expect.stringMatching(/^aws_cloudwatch_log_group\./));
    });

    it('protects prod from deletion and keeps the configured support policy', () => {
      expect(cluster()).toMatchObject({ deletion_protection: true, upgrade_policy: { support_type: 'EXTENDED' }, bootstrap_self_managed_addons: false });
      expect(only(dev, 'aws_eks_cluster')).toMatchObject({ deletion_protection: false, upgrade_policy: { support_type: 'STANDARD' } });
    });

    it('opens the cluster group only to nodes on 443, and nodes only to the control plane, DNS and each other', () => {
      const rules = resources(prod, 'aws_vpc_security_group_ingress_rule');
      const toCluster = rules.filter((r) => r.security_group_id.includes('security-groups_cluster'));
      expect(toCluster).toHaveLength(1);
      expect(toCluster[0]).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
      expect(rules.every((r) => r.cidr_ipv4 === undefined && typeof r.referenced_security_group_id === 'string')).toBe(true);
      expect(rules.map((r) => r.from_port).sort((a, b) => a - b)).toEqual([53, 53, 443, 443, 1025, 4443, 6443, 8443, 9094, 9443, 10250, 10251]);
    });
  });

  describe('workload identity', () => {
    it('registers the cluster issuer as an IAM OIDC provider for STS', () => {
      const provider = only(prod, 'aws_iam_openid_connect_provider');
      expect(provider.url).toBe('${aws_eks_cluster.control-plane_cluster_47C848BD.identity[0].oidc[0].issuer}');
      expect(provider.client_id_list).toEqual(['sts.amazonaws.com']);
    });

    it('binds each IRSA role to exactly one service account through sub and aud', () => {
      const trust = policy(byPath(prod, 'aws_iam_role', 'ebs-csi-identity/role').assume_role_policy);
      expect(trust.Statement).toHaveLength(1);
      const statement = trust.Statement[0];
      expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
      expect(statement.Principal.Federated).toMatch(/aws_iam_openid_connect_provider\./);
      const issuer = '${replace(aws_eks_cluster.control-plane_cluster_47C848BD.identity[0].oidc[0].issuer, "https://", "")}';
      expect(statement.Condition).toEqual({
        StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:ebs-csi-controller-sa', [`${issuer}:aud`]: 'sts.amazonaws.com' },
      });
    });

    it('gives the VPC CNI its policy on its own role, not on the node role', () => {
      const cni = policy(byPath(prod, 'aws_iam_role', 'vpc-cni-identity/role').assume_role_policy);
      expect(Object.values<string>(cni.Statement[0].Condition.StringEquals)).toContain('system:serviceaccount:kube-system:aws-node');
      const attachments = resources(prod, 'aws_iam_role_policy_attachment');
      const cniPolicy = attachments.filter((a) => a.policy_arn.endsWith('/AmazonEKS_CNI_Policy'));
      expect(cniPolicy).toHaveLength(1);
      expect(cniPolicy[0]!.role).toMatch(/vpc-cni-identity/);
      const nodeRole = attachments.filter((a) => a.role.includes('node-role')).map((a) => a.policy_arn);
      expect(nodeRole.sort()).toEqual(['arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly', 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);
    });

    it('lets the EBS CSI driver use the EBS key through grants for AWS resources only', () => {
      const inline = policy(byPath(prod, 'aws_iam_role_policy', 'ebs-csi-identity/inline').policy);
      const grants = inline.Statement.find((s: Json) => s.Sid === 'GrantsForAttachedVolumes');
      expect(grants.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      expect(grants.Resource).toMatch(/aws_kms_key\.ebs-key_\w+\.arn/);
      expect(resources(prod, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toContain(
        'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
      );
    });
  });

  describe('nodes', () => {
    const template = (pool: string): Json => byPath(prod, 'aws_launch_template', `pool-${pool}/launch-template`);
    const group = (pool: string): Json => byPath(prod, 'aws_eks_node_group', `pool-${pool}/node-group`);

    it('requires IMDSv2 with hop limit 1', () => {
      expect(template('general').metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    });

    it('allows hop limit 2 only for a pool that asks for it', () => {
      const stack = stackWith('aws-prod', 'cluster', (c) => (c.kubernetes.nodePools[0].imdsHopLimit = 2));
      expect(byPath(stack, 'aws_launch_template', 'pool-general/launch-template').metadata_options.http_put_response_hop_limit).toBe(2);
      expect(byPath(stack, 'aws_launch_template', 'pool-data-a/launch-template').metadata_options.http_put_response_hop_limit).toBe(1);
    });

    it('runs every node group at the release pinned in config, with no lookup that could roll nodes on an unrelated apply', () => {
      const releases = resources(prod, 'aws_eks_node_group').map((g) => g.release_version);
      expect(releases).toEqual(['1.35.6-20260714', '1.35.6-20260714', '1.35.6-20260714', '1.35.6-20260714']);
      expect(prod.data?.aws_ssm_parameter).toBeUndefined();
      expect(resources(dev, 'aws_eks_node_group').map((g) => g.release_version)).toEqual(['1.35.6-20260714']);
    });

    it('keeps one release for arm64 pools too, with the AMI type of their architecture', () => {
      const stack = stackWith('aws-prod', 'cluster', (c) => {
        c.kubernetes.nodePools[0].instanceTypes = ['m7g.xlarge', 'm8g.xlarge'];
        c.kubernetes.nodeImageRelease = '1.35.7-20260801';
      });
      expect(byPath(stack, 'aws_eks_node_group', 'pool-general/node-group')).toMatchObject({ ami_type: 'AL2023_ARM_64_STANDARD',
        release_version: '1.35.7-20260801' });
      expect(byPath(stack, 'aws_eks_node_group', 'pool-data-a/node-group')).toMatchObject({ ami_type: 'AL2023_x86_64_STANDARD',
        release_version: '1.35.7-20260801' });
    });

    it('encrypts gp3 root volumes with the EBS customer key', () => {
      expect(template('data-a').block_device_mappings[0]).toEqual({
        device_name: '/dev/xvda',
        ebs: { volume_type: 'gp3', volume_size: 100, encrypted: 'true', delete_on_termination: 'true', kms_key_id: expect
          .stringMatching(/aws_kms_key\.ebs-key_\w+\.arn/) },
      });
    });

    it('lets Auto Scaling use the EBS key to launch nodes', () => {
      const key = policy(byPath(prod, 'aws_kms_key', 'ebs-key/key/key').policy);
      const grants = key.Statement.find((s: Json) => s.Sid === 'AutoScalingGrantsForNodeVolumes');
      expect(grants.Principal.AWS).toBe('${data.aws_iam_role.ebs-key_autoscaling-service-role_60992FEE.arn}');
    });

    it('places node groups in private subnets only, on AL2023, with the configured sizes, labels and taints', () => {
      const general = group('general');
      expect(general).toMatchObject({ node_group_name_prefix: 'aws-prod-general-', ami_type: 'AL2023_x86_64_STANDARD', capacity_type: 'ON_DEMAND',
        instance_types: ['m7i.xlarge'], scaling_config: { min_size: 3, desired_size: 3, max_size: 9 }, labels: { workload: 'general', 'node-pool': 'general' },
        taint: [], lifecycle: { ignore_changes: ['scaling_config[0].desired_size'], create_before_destroy: true } });
      expect(general.subnet_ids).toBe('${data.terraform_remote_state.aws-prod-network-state.outputs.private_subnet_ids}');
      expect(template('general').vpc_security_group_ids).toEqual([expect.stringMatching(/security-groups_nodes/)]);
    });

    it('gives a perZone pool one group per zone, each in that zone\'s private subnet with the per-zone sizes', () => {
      const zones = ['a', 'b', 'c'].map((z, i) => {
        const g = group(`data-${z}`);
        expect(g).toMatchObject({ node_group_name_prefix: `aws-prod-data-${z}-`, instance_types: ['r7i.xlarge'],
          scaling_config: { min_size: 1, desired_size: 1, max_size: 2 }, labels: { workload: 'data', 'node-pool': 'data' },
          taint: [{ key: 'workload', value: 'data', effect: 'NO_SCHEDULE' }] });
        expect(g.subnet_ids).toEqual([`\${element(data.terraform_remote_state.aws-prod-network-state.outputs.private_subnet_ids, ${i})}`]);
        return g;
      });
      expect(zones).toHaveLength(3);
      expect(Object.keys(prod.resource.aws_eks_node_group)).toHaveLength(4);
      // Each zone's group waits for the previous one, so an AMI roll drains one database member at a time.
      expect(zones[0]!.depends_on.some((d: string) => d.startsWith('aws_eks_node_group.'))).toBe(false);
      expect(zones[1]!.depends_on).toContainEqual(expect.stringMatching(/^aws_eks_node_group\.pool-data-a_node-group_/));
      expect(zones[2]!.depends_on).toContainEqual(expect.stringMatching(/^aws_eks_node_group\.pool-data-b_node-group_/));
    });

    it('runs dev on spot across several instance types', () => {
      expect(byPath(dev, 'aws_eks_node_group', 'pool-general/node-group')).toMatchObject({ capacity_type: 'SPOT',
        instance_types: ['m7i.large', 'm6i.large', 'm7a.large'] });
    });

    it('tags each Auto Scaling group for cluster-autoscaler discovery and scale-from-zero', () => {
      const tags = resources(prod, 'aws_autoscaling_group_tag')
        .filter((t) => t.autoscaling_group_name.includes('pool-data-b_'))
        .map((t) => [t.tag.key, t.tag.value]);
      expect(tags).toEqual([
        ['k8s.io/cluster-autoscaler/enabled', 'true'],
        ['k8s.io/cluster-autoscaler/${aws_eks_cluster.control-plane_cluster_47C848BD.name}', 'owned'],
        ['k8s.io/cluster-autoscaler/node-template/label/workload', 'data'],
        ['k8s.io/cluster-autoscaler/node-template/label/node-pool', 'data'],
        ['k8s.io/cluster-autoscaler/node-template/taint/workload', 'data:NoSchedule'],
        // A per-zone group tells the autoscaler its zone, so it can scale up from zero for a zonal volume.
        ['k8s.io/cluster-autoscaler/node-template/label/topology.kubernetes.io/zone', 'eu-west-1b'],
      ]);
    });
  });

  describe('add-ons', () => {
    const addon = (name: string): Json => resources(prod, 'aws_eks_addon').find((a) => a.addon_name === name)!;

    it('pins every add-on version for the cluster version', () => {
      expect(Object.fromEntries(resources(prod, 'aws_eks_addon').map((a) => [a.addon_name, a.addon_version]))).toEqual({ 'vpc-cni': 'v1.21.2-eksbuild.2',
        'kube-proxy': 'v1.35.3-eksbuild.13', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.3', coredns: 'v1.14.2-eksbuild.4',
        'aws-ebs-csi-driver': 'v1.62.0-eksbuild.1' });
    });

    it('installs networking add-ons before nodes, and coredns and EBS CSI after them', () => {
      const nodeGroups = Object.keys(prod.resource.aws_eks_node_group).map((k) => `aws_eks_node_group.${k}`);
      expect(nodeGroups).toHaveLength(4);
      for (const name of ['coredns', 'aws-ebs-csi-driver']) expect([...addon(name).depends_on].sort()).toEqual(nodeGroups.sort());
      for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent']) expect(addon(name).depends_on).toBeUndefined();
      const before = Object.entries<Json>(prod.resource.aws_eks_addon)
        .filter(([, a]) => ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].includes(a.addon_name))
        .map(([k]) => `aws_eks_addon.${k}`);
      for (const pool of ['general', 'data-a', 'data-b', 'data-c']) expect(group(pool).depends_on).toEqual(expect.arrayContaining(before));
      function group(pool: string): Json {
        return byPath(prod, 'aws_eks_node_group', `pool-${pool}/node-group`);
      }
    });

    it('turns on network policy enforcement in the VPC CNI and gives CNI and EBS CSI their IRSA roles', () => {
      expect(JSON.parse(addon('vpc-cni').configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
      expect(addon('vpc-cni').service_account_role_arn).toMatch(/vpc-cni-identity/);
      expect(addon('aws-ebs-csi-driver').service_account_role_arn).toMatch(/ebs-csi-identity/);
    });
  });

  it('publishes the aws-cluster contract without credentials', () => {
    expect(Object.keys(prod.output).sort()).toEqual(['cluster_certificate_authority_data', 'cluster_endpoint', 'cluster_name', 'cluster_security_group_id',
      'ebs_kms_key_arn', 'node_security_group_id', 'oidc_issuer_url', 'oidc_provider_arn', 'region', 'secrets_kms_key_arn']);
    expect(JSON.stringify(prod)).not.toMatch(/aws_eks_cluster_auth|kubeconfig|"token"/i);
  });
});

describe('kubernetes and helm providers from the aws-cluster contract', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('authenticate with aws eks get-token, never a stored credential', () => {
    const env = v.parse(environmentSchema, awsProdConfig) as AwsEnvironment;
    const outdir = tempDir();
    dirs.push(outdir);
    const app = new App({ outdir });
    const network = new AwsNetworkStack(app, env);
    const clusterStack = new AwsClusterStack(app, env, network);
    const platform = new LayerStack(app, 'aws-prod-platform', stateLocation(env, 'aws-prod-platform'));
    kubernetesProviders(platform, eksKubernetesAccess(consume(platform, clusterStack, awsClusterContract)));
    app.synth();
    const stack = readOutdir(outdir).stacks['aws-prod-platform']!;
    const out = (name: string) => `\${data.terraform_remote_state.aws-prod-cluster-state.outputs.${name}}`;
    const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', out('cluster_name'), '--region', out('region'), '--output', 'json'] };
    expect(stack.provider.helm[0].kubernetes).toEqual({ host: out('cluster_endpoint'),
      cluster_ca_certificate: `\${base64decode(data.terraform_remote_state.aws-prod-cluster-state.outputs.cluster_certificate_authority_data)}`, exec });
    expect(stack.provider.kubernetes[0]).toMatchObject({ host: out('cluster_endpoint'), exec: [exec] });
  });
});

describe('WorkloadRole with EKS Pod Identity', () => {
  it('trusts the Pod Identity service only for one cluster, namespace and service account, and binds them', () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new LayerStack(app, 'aws-prod-platform', { type: 'local', path: 'x.tfstate' });
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new WorkloadRole(stack, 'external-dns', { roleName: 'aws-prod-external-dns', description: 'external-dns', namespace: 'external-dns',
      serviceAccount: 'external-dns', binding: { kind: 'pod-identity', clusterName: 'aws-prod' },
      statements: [{ Sid: 'Zone', Effect: 'Allow', Action: 'route53:ChangeResourceRecordSets', Resource: 'arn:aws:route53:::hostedzone/Z1' }] });
    app.synth();
    const s = readOutdir(outdir).stacks['aws-prod-platform']!;
    rmSync(outdir, { recursive: true, force: true });
    const trust = parsePolicy(only(s, 'aws_iam_role').assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Sid: 'EksPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'aws:RequestTag/eks-cluster-name': 'aws-prod', 'aws:RequestTag/kubernetes-namespace': 'external-dns',
            'aws:RequestTag/kubernetes-service-account': 'external-dns' },
        },
      },
    ]);
    expect(only(s, 'aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'aws-prod', namespace: 'external-dns', service_account: 'external-dns',
      role_arn: expect.stringMatching(/aws_iam_role\./) });
    expect(parsePolicy(only(s, 'aws_iam_role_policy').policy).Statement[0].Resource).toBe('arn:aws:route53:::hostedzone/Z1');
  });
});
