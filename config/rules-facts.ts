/**
 * Rules checked against the facts tables (config/facts/): regions, zones, Azure locations,
 * instance types and VM sizes that exist, and what a size can hold. Each message names the
 * value, what exists and, when a known name is close, the likely one meant.
 */
import { AWS_INSTANCE_TYPES } from './facts/aws-instance-types';
import { AWS_REGION_ZONES, awsZonesOf } from './facts/aws-regions';
import { AZURE_NON_ZONAL_LOCATIONS, AZURE_ZONAL_LOCATIONS, azureLocationHasZones, azureLocationKnown } from './facts/azure-locations';
import { AZURE_VM_SIZES, maxEphemeralOsDiskGiB } from './facts/azure-vm-sizes';
import { closest } from './facts/closest';
import { fieldPath, type Problem, type Written } from './rules-kit';
import type { AwsEnvironment, AwsEnvironmentInput, AzureEnvironment, AzureEnvironmentInput } from './schema';

const aws = fieldPath<AwsEnvironment>;
type S3State = Extract<AwsEnvironment['state'], { type: 's3' }>;
const azure = fieldPath<AzureEnvironment>;

const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_SHAPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const VM_SIZE_SHAPE = /^Standard_[A-Za-z0-9_]+$/;
const LOCATION_SHAPE = /^[a-z]+[a-z0-9]*$/;

function hint(value: string, known: readonly string[]): string {
  const near = closest(value, known);
  return near ? `; did you mean "${near}"?` : '';
}

function awsRegion(value: string | undefined, path: string, problems: Problem[]): void {
  // Malformed names were reported by the schema.
  if (value === undefined || !REGION_SHAPE.test(value) || value in AWS_REGION_ZONES) return;
  const known = Object.keys(AWS_REGION_ZONES);
  problems.push({
    path,
    message: `"${value}" is not an AWS commercial Region${hint(value, known)} (allowed: ${known.join(', ')}; config/facts/aws-regions.ts)`,
  });
}

export function awsFactRules(env: Written<AwsEnvironmentInput>, problems: Problem[]): void {
  awsRegion(env.aws?.region, aws((e) => e.aws.region), problems);
  if (env.state?.type === 's3') awsRegion(env.state.region, fieldPath<{ state: S3State }>((e) => e.state.region), problems);
  awsRegion(env.app?.backups?.dr?.region, aws((e) => e.app.backups.dr?.region), problems);
  awsRegion(env.app?.restore?.from?.region, aws((e) => e.app.restore?.from.region), problems);

  const region = env.aws?.region;
  const zones = region === undefined ? undefined : awsZonesOf(region);
  env.network?.availabilityZones?.forEach((zone, i) => {
    // Zones of another region are reported by rules-aws.ts.
    if (!zones || zone === undefined || !zone.startsWith(String(region)) || zone.length !== String(region).length + 1) return;
    if (!zones.includes(zone)) {
      problems.push({
        path: aws((e) => e.network.availabilityZones[i]),
        message: `"${zone}" is not an availability zone of ${String(region)} (allowed: ${zones.join(', ')})`,
      });
    }
  });

  env.kubernetes?.nodePools?.forEach((pool, i) => {
    pool?.instanceTypes?.forEach((type, j) => {
      if (type === undefined || !INSTANCE_SHAPE.test(type) || type in AWS_INSTANCE_TYPES) return;
      problems.push({
        path: aws((e) => e.kubernetes.nodePools[i]?.instanceTypes[j]),
        message: `"${type}" is not an instance type the project knows${hint(type, Object.keys(AWS_INSTANCE_TYPES))} (allowed: the m, c, r and t types of config/facts/aws-instance-types.ts, such as m7i.xlarge or m7g.xlarge; add a row there, with its source, for another)`,
      });
    });
  });
}

export function azureFactRules(env: Written<AzureEnvironmentInput>, problems: Problem[]): void {
  const location = env.azure?.location;
  // The DR region must be a real location too (rules-dr.ts holds it to the pair).
  const dr = env.app?.backups?.dr?.region;
  if (dr !== undefined && LOCATION_SHAPE.test(dr) && !azureLocationKnown(dr)) {
    const known = [...AZURE_ZONAL_LOCATIONS, ...AZURE_NON_ZONAL_LOCATIONS];
    problems.push({ path: azure((e) => e.app.backups.dr?.region), message: `"${dr}" is not an Azure region${hint(dr, known)} (allowed: the paired region of ${azure((e) => e.azure.location)})` });
  }
  if (location !== undefined && LOCATION_SHAPE.test(location)) {
    if (!azureLocationKnown(location)) {
      const known = [...AZURE_ZONAL_LOCATIONS, ...AZURE_NON_ZONAL_LOCATIONS];
      problems.push({
        path: azure((e) => e.azure.location),
        message: `"${location}" is not an Azure region${hint(location, known)} (allowed: a region with availability zones: ${AZURE_ZONAL_LOCATIONS.join(', ')})`,
      });
    } else if (!azureLocationHasZones(location)) {
      problems.push({
        path: azure((e) => e.azure.location),
        message: `"${location}" has no availability zones, but the network and every node pool are zonal (allowed: a region with zones: ${AZURE_ZONAL_LOCATIONS.join(', ')})`,
      });
    }
    // Azure names the watcher after the region; a name copied from another environment points at another region's.
    const watcher = env.network?.flowLogs?.networkWatcherName;
    const named = watcher === undefined ? undefined : /^NetworkWatcher_([a-z0-9]+)$/.exec(watcher)?.[1];
    if (named !== undefined && named !== location) {
      problems.push({
        path: azure((e) => e.network.flowLogs.networkWatcherName),
        message: `"${String(watcher)}" is the Network Watcher of ${named}, but the environment is in ${location} (allowed: NetworkWatcher_${location}, or the name of the watcher you created in ${location})`,
      });
    }
  }

  env.kubernetes?.nodePools?.forEach((pool, i) => {
    const size = pool?.vmSize;
    if (pool === undefined || size === undefined || !VM_SIZE_SHAPE.test(size)) return;
    const facts = AZURE_VM_SIZES[size];
    if (!facts) {
      problems.push({
        path: azure((e) => e.kubernetes.nodePools[i]?.vmSize),
        message: `"${size}" is not a VM size the project knows${hint(size, Object.keys(AZURE_VM_SIZES))} (allowed: the D, E and Dp v5, Dsv3 and DSv2 sizes of config/facts/azure-vm-sizes.ts, such as Standard_D4ds_v5; add a row there, with its source, for another)`,
      });
      return;
    }
    const disk = pool.osDiskSizeGb;
    const room = maxEphemeralOsDiskGiB(facts);
    if (pool.osDiskType === 'Ephemeral' && room > 0 && disk !== undefined && disk > room) {
      problems.push({
        path: azure((e) => e.kubernetes.nodePools[i]?.osDiskSizeGb),
        message: `${disk} GiB does not fit ${size}'s ${room} GiB ${facts.cacheGiB >= facts.tempGiB ? 'cache' : 'temp'} disk, where an Ephemeral OS disk lives (allowed: 30 to ${room}, a larger size, or osDiskType "Managed")`,
      });
    }
  });
}
