/**
 * Mistakes the clouds refuse at apply, caught before synth: each case is one distinct mistake,
 * its exact message, and proof that nothing was written (the loader runs before any write;
 * config.test.ts shows the CLI leaves an existing cdktf.out as it was).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import awsDev from '../config/environments/aws-dev';
import awsProd from '../config/environments/aws-prod';
import azureDev from '../config/environments/azure-dev';
import azureProd from '../config/environments/azure-prod';
import { run } from '../stacks/synth';
import { clone, problemsOf, tempDir } from './helpers';

type Mutable = Record<string, any>;
type Base = 'aws-dev' | 'aws-prod' | 'azure-dev' | 'azure-prod';
const bases = { 'aws-dev': awsDev, 'aws-prod': awsProd, 'azure-dev': azureDev, 'azure-prod': azureProd };

interface BadCase {
  readonly title: string;
  readonly base: Base;
  readonly change: (c: Mutable) => void;
  readonly problems: string[];
}

export function registryWith(base: Base, change: (c: Mutable) => void): Record<string, unknown> {
  const config = clone(bases[base]) as Mutable;
  change(config);
  return { [base]: config };
}

const facts: BadCase[] = [
  {
    title: 'an AWS region that does not exist',
    base: 'aws-dev',
    change: (c) => {
      c.aws.region = 'eu-west-4';
      c.network.availabilityZones = ['eu-west-4a', 'eu-west-4b', 'eu-west-4c'];
    },
    problems: [
      'config/aws-dev: aws.region: "eu-west-4" is not an AWS commercial Region; did you mean "eu-west-1"? (allowed: us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, ca-west-1, mx-central-1, sa-east-1, eu-west-1, eu-west-2, eu-west-3, eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, il-central-1, me-south-1, me-central-1, af-south-1, ap-east-1, ap-east-2, ap-south-1, ap-south-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-6, ap-southeast-7; config/facts/aws-regions.ts)',
    ],
  },
  {
    title: 'a state bucket region that does not exist',
    base: 'aws-prod',
    change: (c) => (c.state.region = 'eu-centre-1'),
    problems: [
      'config/aws-prod: state.region: "eu-centre-1" is not an AWS commercial Region; did you mean "eu-central-1"? (allowed: us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, ca-west-1, mx-central-1, sa-east-1, eu-west-1, eu-west-2, eu-west-3, eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, il-central-1, me-south-1, me-central-1, af-south-1, ap-east-1, ap-east-2, ap-south-1, ap-south-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-6, ap-southeast-7; config/facts/aws-regions.ts)',
    ],
  },
  {
    title: 'an availability zone letter the region does not have',
    base: 'aws-prod',
    change: (c) => (c.network.availabilityZones[2] = 'eu-west-1d'),
    problems: ['config/aws-prod: network.availabilityZones[2]: "eu-west-1d" is not an availability zone of eu-west-1 (allowed: eu-west-1a, eu-west-1b, eu-west-1c)'],
  },
  {
    title: 'an instance type that does not exist',
    base: 'aws-prod',
    change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.xlarg']),
    problems: [
      'config/aws-prod: kubernetes.nodePools[0].instanceTypes[0]: "m7i.xlarg" is not an instance type the project knows; did you mean "m7i.xlarge"? (allowed: the m, c, r and t types of config/facts/aws-instance-types.ts, such as m7i.xlarge or m7g.xlarge; add a row there, with its source, for another)',
    ],
  },
  {
    title: 'a Graviton type in an x86_64 pool (the AMI follows one architecture)',
    base: 'aws-dev',
    change: (c) => (c.kubernetes.nodePools[0].instanceTypes = ['m7i.large', 't4g.large']),
    problems: [
      'config/aws-dev: kubernetes.nodePools[0].instanceTypes: ["m7i.large","t4g.large"] mixes arm64 and x86_64 types, but a pool has one AMI (allowed: one architecture per pool)',
    ],
  },
  {
    title: 'an Azure location that does not exist',
    base: 'azure-dev',
    change: (c) => {
      c.azure.location = 'westeurop';
      c.network.flowLogs.networkWatcherName = 'NetworkWatcher_westeurop';
    },
    problems: [
      'config/azure-dev: azure.location: "westeurop" is not an Azure region; did you mean "westeurope"? (allowed: a region with availability zones: australiaeast, austriaeast, brazilsouth, canadacentral, centralindia, centralus, chilecentral, eastasia, eastus, eastus2, francecentral, germanywestcentral, indonesiacentral, israelcentral, italynorth, japaneast, japanwest, koreacentral, malaysiawest, mexicocentral, newzealandnorth, northeurope, norwayeast, polandcentral, qatarcentral, southafricanorth, southcentralus, southeastasia, spaincentral, swedencentral, switzerlandnorth, uaenorth, uksouth, westeurope, westus2, westus3)',
    ],
  },
  {
    title: 'an Azure location without availability zones',
    base: 'azure-dev',
    change: (c) => {
      c.azure.location = 'ukwest';
      c.network.flowLogs.networkWatcherName = 'NetworkWatcher_ukwest';
    },
    problems: [
      'config/azure-dev: azure.location: "ukwest" has no availability zones, but the network and every node pool are zonal (allowed: a region with zones: australiaeast, austriaeast, brazilsouth, canadacentral, centralindia, centralus, chilecentral, eastasia, eastus, eastus2, francecentral, germanywestcentral, indonesiacentral, israelcentral, italynorth, japaneast, japanwest, koreacentral, malaysiawest, mexicocentral, newzealandnorth, northeurope, norwayeast, polandcentral, qatarcentral, southafricanorth, southcentralus, southeastasia, spaincentral, swedencentral, switzerlandnorth, uaenorth, uksouth, westeurope, westus2, westus3)',
    ],
  },
  {
    title: 'a Network Watcher name left from another location',
    base: 'azure-prod',
    change: (c) => (c.azure.location = 'northeurope'),
    problems: [
      'config/azure-prod: network.flowLogs.networkWatcherName: "NetworkWatcher_westeurope" is the Network Watcher of westeurope, but the environment is in northeurope (allowed: NetworkWatcher_northeurope, or the name of the watcher you created in northeurope)',
    ],
  },
  {
    title: 'a VM size that does not exist',
    base: 'azure-prod',
    change: (c) => (c.kubernetes.nodePools[1].vmSize = 'Standard_D8ds_v7'),
    problems: [
      'config/azure-prod: kubernetes.nodePools[1].vmSize: "Standard_D8ds_v7" is not a VM size the project knows; did you mean "Standard_D8ds_v5"? (allowed: the D, E and Dp v5, Dsv3 and DSv2 sizes of config/facts/azure-vm-sizes.ts, such as Standard_D4ds_v5; add a row there, with its source, for another)',
    ],
  },
  {
    title: 'an ephemeral OS disk larger than the size\'s temp disk',
    base: 'azure-dev',
    change: (c) => (c.kubernetes.nodePools[0].osDiskSizeGb = 128),
    problems: [
      'config/azure-dev: kubernetes.nodePools[0].osDiskSizeGb: 128 GiB does not fit Standard_D2ds_v5\'s 75 GiB temp disk, where an Ephemeral OS disk lives (allowed: 30 to 75, a larger size, or osDiskType "Managed")',
    ],
  },
  {
    title: 'an ephemeral OS disk larger than the size\'s cache disk',
    base: 'azure-dev',
    change: (c) => {
      c.kubernetes.nodePools[1].vmSize = 'Standard_DS2_v2';
      c.kubernetes.nodePools[1].osDiskSizeGb = 100;
    },
    problems: [
      'config/azure-dev: kubernetes.nodePools[1].osDiskSizeGb: 100 GiB does not fit Standard_DS2_v2\'s 86 GiB cache disk, where an Ephemeral OS disk lives (allowed: 30 to 86, a larger size, or osDiskType "Managed")',
    ],
  },
  {
    title: 'an ephemeral OS disk on a size without local disks',
    base: 'azure-dev',
    change: (c) => (c.kubernetes.nodePools[1].vmSize = 'Standard_D4s_v5'),
    problems: [
      'config/azure-dev: kubernetes.nodePools[1].osDiskType: "Ephemeral" needs a VM size with a local temp disk, and "Standard_D4s_v5" has none (allowed: "Managed", or a size with a "d" such as Standard_D4ds_v5)',
    ],
  },
];

const cases: BadCase[] = [...facts];

describe('configuration the clouds would refuse at apply', () => {
  it('has one case per distinct mistake', () => {
    expect(new Set(cases.map((c) => c.title)).size).toBe(cases.length);
  });

  it.each(cases)('rejects $title with exact messages and writes nothing', ({ base, change, problems }) => {
    const outdir = join(tempDir(), 'cdktf.out');
    expect(problemsOf(() => run(registryWith(base, change), undefined, outdir))).toEqual(problems);
    expect(existsSync(outdir)).toBe(false);
  });
});
