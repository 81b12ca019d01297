/**
 * EKS managed add-ons at pinned versions (config/versions.ts), in the order
 * that works on a cluster created without self-managed add-ons:
 * - before nodes: vpc-cni (nodes only turn Ready with a CNI), kube-proxy and
 *   the Pod Identity agent (DaemonSets, fine with zero nodes);
 * - after nodes: coredns and the EBS CSI driver, whose Deployments need nodes
 *   (coredns hangs DEGRADED when applied before any node exists).
 */
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import type { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { Construct } from 'constructs';
import type { EksAddonName } from '../../config/versions';

export interface EksAddonsProps {
  readonly clusterName: string;
  readonly versions: Readonly<Record<EksAddonName, string>>;
  /** IRSA role of kube-system/aws-node, holding AmazonEKS_CNI_Policy instead of the node role. */
  readonly vpcCniRoleArn: string;
}

export class EksAddons extends Construct {
  /** Add-ons node groups must wait for. */
  readonly beforeNodes: EksAddon[];

  constructor(scope: Construct, id: string, private readonly props: EksAddonsProps) {
    super(scope, id);
    this.beforeNodes = [
      this.addon('vpc-cni', {
        serviceAccountRoleArn: props.vpcCniRoleArn,
        // The VPC CNI's network policy agent enforces the app layer's NetworkPolicies.
        configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
      }),
      this.addon('kube-proxy'),
      this.addon('eks-pod-identity-agent'),
    ];
  }

  /** Adds the add-ons that need running nodes. */
  afterNodes(nodeGroups: EksNodeGroup[], ebsCsiRoleArn: string): EksAddon[] {
    return [
      this.addon('coredns', { dependsOn: nodeGroups }),
      this.addon('aws-ebs-csi-driver', { serviceAccountRoleArn: ebsCsiRoleArn, dependsOn: nodeGroups }),
    ];
  }

  private addon(
    name: EksAddonName,
    extra: { serviceAccountRoleArn?: string; configurationValues?: string; dependsOn?: EksNodeGroup[] } = {},
  ): EksAddon {
    return new EksAddon(this, name, {
      clusterName: this.props.clusterName,
      addonName: name,
      addonVersion: this.props.versions[name],
      // Terraform owns these add-ons' configuration; drift made by hand is overwritten.
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...extra,
    });
  }
}
