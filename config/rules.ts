/**
 * Cross-field rules the schema cannot express. They run on the raw input even
 * when the schema found problems, so one run reports everything; each rule
 * skips values that are not well-formed (the schema already reported those).
 */
import { contains, overlaps, parseCidr, type Cidr } from './cidr';

export interface Problem {
  readonly path: string;
  readonly message: string;
}

type Loose = Record<string, unknown>;

function obj(value: unknown): Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function block(value: unknown): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseCidr(value);
  return typeof parsed === 'string' ? undefined : parsed;
}

interface NamedBlock {
  readonly path: string;
  readonly cidr: Cidr;
}

/** Every block must sit inside the parent and overlap no other block. */
function checkBlocks(parent: NamedBlock | undefined, blocks: NamedBlock[], problems: Problem[]): void {
  for (const b of blocks) {
    if (parent && !contains(parent.cidr, b.cidr)) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is outside ${parent.path} "${parent.cidr.text}" (allowed: a block inside ${parent.cidr.text})`,
      });
    }
  }
  blocks.forEach((a, i) => {
    for (const b of blocks.slice(i + 1)) {
      if (overlaps(a.cidr, b.cidr)) {
        problems.push({
          path: b.path,
          message: `"${b.cidr.text}" overlaps ${a.path} "${a.cidr.text}" (allowed: a block that overlaps no other subnet)`,
        });
      }
    }
  });
}

function blocksAt(list: unknown, path: string): NamedBlock[] {
  return arr(list).flatMap((v, i) => {
    const cidr = block(v);
    return cidr ? [{ path: `${path}[${i}]`, cidr }] : [];
  });
}

function one(value: unknown, path: string): NamedBlock[] {
  const cidr = block(value);
  return cidr ? [{ path, cidr }] : [];
}

function checkNodePools(pools: unknown, problems: Problem[]): void {
  const seen = new Set<string>();
  arr(pools).forEach((raw, i) => {
    const pool = obj(raw);
    const path = `kubernetes.nodePools[${i}]`;
    const { minSize: min, desiredSize: desired, maxSize: max, name } = pool;
    if (typeof min === 'number' && typeof desired === 'number' && typeof max === 'number') {
      if (!(min <= desired && desired <= max)) {
        problems.push({
          path: `${path}.desiredSize`,
          message: `sizes min ${min}, desired ${desired}, max ${max} are out of order (allowed: minSize <= desiredSize <= maxSize)`,
        });
      }
    }
    if (typeof name === 'string') {
      if (seen.has(name)) {
        problems.push({ path: `${path}.name`, message: `"${name}" is used by another node pool (allowed: a unique name)` });
      }
      seen.add(name);
    }
  });
}

function checkProdState(env: Loose, problems: Problem[], remote: string): void {
  if (env.tier === 'prod' && obj(env.state).type === 'local') {
    problems.push({
      path: 'state.type',
      message: `"local" keeps prod state on one workstation without locking or encryption (allowed: ${remote})`,
    });
  }
}

function awsRules(env: Loose, problems: Problem[]): void {
  const network = obj(env.network);
  const region = obj(env.aws).region;
  const zones = arr(network.availabilityZones);

  const seenZones = new Set<unknown>();
  zones.forEach((zone, i) => {
    if (typeof zone !== 'string') return;
    if (typeof region === 'string' && !new RegExp(`^${region}[a-z]$`).test(zone)) {
      problems.push({
        path: `network.availabilityZones[${i}]`,
        message: `"${zone}" is not in region ${region} (allowed: ${region}a, ${region}b, ...)`,
      });
    }
    if (seenZones.has(zone)) {
      problems.push({ path: `network.availabilityZones[${i}]`, message: `"${zone}" is listed twice (allowed: distinct zones)` });
    }
    seenZones.add(zone);
  });
  if (env.tier === 'prod' && zones.length > 0 && zones.length < 3) {
    problems.push({
      path: 'network.availabilityZones',
      message: `prod has ${zones.length} availability zones (allowed: 3 or more)`,
    });
  }
  for (const key of ['publicSubnetCidrs', 'privateSubnetCidrs'] as const) {
    const list = arr(network[key]);
    if (zones.length > 0 && Array.isArray(network[key]) && list.length !== zones.length) {
      problems.push({
        path: `network.${key}`,
        message: `has ${list.length} blocks for ${zones.length} availability zones (allowed: one block per zone)`,
      });
    }
  }
  if (env.tier === 'prod' && network.natGateways === 'single') {
    problems.push({
      path: 'network.natGateways',
      message: `"single" makes one zone's outage cut egress for every zone in prod (allowed: one-per-az)`,
    });
  }

  const vpc = one(network.vpcCidr, 'network.vpcCidr')[0];
  if (vpc && (vpc.cidr.prefix < 16 || vpc.cidr.prefix > 28)) {
    problems.push({ path: vpc.path, message: `"${vpc.cidr.text}" has a /${vpc.cidr.prefix} prefix (allowed: /16 to /28, the AWS VPC limits)` });
  }
  const privateBlocks = blocksAt(network.privateSubnetCidrs, 'network.privateSubnetCidrs');
  for (const b of privateBlocks) {
    if (b.cidr.prefix > 24) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is too small for pods, which take VPC addresses with the VPC CNI (allowed: /24 or larger)`,
      });
    }
  }
  checkBlocks(vpc, [...blocksAt(network.publicSubnetCidrs, 'network.publicSubnetCidrs'), ...privateBlocks], problems);
  checkProdState(env, problems, 's3');
}

function azureRules(env: Loose, problems: Problem[]): void {
  const network = obj(env.network);
  const vnet = one(network.vnetCidr, 'network.vnetCidr')[0];
  const ingress = one(network.ingressSubnetCidr, 'network.ingressSubnetCidr');
  for (const b of ingress) {
    if (b.cidr.prefix > 24) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is smaller than Application Gateway for Containers needs (allowed: /24 or larger)`,
      });
    }
  }
  checkBlocks(
    vnet,
    [
      ...one(network.nodeSubnetCidr, 'network.nodeSubnetCidr'),
      ...ingress,
      ...one(network.privateEndpointSubnetCidr, 'network.privateEndpointSubnetCidr'),
    ],
    problems,
  );
  const pods = one(network.podCidr, 'network.podCidr')[0];
  if (pods && vnet && overlaps(pods.cidr, vnet.cidr)) {
    problems.push({
      path: pods.path,
      message: `"${pods.cidr.text}" overlaps network.vnetCidr "${vnet.cidr.text}" (allowed: an overlay range outside the VNet, such as 192.168.0.0/16)`,
    });
  }
  const zones = arr(network.zones);
  if (new Set(zones).size !== zones.length) {
    problems.push({ path: 'network.zones', message: `${JSON.stringify(zones)} lists a zone twice (allowed: distinct zones)` });
  }
  if (env.tier === 'prod' && Array.isArray(network.zones) && new Set(zones).size < 3) {
    problems.push({ path: 'network.zones', message: `prod uses only zones ${JSON.stringify(zones)} (allowed: ["1", "2", "3"])` });
  }
  checkProdState(env, problems, 'azurerm');
}

export function crossFieldProblems(input: unknown): Problem[] {
  const env = obj(input);
  const problems: Problem[] = [];
  if (env.cloud === 'aws') awsRules(env, problems);
  if (env.cloud === 'azure') azureRules(env, problems);
  checkNodePools(obj(env.kubernetes).nodePools, problems);
  return problems;
}
