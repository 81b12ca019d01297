/**
 * Each rule that a missing attribute would silently pass, fired by a real,
 * deliberately bad construct: proves the rule reads the attribute name the
 * provider binding actually synthesizes.
 */
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { App, TerraformStack } from 'cdktf';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClusterObjects } from '../constructs/platform/cluster-objects';
import { RULES, checkStacks, type PolicyReport } from '../policies';
import { readOutdir, tempDir } from './helpers';

let report: PolicyReport;

beforeAll(() => {
  const outdir = tempDir();
  const app = new App({ outdir });
  const aws = new TerraformStack(app, 'bad-aws');
  new AwsProvider(aws, 'aws', { region: 'eu-west-1', allowedAccountIds: ['111111111111'] });
  new KmsKey(aws, 'short-window-key', { enableKeyRotation: true, deletionWindowInDays: 7 });
  new LaunchTemplate(aws, 'loose-template', {
    metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 3 },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'false' } }],
  });
  new DefaultSecurityGroup(aws, 'open-default', { ingress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['10.0.0.0/8'] }] });
  new VpcSecurityGroupIngressRule(aws, 'ssh-from-anywhere', { securityGroupId: 'sg-1', cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 22, toPort: 22 });
  new SecurityGroup(aws, 'rdp-inline', { ingress: [{ fromPort: 3389, toPort: 3389, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }] });
  new Subnet(aws, 'public-ips', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
  new IamAccessKey(aws, 'static-key', { user: 'ci' });
  new IamRole(aws, 'any-subject', {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/x' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'x:aud': 'sts.amazonaws.com' } } }],
    }),
  });
  new IamRolePolicy(aws, 'admin-policy', { role: 'r', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) });

  const azure = new TerraformStack(app, 'bad-azure');
  new AzurermProvider(azure, 'azurerm', { features: [{}], subscriptionId: 's', tenantId: 't' });
  new StorageAccount(azure, 'http-account', {
    name: 'x', resourceGroupName: 'rg', location: 'westeurope', accountTier: 'Standard', accountReplicationType: 'ZRS', httpsTrafficOnlyEnabled: false,
  });
  new StorageContainer(azure, 'public-container', { name: 'c', storageAccountId: 'id', containerAccessType: 'blob' });
  new NetworkSecurityRule(azure, 'rdp-from-internet', {
    name: 'rdp', networkSecurityGroupName: 'nsg', resourceGroupName: 'rg', priority: 100, direction: 'Inbound', access: 'Allow',
    protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*',
  });

  const aks = new KubernetesCluster(azure, 'plain-disks', {
    name: 'aks', location: 'westeurope', resourceGroupName: 'rg', dnsPrefix: 'aks', identity: { type: 'SystemAssigned' },
    defaultNodePool: { name: 'system', vmSize: 'Standard_D4ds_v5', hostEncryptionEnabled: false },
  });
  new KubernetesClusterNodePool(azure, 'plain-pool', { name: 'apps', kubernetesClusterId: aks.id, vmSize: 'Standard_D4ds_v5' });
  new KubernetesClusterNodePool(azure, 'host-encrypted-pool', { name: 'data', kubernetesClusterId: aks.id, vmSize: 'Standard_D4ds_v5', hostEncryptionEnabled: true });

  const k8s = new TerraformStack(app, 'bad-kubernetes');
  new HelmProvider(k8s, 'helm', {});
  new KubernetesProvider(k8s, 'kubernetes', {});
  new Release(k8s, 'floating-chart', {
    name: 'x', chart: 'x', repository: 'https://example.org', version: '~> 1.0',
    values: [JSON.stringify({ image: { repository: 'rocketchat/rocket.chat', tag: 'latest' } })],
    set: [{ name: 'auth.rootPassword', value: 'hunter2hunter2' }],
  });
  new NamespaceV1(k8s, 'unlabelled', { metadata: { name: 'apps' } });
  new StorageClassV1(k8s, 'plain-ebs', { metadata: { name: 'gp3' }, storageProvisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  new StorageClassV1(k8s, 'azure-disk', { metadata: { name: 'premium' }, storageProvisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_ZRS' } });
  new IngressV1(k8s, 'plain-http', { metadata: { name: 'web' }, spec: { rule: [{ host: 'chat.example.com' }] } });
  new Release(k8s, 'http-only-alb', {
    name: 'web', chart: 'web', repository: 'https://example.org', version: '1.0.0',
    values: [JSON.stringify({ ingress: { enabled: true, ingressClassName: 'alb', annotations: { 'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]' } } })],
  });
  new ClusterObjects(k8s, 'plain-objects', {
    name: 'objects', namespace: 'apps', dependsOn: [],
    objects: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'apps' }, spec: { rules: [{ host: 'chat.example.com' }] } }],
  });

  app.synth();
  report = checkStacks(readOutdir(outdir).stacks, RULES, []);
  rmSync(outdir, { recursive: true, force: true });
});

const fired = (rule: string) => report.violations.filter((v) => v.rule === rule).map((v) => `${v.stack}/${v.path}: ${v.message}`);

describe('policy rules against real constructs', () => {
  it.each([
    ['AWS-KMS-002', 'bad-aws/short-window-key: deletes after 7 days'],
    ['AWS-EC2-002', 'bad-aws/loose-template: lets IMDS answer 3 hops away'],
    ['AWS-EC2-003', 'bad-aws/loose-template: has a volume without customer-key encryption'],
    ['AWS-EC2-004', 'bad-aws/open-default: allows traffic'],
    ['AWS-EC2-006', 'bad-aws/public-ips: assigns public IPs on launch'],
    ['AWS-IAM-001', 'bad-aws/static-key: creates a long-lived credential'],
    ['AWS-IAM-002', 'bad-aws/any-subject: can be assumed by any subject of the identity provider'],
    ['AWS-IAM-003', 'bad-aws/admin-policy: allows "*"'],
    ['AZ-ST-002', 'bad-azure/http-account: accepts plain HTTP'],
    ['AZ-ST-007', 'bad-azure/public-container: is readable anonymously'],
    ['AZ-NET-001', 'bad-azure/rdp-from-internet: opens an admin port to the internet'],
    ['AWS-EBS-001', 'bad-kubernetes/plain-ebs: provisions unencrypted EBS volumes'],
    ['K8S-001', 'bad-kubernetes/floating-chart: uses chart version "~> 1.0"'],
    ['K8S-002', 'bad-kubernetes/floating-chart: runs image ":latest"'],
    ['K8S-003', 'bad-kubernetes/unlabelled: has no Pod Security enforce label'],
    ['GEN-002', 'bad-kubernetes/floating-chart: has a literal credential at set[0] (auth.rootPassword)'],
  ])('%s fires on %s', (rule, line) => {
    expect(fired(rule)).toEqual([line]);
  });

  it('K8S-004 fires on an Ingress resource, a chart ingress: block and an Ingress in the cluster-objects chart', () => {
    expect(fired('K8S-004').sort()).toEqual([
      'bad-kubernetes/http-only-alb: enables a chart Ingress (values.ingress) that serves plain HTTP: its ALB listens on HTTP only',
      'bad-kubernetes/plain-http: serves plain HTTP: no tls section',
      'bad-kubernetes/plain-objects/release: renders Ingress apps/web (values.objects[0]) that serves plain HTTP: no tls section',
    ]);
  });

  it('AZ-AKS-007 fires on the default node pool and a separate pool without host encryption or a disk encryption set', () => {
    expect(fired('AZ-AKS-007').sort()).toEqual([
      'bad-azure/plain-disks: node pool system has neither host encryption nor a disk encryption set',
      'bad-azure/plain-pool: node pool apps has neither host encryption nor a disk encryption set',
    ]);
  });

  it('AWS-EC2-005 fires on both rule resources and inline rules', () => {
    expect(fired('AWS-EC2-005').sort()).toEqual([
      'bad-aws/rdp-inline: opens an admin port to the internet',
      'bad-aws/ssh-from-anywhere: opens an admin port to the internet',
    ]);
  });
});
