/**
 * The EC2 instance types node pools may use: current general purpose (m), compute (c), memory (r)
 * and burstable (t) families, Intel/AMD (x86_64) and Graviton (arm64), with their vCPUs, memory
 * and network interface limits (which bound pods per node with the VPC CNI: every pod takes a
 * secondary address of an interface, max pods = ENIs x (addresses per ENI - 1) + 2).
 *
 * Sources, read 2026-12-02:
 * - https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html (vCPU, memory)
 * - https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_network (ENIs, IPv4 per ENI)
 * - https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt (max pods)
 * Within a family the sizes are regular (large = 2 vCPU; each step doubles; memory per vCPU is the
 * family's: c 2 GiB, m 4 GiB, r 8 GiB), so the table is built from per-family rows below.
 * A type missing here is refused by validation; add its row (with the source) to use it.
 */
export type Architecture = 'x86_64' | 'arm64';

export interface InstanceType {
  readonly architecture: Architecture;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly maxEnis: number;
  readonly ipv4PerEni: number;
}

/** vCPUs, ENIs and IPv4 addresses per ENI of each size on Nitro m/c/r families (gp.html "Network specifications"). */
const SIZES: Readonly<Record<string, readonly [vcpu: number, enis: number, ipsPerEni: number]>> = {
  medium: [1, 2, 4],
  large: [2, 3, 10],
  xlarge: [4, 4, 15],
  '2xlarge': [8, 4, 15],
  '4xlarge': [16, 8, 30],
  '8xlarge': [32, 8, 30],
  '12xlarge': [48, 8, 30],
  '16xlarge': [64, 15, 50],
};

const BIG = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const WITH_MEDIUM = ['medium', ...BIG];

/** family, architecture, GiB per vCPU, sizes offered. */
const FAMILIES: ReadonlyArray<readonly [string, Architecture, number, readonly string[]]> = [
  ['m5', 'x86_64', 4, BIG],
  ['m5a', 'x86_64', 4, BIG],
  ['m6i', 'x86_64', 4, BIG],
  ['m6a', 'x86_64', 4, BIG],
  ['m7i', 'x86_64', 4, BIG],
  ['m7a', 'x86_64', 4, WITH_MEDIUM],
  ['m6g', 'arm64', 4, WITH_MEDIUM],
  ['m7g', 'arm64', 4, WITH_MEDIUM],
  ['m8g', 'arm64', 4, WITH_MEDIUM],
  ['c5', 'x86_64', 2, ['large', 'xlarge', '2xlarge', '4xlarge']],
  ['c6i', 'x86_64', 2, BIG],
  ['c6a', 'x86_64', 2, BIG],
  ['c7i', 'x86_64', 2, BIG],
  ['c7a', 'x86_64', 2, WITH_MEDIUM],
  ['c6g', 'arm64', 2, WITH_MEDIUM],
  ['c7g', 'arm64', 2, WITH_MEDIUM],
  ['c8g', 'arm64', 2, WITH_MEDIUM],
  ['r5', 'x86_64', 8, BIG],
  ['r5a', 'x86_64', 8, BIG],
  ['r6i', 'x86_64', 8, BIG],
  ['r6a', 'x86_64', 8, BIG],
  ['r7i', 'x86_64', 8, BIG],
  ['r7a', 'x86_64', 8, WITH_MEDIUM],
  ['r6g', 'arm64', 8, WITH_MEDIUM],
  ['r7g', 'arm64', 8, WITH_MEDIUM],
  ['r8g', 'arm64', 8, WITH_MEDIUM],
];

/** Burstable types: their own memory and interface limits (gp.html, T3/T3a/T4g rows). */
const BURSTABLE: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ['medium', 2, 4, 3, 6],
  ['large', 2, 8, 3, 12],
  ['xlarge', 4, 16, 4, 15],
  ['2xlarge', 8, 32, 4, 15],
];

function table(): Record<string, InstanceType> {
  const types: Record<string, InstanceType> = {};
  for (const [family, architecture, perVcpu, sizes] of FAMILIES) {
    for (const size of sizes) {
      const [vcpu, maxEnis, ipv4PerEni] = SIZES[size]!;
      types[`${family}.${size}`] = { architecture, vcpu, memoryGiB: vcpu * perVcpu, maxEnis, ipv4PerEni };
    }
  }
  for (const [family, architecture] of [['t3', 'x86_64'], ['t3a', 'x86_64'], ['t4g', 'arm64']] as const) {
    for (const [size, vcpu, memoryGiB, maxEnis, ipv4PerEni] of BURSTABLE) {
      types[`${family}.${size}`] = { architecture, vcpu, memoryGiB, maxEnis, ipv4PerEni };
    }
  }
  return types;
}

export const AWS_INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = table();

/** Pods the VPC CNI can give addresses to on one node (secondary IP mode, no prefix delegation). */
export function awsMaxPods(type: InstanceType): number {
  return type.maxEnis * (type.ipv4PerEni - 1) + 2;
}
