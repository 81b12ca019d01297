/**
 * Capacity: can the configured pools and subnets run what the stacks place on them? Requests come
 * from the same sizing table the platform and app stacks use (config/sizing.ts) and
 * from app.mongodb; node sizes from the facts tables. Allocatable memory and CPU follow each
 * cloud's documented reservations:
 * - EKS AL2023 (nodeadm): kube-reserved memory 255 MiB + 11 MiB per max pod, CPU 6% of the first
 *   core, 1% of the second, 0.5% of cores 3-4, 0.25% above; eviction threshold 100 MiB
 *   (github.com/awslabs/amazon-eks-ami, nodeadm internal/kubelet/config.go, read 2026-12-02).
 * - AKS 1.29+: kube-reserved memory min(20 MB x max pods + 50 MB, 25% of memory), max pods 250
 *   with Azure CNI overlay; CPU 60m for 1 core, 100m for 2, 140m for 4, 180m for 8, 260m for 16,
 *   420m for 32, 740m for 64; eviction 100 MiB
 *   (learn.microsoft.com/azure/aks/node-resource-reservations, read 2026-12-02).
 * DaemonSets on every node: the project's (Alloy and its config reloader, node-exporter, from the sizing table) plus the
 * clouds' own, estimated below from their manifests; `kubectl describe node` shows the real sum.
 */
import { bytes, milliCpu } from './quantity';
import { resourcesFor, type Component } from './sizing';
import { AWS_INSTANCE_TYPES, awsMaxPods } from './facts/aws-instance-types';
import { AZURE_VM_SIZES } from './facts/azure-vm-sizes';
import { parseCidr, type Cidr } from './cidr';
import { fieldPath as path, type Problem } from './rules-kit';
import type { AwsEnvironment, AzureEnvironment, Environment } from './schema';

type AwsPool = AwsEnvironment['kubernetes']['nodePools'][number];
type AzurePool = AzureEnvironment['kubernetes']['nodePools'][number];

const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** Requests of the cloud's own DaemonSets per node. AWS: aws-node 25m, kube-proxy 100m, ebs-csi-node 3 x 10m/40Mi, pod identity agent 25m. */
const AWS_SYSTEM_DAEMONSETS = { cpu: 180, memory: 120 * MI };
/** Azure: cilium agent, CSI disk and file node plugins, cloud-node-manager, ip-masq-agent, Container Insights (ama-logs, ama-metrics-node). */
const AZURE_SYSTEM_DAEMONSETS = { cpu: 450, memory: 800 * MI };

interface Node {
  readonly pool: string;
  readonly size: string;
  readonly cpu: number;
  readonly memory: number;
}

/** What the pods of one node can request: capacity less kube-reserved and the eviction threshold. */
function awsNode(pool: string, type: string): Node | undefined {
  const t = AWS_INSTANCE_TYPES[type];
  if (!t) return undefined;
  const maxPods = Math.min(awsMaxPods(t), t.vcpu < 30 ? 110 : 250);
  const cores = [60, 10, 5, 5];
  const reservedCpu = Array.from({ length: t.vcpu }, (_, i) => cores[i] ?? 2.5).reduce((a, b) => a + b, 0);
  return { pool, size: type, cpu: t.vcpu * 1000 - reservedCpu, memory: t.memoryGiB * GI - (255 + 11 * maxPods) * MI - 100 * MI };
}

function azureNode(pool: string, vmSize: string): Node | undefined {
  const s = AZURE_VM_SIZES[vmSize];
  if (!s) return undefined;
  const cpuReserved: Record<number, number> = { 1: 60, 2: 100, 4: 140, 8: 180, 16: 260, 32: 420, 64: 740 };
  const reservedCpu = cpuReserved[s.vcpu] ?? 740 + (s.vcpu - 64) * 10;
  const reservedMemory = Math.min((20 * 250 + 50) * 1e6, 0.25 * s.memoryGiB * GI);
  return { pool, size: vmSize, cpu: s.vcpu * 1000 - reservedCpu, memory: s.memoryGiB * GI - reservedMemory - 100 * MI };
}

/**
 * Requests of the project's own DaemonSet containers on every node: Alloy, its config reloader
 * (a 'helper'), node-exporter. __tests__/config-rules-capacity.test.ts holds this to the rendered DaemonSets.
 */
export function projectDaemonSetRequests(env: Environment): { cpu: number; memory: number } {
  const own = (['alloy', 'helper', 'nodeExporter'] as const).map((c) => resourcesFor(env, c).requests);
  return { cpu: own.reduce((a, r) => a + milliCpu(r.cpu), 0), memory: own.reduce((a, r) => a + bytes(r.memory), 0) };
}

function daemonSets(env: Environment): { cpu: number; memory: number } {
  const own = projectDaemonSetRequests(env);
  const cloud = env.cloud === 'aws' ? AWS_SYSTEM_DAEMONSETS : AZURE_SYSTEM_DAEMONSETS;
  return { cpu: cloud.cpu + own.cpu, memory: cloud.memory + own.memory };
}

const cpuText = (m: number) => (m % 1000 === 0 ? `${m / 1000} CPU` : `${Math.floor(m)}m CPU`);
const memText = (b: number) => `${Math.floor(b / MI)}Mi`;

/** The pools the platform add-ons and Rocket.Chat can run on: untainted; on Azure, User and not spot. */
function addOnPools(env: Environment): { name: string; index: number; smallest: Node[]; minSize: number }[] {
  if (env.cloud === 'aws') {
    return env.kubernetes.nodePools
      .map((p, index) => ({ p, index }))
      .filter(({ p }) => p.taints.length === 0)
      .map(({ p, index }) => ({ name: p.name, index, minSize: p.minSize, smallest: p.instanceTypes.flatMap((t) => awsNode(p.name, t) ?? []) }));
  }
  return env.kubernetes.nodePools
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => p.mode === 'User' && !p.spot)
    .map(({ p, index }) => ({ name: p.name, index, minSize: p.minSize, smallest: [azureNode(p.name, p.vmSize)].flatMap((n) => n ?? []) }));
}

/** The node a pod can count on in a pool: with several instance types, the smallest. */
function weakest(nodes: Node[]): Node | undefined {
  return nodes.reduce<Node | undefined>((w, n) => (!w || n.memory < w.memory || (n.memory === w.memory && n.cpu < w.cpu) ? n : w), undefined);
}

/** Platform workloads by their largest pod: main container plus a config-reloader or sidecar where the chart adds one. */
const PLATFORM_PODS: ReadonlyArray<{ name: string; component: Component; sidecar: boolean }> = [
  { name: 'prometheus', component: 'prometheus', sidecar: true },
  { name: 'loki', component: 'loki', sidecar: true },
  { name: 'tempo', component: 'tempo', sidecar: false },
  { name: 'grafana', component: 'grafana', sidecar: true },
  { name: 'alertmanager', component: 'alertmanager', sidecar: true },
  { name: 'rocketchat', component: 'rocketchat', sidecar: false },
];

function podRequests(env: Environment, component: Component, sidecar: boolean): { cpu: number; memory: number } {
  const main = resourcesFor(env, component).requests;
  const helper = resourcesFor(env, 'helper').requests;
  return {
    cpu: milliCpu(main.cpu) + (sidecar ? milliCpu(helper.cpu) : 0),
    memory: bytes(main.memory) + (sidecar ? bytes(helper.memory) : 0),
  };
}

function fits(node: Node, pod: { cpu: number; memory: number }, ds: { cpu: number; memory: number }): boolean {
  return pod.cpu + ds.cpu <= node.cpu && pod.memory + ds.memory <= node.memory;
}

function workloadProblems(env: Environment, problems: Problem[]): void {
  const ds = daemonSets(env);
  const pools = addOnPools(env);
  const where = env.cloud === 'aws' ? 'untainted pool' : 'User pool that is not spot';
  if (pools.length === 0) {
    problems.push({
      path: path((e) => e.kubernetes.nodePools),
      message: `has no ${where}, so the platform add-ons (Prometheus, Loki, cert-manager, ...) and Rocket.Chat have nowhere to run (allowed: at least one ${where})`,
    });
    return;
  }
  if (env.cloud === 'aws' && pools.every((p) => p.minSize === 0)) {
    // One problem, pointed at the first pool: raising any one of them fixes it.
    problems.push({
      path: path((e) => e.kubernetes.nodePools[pools[0]!.index]?.minSize),
      message: `is 0 on every untainted pool (${pools.map((p) => `${p.name}: ${path((e) => e.kubernetes.nodePools[p.index])}`).join(', ')}), so no node runs cluster-autoscaler to add the first one, and the coredns add-on hangs DEGRADED with no node (allowed: minSize 1 or more on one of them)`,
    });
  }
  const best = pools.flatMap((p) => weakest(p.smallest) ?? []).sort((a, b) => b.memory - a.memory)[0];
  if (!best) return;
  for (const pod of PLATFORM_PODS) {
    const req = podRequests(env, pod.component, pod.sidecar);
    const fitting = pools.some((p) => {
      const n = weakest(p.smallest);
      return n !== undefined && fits(n, req, ds);
    });
    if (!fitting) {
      problems.push({
        path: path((e) => e.kubernetes.nodePools),
        message: `no ${where} has nodes that fit ${pod.name}, which requests ${cpuText(req.cpu)} and ${memText(req.memory)} (${env.tier} sizing) next to ${cpuText(ds.cpu)} and ${memText(ds.memory)} of DaemonSets: the largest, ${best.size} in pool ${best.pool}, has ${cpuText(best.cpu)} and ${memText(best.memory)} allocatable (allowed: a pool with larger nodes)`,
      });
      return;
    }
  }
}

/** mongod's WiredTiger cache takes at least 256 MiB on its own; below 512 MiB the container is OOM-killed under load. */
const MONGOD_MIN_MEMORY = 512 * MI;

function mongodbProblems(env: Environment, problems: Problem[]): void {
  const { mongodb } = env.app;
  const ds = daemonSets(env);
  const req = { cpu: milliCpu(mongodb.cpu), memory: bytes(mongodb.memory) };
  if (req.cpu < 100) {
    problems.push({ path: path((e) => e.app.mongodb.cpu), message: `"${mongodb.cpu}" requests under 100m, so members starve next to busier pods and elections time out (allowed: 100m or more)` });
  }
  if (req.memory < MONGOD_MIN_MEMORY) {
    problems.push({
      path: path((e) => e.app.mongodb.memory),
      message: `"${mongodb.memory}" is below the 512Mi mongod needs: its WiredTiger cache alone takes 256 MiB, and the limit equals the request (allowed: 512Mi or more)`,
    });
  }
  const pool = mongodb.nodePool === undefined ? undefined : env.kubernetes.nodePools.find((p) => p.name === mongodb.nodePool);
  if (mongodb.nodePool !== undefined && !pool) return; // rules-app.ts reports an unknown pool
  const nodes: Node[] = pool
    ? env.cloud === 'aws'
      ? (pool as AwsPool).instanceTypes.flatMap((t) => awsNode(pool.name, t) ?? [])
      : [azureNode(pool.name, (pool as AzurePool).vmSize)].flatMap((n) => n ?? [])
    : addOnPools(env).flatMap((p) => p.smallest);
  const node = pool ? weakest(nodes) : nodes.sort((a, b) => b.memory - a.memory)[0];
  if (!node) return;
  if (!fits(node, req, ds)) {
    const roomCpu = node.cpu - ds.cpu;
    const roomMemory = node.memory - ds.memory;
    const field = req.memory + ds.memory > node.memory ? 'memory' : 'cpu';
    problems.push({
      path: path((e) => e.app.mongodb[field]),
      message: `"${mongodb[field]}" does not fit one ${node.size} node of pool ${node.pool}, which has ${cpuText(roomCpu)} and ${memText(roomMemory)} allocatable after ${cpuText(ds.cpu)} and ${memText(ds.memory)} of DaemonSets (allowed: at most ${field === 'memory' ? memText(roomMemory) : cpuText(roomCpu)}, or larger nodes)`,
    });
  }
  if (pool) {
    const zones = env.cloud === 'aws' ? env.network.availabilityZones.length : 1;
    const most = env.cloud === 'aws' && (pool as AwsPool).perZone ? pool.maxSize * zones : pool.maxSize;
    if (mongodb.members > most) {
      problems.push({
        path: path((e) => e.app.mongodb.members),
        message: `${mongodb.members} members need ${mongodb.members} nodes (one member per node), but pool ${pool.name} has at most ${most} (allowed: at most ${most} members, or a larger maxSize)`,
      });
    }
  }
}

function usable(cidr: Cidr): number {
  // AWS and Azure both keep the first four addresses and the last of every subnet.
  return 2 ** (32 - cidr.prefix) - 5;
}

function awsSubnetProblems(env: AwsEnvironment, problems: Problem[]): void {
  const zones = env.network.availabilityZones.length;
  // A pool spread over the zones keeps its nodes balanced; when a zone fails, its share moves to the others.
  const perZone = (pool: AwsPool) => (pool.perZone ? pool.maxSize : Math.ceil(pool.maxSize / Math.max(1, zones - 1)));
  const ipsPerNode = (pool: AwsPool) =>
    Math.max(...pool.instanceTypes.map((t) => (AWS_INSTANCE_TYPES[t] ? AWS_INSTANCE_TYPES[t].maxEnis * AWS_INSTANCE_TYPES[t].ipv4PerEni : 0)));
  const needed = env.kubernetes.nodePools.reduce((sum, p) => sum + perZone(p) * ipsPerNode(p), 0);
  const detail = env.kubernetes.nodePools.map((p) => `${p.name} ${perZone(p)} nodes x ${ipsPerNode(p)}`).join(' + ');
  env.network.privateSubnetCidrs.forEach((text, i) => {
    const cidr = parseCidr(text);
    if (typeof cidr === 'string' || needed <= usable(cidr)) return;
    problems.push({
      path: path<AwsEnvironment>((e) => e.network.privateSubnetCidrs[i]),
      message: `"${text}" has ${usable(cidr)} usable addresses, but the nodes that can land in ${env.network.availabilityZones[i] ?? 'its zone'} take up to ${needed} addresses (${detail}: the VPC CNI gives every pod a VPC address from its node's interfaces) (allowed: a larger block, or smaller maxSize)`,
    });
  });
}

function azureSubnetProblems(env: AzureEnvironment, problems: Problem[]): void {
  const cidr = parseCidr(env.network.nodeSubnetCidr);
  if (typeof cidr === 'string') return;
  // Azure CNI overlay: pods use the overlay range, so the subnet holds nodes, plus the 33% surge of an upgrade.
  const needed = env.kubernetes.nodePools.reduce((sum, p) => sum + p.maxSize + Math.ceil(p.maxSize * 0.33), 0);
  if (needed > usable(cidr)) {
    problems.push({
      path: path<AzureEnvironment>((e) => e.network.nodeSubnetCidr),
      message: `"${env.network.nodeSubnetCidr}" has ${usable(cidr)} usable addresses, but the pools' maxSize plus the 33% upgrade surge need ${needed} (allowed: a larger block, or smaller maxSize)`,
    });
  }
}

/** Capacity problems of a well-formed environment. */
export function capacityProblems(env: Environment): Problem[] {
  const problems: Problem[] = [];
  workloadProblems(env, problems);
  mongodbProblems(env, problems);
  if (env.cloud === 'aws') awsSubnetProblems(env, problems);
  else azureSubnetProblems(env, problems);
  return problems;
}
