/**
 * Every rule fired by a real, deliberately bad construct (a provider binding
 * class, or one of the project's constructs configured badly), next to
 * compliant counterparts (mostly the project's own constructs) that must pass:
 * proves each rule reads the attribute names the provider bindings actually
 * synthesize, which the hand-written fixtures in policies.test.ts cannot.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Subnet as AzureSubnet } from '@cdktf/provider-azurerm/lib/subnet';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, DataTerraformRemoteStateLocal, TerraformStack, Token } from 'cdktf';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsEnvironment } from '../config/schema';
import { EksControlPlane } from '../constructs/aws/eks-control-plane';
import { EksNodePool, EksNodeRole } from '../constructs/aws/eks-node-pool';
import { VpcFlowLogs } from '../constructs/aws/flow-logs';
import { CustomerKey } from '../constructs/aws/kms-key';
import { awsProvider } from '../constructs/aws/provider';
import { SecureBucket } from '../constructs/aws/secure-bucket';
import { VpcNetwork } from '../constructs/aws/vpc';
import { WorkloadRole } from '../constructs/aws/workload-role';
import { ClusterKeyVault } from '../constructs/azure/key-vault';
import { azurermProvider } from '../constructs/azure/provider';
import { SecureStorageAccount } from '../constructs/azure/secure-storage-account';
import { Vnet } from '../constructs/azure/vnet';
import { ClusterObjects } from '../constructs/platform/cluster-objects';
import { albIngressSettings } from '../constructs/aws/https-edge';
import { edgeGatewayObjects } from '../constructs/azure/https-edge';
import { StorageClasses } from '../constructs/platform/storage-classes';
import { RULES, checkStacks, type PolicyReport } from '../policies';
import { StackView } from '../policies/engine';
import { readOutdir, tempDir, type Json } from './support';

let report: PolicyReport;
let stacks: Record<string, Json>;

const account = { accountId: '111111111111', region: 'eu-west-1', partition: 'aws' };
const pool: AwsEnvironment['kubernetes']['nodePools'][number] = {
  name: 'apps', instanceTypes: ['m7i.large'], capacityType: 'ON_DEMAND', minSize: 1, desiredSize: 2, maxSize: 3, diskSizeGb: 50, imdsHopLimit: 1,
    perZone: false, labels: {}, taints: [],
};

beforeAll(() => {
  const outdir = tempDir();
  const app = new App({ outdir });

  // AWS: bad constructs, then compliant counterparts named good-*.
  const aws = new TerraformStack(app, 'bad-aws');
  awsProvider(aws, { accountId: account.accountId, region: account.region, tags: {} });
  new AwsProvider(aws, 'aws-anywhere', { alias: 'anywhere', region: account.region });
  new KmsKey(aws, 'short-window-key', { enableKeyRotation: true, deletionWindowInDays: 7 });
  new KmsKey(aws, 'unrotated-key', { enableKeyRotation: false, deletionWindowInDays: 30 });
  new LaunchTemplate(aws, 'loose-template', { metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 3 },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'false' } }] });
  new DefaultSecurityGroup(aws, 'open-default', { ingress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['10.0.0.0/8'] }] });
  new VpcSecurityGroupIngressRule(aws, 'ssh-from-anywhere', { securityGroupId: 'sg-1', cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 22, toPort: 22 });
  new SecurityGroup(aws, 'rdp-inline', { ingress: [{ fromPort: 3389, toPort: 3389, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }] });
  const publicSubnet = new Subnet(aws, 'public-ips', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
  new IamAccessKey(aws, 'static-key', { user: 'ci' });
  new IamRole(aws, 'any-subject', {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/x' }, Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'x:aud': 'sts.amazonaws.com' } } }],
    }),
  });
  new IamRolePolicy(aws, 'admin-policy', { role: 'r', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*',
    Resource: '*' }] }) });
  // 80 statements of about 80 characters: over IAM's 6,144 for a managed policy once whitespace is gone.
  const many = Array.from({ length: 80 }, (_, i) => ({ Effect: 'Allow', Action: 's3:GetObject',
    Resource: `arn:aws:s3:::bucket-${String(i).padStart(3, '0')}/*` }));
  new IamPolicy(aws, 'oversized-policy', { name: 'oversized', policy: JSON.stringify({ Version: '2012-10-17', Statement: many }) });

  // Each companion exists but is too weak, so the rules must read its attributes, not only find it.
  const weakBucket = new S3Bucket(aws, 'weak-bucket', { bucket: 'weak' });
  new S3BucketServerSideEncryptionConfigurationA(aws, 'weak-bucket-encryption', { bucket: weakBucket.id, rule: [{ applyServerSideEncryptionByDefault: {
    sseAlgorithm: 'AES256' } }] });
  new S3BucketPublicAccessBlock(aws, 'weak-bucket-public-access', { bucket: weakBucket.id, blockPublicAcls: true, blockPublicPolicy: true,
    ignorePublicAcls: true, restrictPublicBuckets: false });
  new S3BucketPolicy(aws, 'weak-bucket-policy', {
    bucket: weakBucket.id,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: {
      'aws:SecureTransport': 'false' } } }] }),
  });
  new S3BucketVersioningA(aws, 'weak-bucket-versioning', { bucket: weakBucket.id, versioningConfiguration: { status: 'Suspended' } });
  new S3BucketOwnershipControls(aws, 'weak-bucket-ownership', { bucket: weakBucket.id, rule: { objectOwnership: 'ObjectWriter' } });

  new CloudwatchLogGroup(aws, 'plain-logs', { name: 'plain', retentionInDays: 0 });
  new Vpc(aws, 'unlogged-vpc', { cidrBlock: '10.9.0.0/16' });
  const openCluster = new EksCluster(aws, 'open-cluster', { name: 'open', roleArn: 'arn:aws:iam::111111111111:role/eks',
    vpcConfig: { subnetIds: [publicSubnet.id], endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] }, enabledClusterLogTypes: ['api'],
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true } });
  new EksNodeGroup(aws, 'public-nodes', { clusterName: openCluster.name, nodeRoleArn: 'arn:aws:iam::111111111111:role/nodes', subnetIds: [publicSubnet.id],
    scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } });
  // A raw address of a resource another stack defines, bypassing consume().
  new Subnet(aws, 'foreign-vpc-subnet', { vpcId: 'vpc-1', cidrBlock: '10.0.1.0/24' }).addOverride('vpc_id', '${aws_vpc.network.id}');

  const goodKey = new CustomerKey(aws, 'good-key', { description: 'good', alias: 'good', ...account });
  new SecureBucket(aws, 'good-bucket', { bucketName: 'good', kmsKeyArn: goodKey.key.arn, noncurrentVersionDays: 30 });
  const network = new VpcNetwork(aws, 'good-network', {
    name: 'good', cidr: '10.1.0.0/16', zones: ['eu-west-1a'], publicSubnetCidrs: ['10.1.0.0/24'], privateSubnetCidrs: ['10.1.1.0/24'],
      natGateways: 'single', clusterName: 'good',
  });
  new VpcFlowLogs(aws, 'good-flow-logs', { name: 'good', vpcId: network.vpc.id, retentionDays: 30, ...account });
  // As the cluster stack does: the private subnets come from the network contract (AWS-EKS-005).
  const contract = new DataTerraformRemoteStateLocal(aws, 'good-network-state', { path: 'network.tfstate' });
  const privateSubnetIds = Token.asList(contract.get('private_subnet_ids'));
  const controlPlane = new EksControlPlane(aws, 'good-control-plane', {
    name: 'good', version: '1.34', vpcId: network.vpc.id, subnetIds: privateSubnetIds, publicEndpointCidrs: ['198.51.100.0/24'],
    adminRoleArns: ['arn:aws:iam::111111111111:role/admin'], logRetentionDays: 30, supportType: 'STANDARD', deletionProtection: true, ...account,
  });
  new EksNodePool(aws, 'good-node-pool', {
    name: 'good-apps', clusterName: controlPlane.cluster.name, kubernetesVersion: '1.34', releaseVersion: '1.34.9-20260714', pool,
    nodeRole: new EksNodeRole(aws, 'good-node-role', { clusterName: 'good', partition: 'aws' }),
    subnetIds: privateSubnetIds, securityGroupId: controlPlane.securityGroups.nodes.id, ebsKeyArn: goodKey.key.arn, dependsOn: [],
  });
  new WorkloadRole(aws, 'good-workload-role', { roleName: 'good', description: 'good', namespace: 'apps', serviceAccount: 'web',
    binding: { kind: 'irsa', oidcProviderArn: controlPlane.oidcProvider.arn, oidcIssuerUrl: controlPlane.oidcIssuerUrl },
    statements: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] });

  // Azure.
  const azure = new TerraformStack(app, 'bad-azure');
  azurermProvider(azure, { subscriptionId: 's', tenantId: 't' });
  new AzurermProvider(azure, 'azurerm-anywhere', { alias: 'anywhere', features: [{}] });
  new StorageAccount(azure, 'weak-account', {
    name: 'x', resourceGroupName: 'rg', location: 'westeurope', accountTier: 'Standard', accountReplicationType: 'ZRS',
    minTlsVersion: 'TLS1_0', httpsTrafficOnlyEnabled: false, allowNestedItemsToBePublic: true, infrastructureEncryptionEnabled: false,
      sharedAccessKeyEnabled: true,
    blobProperties: { versioningEnabled: false },
  });
  new StorageContainer(azure, 'public-container', { name: 'c', storageAccountId: 'id', containerAccessType: 'blob' });
  new NetworkSecurityRule(azure, 'rdp-from-internet', {
    name: 'rdp', networkSecurityGroupName: 'nsg', resourceGroupName: 'rg', priority: 100, direction: 'Inbound', access: 'Allow',
    protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*',
  });
  new AzureSubnet(azure, 'bare-subnet', { name: 'bare', resourceGroupName: 'rg', virtualNetworkName: 'vnet', addressPrefixes: ['10.2.0.0/24'],
    defaultOutboundAccessEnabled: true });
  new LogAnalyticsWorkspace(azure, 'keyed-workspace', { name: 'keyed', location: 'westeurope', resourceGroupName: 'rg', localAuthenticationEnabled: true });
  new KeyVault(azure, 'purgeable-vault', {
    name: 'purgeable', location: 'westeurope', resourceGroupName: 'rg', tenantId: 't', skuName: 'standard', purgeProtectionEnabled: false,
      rbacAuthorizationEnabled: false,
  });
  const aks = new KubernetesCluster(azure, 'weak-cluster', {
    name: 'aks', location: 'westeurope', resourceGroupName: 'rg', dnsPrefix: 'aks', identity: { type: 'SystemAssigned' },
    localAccountDisabled: false,
    azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: false, tenantId: 't' },
    apiServerAccessProfile: { authorizedIpRanges: ['0.0.0.0/0'] },
    networkProfile: { networkPlugin: 'azure' },
    keyVaultSecretsProvider: { secretRotationEnabled: false },
    defaultNodePool: { name: 'system', vmSize: 'Standard_D4ds_v5', hostEncryptionEnabled: false },
  });
  new KubernetesClusterNodePool(azure, 'plain-pool', { name: 'apps', kubernetesClusterId: aks.id, vmSize: 'Standard_D4ds_v5' });
  new KubernetesClusterNodePool(azure, 'good-pool', { name: 'data', kubernetesClusterId: aks.id, vmSize: 'Standard_D4ds_v5', hostEncryptionEnabled: true });

  new SecureStorageAccount(azure, 'good-account', { name: 'good', resourceGroupName: 'rg', location: 'westeurope', replication: 'ZRS', softDeleteDays: 7 });
  new StorageContainer(azure, 'good-container', { name: 'c', storageAccountId: 'id', containerAccessType: 'private' });
  const vnet = new Vnet(azure, 'good-vnet', { name: 'good', resourceGroupName: 'rg', location: 'westeurope', cidr: '10.3.0.0/16',
    nodeSubnetCidr: '10.3.0.0/20', ingressSubnetCidr: '10.3.16.0/24', privateEndpointSubnetCidr: '10.3.17.0/24', podCidr: '192.168.0.0/16' });
  const workspace = new LogAnalyticsWorkspace(azure, 'good-workspace', { name: 'good', location: 'westeurope', resourceGroupName: 'rg',
    localAuthenticationEnabled: false });
  new ClusterKeyVault(azure, 'good-vault', {
    name: 'good', resourceGroupName: 'rg', location: 'westeurope', tenantId: 't', publicNetworkAccess: false, allowedIpRanges: [], softDeleteRetentionDays: 90,
    privateEndpointSubnetId: vnet.privateEndpointSubnet.id, vnetId: vnet.vnet.id, workspaceId: workspace.id,
  });
  new KubernetesCluster(azure, 'good-cluster', {
    name: 'good', location: 'westeurope', resourceGroupName: 'rg', dnsPrefix: 'good', identity: { type: 'SystemAssigned' },
    localAccountDisabled: true,
    azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, tenantId: 't' },
    apiServerAccessProfile: { authorizedIpRanges: ['198.51.100.0/24'] },
    networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', networkDataPlane: 'cilium' },
    omsAgent: { logAnalyticsWorkspaceId: workspace.id, msiAuthForMonitoringEnabled: true },
    keyVaultSecretsProvider: { secretRotationEnabled: true },
    defaultNodePool: { name: 'system', vmSize: 'Standard_D4ds_v5', vnetSubnetId: vnet.nodeSubnet.id, hostEncryptionEnabled: true },
  });

  // Kubernetes and Helm.
  const k8s = new TerraformStack(app, 'bad-kubernetes');
  new HelmProvider(k8s, 'helm', {});
  new KubernetesProvider(k8s, 'kubernetes', {});
  new Release(k8s, 'floating-chart', { name: 'x', chart: 'x', repository: 'https://example.org', version: '~> 1.0',
    values: [JSON.stringify({ image: { repository: 'rocketchat/rocket.chat', tag: 'latest' } })],
    set: [{ name: 'auth.rootPassword', value: 'hunter2hunter2' }] });
  new NamespaceV1(k8s, 'unlabelled', { metadata: { name: 'apps' } });
  new StorageClassV1(k8s, 'plain-ebs', { metadata: { name: 'gp3' }, storageProvisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  new StorageClassV1(k8s, 'azure-disk', { metadata: { name: 'premium' }, storageProvisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_ZRS' } });
  new IngressV1(k8s, 'plain-http', { metadata: { name: 'web' }, spec: { rule: [{ host: 'chat.example.com' }] } });
  new Release(k8s, 'http-only-alb', {
    name: 'web', chart: 'web', repository: 'https://example.org', version: '1.0.0',
    values: [JSON.stringify({ ingress: { enabled: true, ingressClassName: 'alb', annotations: {
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]' } } })],
  });
  new ClusterObjects(k8s, 'plain-objects', {
    name: 'objects', namespace: 'apps', dependsOn: [],
    objects: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'apps' }, spec: { rules: [{
      host: 'chat.example.com' }] } }],
  });

  // EDGE-001: an internet-facing ALB Ingress without a web ACL, and the real AGC Gateway without its WAF policy.
  new Release(k8s, 'public-alb-without-waf', {
    name: 'pub', chart: 'pub', repository: 'https://example.org', version: '1.0.0',
    values: [JSON.stringify({ ingress: { enabled: true, ingressClassName: 'alb', annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:eu-west-1:111111111111:certificate/x' } } })],
  });
  const gatewayObjects = edgeGatewayObjects('/subscriptions/x/agc', 'public', ['chat.example.com'], '/subscriptions/x/waf');
  new ClusterObjects(k8s, 'gateway-without-waf', { name: 'gw', namespace: 'azure-alb-system', dependsOn: [], objects: gatewayObjects.filter((o) => o
    .kind === 'Gateway').map((o) => ({ ...o, metadata: { ...o.metadata, name: 'bare' } })) });

  new RandomProvider(k8s, 'random', {});
  const password = new Password(k8s, 'good-password', { length: 32 });
  new Release(k8s, 'good-chart', { name: 'good', chart: 'good', repository: 'https://example.org', version: '1.2.3',
    values: [JSON.stringify({ image: { repository: 'rocketchat/rocket.chat', tag: '7.9.3' } })],
    setSensitive: [{ name: 'auth.rootPassword', value: password.result }] });
  new NamespaceV1(k8s, 'good-namespace', { metadata: { name: 'good', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  new StorageClasses(k8s, 'good-storage-classes', { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true',
    kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/x' } });
  const albSettings = albIngressSettings({ name: 'x' } as AwsEnvironment, 'arn:aws:acm:eu-west-1:111111111111:certificate/x',
    'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/y', { host: 'chat.example.com', namespace: 'apps', serviceName: 'web', servicePort: 80,
    podPort: 8080, healthCheckPath: '/', drainSeconds: 30 });
  new Release(k8s, 'good-alb', {
    name: 'alb', chart: 'alb', repository: 'https://example.org', version: '1.0.0',
    values: [JSON.stringify({ ingress: { enabled: true, ingressClassName: albSettings.ingress!.className, annotations: albSettings.ingress!.annotations } })],
  });
  new ClusterObjects(k8s, 'good-gateway', { name: 'gw', namespace: 'azure-alb-system', dependsOn: [], objects: gatewayObjects });
  new IngressV1(k8s, 'good-ingress', { metadata: { name: 'good' }, spec: { rule: [{ host: 'chat.example.com' }], tls: [{ hosts: ['chat.example.com'],
    secretName: 'tls' }] } });

  app.synth();
  stacks = readOutdir(outdir).stacks;
  report = checkStacks(stacks, RULES, []);
  rmSync(outdir, { recursive: true, force: true });
});

const fired = (rule: string) => report.violations.filter((v) => v.rule === rule).map((v) => `${v.stack}/${v.path}: ${v.message}`);

/** Each rule and every line it must report: exactly its deliberately bad constructs, none of the good-* ones. */
const cases: Array<[string, string[]]> = [
  ['AWS-S3-001', ['bad-aws/weak-bucket: has no SSE-KMS encryption with a customer key']],
  ['AWS-S3-002', ['bad-aws/weak-bucket: does not block all public access']],
  ['AWS-S3-003', ['bad-aws/weak-bucket: has no policy refusing plain HTTP and TLS below 1.2']],
  ['AWS-S3-004', ['bad-aws/weak-bucket: is not versioned']],
  ['AWS-S3-005', ['bad-aws/weak-bucket: still honours ACLs']],
  ['AWS-KMS-001', ['bad-aws/unrotated-key: does not rotate']],
  ['AWS-KMS-002', ['bad-aws/short-window-key: deletes after 7 days']],
  ['AWS-LOG-001', ['bad-aws/plain-logs: is not encrypted with a customer key']],
  ['AWS-LOG-002', ['bad-aws/plain-logs: keeps logs forever (no retention)']],
  ['AWS-EC2-001', ['bad-aws/loose-template: allows IMDSv1']],
  ['AWS-EC2-002', ['bad-aws/loose-template: lets IMDS answer 3 hops away']],
  ['AWS-EC2-003', ['bad-aws/loose-template: has a volume without customer-key encryption']],
  ['AWS-EC2-004', ['bad-aws/open-default: allows traffic']],
  ['AWS-EC2-005', ['bad-aws/rdp-inline: opens an admin port to the internet', 'bad-aws/ssh-from-anywhere: opens an admin port to the internet']],
  ['AWS-EC2-006', ['bad-aws/public-ips: assigns public IPs on launch']],
  ['AWS-VPC-001', ['bad-aws/unlogged-vpc: has no flow logs']],
  ['AWS-EKS-001', ['bad-aws/open-cluster: stores secrets without envelope encryption']],
  ['AWS-EKS-002', ['bad-aws/open-cluster: does not log audit, authenticator']],
  ['AWS-EKS-003', ['bad-aws/open-cluster: exposes its API endpoint to 0.0.0.0/0']],
  ['AWS-EKS-004', ['bad-aws/open-cluster: uses aws-auth or an implicit creator admin']],
  ['AWS-EKS-005', ["bad-aws/open-cluster: is not placed only in the network contract's private subnets", "bad-aws/public-nodes: is not placed only in " +
    "the network contract's private subnets"]],
  ['AWS-EKS-006', ['bad-aws/public-nodes: has no launch template']],
  ['AWS-IAM-001', ['bad-aws/static-key: creates a long-lived credential']],
  ['AWS-IAM-002', ['bad-aws/any-subject: can be assumed by any subject of the identity provider']],
  ['AWS-IAM-003', ['bad-aws/admin-policy: allows "*"']],
  ['AWS-IAM-004', ['bad-aws/oversized-policy: is 6598 characters with its references resolved (allowed: 6,144 for a managed policy)']],
  ['AWS-EBS-001', ['bad-kubernetes/plain-ebs: provisions unencrypted EBS volumes']],
  ['AWS-PRV-001', ['bad-aws/provider/aws[1]: may run against any account']],
  ['AZ-ST-001', ['bad-azure/weak-account: accepts TLS1_0']],
  ['AZ-ST-002', ['bad-azure/weak-account: accepts plain HTTP']],
  ['AZ-ST-003', ['bad-azure/weak-account: allows anonymous blob access']],
  ['AZ-ST-004', ['bad-azure/weak-account: encrypts data once only']],
  ['AZ-ST-005', ['bad-azure/weak-account: accepts account keys']],
  ['AZ-ST-006', ['bad-azure/weak-account: cannot restore deleted or overwritten blobs']],
  ['AZ-ST-007', ['bad-azure/public-container: is readable anonymously']],
  ['AZ-NET-001', ['bad-azure/rdp-from-internet: opens an admin port to the internet']],
  ['AZ-NET-002', ['bad-azure/bare-subnet: uses Azure\'s implicit outbound access']],
  ['AZ-NET-003', ['bad-azure/bare-subnet: has no network security group']],
  ['AZ-LOG-001', ['bad-azure/keyed-workspace: accepts workspace keys']],
  ['AZ-AKS-001', ['bad-azure/weak-cluster: keeps the static admin kubeconfig']],
  ['AZ-AKS-002', ['bad-azure/weak-cluster: does not authorize with Azure RBAC']],
  ['AZ-AKS-003', ['bad-azure/weak-cluster: exposes its API server to the internet']],
  ['AZ-AKS-004', ['bad-azure/weak-cluster: has no network policy engine']],
  ['AZ-AKS-005', ['bad-azure/weak-cluster: has no Container Insights']],
  ['AZ-AKS-006', ['bad-azure/weak-cluster: does not rotate mounted secrets']],
  ['AZ-AKS-007', ['bad-azure/plain-pool: node pool apps has neither host encryption nor a disk encryption set',
    'bad-azure/weak-cluster: node pool system has neither host encryption nor a disk encryption set']],
  ['AZ-KV-001', ['bad-azure/purgeable-vault: can be purged with its keys']],
  ['AZ-KV-002', ['bad-azure/purgeable-vault: uses access policies']],
  ['AZ-PRV-001', ['bad-azure/provider/azurerm[1]: follows whatever subscription the shell selected']],
  ['GEN-001', ['bad-aws/weak-bucket: can be destroyed by a plain destroy', 'bad-azure/purgeable-vault: can be destroyed by a plain destroy',
    'bad-azure/weak-account: can be destroyed by a plain destroy']],
  ['GEN-002', ['bad-kubernetes/floating-chart: has a literal credential at set[0] (auth.rootPassword)']],
  ['GEN-003', ['bad-aws/foreign-vpc-subnet: references aws_vpc.network, which this stack does not define']],
  ['K8S-001', ['bad-kubernetes/floating-chart: uses chart version "~> 1.0"']],
  ['K8S-002', ['bad-kubernetes/floating-chart: runs image ":latest"']],
  ['K8S-003', ['bad-kubernetes/unlabelled: has no Pod Security enforce label']],
  // An Ingress resource, a chart's ingress: block and an Ingress in the cluster-objects chart.
  ['K8S-004', ['bad-kubernetes/http-only-alb: enables a chart Ingress (values.ingress) that serves plain HTTP: its ALB listens on HTTP only',
    'bad-kubernetes/plain-http: serves plain HTTP: no tls section',
    'bad-kubernetes/plain-objects/release: renders Ingress apps/web (values.objects[0]) that serves plain HTTP: no tls section']],
  ['EDGE-001', [
    'bad-kubernetes/gateway-without-waf/release: renders Gateway azure-alb-system/bare (values.objects[0]) that has no WebApplicationFirewallPolicy ' +
      'targeting the whole Gateway (spec.targetRef kind Gateway, no sectionNames) with a WAF policy id',
    'bad-kubernetes/public-alb-without-waf: enables a chart Ingress (values.ingress) that is an internet-facing ALB without a web ACL ' +
      '(alb.ingress.kubernetes.io/wafv2-acl-arn)',
  ]],
];

/** Compliant constructs (construct path, or provider block) and the rules each shows passing. */
const counterparts: Array<[string, string[]]> = [['bad-aws/provider/aws[0]', ['AWS-PRV-001']], ['bad-aws/good-key', ['AWS-KMS-001', 'AWS-KMS-002']],
  ['bad-aws/good-bucket', ['AWS-S3-001', 'AWS-S3-002', 'AWS-S3-003', 'AWS-S3-004', 'AWS-S3-005', 'GEN-001']],
  ['bad-aws/good-network', ['AWS-EC2-004', 'AWS-EC2-006']], ['bad-aws/good-flow-logs', ['AWS-VPC-001', 'AWS-LOG-001', 'AWS-LOG-002', 'AWS-IAM-003']],
  ['bad-aws/good-control-plane', ['AWS-EKS-001', 'AWS-EKS-002', 'AWS-EKS-003', 'AWS-EKS-004', 'AWS-EKS-005', 'AWS-EC2-005']],
  ['bad-aws/good-node-pool', ['AWS-EKS-005', 'AWS-EKS-006', 'AWS-EC2-001', 'AWS-EC2-002', 'AWS-EC2-003']],
  ['bad-aws/good-workload-role', ['AWS-IAM-002', 'AWS-IAM-003']], ['bad-azure/provider/azurerm[0]', ['AZ-PRV-001']],
  ['bad-azure/good-account', ['AZ-ST-001', 'AZ-ST-002', 'AZ-ST-003', 'AZ-ST-004', 'AZ-ST-005', 'AZ-ST-006', 'GEN-001']],
  ['bad-azure/good-container', ['AZ-ST-007']], ['bad-azure/good-vnet', ['AZ-NET-001', 'AZ-NET-002', 'AZ-NET-003']],
  ['bad-azure/good-workspace', ['AZ-LOG-001']], ['bad-azure/good-vault', ['AZ-KV-001', 'AZ-KV-002', 'GEN-001']],
  ['bad-azure/good-cluster', ['AZ-AKS-001', 'AZ-AKS-002', 'AZ-AKS-003', 'AZ-AKS-004', 'AZ-AKS-005', 'AZ-AKS-006', 'AZ-AKS-007']],
  ['bad-azure/good-pool', ['AZ-AKS-007']], ['bad-kubernetes/good-chart', ['K8S-001', 'K8S-002', 'GEN-002']], ['bad-kubernetes/good-namespace', ['K8S-003']],
  ['bad-kubernetes/good-storage-classes', ['AWS-EBS-001']], ['bad-kubernetes/azure-disk', ['AWS-EBS-001']], ['bad-kubernetes/good-ingress', ['K8S-004']],
  ['bad-kubernetes/good-alb', ['K8S-004', 'EDGE-001']], ['bad-kubernetes/good-gateway', ['K8S-004', 'EDGE-001']]];

/** `<stack>/<path>` of every synthesized block: resources, data sources, providers, outputs, locals. */
const blockPaths = () => Object.entries(stacks).flatMap(([name, json]) => new StackView(name, json).blocks().map((b) => `${name}/${b.path}`));
const under = (target: string) => (path: string) => path === target || path.startsWith(`${target}/`);

describe('policy rules against real constructs', () => {
  it('has a firing case below for every rule', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const [id, lines] of cases) expect(lines.length, id).toBeGreaterThan(0);
  });

  it.each(cases)('%s fires on exactly its bad constructs', (rule, lines) => {
    expect(fired(rule).sort()).toEqual([...lines].sort());
  });

  it.each(counterparts)('%s is synthesized and passes every rule (counterpart for %s)', (target, rules) => {
    expect(blockPaths().some(under(target)), target).toBe(true);
    expect(rules.every((id) => RULES.some((r) => r.id === id))).toBe(true);
    expect(report.violations.filter((v) => under(target)(`${v.stack}/${v.path}`))).toEqual([]);
  });
});
