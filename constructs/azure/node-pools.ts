/**
 * AKS node pools from config. The System pool is the cluster's default pool
 * (built inside the cluster resource, see aks-cluster.ts); every User pool is
 * its own resource. Both share poolSettings so they cannot drift apart.
 */
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';

export type AzureNodePool = AzureEnvironment['kubernetes']['nodePools'][number];

/** AKS puts this label and taint on Spot nodes itself; declaring them avoids a perpetual diff. */
export const SPOT_LABEL = { 'kubernetes.azure.com/scalesetpriority': 'spot' };
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';

export interface PoolPlacement {
  readonly subnetId: string;
  /** Kubernetes minor version; the patch channel keeps nodes on its latest patch. */
  readonly version: string;
}

/** Settings every pool gets: autoscaling between min and max, zones, the node subnet, Azure Linux, no public IPs. */
export function poolSettings(pool: AzureNodePool, placement: PoolPlacement) {
  return {
    name: pool.name,
    vmSize: pool.vmSize,
    zones: pool.zones,
    autoScalingEnabled: true,
    minCount: pool.minSize,
    maxCount: pool.maxSize,
    // Only the initial size: the autoscaler owns node_count afterwards (ignored in lifecycle).
    nodeCount: pool.desiredSize,
    vnetSubnetId: placement.subnetId,
    orchestratorVersion: placement.version,
    osSku: 'AzureLinux',
    osDiskType: pool.osDiskType,
    osDiskSizeGb: pool.osDiskSizeGb,
    hostEncryptionEnabled: pool.hostEncryption,
    nodePublicIpEnabled: false,
    // Changing the VM size, disks or zones replaces nodes through a temporary pool instead of recreating the cluster.
    temporaryNameForRotation: `${pool.name.slice(0, 9)}tmp`,
  };
}

/** One surge node per three during upgrades, as in the AKS baseline. */
export const UPGRADE_SURGE = '33%';

export interface UserNodePoolProps {
  readonly clusterId: string;
  readonly pool: AzureNodePool;
  readonly placement: PoolPlacement;
}

export class UserNodePool extends Construct {
  readonly nodePool: KubernetesClusterNodePool;

  constructor(scope: Construct, id: string, props: UserNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.nodePool = new KubernetesClusterNodePool(this, 'pool', {
      ...poolSettings(pool, props.placement),
      kubernetesClusterId: props.clusterId,
      mode: 'User',
      ...(pool.spot
        ? {
            priority: 'Spot',
            evictionPolicy: 'Delete',
            // -1: pay up to the on-demand price, so nodes are evicted for capacity, never for price.
            spotMaxPrice: -1,
            nodeLabels: SPOT_LABEL,
            nodeTaints: [SPOT_TAINT],
            // AKS refuses surge settings on Spot pools.
          }
        : { priority: 'Regular', upgradeSettings: { maxSurge: UPGRADE_SURGE } }),
      lifecycle: { ignoreChanges: ['node_count'] },
    });
  }
}
