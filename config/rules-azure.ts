/** Cross-field rules for Azure environments. */
import { contains, formatAddress, overlaps, parseCidr, type Cidr } from './cidr';
import { block, checkBlocks, checkProdState, fieldPath, one, tooWide, WIDEST_ADMIN_PREFIX, type NamedBlock, type Written, type Problem } from './rules-kit';
import type { AzureEnvironment, AzureEnvironmentInput } from './schema';
import { AKS_KUBERNETES_VERSIONS } from './schema-azure';
import { SUPPORTED_KUBERNETES_VERSIONS } from './schema-common';
import { AZURE_VM_SIZES, maxEphemeralOsDiskGiB } from './facts/azure-vm-sizes';

type Azure = Written<AzureEnvironmentInput>;
const path = fieldPath<AzureEnvironment>;

export function azureRules(env: Azure, problems: Problem[]): void {
  const network = env.network;
  const vnet = one(network?.vnetCidr, path((e) => e.network.vnetCidr))[0];
  const ingress = one(network?.ingressSubnetCidr, path((e) => e.network.ingressSubnetCidr));
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
      ...one(network?.nodeSubnetCidr, path((e) => e.network.nodeSubnetCidr)),
      ...ingress,
      ...one(network?.privateEndpointSubnetCidr, path((e) => e.network.privateEndpointSubnetCidr)),
    ],
    problems,
  );
  const pods = one(network?.podCidr, path((e) => e.network.podCidr))[0];
  if (pods && vnet && overlaps(pods.cidr, vnet.cidr)) {
    problems.push({
      path: pods.path,
      message: `"${pods.cidr.text}" overlaps ${vnet.path} "${vnet.cidr.text}" (allowed: an overlay range outside the VNet, such as 192.168.0.0/16)`,
    });
  }
  if (pods) checkReserved(pods, problems);
  const zones = network?.zones ?? [];
  if (new Set(zones).size !== zones.length) {
    problems.push({ path: path((e) => e.network.zones), message: `${JSON.stringify(zones)} lists a zone twice (allowed: distinct zones)` });
  }
  if (env.tier === 'prod' && network?.zones !== undefined && new Set(zones).size < 3) {
    problems.push({ path: path((e) => e.network.zones), message: `prod uses only zones ${JSON.stringify(zones)} (allowed: ["1", "2", "3"])` });
  }
  checkProdState(env, problems, 'azurerm');
  clusterRules(env, vnet, pods, problems);
  nodePoolRules(env, problems);
  keyVaultRules(env, problems);
}

/**
 * Ranges AKS refuses for VNet, pod and service addresses
 * (learn.microsoft.com/azure/aks/concepts-network-cni-overview, "AKS CNI networking prerequisites").
 */
const AKS_RESERVED = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'].map((c) => parseCidr(c) as Cidr);

function checkReserved(b: NamedBlock, problems: Problem[]): void {
  for (const reserved of AKS_RESERVED) {
    if (overlaps(b.cidr, reserved)) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" overlaps ${reserved.text}, which AKS reserves (allowed: a range outside ${AKS_RESERVED.map((r) => r.text).join(', ')})`,
      });
    }
  }
}

function clusterRules(env: Azure, vnet: NamedBlock | undefined, pods: NamedBlock | undefined, problems: Problem[]): void {
  const k8s = env.kubernetes;
  const prod = env.tier === 'prod';

  const version = k8s?.version;
  const aks: readonly string[] = AKS_KUBERNETES_VERSIONS;
  const known: readonly string[] = SUPPORTED_KUBERNETES_VERSIONS;
  // Versions the common schema already refused are not reported twice.
  if (version !== undefined && known.includes(version) && !aks.includes(version)) {
    problems.push({
      path: path((e) => e.kubernetes.version),
      message: `"${version}" is out of AKS standard support (allowed: ${aks.join(', ')})`,
    });
  }

  if (prod && k8s?.skuTier === 'Free') {
    problems.push({ path: path((e) => e.kubernetes.skuTier), message: '"Free" has no uptime SLA for the prod API server (allowed: Standard, Premium)' });
  }

  const api = k8s?.apiServer;
  const ranges = api?.authorizedIpRanges ?? [];
  if (api?.access === 'authorized-ranges' && api.authorizedIpRanges !== undefined && ranges.length === 0) {
    problems.push({
      path: path((e) => e.kubernetes.apiServer.authorizedIpRanges),
      message: 'is empty, which leaves the public API server open to the whole internet (allowed: your admin and CI ranges, or access "private")',
    });
  }
  if (api?.access === 'private' && ranges.length > 0) {
    problems.push({
      path: path((e) => e.kubernetes.apiServer.authorizedIpRanges),
      message: 'has ranges, but AKS applies none to a private cluster (allowed: an empty list with access "private")',
    });
  }
  ranges.forEach((range, i) => {
    const opens = prod && api?.access === 'authorized-ranges' ? tooWide(range) : undefined;
    if (opens) {
      problems.push({
        path: path((e) => e.kubernetes.apiServer.authorizedIpRanges[i]),
        message: `"${String(range)}" opens the prod API server to ${opens} (allowed: your admin and CI ranges, /${WIDEST_ADMIN_PREFIX} or narrower, or access "private")`,
      });
    }
  });

  const service = one(k8s?.serviceCidr, path((e) => e.kubernetes.serviceCidr))[0];
  if (service) {
    for (const other of [vnet, pods]) {
      if (other && overlaps(service.cidr, other.cidr)) {
        problems.push({
          path: service.path,
          message: `"${service.cidr.text}" overlaps ${other.path} "${other.cidr.text}" (allowed: a range outside the VNet and the pod range, such as 172.16.0.0/16)`,
        });
      }
    }
    checkReserved(service, problems);
    const dnsServiceIp = k8s?.dnsServiceIp;
    const dns = dnsServiceIp === undefined ? undefined : block(`${dnsServiceIp}/32`);
    if (dns) {
      const first = service.cidr.network;
      const suggestion = formatAddress(first + 10);
      if (!contains(service.cidr, dns)) {
        problems.push({
          path: path((e) => e.kubernetes.dnsServiceIp),
          message: `"${dnsServiceIp}" is outside ${service.path} "${service.cidr.text}" (allowed: an address inside it such as ${suggestion})`,
        });
      } else if (dns.network <= first + 1) {
        // The first usable address is the kubernetes.default service.
        problems.push({
          path: path((e) => e.kubernetes.dnsServiceIp),
          message: `"${dnsServiceIp}" is the network or kubernetes service address of "${service.cidr.text}" (allowed: a later address such as ${suggestion})`,
        });
      }
    }
  }

  // azurerm 4.55 only has the zonal Standard NAT gateway, so NAT egress lives in one zone (docs/decisions.md).
  if (prod && k8s?.outboundType === 'userAssignedNATGateway') {
    problems.push({
      path: path((e) => e.kubernetes.outboundType),
      message: '"userAssignedNATGateway" sends every zone\'s egress through one zonal NAT gateway, so one zone\'s outage cuts egress for every zone in prod (allowed: loadBalancer, whose zone-redundant outbound address survives a zone loss)',
    });
  }
  const idleTimeout = env.network?.natIdleTimeoutMinutes;
  if (k8s?.outboundType === 'loadBalancer' && idleTimeout !== undefined && idleTimeout > 100) {
    problems.push({
      path: path((e) => e.network.natIdleTimeoutMinutes),
      message: `${idleTimeout} is longer than an AKS load balancer outbound rule allows (allowed: 4 to 100 with outboundType loadBalancer)`,
    });
  }

  const nodeOsChannel = k8s?.upgrades?.nodeOsChannel;
  if (prod && (nodeOsChannel === 'None' || nodeOsChannel === 'Unmanaged')) {
    problems.push({
      path: path((e) => e.kubernetes.upgrades.nodeOsChannel),
      message: `"${nodeOsChannel}" leaves prod nodes without scheduled security patches (allowed: NodeImage, SecurityPatch)`,
    });
  }
}

/** Sizes in the facts table with neither a cache nor a temp disk (unknown sizes are reported by rules-facts.ts). */
function lacksLocalDisk(vmSize: string): boolean {
  const size = AZURE_VM_SIZES[vmSize];
  return size !== undefined && maxEphemeralOsDiskGiB(size) === 0;
}

function nodePoolRules(env: Azure, problems: Problem[]): void {
  const pools = env.kubernetes?.nodePools ?? [];
  const system: string[] = [];
  pools.forEach((pool, i) => {
    if (!pool) return;
    const zones = pool.zones ?? [];
    if (pool.mode === 'System') {
      system.push(pool.name ?? `#${i}`);
      if (pool.spot === true) {
        problems.push({ path: path((e) => e.kubernetes.nodePools[i]?.spot), message: 'a System pool cannot run on Spot VMs, which Azure evicts at any time (allowed: false)' });
      }
      if (pool.minSize === 0) {
        problems.push({ path: path((e) => e.kubernetes.nodePools[i]?.minSize), message: 'a System pool needs at least one node (allowed: 1 or more)' });
      }
      if (env.tier === 'prod' && pool.zones !== undefined && new Set(zones).size < 3) {
        problems.push({ path: path((e) => e.kubernetes.nodePools[i]?.zones), message: `prod System pool uses only zones ${JSON.stringify(zones)} (allowed: ["1", "2", "3"])` });
      }
    }
    if (new Set(zones).size !== zones.length) {
      problems.push({ path: path((e) => e.kubernetes.nodePools[i]?.zones), message: `${JSON.stringify(zones)} lists a zone twice (allowed: distinct zones)` });
    }
    if (pool.osDiskType === 'Ephemeral' && pool.vmSize !== undefined && lacksLocalDisk(pool.vmSize)) {
      problems.push({
        path: path((e) => e.kubernetes.nodePools[i]?.osDiskType),
        message: `"Ephemeral" needs a VM size with a local temp disk, and "${pool.vmSize}" has none (allowed: "Managed", or a size with a "d" such as Standard_D4ds_v5)`,
      });
    }
  });
  if (pools.length > 0 && system.length !== 1) {
    problems.push({
      path: path((e) => e.kubernetes.nodePools),
      message: `${system.length === 0 ? 'has no System pool' : `has ${system.length} System pools ${JSON.stringify(system)}`} (allowed: exactly one pool with mode "System")`,
    });
  }
}

function keyVaultRules(env: Azure, problems: Problem[]): void {
  const vault = env.keyVault;
  const ranges = vault?.allowedIpRanges ?? [];
  const publicAccess = vault?.publicNetworkAccess === true;
  if (publicAccess && vault?.allowedIpRanges !== undefined && ranges.length === 0) {
    problems.push({
      path: path((e) => e.keyVault.allowedIpRanges),
      message: 'is empty, so public access reaches nothing (allowed: the deployers\' ranges, or publicNetworkAccess false)',
    });
  }
  if (!publicAccess && ranges.length > 0) {
    problems.push({
      path: path((e) => e.keyVault.allowedIpRanges),
      message: 'has ranges, but public network access is off (allowed: an empty list, or publicNetworkAccess true)',
    });
  }
  ranges.forEach((range, i) => {
    const opens = tooWide(range);
    if (opens) {
      problems.push({
        path: path((e) => e.keyVault.allowedIpRanges[i]),
        message: `"${String(range)}" opens the Key Vault to ${opens} (allowed: the deployers' ranges, /${WIDEST_ADMIN_PREFIX} or narrower)`,
      });
    }
  });
}
