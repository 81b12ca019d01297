/**
 * The platform layer's AWS side: gp3 volumes encrypted with the cluster's EBS
 * key, the Route53 zone, S3 buckets and Secrets Manager under a platform KMS
 * key, the ALB edge, and the add-ons EKS leaves to the user (metrics-server,
 * cluster-autoscaler). Every workload identity is an IRSA role bound to one
 * service account.
 */
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import { CHARTS, CLUSTER_AUTOSCALER_IMAGES } from '../../config/versions';
import { awsBucketName, clusterName } from '../../config/names';
import { chartRelease } from '../platform/chart-release';
import type {
  BlockStorage,
  DnsZone,
  ObjectStore,
  PlatformCloud,
  SecretStore,
} from '../platform/platform-cloud';
import { controllerReplicas, resourcesFor, zoneSpread } from '../../config/sizing';
import { AwsHttpsEdge } from './https-edge';
import { CustomerKey } from './kms-key';
import { secretsManagerStore } from './secret-store';
import { bucketReadWrite, SecureBucket } from './secure-bucket';
import { irsaIdentity, workloadRoles, type WorkloadBinding } from './workload-role';
import { componentValues } from '../../config/components';

export interface AwsPlatformCloudProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  readonly vpcId: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  readonly ebsKmsKeyArn: string;
}

export class AwsPlatformCloud extends Construct implements PlatformCloud {
  readonly blockStorage: BlockStorage;
  readonly dns: DnsZone;
  readonly objectStore: ObjectStore;
  readonly secrets: SecretStore;
  readonly edge: AwsHttpsEdge;

  constructor(scope: Construct, id: string, props: AwsPlatformCloudProps) {
    super(scope, id);
    const { env, partition } = props;
    const { accountId, region } = env.aws;
    const cluster = clusterName(env);
    const irsa: WorkloadBinding = { kind: 'irsa', oidcProviderArn: props.oidcProviderArn, oidcIssuerUrl: props.oidcIssuerUrl };
    const role = workloadRoles(this, cluster, irsa);

    this.blockStorage = {
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: props.ebsKmsKeyArn, 'csi.storage.k8s.io/fstype': 'ext4' },
    };

    const zone = new DataAwsRoute53Zone(this, 'zone', { name: env.platform.dnsZone, privateZone: false });
    const zoneArn = `arn:${partition}:route53:::hostedzone/${zone.zoneId}`;
    this.dns = {
      zoneName: env.platform.dnsZone,
      bind: (name, sa, options) =>
        irsaIdentity(
          role(name, `Changes records in the ${env.platform.dnsZone} zone`, sa, [
            { Sid: 'ReadRecordsInZone', Effect: 'Allow', Action: 'route53:ListResourceRecordSets', Resource: zoneArn },
            {
              Sid: 'ChangeRecordsInZone',
              Effect: 'Allow',
              Action: 'route53:ChangeResourceRecordSets',
              Resource: zoneArn,
              // The DNS01 solver only ever writes _acme-challenge TXT records (cert-manager's Route53 guide).
              ...(options?.acmeChallengesOnly
                ? {
                    Condition: {
                      'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
                      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_acme-challenge.*'] },
                    },
                  }
                : {}),
            },
            { Sid: 'FollowChanges', Effect: 'Allow', Action: 'route53:GetChange', Resource: `arn:${partition}:route53:::change/*` },
            // The solver is given the zone id; only external-dns discovers zones.
            ...(options?.listZones
              ? [{ Sid: 'FindZone', Effect: 'Allow' as const, Action: ['route53:ListHostedZones', 'route53:ListHostedZonesByName', 'route53:ListTagsForResources'], Resource: '*' }]
              : []),
          ]),
        ),
      // Ambient credentials: the solver uses cert-manager's IRSA role.
      acmeDns01: () => ({ route53: { region, hostedZoneID: zone.zoneId } }),
      externalDnsValues: () => ({
        provider: { name: 'aws' },
        env: [{ name: 'AWS_DEFAULT_REGION', value: region }],
        extraArgs: ['--aws-zone-type=public'],
      }),
      externalDnsPrerequisites: () => [],
    };

    // One key for the platform's buckets and secrets; deletion waits 30 days and the buckets keep it from destroy.
    const key = new CustomerKey(this, 'platform-key', {
      description: `${env.name} platform: Loki and Tempo buckets, platform secrets`,
      alias: `${env.name}-platform`,
      accountId,
      partition,
      preventDestroy: true,
    });
    const keyArn = key.key.arn;

    this.objectStore = {
      bucket: (purpose, sa) => {
        const bucket = new SecureBucket(this, `${purpose}-bucket`, {
          bucketName: awsBucketName(env.name, accountId, purpose),
          kmsKeyArn: keyArn,
          noncurrentVersionDays: 30,
        }).bucket;
        const identity = role(purpose, `${purpose}: reads and writes its own bucket`, sa, bucketReadWrite(bucket.arn, keyArn));
        return { location: { backend: 's3', bucket: bucket.bucket, region }, identity: irsaIdentity(identity) };
      },
    };

    this.secrets = secretsManagerStore(this, keyArn);

    this.edge = new AwsHttpsEdge(this, 'edge', { env, clusterName: cluster, vpcId: props.vpcId, zoneId: zone.zoneId, partition, irsa, secrets: this.secrets });

    // EKS ships neither: metrics-server feeds HPAs and kubectl top, cluster-autoscaler grows node groups (tags set by the cluster layer).
    chartRelease(this, 'metrics-server', {
      pin: CHARTS.metricsServer,
      overrides: componentValues(env, 'metricsServer'),
      namespace: 'kube-system',
      values: {
        replicas: controllerReplicas(env),
        podDisruptionBudget: { enabled: controllerReplicas(env) > 1, maxUnavailable: 1 },
        topologySpreadConstraints: zoneSpread(controllerReplicas(env), { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' }),
        resources: resourcesFor(env, 'controller'),
      },
    });
    const autoscalerSa = { namespace: 'kube-system', name: 'cluster-autoscaler' };
    const autoscaler = role('cluster-autoscaler', 'cluster-autoscaler: resizes this cluster\'s node groups', autoscalerSa, [
      {
        Sid: 'Discover',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
        ],
        Resource: '*',
      },
      {
        Sid: 'ResizeOwnGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: 'owned' } },
      },
    ]);
    chartRelease(this, 'cluster-autoscaler', {
      pin: CHARTS.clusterAutoscaler,
      overrides: componentValues(env, 'clusterAutoscaler'),
      namespace: autoscalerSa.namespace,
      values: {
        cloudProvider: 'aws',
        awsRegion: region,
        image: { tag: CLUSTER_AUTOSCALER_IMAGES[env.kubernetes.version] },
        autoDiscovery: { clusterName: cluster },
        rbac: { serviceAccount: { create: true, name: autoscalerSa.name, annotations: autoscaler.serviceAccountAnnotations } },
        extraArgs: { 'balance-similar-node-groups': true, expander: 'least-waste', 'skip-nodes-with-system-pods': false },
        resources: resourcesFor(env, 'controller'),
      },
    });
  }
}
