/**
 * The two security groups of an EKS cluster, with the minimal rules
 * terraform-aws-eks v21 uses (after the EKS security group requirements):
 * nodes reach the API on 443; the control plane reaches kubelets (10250) and
 * admission webhooks on nodes; nodes talk to each other on DNS and ephemeral
 * ports, and on the UDP ports the platform's peers gossip on (peer-ports.ts); nodes may egress
 * anywhere (through NAT) for images, AWS APIs and NTP.
 * Pod-to-pod policy is enforced above this, by NetworkPolicies (VPC CNI).
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { PEER_PORTS } from '../peer-ports';

export interface EksSecurityGroupsProps {
  readonly clusterName: string;
  readonly vpcId: string;
}

/** Ports the control plane calls on nodes: kubelet, then webhook servers of common add-ons. */
const CONTROL_PLANE_TO_NODE_PORTS: ReadonlyArray<[number, string]> = [
  [10250, 'kubelet API'],
  [443, 'webhooks on 443'],
  [4443, 'metrics-server'],
  [6443, 'prometheus-adapter and webhooks on 6443'],
  [8443, 'webhooks on 8443'],
  [9443, 'AWS Load Balancer Controller and cert-manager webhooks'],
  [10251, 'metrics-server on 10251'],
];

export class EksSecurityGroups extends Construct {
  readonly cluster: SecurityGroup;
  readonly nodes: SecurityGroup;

  constructor(scope: Construct, id: string, props: EksSecurityGroupsProps) {
    super(scope, id);
    const { clusterName, vpcId } = props;
    this.cluster = new SecurityGroup(this, 'cluster', {
      // Prefixes, so create-before-destroy can replace a group without a name clash.
      namePrefix: `${clusterName}-cluster-`,
      description: 'EKS control plane ENIs',
      vpcId,
      tags: { Name: `${clusterName}-cluster` },
      lifecycle: { createBeforeDestroy: true },
    });
    this.nodes = new SecurityGroup(this, 'nodes', {
      namePrefix: `${clusterName}-nodes-`,
      description: 'EKS nodes, shared by every node group',
      vpcId,
      // The AWS Load Balancer Controller adds its rules to the one group carrying this tag.
      tags: { Name: `${clusterName}-nodes`, [`kubernetes.io/cluster/${clusterName}`]: 'owned' },
      lifecycle: { createBeforeDestroy: true },
    });

    new VpcSecurityGroupIngressRule(this, 'api-from-nodes', {
      securityGroupId: this.cluster.id,
      referencedSecurityGroupId: this.nodes.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'Nodes to the Kubernetes API',
    });
    for (const [port, what] of CONTROL_PLANE_TO_NODE_PORTS) {
      new VpcSecurityGroupIngressRule(this, `nodes-${port}-from-cluster`, {
        securityGroupId: this.nodes.id,
        referencedSecurityGroupId: this.cluster.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Control plane to ${what}`,
      });
    }
    for (const protocol of ['tcp', 'udp']) {
      new VpcSecurityGroupIngressRule(this, `nodes-dns-${protocol}`, {
        securityGroupId: this.nodes.id,
        referencedSecurityGroupId: this.nodes.id,
        ipProtocol: protocol,
        fromPort: 53,
        toPort: 53,
        description: `CoreDNS over ${protocol.toUpperCase()} between nodes`,
      });
    }
    new VpcSecurityGroupIngressRule(this, 'nodes-ephemeral', {
      securityGroupId: this.nodes.id,
      referencedSecurityGroupId: this.nodes.id,
      ipProtocol: 'tcp',
      fromPort: 1025,
      toPort: 65535,
      description: 'Node and pod traffic between nodes on unprivileged ports',
    });
    for (const peer of PEER_PORTS) {
      new VpcSecurityGroupIngressRule(this, `nodes-peer-${peer.port}-${peer.protocol}`, {
        securityGroupId: this.nodes.id,
        referencedSecurityGroupId: this.nodes.id,
        ipProtocol: peer.protocol,
        fromPort: peer.port,
        toPort: peer.port,
        description: `${peer.who} between nodes (${peer.protocol.toUpperCase()})`,
      });
    }
    new VpcSecurityGroupEgressRule(this, 'nodes-egress', {
      securityGroupId: this.nodes.id,
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
      description: 'Images, AWS APIs and NTP, through the NAT gateways or VPC endpoints',
    });
  }
}
