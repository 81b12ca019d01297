/**
 * The two identities an AKS cluster runs as, created before it so their
 * permissions exist when AKS first uses them:
 * - control plane: manages load balancers, disks and node VMs; needs Network
 *   Contributor on the node subnet (bring-your-own VNet) and Managed Identity
 *   Operator on the kubelet identity to attach it to nodes;
 * - kubelet: the nodes' identity (image pulls); it gets no roles here.
 */
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { grantRole } from './role';
import { azureIdentityName } from '../../config/names';

export interface ClusterIdentitiesProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly nodeSubnetId: string;
}

export class ClusterIdentities extends Construct {
  readonly controlPlane: UserAssignedIdentity;
  readonly kubelet: UserAssignedIdentity;
  /** The cluster must wait for these, or its first reconcile fails on missing permissions. */
  readonly grants: RoleAssignment[];

  constructor(scope: Construct, id: string, props: ClusterIdentitiesProps) {
    super(scope, id);
    const { clusterName, resourceGroupName, location } = props;
    this.controlPlane = new UserAssignedIdentity(this, 'control-plane', {
      name: azureIdentityName(clusterName, 'control-plane'),
      resourceGroupName,
      location,
    });
    this.kubelet = new UserAssignedIdentity(this, 'kubelet', {
      name: azureIdentityName(clusterName, 'kubelet'),
      resourceGroupName,
      location,
    });
    this.grants = [
      grantRole(this, 'control-plane-subnet', {
        role: 'Network Contributor',
        scope: props.nodeSubnetId,
        principalId: this.controlPlane.principalId,
        description: 'AKS control plane: join nodes and internal load balancers to the node subnet',
      }),
      grantRole(this, 'control-plane-kubelet-operator', {
        role: 'Managed Identity Operator',
        scope: this.kubelet.id,
        principalId: this.controlPlane.principalId,
        description: 'AKS control plane: assign the kubelet identity to node VMs',
      }),
    ];
  }

  /** Extra roles the control plane needs on resources built elsewhere (the disk encryption set). */
  grantControlPlane(id: string, role: string, resourceId: string, description: string): void {
    this.grants.push(grantRole(this, id, { role, scope: resourceId, principalId: this.controlPlane.principalId, description }));
  }
}
