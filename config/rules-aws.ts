/** Cross-field rules for AWS environments. */
import { isArmInstanceType } from './schema-aws';
import { awsZonesOf } from './facts/aws-regions';
import { CLUSTER_AUTOSCALER_IMAGES, EKS_ADDON_VERSIONS } from './versions';
import { blocksAt, checkBlocks, checkProdState, fieldPath, one, tooWide, WIDEST_ADMIN_PREFIX, type Written, type Problem } from './rules-kit';
import type { AwsEnvironment, AwsEnvironmentInput } from './schema';

/** AWS WAF's lowest rate-based rule limit, for every evaluation window (AWS WAF developer guide, rate-based rule high-level settings). */
export const AWS_WAF_MIN_RATE_LIMIT = 10;

type Aws = Written<AwsEnvironmentInput>;
const path = fieldPath<AwsEnvironment>;

export function awsRules(env: Aws, problems: Problem[]): void {
  const requests = env.platform?.waf?.rateLimit?.requests;
  if (requests !== undefined && Number.isInteger(requests) && requests >= 1 && requests < AWS_WAF_MIN_RATE_LIMIT) {
    problems.push({
      path: path((e) => e.platform.waf.rateLimit.requests),
      message: `${requests} is below AWS WAF's minimum rate limit (allowed: ${AWS_WAF_MIN_RATE_LIMIT} to 2000000000 requests per window)`,
    });
  }
  // The cluster layer gives the CI roles their own access entries (constructs/aws/eks-ci-access.ts); a second entry for the same role fails the apply.
  env.kubernetes?.adminRoleArns?.forEach((arn, i) => {
    const ci = arn === undefined ? undefined : /:role\/(.+-ci-(?:plan|deploy))$/.exec(arn)?.[1];
    if (ci && ci.startsWith(`${String(env.name)}-`)) {
      problems.push({ path: path((e) => e.kubernetes.adminRoleArns[i]), message: `"${arn}" is a CI role, which the cluster layer already grants its own access (allowed: people's roles only)` });
    }
  });
  const network = env.network;
  const region = env.aws?.region;
  const zones = network?.availabilityZones ?? [];

  const seenZones = new Set<string>();
  zones.forEach((zone, i) => {
    if (zone === undefined) return;
    if (region !== undefined && !new RegExp(`^${region}[a-z]$`).test(zone)) {
      problems.push({
        path: path((e) => e.network.availabilityZones[i]),
        message: `"${zone}" is not in region ${region} (allowed: ${awsZonesOf(region)?.join(', ') ?? `${region}a, ${region}b, ...`})`,
      });
    }
    if (seenZones.has(zone)) {
      problems.push({ path: path((e) => e.network.availabilityZones[i]), message: `"${zone}" is listed twice (allowed: distinct zones)` });
    }
    seenZones.add(zone);
  });
  if (env.tier === 'prod' && zones.length > 0 && zones.length < 3) {
    problems.push({
      path: path((e) => e.network.availabilityZones),
      message: `prod has ${zones.length} availability zones (allowed: 3 or more)`,
    });
  }
  for (const key of ['publicSubnetCidrs', 'privateSubnetCidrs'] as const) {
    const list = network?.[key];
    if (zones.length > 0 && list !== undefined && list.length !== zones.length) {
      problems.push({
        path: path((e) => e.network[key]),
        message: `has ${list.length} blocks for ${zones.length} availability zones (allowed: one block per zone)`,
      });
    }
  }
  if (env.tier === 'prod' && network?.natGateways === 'single') {
    problems.push({
      path: path((e) => e.network.natGateways),
      message: `"single" makes one zone's outage cut egress for every zone in prod (allowed: one-per-az)`,
    });
  }

  const vpc = one(network?.vpcCidr, path((e) => e.network.vpcCidr))[0];
  if (vpc && (vpc.cidr.prefix < 16 || vpc.cidr.prefix > 28)) {
    problems.push({ path: vpc.path, message: `"${vpc.cidr.text}" has a /${vpc.cidr.prefix} prefix (allowed: /16 to /28, the AWS VPC limits)` });
  }
  const privateBlocks = blocksAt(network?.privateSubnetCidrs, path((e) => e.network.privateSubnetCidrs));
  for (const b of privateBlocks) {
    if (b.cidr.prefix > 24) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is too small for pods, which take VPC addresses with the VPC CNI (allowed: /24 or larger)`,
      });
    }
  }
  checkBlocks(vpc, [...blocksAt(network?.publicSubnetCidrs, path((e) => e.network.publicSubnetCidrs)), ...privateBlocks], problems);
  checkProdState(env, problems, 's3');
  clusterRules(env, problems);
}

function clusterRules(env: Aws, problems: Problem[]): void {
  const k8s = env.kubernetes;
  const version = k8s?.version;
  // Both pins follow the cluster minor: add-ons through the EKS API, the autoscaler image through its chart.
  const pinned = Object.keys(EKS_ADDON_VERSIONS).filter((v) => v in CLUSTER_AUTOSCALER_IMAGES);
  if (version !== undefined && /^1\.\d+$/.test(version) && !pinned.includes(version)) {
    problems.push({
      path: path((e) => e.kubernetes.version),
      message: `"${version}" has no pinned EKS add-on and cluster-autoscaler versions in config/versions.ts (allowed: ${pinned.join(', ')})`,
    });
  }
  const release = k8s?.nodeImageRelease;
  const releaseMinor = release === undefined ? undefined : /^(1\.\d+)\.\d+-\d{8}$/.exec(release)?.[1];
  if (version !== undefined && releaseMinor && releaseMinor !== version) {
    problems.push({
      path: path((e) => e.kubernetes.nodeImageRelease),
      message: `"${release}" is a release for Kubernetes ${releaseMinor}, but the cluster runs ${version} (allowed: a ${version}.<patch>-<yyyymmdd> release)`,
    });
  }
  k8s?.publicEndpointCidrs?.forEach((cidr, i) => {
    const opens = env.tier === 'prod' ? tooWide(cidr) : undefined;
    if (opens) {
      problems.push({
        path: path((e) => e.kubernetes.publicEndpointCidrs[i]),
        message: `"${String(cidr)}" opens the prod API endpoint to ${opens} (allowed: your VPN or office ranges, /${WIDEST_ADMIN_PREFIX} or narrower, or none for a private-only endpoint)`,
      });
    }
  });
  k8s?.nodePools?.forEach((pool, i) => {
    if (!pool) return;
    const types = (pool.instanceTypes ?? []).filter((t) => t !== undefined);
    if (pool.capacityType === 'SPOT' && types.length === 1) {
      problems.push({
        path: path((e) => e.kubernetes.nodePools[i]?.instanceTypes),
        message: `SPOT with only ${JSON.stringify(types[0])} leaves the pool empty when that type runs out (allowed: 2 or more instance types)`,
      });
    }
    if (new Set(types.map(isArmInstanceType)).size > 1) {
      problems.push({
        path: path((e) => e.kubernetes.nodePools[i]?.instanceTypes),
        message: `${JSON.stringify(types)} mixes arm64 and x86_64 types, but a pool has one AMI (allowed: one architecture per pool)`,
      });
    }
  });
}
