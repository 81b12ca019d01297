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
import { arr, obj, type Loose, type Problem } from './rules-kit';

const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_SHAPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const VM_SIZE_SHAPE = /^Standard_[A-Za-z0-9_]+$/;
const LOCATION_SHAPE = /^[a-z]+[a-z0-9]*$/;

function hint(value: string, known: readonly string[]): string {
  const near = closest(value, known);
  return near ? `; did you mean "${near}"?` : '';
}

function awsRegion(value: unknown, path: string, problems: Problem[]): void {
  // Malformed names were reported by the schema.
  if (typeof value !== 'string' || !REGION_SHAPE.test(value) || value in AWS_REGION_ZONES) return;
  const known = Object.keys(AWS_REGION_ZONES);
  problems.push({
    path,
    message: `"${value}" is not an AWS commercial Region${hint(value, known)} (allowed: ${known.join(', ')}; config/facts/aws-regions.ts)`,
  });
}

export function awsFactRules(env: Loose, problems: Problem[]): void {
  awsRegion(obj(env.aws).region, 'aws.region', problems);
  if (obj(env.state).type === 's3') awsRegion(obj(env.state).region, 'state.region', problems);
  const app = obj(env.app);
  awsRegion(obj(obj(app.backups).dr).region, 'app.backups.dr.region', problems);
  awsRegion(obj(obj(app.restore).from).region, 'app.restore.from.region', problems);

  const region = obj(env.aws).region;
  const zones = typeof region === 'string' ? awsZonesOf(region) : undefined;
  arr(obj(env.network).availabilityZones).forEach((zone, i) => {
    // Zones of another region are reported by rules-aws.ts.
    if (!zones || typeof zone !== 'string' || !zone.startsWith(String(region)) || zone.length !== String(region).length + 1) return;
    if (!zones.includes(zone)) {
      problems.push({
        path: `network.availabilityZones[${i}]`,
        message: `"${zone}" is not an availability zone of ${String(region)} (allowed: ${zones.join(', ')})`,
      });
    }
  });

  arr(obj(env.kubernetes).nodePools).forEach((raw, i) => {
    arr(obj(raw).instanceTypes).forEach((type, j) => {
      if (typeof type !== 'string' || !INSTANCE_SHAPE.test(type) || type in AWS_INSTANCE_TYPES) return;
      problems.push({
        path: `kubernetes.nodePools[${i}].instanceTypes[${j}]`,
        message: `"${type}" is not an instance type the project knows${hint(type, Object.keys(AWS_INSTANCE_TYPES))} (allowed: the m, c, r and t types of config/facts/aws-instance-types.ts, such as m7i.xlarge or m7g.xlarge; add a row there, with its source, for another)`,
      });
    });
  });
}

export function azureFactRules(env: Loose, problems: Problem[]): void {
  const location = obj(env.azure).location;
  // The DR region must be a real location too (rules-dr.ts holds it to the pair).
  const dr = obj(obj(obj(env.app).backups).dr).region;
  if (typeof dr === 'string' && LOCATION_SHAPE.test(dr) && !azureLocationKnown(dr)) {
    const known = [...AZURE_ZONAL_LOCATIONS, ...AZURE_NON_ZONAL_LOCATIONS];
    problems.push({ path: 'app.backups.dr.region', message: `"${dr}" is not an Azure region${hint(dr, known)} (allowed: the paired region of azure.location)` });
  }
  if (typeof location === 'string' && LOCATION_SHAPE.test(location)) {
    if (!azureLocationKnown(location)) {
      const known = [...AZURE_ZONAL_LOCATIONS, ...AZURE_NON_ZONAL_LOCATIONS];
      problems.push({
        path: 'azure.location',
        message: `"${location}" is not an Azure region${hint(location, known)} (allowed: a region with availability zones: ${AZURE_ZONAL_LOCATIONS.join(', ')})`,
      });
    } else if (!azureLocationHasZones(location)) {
      problems.push({
        path: 'azure.location',
        message: `"${location}" has no availability zones, but the network and every node pool are zonal (allowed: a region with zones: ${AZURE_ZONAL_LOCATIONS.join(', ')})`,
      });
    }
    // Azure names the watcher after the region; a name copied from another environment points at another region's.
    const watcher = obj(obj(env.network).flowLogs).networkWatcherName;
    const named = typeof watcher === 'string' ? /^NetworkWatcher_([a-z0-9]+)$/.exec(watcher)?.[1] : undefined;
    if (named !== undefined && named !== location) {
      problems.push({
        path: 'network.flowLogs.networkWatcherName',
        message: `"${String(watcher)}" is the Network Watcher of ${named}, but the environment is in ${location} (allowed: NetworkWatcher_${location}, or the name of the watcher you created in ${location})`,
      });
    }
  }

  arr(obj(env.kubernetes).nodePools).forEach((raw, i) => {
    const pool = obj(raw);
    const size = pool.vmSize;
    if (typeof size !== 'string' || !VM_SIZE_SHAPE.test(size)) return;
    const facts = AZURE_VM_SIZES[size];
    if (!facts) {
      problems.push({
        path: `kubernetes.nodePools[${i}].vmSize`,
        message: `"${size}" is not a VM size the project knows${hint(size, Object.keys(AZURE_VM_SIZES))} (allowed: the D, E and Dp v5, Dsv3 and DSv2 sizes of config/facts/azure-vm-sizes.ts, such as Standard_D4ds_v5; add a row there, with its source, for another)`,
      });
      return;
    }
    const disk = pool.osDiskSizeGb;
    const room = maxEphemeralOsDiskGiB(facts);
    if (pool.osDiskType === 'Ephemeral' && room > 0 && typeof disk === 'number' && disk > room) {
      problems.push({
        path: `kubernetes.nodePools[${i}].osDiskSizeGb`,
        message: `${disk} GiB does not fit ${size}'s ${room} GiB ${facts.cacheGiB >= facts.tempGiB ? 'cache' : 'temp'} disk, where an Ephemeral OS disk lives (allowed: 30 to ${room}, a larger size, or osDiskType "Managed")`,
      });
    }
  });
}
