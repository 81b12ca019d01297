/**
 * Mistakes the clouds refuse at apply, caught before synth: each case is one distinct mistake,
 * its exact message, and proof that nothing was written (the loader runs before any write;
 * config-load.test.ts shows the CLI leaves an existing cdktf.out as it was).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import awsProd from '../config/environments/aws-prod';
import azureDev from '../config/environments/azure-dev';
import azureProd from '../config/environments/azure-prod';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { environmentFiles, unregisteredProblems } from '../config/registry';
import { builtNames } from '../config/rules-names';
import { type Json, refused, registryWith, synthExamples } from './support';

type Mutable = Record<string, any>;
type Base = 'aws-dev' | 'aws-prod' | 'azure-dev' | 'azure-prod';

interface BadCase {
  readonly title: string;
  readonly base: Base;
  readonly change: (c: Mutable) => void;
  readonly problems: string[];
}

/** The lists the region messages end with, written out (config/facts/aws-regions.ts, config/facts/azure-locations.ts). */
const AWS_REGIONS = 'us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, ca-west-1, mx-central-1, sa-east-1, eu-west-1, eu-west-2, eu-west-3, ' +
  'eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, il-central-1, me-south-1, me-central-1, af-south-1, ap-east-1, ap-east-2, ap-south-1, ' +
  'ap-south-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ' +
  'ap-southeast-6, ap-southeast-7; config/facts/aws-regions.ts)';
const ZONAL_REGIONS = 'australiaeast, austriaeast, brazilsouth, canadacentral, centralindia, centralus, chilecentral, eastasia, eastus, eastus2, ' +
  'francecentral, germanywestcentral, indonesiacentral, israelcentral, italynorth, japaneast, japanwest, koreacentral, malaysiawest, mexicocentral, ' +
  'newzealandnorth, northeurope, norwayeast, polandcentral, qatarcentral, southafricanorth, southcentralus, southeastasia, spaincentral, ' +
  'swedencentral, switzerlandnorth, uaenorth, uksouth, westeurope, westus2, westus3)';

const facts: BadCase[] = [
  { title: 'an AWS region that does not exist', base: 'aws-dev',
    change: (c) => { c.aws.region = 'eu-west-4'; c.network.availabilityZones = ['eu-west-4a', 'eu-west-4b', 'eu-west-4c']; },
    problems: [`config/aws-dev: aws.region: "eu-west-4" is not an AWS commercial Region; did you mean "eu-west-1"? (allowed: ${AWS_REGIONS}`] },
  { title: 'a state bucket region that does not exist', base: 'aws-prod', change: (c) => (c.state.region = 'eu-centre-1'),
    problems: [`config/aws-prod: state.region: "eu-centre-1" is not an AWS commercial Region; did you mean "eu-central-1"? (allowed: ${AWS_REGIONS}`] },
  { title: 'a DR backup region that does not exist', base: 'aws-prod', change: (c) => (c.app.backups.dr.region = 'eu-central-3'),
    problems: ['config/aws-prod: app.backups.dr.region: "eu-central-3" is not an AWS commercial Region; did you mean "eu-central-1"? (allowed: ' +
      AWS_REGIONS] },
  { title: 'an availability zone letter the region does not have', base: 'aws-prod', change: (c) => (c.network.availabilityZones[2] = 'eu-west-1d'),
    problems: ['config/aws-prod: network.availabilityZones[2]: "eu-west-1d" is not an availability zone of eu-west-1 (allowed: eu-west-1a, eu-west-1b, ' +
      'eu-west-1c)'] },
  { title: 'an instance type that does not exist', base: 'aws-prod', change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.xlarg']),
    problems: ['config/aws-prod: kubernetes.nodePools[0].instanceTypes[0]: "m7i.xlarg" is not an instance type the project knows; did you mean "m7i.xlarge"? ' +
      '(allowed: the m, c, r and t types of config/facts/aws-instance-types.ts, such as m7i.xlarge or m7g.xlarge; add a row there, with its source, for ' +
      'another)'] },
  { title: 'a Graviton type in an x86_64 pool (the AMI follows one architecture)', base: 'aws-dev',
    change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.large', 't4g.large']),
    problems: ['config/aws-dev: kubernetes.nodePools[0].instanceTypes: ["m7i.large","t4g.large"] mixes arm64 and x86_64 types, but a pool has one AMI ' +
      '(allowed: one architecture per pool)'] },
  { title: 'an Azure location that does not exist', base: 'azure-dev',
    change: (c) => { c.azure.location = 'westeurop'; c.network.flowLogs.networkWatcherName = 'NetworkWatcher_westeurop'; },
    problems: ['config/azure-dev: azure.location: "westeurop" is not an Azure region; did you mean "westeurope"? (allowed: a region with availability zones: ' +
      ZONAL_REGIONS] },
  { title: 'an Azure location without availability zones', base: 'azure-dev',
    change: (c) => { c.azure.location = 'ukwest'; c.network.flowLogs.networkWatcherName = 'NetworkWatcher_ukwest'; },
    problems: ['config/azure-dev: azure.location: "ukwest" has no availability zones, but the network and every node pool are zonal (allowed: a region with ' +
      `zones: ${ZONAL_REGIONS}`] },
  { title: 'a Network Watcher name left from another location', base: 'azure-prod',
    change: (c) => { c.azure.location = 'northeurope'; c.app.backups.dr.region = 'westeurope'; },
    problems: ['config/azure-prod: network.flowLogs.networkWatcherName: "NetworkWatcher_westeurope" is the Network Watcher of westeurope, but the ' +
      'environment is in northeurope (allowed: NetworkWatcher_northeurope, or the name of the watcher you created in northeurope)'] },
  { title: 'a VM size that does not exist', base: 'azure-prod', change: (c) => (c.kubernetes.nodePools[1].vmSize = 'Standard_D8ds_v7'),
    problems: ['config/azure-prod: kubernetes.nodePools[1].vmSize: "Standard_D8ds_v7" is not a VM size the project knows; did you mean "Standard_D8ds_v5"? ' +
      '(allowed: the D, E and Dp v5, Dsv3 and DSv2 sizes of config/facts/azure-vm-sizes.ts, such as Standard_D4ds_v5; add a row there, with its source, for ' +
      'another)'] },
  { title: 'an ephemeral OS disk larger than the size\'s temp disk', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[0].osDiskSizeGb = 128),
    problems: ['config/azure-dev: kubernetes.nodePools[0].osDiskSizeGb: 128 GiB does not fit Standard_D2ds_v5\'s 75 GiB temp disk, where an Ephemeral OS ' +
      'disk lives (allowed: 30 to 75, a larger size, or osDiskType "Managed")'] },
  { title: 'an ephemeral OS disk larger than the size\'s cache disk', base: 'azure-dev',
    change: (c) => { c.kubernetes.nodePools[1].vmSize = 'Standard_DS2_v2'; c.kubernetes.nodePools[1].osDiskSizeGb = 100; },
    problems: ['config/azure-dev: kubernetes.nodePools[1].osDiskSizeGb: 100 GiB does not fit Standard_DS2_v2\'s 86 GiB cache disk, where an Ephemeral OS ' +
      'disk lives (allowed: 30 to 86, a larger size, or osDiskType "Managed")'] },
  { title: 'an ephemeral OS disk on a size without local disks', base: 'azure-dev', change: (c) => (c.kubernetes.nodePools[1].vmSize = 'Standard_D4s_v5'),
    problems: ['config/azure-dev: kubernetes.nodePools[1].osDiskType: "Ephemeral" needs a VM size with a local temp disk, and "Standard_D4s_v5" has none ' +
      '(allowed: "Managed", or a size with a "d" such as Standard_D4ds_v5)'] },
];

const long = (prefix: string, length: number) => `${prefix}${'x'.repeat(length - prefix.length)}`;

const naming: BadCase[] = [
  { title: 'an environment name too long for the S3 bucket and IAM role names built from it', base: 'aws-dev', change: (c) => (c.name = long('aws-', 46)),
    problems: [
      `config/${long('aws-', 46)}: name: "${long('aws-', 46)}" makes the S3 bucket name "${long('aws-', 46)}-mongodb-backups-87ac18fb", which is 71 ` +
        `characters (allowed: 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`,
      `config/${long('aws-', 46)}: name: "${long('aws-', 46)}" makes the IAM role name "${long('aws-', 46)}-cluster-autoscaler", which is 65 characters ` +
        `(allowed: 1-64 characters of letters, digits and _+=,.@-)`,
      `config/${long('aws-', 46)}: kubernetes.nodePools[0].name: "general" makes the node group name prefix "${long('aws-', 46)}-general-", which is 55 ` +
        `characters (allowed: 1-37 characters of letters, digits, _ and -)`,
    ] },
  { title: 'a node pool name that leaves the node group name prefix over 37 characters', base: 'aws-dev',
    change: (c) => (c.kubernetes.nodePools[0].name = 'general-purpose-x86-64-workers'),
    problems: ['config/aws-dev: kubernetes.nodePools[0].name: "general-purpose-x86-64-workers" makes the node group name prefix ' +
      '"aws-dev-general-purpose-x86-64-workers-", which is 39 characters (allowed: 1-37 characters of letters, digits, _ and -)'] },
  { title: 'a per-zone pool whose zone letter pushes the node group name prefix over 37 characters', base: 'aws-prod',
    change: (c) => { c.kubernetes.nodePools[1].name = 'mongodb-replica-set-member'; c.app.mongodb.nodePool = 'mongodb-replica-set-member'; },
    problems: ['config/aws-prod: kubernetes.nodePools[1].name: "mongodb-replica-set-member" makes the node group name prefix ' +
      '"aws-prod-mongodb-replica-set-member-a-", which is 38 characters (allowed: 1-37 characters of letters, digits, _ and -)'] },
  { title: 'a state bucket with the xn-- prefix S3 reserves', base: 'aws-dev', change: (c) => (c.state.bucket = 'xn--rocketchat-tfstate'),
    problems: ['config/aws-dev: state.bucket: "xn--rocketchat-tfstate" starts with "xn--", which S3 reserves (allowed: no xn--, sthree-, amzn-s3-demo- ' +
      'prefix)'] },
  { title: 'a state bucket with the -s3alias suffix S3 reserves', base: 'aws-dev', change: (c) => (c.state.bucket = 'rocketchat-tfstate-s3alias'),
    problems: ['config/aws-dev: state.bucket: "rocketchat-tfstate-s3alias" ends with "-s3alias", which S3 reserves (allowed: no -s3alias, --ol-s3, .mrap, ' +
      '--x-s3, --table-s3 suffix)'] },
  { title: 'a state bucket with two adjacent dots', base: 'aws-prod', change: (c) => (c.state.bucket = 'example..tfstate'),
    problems: ['config/aws-prod: state.bucket: "example..tfstate" has two adjacent dots (allowed: dots only between labels)'] },
  { title: 'a state bucket named like an IP address', base: 'aws-prod', change: (c) => (c.state.bucket = '192.168.10.20'),
    problems: ['config/aws-prod: state.bucket: "192.168.10.20" is formatted as an IP address (allowed: a name that is not an IP address)'] },
  { title: 'an Azure environment name too long for the AKS DNS prefix', base: 'azure-dev', change: (c) => (c.name = long('azure-', 55)),
    problems: [`config/${long('azure-', 55)}: name: "${long('azure-', 55)}" is also the AKS DNS prefix, which is 55 characters (allowed: 1-54 characters of ` +
      `letters, digits and hyphens, starting and ending with a letter or digit)`] },
  { title: 'an Azure environment name too long for the Log Analytics workspace name', base: 'azure-prod', change: (c) => (c.name = long('azure-', 60)),
    problems: [
      `config/${long('azure-', 60)}: name: "${long('azure-', 60)}" makes the Log Analytics workspace name "log-${long('azure-', 60)}", which is 64 ` +
        `characters (allowed: 4-63 characters of letters, digits and hyphens, starting and ending with a letter or digit)`,
      `config/${long('azure-', 60)}: name: "${long('azure-', 60)}" is also the AKS DNS prefix, which is 60 characters (allowed: 1-54 characters of ` +
        `letters, digits and hyphens, starting and ending with a letter or digit)`,
    ] },
  { title: 'a node label too long for the autoscaler\'s scale-from-zero tag', base: 'aws-prod',
    change: (c) => (c.kubernetes.nodePools[0].labels = { [`platform.example.com/${'a'.repeat(62)}`]: 'x' }),
    problems: [`config/aws-prod: kubernetes.nodePools[0].labels.platform.example.com/${'a'.repeat(62)}: makes the Auto Scaling group tag ` +
      `"k8s.io/cluster-autoscaler/node-template/label/platform.example.com/${'a'.repeat(62)}" (cluster-autoscaler's scale-from-zero label), which is 129 ` +
      `characters (allowed: a label key of at most 82 characters)`] },
  { title: 'a taint key too long for the autoscaler\'s scale-from-zero tag', base: 'aws-prod',
    change: (c) => (c.kubernetes.nodePools[1].taints[0].key = `platform.example.com/${'w'.repeat(62)}`),
    problems: [`config/aws-prod: kubernetes.nodePools[1].taints[0].key: makes the Auto Scaling group tag ` +
      `"k8s.io/cluster-autoscaler/node-template/taint/platform.example.com/${'w'.repeat(62)}" (cluster-autoscaler's scale-from-zero taint), which is 129 ` +
      `characters (allowed: a taint key of at most 82 characters)`] },
];

const tags: BadCase[] = [
  { title: 'a tag key with the aws: prefix', base: 'aws-dev', change: (c) => (c.tags['aws:owner'] = 'platform'),
    problems: ['config/aws-dev: tags.aws:owner: tag key "aws:owner" starts with "aws:", which AWS reserves for its own tags (allowed: any other prefix)'] },
  { title: 'a tag key with a character AWS refuses', base: 'aws-prod', change: (c) => (c.tags['cost#center'] = 'cc-1'),
    problems: ['config/aws-prod: tags.cost#center: tag key "cost#center" has a character AWS refuses in tags (allowed: letters, digits, spaces and _ . : / = ' +
      '+ - @)'] },
  { title: 'a tag value with a character AWS refuses', base: 'aws-dev', change: (c) => (c.tags.team = 'chat, platform'),
    problems: ['config/aws-dev: tags.team: tag value "chat, platform" has a character AWS refuses in tags (allowed: letters, digits, spaces and _ . : / = + ' +
      '- @)'] },
  { title: 'a tag key the project sets on every resource', base: 'azure-dev', change: (c) => (c.tags.environment = 'development'),
    problems: ['config/azure-dev: tags.environment: "environment" is set by the project on every resource, so this value would be replaced (allowed: any key ' +
      'but environment, project, managed-by)'] },
  { title: 'two tag keys that differ only in case', base: 'aws-dev', change: (c) => (c.tags.Owner = 'someone'),
    problems: ['config/aws-dev: tags.Owner: "Owner" differs from the tag "owner" only in case, and IAM, whose roles carry every tag, compares tag keys ' +
      'without case (allowed: one spelling of each key)'] },
  { title: 'a tag key that differs from a project tag only in case', base: 'azure-prod', change: (c) => (c.tags.Project = 'chat'),
    problems: ['config/azure-prod: tags.Project: "Project" differs from the tag "project" only in case, and Azure compares tag keys without case (allowed: ' +
      'one spelling of each key)'] },
  { title: 'an Azure tag name with a slash', base: 'azure-dev', change: (c) => (c.tags['team/owner'] = 'platform'),
    problems: ['config/azure-dev: tags.team/owner: tag key "team/owner" contains "/", which Azure refuses in tag names (allowed: no < > % & \\ ? /)'] },
  { title: 'an Azure tag name with a reserved prefix', base: 'azure-prod', change: (c) => (c.tags.microsoftTeam = 'platform'),
    problems: ['config/azure-prod: tags.microsoftTeam: tag key "microsoftTeam" starts with "microsoft", which Azure reserves (allowed: any other prefix)'] },
  { title: 'a tag key longer than 128 characters', base: 'azure-dev', change: (c) => (c.tags['k'.repeat(129)] = 'v'),
    problems: [`config/azure-dev: tags.${'k'.repeat(129)}: "${'k'.repeat(56)}... is not valid (allowed: a tag key of 1-128 characters without control ` +
      `characters)`] },
  { title: 'a tag value longer than 256 characters', base: 'aws-prod', change: (c) => (c.tags.owner = 'o'.repeat(257)),
    problems: [`config/aws-prod: tags.owner: "${'o'.repeat(56)}... is not valid (allowed: a tag value of up to 256 characters without control characters)`] },
];

const capacity: BadCase[] = [
  { title: 'a pool whose nodes cannot fit the largest platform add-on', base: 'aws-prod',
    change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['t3.medium']),
    problems: ['config/aws-prod: kubernetes.nodePools: no untainted pool has nodes that fit prometheus, which requests 1010m CPU and 4160Mi (prod sizing) ' +
      'next to 340m CPU and 504Mi of DaemonSets: the largest, t3.medium in pool general, has 1930m CPU and 3554Mi allocatable (allowed: a pool with larger ' +
      'nodes)'] },
  { title: 'MongoDB memory larger than a node of its pool', base: 'aws-prod', change: (c) => (c.app.mongodb.memory = '32Gi'),
    problems: ['config/aws-prod: app.mongodb.memory: "32Gi" does not fit one r7i.xlarge node of pool data, which has 3580m CPU and 31271Mi allocatable after ' +
      '340m CPU and 504Mi of DaemonSets (allowed: at most 31271Mi, or larger nodes)'] },
  { title: 'MongoDB CPU larger than a node of its pool', base: 'azure-prod', change: (c) => (c.app.mongodb.cpu = '8'),
    problems: ['config/azure-prod: app.mongodb.cpu: "8" does not fit one Standard_D8ds_v5 node of pool apps, which has 7210m CPU and 26667Mi allocatable ' +
      'after 610m CPU and 1184Mi of DaemonSets (allowed: at most 7210m CPU, or larger nodes)'] },
  { title: 'more MongoDB members than its pool can have nodes', base: 'aws-prod', change: (c) => (c.app.mongodb.members = 7),
    problems: ['config/aws-prod: app.mongodb.members: 7 members need 7 nodes (one member per node), but pool data has at most 6 (allowed: at most 6 members, ' +
      'or a larger maxSize)'] },
  { title: 'every pool the add-ons can use at 0 nodes', base: 'aws-dev',
    change: (c) => { c.kubernetes.nodePools[0].minSize = 0; c.kubernetes.nodePools[0].desiredSize = 0; },
    problems: ['config/aws-dev: kubernetes.nodePools[0].minSize: is 0 on every untainted pool (general: kubernetes.nodePools[0]), so no node runs ' +
      'cluster-autoscaler to add the first one, and the coredns add-on hangs DEGRADED with no node (allowed: minSize 1 or more on one of them)'] },
  { title: 'no pool the platform add-ons may run on', base: 'azure-dev', change: (c) => c.kubernetes.nodePools.splice(1, 1),
    problems: ['config/azure-dev: kubernetes.nodePools: has no User pool that is not spot, so the platform add-ons (Prometheus, Loki, cert-manager, ...) and ' +
      'Rocket.Chat have nowhere to run (allowed: at least one User pool that is not spot)'] },
  { title: 'private subnets too small for the nodes and the VPC addresses of their pods', base: 'aws-dev',
    change: (c) => {
      c.network.privateSubnetCidrs = ['10.10.32.0/24', '10.10.64.0/24', '10.10.96.0/24'];
      c.kubernetes.nodePools[0].instanceTypes = ['m7i.4xlarge', 'm6i.4xlarge'];
      c.kubernetes.nodePools[0].maxSize = 20;
    },
    problems: ['a', 'b', 'c'].map(
      (z, i) =>
        `config/aws-dev: network.privateSubnetCidrs[${i}]: "10.10.${32 * (i + 1)}.0/24" has 251 usable addresses, but the nodes that can land in ` +
          `eu-west-1${z} take up to 2400 addresses (general 10 nodes x 240: the VPC CNI gives every pod a VPC address from its node's interfaces) ` +
          `(allowed: a larger block, or smaller maxSize)`,
    ),
  },
  { title: 'a node subnet too small for the pools and their upgrade surge', base: 'azure-dev', change: (c) => (c.network.nodeSubnetCidr = '10.30.0.0/28'),
    problems: ['config/azure-dev: network.nodeSubnetCidr: "10.30.0.0/28" has 11 usable addresses, but the pools\' maxSize plus the 33% upgrade surge need 14 ' +
      '(allowed: a larger block, or smaller maxSize)'] },
];

/** 246 characters: a valid DNS name, but grafana.<it> is 254. */
const longDomain = `${Array.from({ length: 3 }, () => 'd'.repeat(63)).join('.')}.${'e'.repeat(50)}.com`;

const SPOT_POOL = 'is a spot pool, whose evictions can take out a majority of members (allowed: an on-demand pool)';
const extra: BadCase[] = [
  { title: 'MongoDB with no CPU request', base: 'aws-dev', change: (c) => (c.app.mongodb.cpu = '0'),
    problems: ['config/aws-dev: app.mongodb.cpu: "0" requests under 100m, so members starve next to busier pods and elections time out (allowed: 100m or ' +
      'more)'] },
  { title: 'MongoDB memory below what mongod needs', base: 'azure-dev', change: (c) => (c.app.mongodb.memory = '256Mi'),
    problems: ['config/azure-dev: app.mongodb.memory: "256Mi" is below the 512Mi mongod needs: its WiredTiger cache alone takes 256 MiB, and the limit ' +
      'equals the request (allowed: 512Mi or more)'] },
  { title: 'MongoDB members on an AWS spot pool', base: 'aws-prod',
    change: (c) => Object.assign(c.kubernetes.nodePools[1], { capacityType: 'SPOT', instanceTypes: ['r7i.xlarge', 'r6i.xlarge'] }),
    problems: [`config/aws-prod: app.mongodb.nodePool: "data" ${SPOT_POOL}`] },
  { title: 'MongoDB members on an Azure spot pool', base: 'azure-prod', change: (c) => (c.kubernetes.nodePools[1].spot = true),
    problems: [`config/azure-prod: app.mongodb.nodePool: "apps" ${SPOT_POOL}`] },
  { title: 'MongoDB members on the AKS System pool', base: 'azure-prod', change: (c) => (c.app.mongodb.nodePool = 'system'),
    problems: ['config/azure-prod: app.mongodb.nodePool: "system" is the System pool, tainted CriticalAddonsOnly (allowed: a User pool)'] },
  { title: 'a domain too long for the Grafana host built from it', base: 'aws-dev',
    change: (c) => { c.domain = longDomain; c.platform.dnsZone = `${'e'.repeat(50)}.com`; },
    problems: [`config/aws-dev: domain: "${longDomain}" makes the Grafana host name 254 characters with platform.components.grafanaEdge.enabled true ` +
      `(allowed: a domain of at most 245 characters, or the Grafana edge off)`] },
];

const messages: BadCase[] = [
  { title: 'a number where a string is required', base: 'aws-dev', change: (c) => (c.network.vpcCidr = 5),
    problems: ['config/aws-dev: network.vpcCidr: must be a string, got number 5 (allowed: an IPv4 CIDR block such as 10.0.0.0/16)'] },
  { title: 'a tag value given as a number', base: 'azure-prod', change: (c) => (c.tags['cost-center'] = 1234),
    problems: ['config/azure-prod: tags.cost-center: must be a string, got number 1234 (allowed: a tag value of up to 256 characters without control ' +
      'characters)'] },
  { title: 'a string where a list is required', base: 'aws-dev', change: (c) => (c.kubernetes.adminRoleArns = 'arn:aws:iam::111111111111:role/platform-admin'),
    problems: ['config/aws-dev: kubernetes.adminRoleArns: must be a list, got string "arn:aws:iam::111111111111:role/platform-admin" (allowed: a list of 1 ' +
      'to 20 IAM role ARNs)'] },
  { title: 'a quoted number where a number is required', base: 'azure-dev', change: (c) => (c.keyVault.softDeleteRetentionDays = '7'),
    problems: ['config/azure-dev: keyVault.softDeleteRetentionDays: must be a number, got string "7" (allowed: an integer from 7 to 90)'] },
  { title: 'a quoted number where one of a few numbers is required', base: 'aws-prod', change: (c) => (c.app.rocketchat.smtp.port = '587'),
    problems: ['config/aws-prod: app.rocketchat.smtp.port: must be a number, got string "587" (allowed: 587, 465)'] },
  { title: 'a string where true or false is required', base: 'azure-dev', change: (c) => (c.platform.components.grafanaEdge.enabled = 'yes'),
    problems: ['config/azure-dev: platform.components.grafanaEdge.enabled: must be true or false, got string "yes" (allowed: true, false)'] },
  { title: 'a memory quantity in a unit Kubernetes does not know', base: 'aws-dev', change: (c) => (c.app.mongodb.memory = '4GB'),
    problems: ['config/aws-dev: app.mongodb.memory: "4GB" is not valid (allowed: a memory quantity such as 512Mi, 1.5Gi, 4Gi or 4G)'] },
];

const duplicates: BadCase[] = [
  { title: 'an interface endpoint listed twice', base: 'aws-prod', change: (c) => c.network.interfaceEndpoints.push('ec2'),
    problems: ['config/aws-prod: network.interfaceEndpoints[9]: "ec2" is listed twice (allowed: one VPC endpoint per service)'] },
  { title: 'an admin role listed twice', base: 'aws-dev', change: (c) => c.kubernetes.adminRoleArns.push('arn:aws:iam::111111111111:role/platform-admin'),
    problems: ['config/aws-dev: kubernetes.adminRoleArns[1]: "arn:aws:iam::111111111111:role/platform-admin" is listed twice (allowed: one EKS access entry ' +
      'per role)'] },
  { title: 'an instance type listed twice in a pool', base: 'aws-dev',
    change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.large', 'm6i.large', 'm7i.large']),
    problems: ['config/aws-dev: kubernetes.nodePools[0].instanceTypes[2]: "m7i.large" is listed twice (allowed: each instance type once; EKS refuses a ' +
      'repeated type)'] },
  { title: 'an API server range listed twice', base: 'azure-prod', change: (c) => c.kubernetes.apiServer.authorizedIpRanges.push('198.51.100.0/24'),
    problems: ['config/azure-prod: kubernetes.apiServer.authorizedIpRanges[2]: "198.51.100.0/24" is listed twice (allowed: each range once in the API server ' +
      'access list)'] },
  { title: 'a Key Vault firewall range listed twice', base: 'azure-prod', change: (c) => c.keyVault.allowedIpRanges.push('203.0.113.16/28'),
    problems: ['config/azure-prod: keyVault.allowedIpRanges[2]: "203.0.113.16/28" is listed twice (allowed: each range once in the vault firewall)'] },
  { title: 'an admin role ARN of another AWS partition', base: 'aws-prod',
    change: (c) => (c.kubernetes.adminRoleArns[1] = 'arn:aws-us-gov:iam::222222222222:role/ci-deploy'),
    problems: ['config/aws-prod: kubernetes.adminRoleArns[1]: "arn:aws-us-gov:iam::222222222222:role/ci-deploy" is in the aws-us-gov partition, but the ' +
      'cluster is in a commercial AWS Region (allowed: an arn:aws:iam:: role ARN)'] },
];

const cases: BadCase[] = [...facts, ...naming, ...tags, ...capacity, ...extra, ...messages, ...duplicates];

describe('configuration the clouds would refuse at apply', () => {
  it('has one case per distinct mistake', () => {
    const titles = [...cases, ...registryCases].map((c) => c.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('rejects $title with exact messages and writes nothing', ({ base, change, problems }) => {
    expect(refused(registryWith(base, change))).toEqual(problems);
  });
});

interface RegistryCase {
  readonly title: string;
  readonly registry: Record<string, unknown>;
  readonly selection: string;
  readonly files?: string[];
  readonly problems: string[];
}

const examples = { 'aws-dev': awsDev, 'aws-prod': awsProd, 'azure-dev': azureDev, 'azure-prod': azureProd };
const withChanged = (base: Base, change: (c: Mutable) => void) => ({ ...examples, ...registryWith(base, change) });

const registryCases: RegistryCase[] = [
  // AWS bootstrap stacks are named after the region and account (bootstrap-euw1-<account>), so they cannot clash with Azure's.
  { title: 'a second S3 state store in an account and region whose store another, unselected environment bootstraps',
    registry: withChanged('aws-prod', (c) => (c.aws.accountId = '111111111111')), selection: 'aws-prod',
    problems: ['config/aws-prod: state.bucket: "example-rocketchat-tfstate-222222222222" is a second state store in AWS account 111111111111 and region ' +
      'eu-west-1, where aws-dev keeps its state in example-rocketchat-tfstate-111111111111 (allowed: one S3 state store per account and region; its ' +
      'bootstrap stack is named after both)'] },
  { title: 'a shared state bucket whose region clashes with an unselected environment',
    registry: withChanged('aws-prod', (c) => { c.aws.accountId = '111111111111'; c.state.bucket = awsDev.state.bucket; c.state.region = 'eu-central-1'; }),
    selection: 'aws-prod',
    problems: ['config/aws-prod: state.bucket: s3 bucket example-rocketchat-tfstate-111111111111 is in account 111111111111, region eu-central-1 here but in ' +
      'account 111111111111, region eu-west-1 for aws-dev (allowed: the same account, region and resource group in every environment that shares it)'] },
  { title: 'a shared storage account with another container than the environment that bootstraps it',
    registry: withChanged('azure-prod', (c) => {
      c.azure.subscriptionId = azureDev.azure.subscriptionId;
      c.state = { ...azureDev.state, containerName: 'tfstate-prod' };
    }), selection: 'azure-prod',
    problems: ['config/azure-prod: state.storageAccountName: makes the bootstrap stack "bootstrap-exrctfstatedev01" for a storage account with container ' +
      'tfstate-prod, but azure-dev makes the same stack for a storage account with container tfstate, and one stack can create only one (allowed: the same ' +
      'store in every environment that shares it, or a name no other environment uses)'] },
  // The deploy fences name "<env>-*": aws-prod's would cover aws-prod-eu's roles, policies and secrets.
  { title: 'an environment named like a same-account environment and a hyphen',
    registry: withChanged('aws-dev', (c) => {
      c.name = 'aws-prod-eu';
      c.aws.accountId = awsProd.aws.accountId;
      c.state.bucket = awsProd.state.bucket;
      c.domain = 'eu.chat.example.com';
    }), selection: 'aws-prod-eu',
    problems: ['config/aws-prod-eu: name: "aws-prod-eu" starts with "aws-prod-", and aws-prod is in the same AWS account 222222222222, where each ' +
      'environment\'s deploy role is fenced to the roles, policies and secrets named "<environment>-*": aws-prod\'s deploy role could rewrite aws-prod-eu\'s ' +
      '(allowed: a name that does not start with another same-account environment\'s name and a hyphen, or another account)'] },
  { title: 'two environments serving the same domain', registry: withChanged('aws-dev', (c) => (c.domain = 'chat.example.com')), selection: 'aws-dev',
    problems: ['config/aws-prod: domain: "chat.example.com" is also the domain of aws-dev, and two clusters would fight over its DNS records and ' +
      'certificates (allowed: a domain no other environment uses)'] },
  { title: 'an environment file that is not registered', registry: examples, selection: 'aws-dev', files: [...Object.keys(examples), 'aws-staging'],
    problems: ['config/aws-staging: (file): config/environments/aws-staging.ts exists but is not in ENVIRONMENTS in config/environments/index.ts, so it is ' +
      'never validated or synthesized (allowed: register it there, or delete the file)'] },
];

describe('checks across every registered environment, whatever ENVIRONMENTS selects', () => {
  it.each(registryCases)('rejects $title with exact messages and writes nothing', ({ registry, selection, files, problems }) => {
    expect(refused(registry, selection, { environmentFiles: files })).toEqual(problems);
  });

  it('does not let a broken unselected environment block the selected ones (it fails when selected)', () => {
    const registry = withChanged('azure-dev', (c) => (c.network.vnetCidr = 'nope'));
    expect(loadEnvironments(registry, 'aws-dev').map((e) => e.name)).toEqual(['aws-dev']);
  });

  it('finds every file in config/environments registered', () => {
    expect(unregisteredProblems(environmentFiles(join(__dirname, '..', 'config', 'environments')), ENVIRONMENTS)).toEqual([]);
  });
});

describe('valid configuration refused before', () => {
  const accepted = (base: Base, change: (c: Mutable) => void) => {
    const registry = registryWith(base, change);
    return () => loadEnvironments(registry, undefined);
  };

  it('accepts AWS tags with spaces, slashes, @ and non-ASCII letters', () => {
    expect(accepted('aws-dev', (c) => (c.tags = { 'Cost Center': 'Zürich ops', 'team/owner': 'chat@example.com', '2fa': 'on=yes+1' }))).not.toThrow();
  });

  it('accepts Kubernetes quantities with decimals and SI suffixes', () => {
    expect(accepted('aws-dev', (c) => Object.assign(c.app.mongodb, { cpu: '0.5', memory: '1.5Gi' }))).not.toThrow();
    expect(accepted('azure-dev', (c) => Object.assign(c.app.mongodb, { cpu: '1500m', memory: '2G' }))).not.toThrow();
  });

  it('accepts Azure tag values with commas, parentheses and #', () => {
    expect(accepted('azure-dev', (c) => (c.tags = { 'cost-center': 'cc-1234, shared (#2)', Owner: 'Ünal' }))).not.toThrow();
  });
});

describe('names validation checks are the names the stacks create', () => {
  const envs = loadEnvironments(ENVIRONMENTS, undefined);
  const synthesized = synthExamples();
  const named: Record<string, string> = {
    aws_iam_role: 'name', aws_s3_bucket: 'bucket', aws_eks_node_group: 'node_group_name_prefix', aws_launch_template: 'name', aws_eks_cluster: 'name',
    azurerm_storage_account: 'name', azurerm_key_vault: 'name', azurerm_log_analytics_workspace: 'name', azurerm_resource_group: 'name',
    azurerm_user_assigned_identity: 'name', azurerm_kubernetes_cluster: 'dns_prefix',
  };
  it.each(envs.map((e) => [e.name, e] as const))('%s', (name, env) => {
    const built = new Set(builtNames(env));
    const created = Object.entries(synthesized.stacks)
      .filter(([stack]) => stack.startsWith(`${name}-`))
      .flatMap(([, json]) => Object.entries(named).flatMap(([type, field]) => Object.values<Json>(json.resource?.[type] ?? {}).map((r) => String(r[field]))));
    expect(created.length).toBeGreaterThan(10);
    expect(created.filter((n) => !built.has(n))).toEqual([]);
  });
});
