/**
 * The EKS control plane: secrets envelope-encrypted with a rotating customer
 * key; every control-plane log type in a KMS-encrypted log group created
 * before the cluster (or EKS would create an unencrypted one); a private API
 * endpoint, public only for listed sources; access entries (API mode) for the
 * configured admin roles and no implicit admin for whoever ran Terraform; the
 * IAM OIDC provider for IRSA.
 */
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { EksSecurityGroups } from './eks-security-groups';
import { CustomerKey } from './kms-key';
import { managedPolicyArn, policyDocument } from './policy';
import { awsRoleName } from '../../config/names';

/** All five: audit and authenticator for forensics, the rest to debug scheduling and controllers. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export interface EksControlPlaneProps {
  readonly name: string;
  readonly version: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly publicEndpointCidrs: readonly string[];
  readonly adminRoleArns: readonly string[];
  readonly logRetentionDays: number;
  readonly supportType: 'STANDARD' | 'EXTENDED';
  /** Refuse `DeleteCluster` until this is turned off. */
  readonly deletionProtection: boolean;
}

export class EksControlPlane extends Construct {
  readonly cluster: EksCluster;
  readonly securityGroups: EksSecurityGroups;
  readonly secretsKey: CustomerKey;
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly oidcIssuerUrl: string;

  constructor(scope: Construct, id: string, props: EksControlPlaneProps) {
    super(scope, id);
    const { name, accountId, region, partition } = props;

    this.secretsKey = new CustomerKey(this, 'secrets-key', {
      description: `Envelope-encrypts Kubernetes secrets of ${name}`,
      alias: `${name}/eks-secrets`,
      accountId,
      partition,
    });
    const logs = new EncryptedLogGroup(this, 'logs', {
      // The name EKS writes to; it must exist first.
      name: `/aws/eks/${name}/cluster`,
      keyAlias: `${name}/eks-logs`,
      description: `Encrypts the control-plane logs of ${name}`,
      retentionDays: props.logRetentionDays,
      accountId,
      region,
      partition,
    });

    const role = new IamRole(this, 'role', {
      name: awsRoleName(name, 'eks-cluster'),
      description: 'EKS control plane',
      assumeRolePolicy: policyDocument([
        { Sid: 'EksService', Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      ]),
    });
    new IamRolePolicyAttachment(this, 'cluster-policy', { role: role.name, policyArn: managedPolicyArn(partition, 'AmazonEKSClusterPolicy') });
    const keyUse = new IamRolePolicy(this, 'secrets-key-use', {
      role: role.name,
      name: 'encrypt-secrets',
      policy: policyDocument([
        {
          Sid: 'UseSecretsKey',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
          Resource: this.secretsKey.key.arn,
        },
      ]),
    });

    this.securityGroups = new EksSecurityGroups(this, 'security-groups', { clusterName: name, vpcId: props.vpcId });
    const publicEndpoint = props.publicEndpointCidrs.length > 0;

    this.cluster = new EksCluster(this, 'cluster', {
      name,
      version: props.version,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroups.cluster.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        publicAccessCidrs: publicEndpoint ? [...props.publicEndpointCidrs] : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // Networking add-ons come from the EKS add-on API, pinned, not from EKS's unmanaged defaults.
      bootstrapSelfManagedAddons: false,
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.key.arn } },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      upgradePolicy: { supportType: props.supportType },
      deletionProtection: props.deletionProtection,
      // Lets ARC shift traffic away from an impaired zone.
      zonalShiftConfig: { enabled: true },
      dependsOn: [logs.logGroup, keyUse],
    });

    for (const [i, principalArn] of props.adminRoleArns.entries()) {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      });
    }

    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    // No thumbprint: IAM trusts the EKS OIDC endpoint's certificate through its own CA library.
    this.oidcProvider = new IamOpenidConnectProvider(this, 'oidc-provider', {
      url: this.oidcIssuerUrl,
      clientIdList: ['sts.amazonaws.com'],
      tags: { Name: `${name}-irsa` },
    });
  }
}
