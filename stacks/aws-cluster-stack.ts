/**
 * `<env>-cluster` on AWS: the EKS control plane, IRSA, node pools, add-ons and
 * their identities; reads the aws-network contract, publishes aws-cluster.
 */
import { Fn, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { AwsEnvironment } from '../config/schema';
import { EKS_ADDON_VERSIONS } from '../config/versions';
import { EbsKey, ebsCsiKeyStatements } from '../constructs/aws/ebs-key';
import { EksCiAccess } from '../constructs/aws/eks-ci-access';
import { EksAddons } from '../constructs/aws/eks-addons';
import { EksControlPlane } from '../constructs/aws/eks-control-plane';
import { EksNodePool, EksNodeRole } from '../constructs/aws/eks-node-pool';
import { managedPolicyArn, partitionOf } from '../constructs/aws/policy';
import { boundCreatedRoles } from '../constructs/aws/deploy-fence';
import { awsProvider } from '../constructs/aws/provider';
import { WorkloadRole, type WorkloadBinding } from '../constructs/aws/workload-role';
import { LayerStack } from '../constructs/layer-stack';
import { awsRoleName, clusterName, nodeGroupName, stackName, standardTags } from '../config/names';
import { consume, publish } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { awsClusterContract, awsNetworkContract } from './aws-contracts';

export class AwsClusterStack extends LayerStack {
  constructor(scope: Construct, env: AwsEnvironment, network: LayerStack) {
    const id = stackName(env, 'cluster');
    super(scope, id, stateLocation(env, id));
    const { accountId, region } = env.aws;
    const partition = partitionOf(region);
    const k8s = env.kubernetes;
    const name = clusterName(env);
    awsProvider(this, { accountId, region, tags: standardTags(env) });
    // Roles this stack creates stay inside the fences of the deploy role that applies it.
    boundCreatedRoles(this, env, partition);
    const net = consume(this, network, awsNetworkContract);

    const controlPlane = new EksControlPlane(this, 'control-plane', {
      name,
      version: k8s.version,
      accountId,
      region,
      partition,
      vpcId: net.vpcId,
      subnetIds: net.privateSubnetIds,
      publicEndpointCidrs: k8s.publicEndpointCidrs,
      adminRoleArns: k8s.adminRoleArns,
      logRetentionDays: k8s.logRetentionDays,
      supportType: k8s.supportType,
      deletionProtection: env.tier === 'prod',
    });
    const cluster = controlPlane.cluster;
    // CI identities exist where the bootstrap stack of a remote state store made them; CI cannot use local state.
    if (env.state.type === 's3') new EksCiAccess(this, 'ci-access', { env, partition, clusterName: cluster.name });
    const irsa: WorkloadBinding = {
      kind: 'irsa',
      oidcProviderArn: controlPlane.oidcProvider.arn,
      oidcIssuerUrl: controlPlane.oidcIssuerUrl,
    };

    const vpcCni = new WorkloadRole(this, 'vpc-cni-identity', {
      roleName: awsRoleName(name, 'vpc-cni'),
      description: 'VPC CNI: assigns pod addresses',
      namespace: 'kube-system',
      serviceAccount: 'aws-node',
      binding: irsa,
      managedPolicyArns: [managedPolicyArn(partition, 'AmazonEKS_CNI_Policy')],
    });
    const addons = new EksAddons(this, 'addons', {
      clusterName: cluster.name,
      versions: EKS_ADDON_VERSIONS[k8s.version]!,
      vpcCniRoleArn: vpcCni.role.arn,
    });

    const ebsKey = new EbsKey(this, 'ebs-key', { clusterName: name, accountId, partition });
    const nodeRole = new EksNodeRole(this, 'node-role', { clusterName: name, partition });
    type Pool = (typeof k8s.nodePools)[number];
    const nodePool = (id: string, pool: Pool, subnetIds: string[], perZone: { zone?: string; after?: ITerraformDependable[] } = {}) =>
      new EksNodePool(this, `pool-${id}`, {
        name: nodeGroupName(name, pool.name, perZone.zone),
        clusterName: cluster.name,
        kubernetesVersion: k8s.version,
        releaseVersion: k8s.nodeImageRelease,
        pool,
        nodeRole,
        subnetIds,
        securityGroupId: controlPlane.securityGroups.nodes.id,
        ebsKeyArn: ebsKey.arn,
        zone: perZone.zone,
        dependsOn: [...addons.beforeNodes, ...(perZone.after ?? [])],
      });
    // The network contract lists private subnets in availabilityZones order.
    // A per-zone pool's groups wait for each other, so a node image roll replaces one zone's nodes at a
    // time: with one database member per zone, the PDB then never blocks two drains at once.
    const zonalGroups = (pool: Pool) =>
      env.network.availabilityZones.reduce<EksNodePool[]>(
        (groups, zone, i) => [
          ...groups,
          nodePool(`${pool.name}-${zone.slice(-1)}`, pool, [Fn.element(net.privateSubnetIds, i)], { zone, after: groups.slice(-1).map((g) => g.nodeGroup) }),
        ],
        [],
      );
    const pools = k8s.nodePools.flatMap((pool) => (pool.perZone ? zonalGroups(pool) : [nodePool(pool.name, pool, net.privateSubnetIds)]));

    const ebsCsi = new WorkloadRole(this, 'ebs-csi-identity', {
      roleName: awsRoleName(name, 'ebs-csi'),
      description: 'EBS CSI driver: creates and attaches encrypted volumes',
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      binding: irsa,
      managedPolicyArns: [managedPolicyArn(partition, 'service-role/AmazonEBSCSIDriverPolicy')],
      statements: ebsCsiKeyStatements(ebsKey.arn),
    });
    addons.afterNodes(
      pools.map((p) => p.nodeGroup),
      ebsCsi.role.arn,
    );

    publish(this, awsClusterContract, {
      region,
      clusterName: cluster.name,
      clusterEndpoint: cluster.endpoint,
      clusterCertificateAuthorityData: cluster.certificateAuthority.get(0).data,
      oidcProviderArn: controlPlane.oidcProvider.arn,
      oidcIssuerUrl: controlPlane.oidcIssuerUrl,
      clusterSecurityGroupId: controlPlane.securityGroups.cluster.id,
      nodeSecurityGroupId: controlPlane.securityGroups.nodes.id,
      secretsKmsKeyArn: controlPlane.secretsKey.key.arn,
      ebsKmsKeyArn: ebsKey.arn,
    });
  }
}
