/**
 * Managed node groups in private subnets only. Each pool gets a launch
 * template that requires IMDSv2 (hop limit 1 unless the pool asks for 2, so
 * pods cannot borrow the node role) and encrypts its gp3 root volume with the
 * cluster's EBS key; AL2023 AMIs for the pool's architecture, at the release
 * pinned in config. The shared node
 * role has only the two policies nodes need: the VPC CNI's permissions live on
 * the aws-node service account's own role instead.
 */
import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import { isArmInstanceType } from '../../config/schema-aws';
import { managedPolicyArn, policyDocument } from './policy';
import { ASG_LABEL_TAG_PREFIX, ASG_TAINT_TAG_PREFIX, awsRoleName, nodeGroupNamePrefix } from '../../config/names';

type NodePoolConfig = AwsEnvironment['kubernetes']['nodePools'][number];

export const NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'];

export class EksNodeRole extends Construct {
  readonly role: IamRole;
  readonly attachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: { clusterName: string; partition: string }) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: awsRoleName(props.clusterName, 'eks-nodes'),
      description: 'EKS managed node groups',
      assumeRolePolicy: policyDocument([
        { Sid: 'Ec2Instances', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    });
    this.attachments = NODE_ROLE_POLICIES.map(
      (policy) => new IamRolePolicyAttachment(this, policy, { role: this.role.name, policyArn: managedPolicyArn(props.partition, policy) }),
    );
  }
}

export interface EksNodePoolProps {
  /** Node group, launch template and instance name. */
  readonly name: string;
  /** The cluster's name as a reference, so the pool waits for the cluster. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  /** The EKS AMI release (kubernetes.nodeImageRelease), the same for every pool and architecture. */
  readonly releaseVersion: string;
  readonly pool: NodePoolConfig;
  readonly nodeRole: EksNodeRole;
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  readonly ebsKeyArn: string;
  /** The one zone of a per-zone group: told to cluster-autoscaler for scale-from-zero. */
  readonly zone?: string;
  /** What must exist before nodes join: the networking add-ons. */
  readonly dependsOn: ITerraformDependable[];
}

/** Config validation keeps a pool to one architecture. */
export function amiTypeFor(instanceTypes: readonly string[]): string {
  return instanceTypes.every(isArmInstanceType) ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
}

export class EksNodePool extends Construct {
  readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: EksNodePoolProps) {
    super(scope, id);
    const { pool, clusterName, name } = props;
    const labels = { ...pool.labels, 'node-pool': pool.name };

    const template = new LaunchTemplate(this, 'launch-template', {
      name,
      description: `Nodes of ${name}`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [props.securityGroupId],
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: pool.imdsHopLimit,
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeType: 'gp3',
            volumeSize: pool.diskSizeGb,
            encrypted: 'true',
            kmsKeyId: props.ebsKeyArn,
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: name } },
        { resourceType: 'volume', tags: { Name: name } },
      ],
    });

    // A release from config, not AWS's "recommended" parameter: nodes roll (maxUnavailable
    // below) only when someone changes the pin, never on an unrelated apply of this stack.
    const amiType = amiTypeFor(pool.instanceTypes);

    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName,
      // A prefix, so a change that replaces the group (instance types, capacity
      // type) creates the new one before draining the old.
      nodeGroupNamePrefix: nodeGroupNamePrefix(name),
      version: props.kubernetesVersion,
      releaseVersion: props.releaseVersion,
      nodeRoleArn: props.nodeRole.role.arn,
      subnetIds: props.subnetIds,
      amiType,
      capacityType: pool.capacityType,
      instanceTypes: [...pool.instanceTypes],
      scalingConfig: { minSize: pool.minSize, desiredSize: pool.desiredSize, maxSize: pool.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      labels,
      taint: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      // The cluster autoscaler owns the current size once the pool exists.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
      dependsOn: [...props.nodeRole.attachments, ...props.dependsOn],
    });

    // Cluster-autoscaler discovers groups by these ASG tags; the node-template
    // tags let it scale a pool up from zero knowing its labels and taints.
    const asgName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
    const asgTags: Record<string, string> = {
      'k8s.io/cluster-autoscaler/enabled': 'true',
      [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
      ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`${ASG_LABEL_TAG_PREFIX}${k}`, v])),
      ...Object.fromEntries(pool.taints.map((t) => [`${ASG_TAINT_TAG_PREFIX}${t.key}`, `${t.value}:${taintEffect(t.effect)}`])),
      ...(props.zone ? { [`${ASG_LABEL_TAG_PREFIX}topology.kubernetes.io/zone`]: props.zone } : {}),
    };
    Object.entries(asgTags).forEach(([key, value], i) => {
      new AutoscalingGroupTagA(this, `asg-tag-${i}`, { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: false } });
    });
  }
}

/** EKS spells taint effects NO_SCHEDULE; Kubernetes (and the autoscaler's tags) NoSchedule. */
function taintEffect(effect: string): string {
  return effect
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
