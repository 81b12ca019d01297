/**
 * The Azure VM sizes node pools may use, with vCPUs, memory, architecture and the local disks an
 * ephemeral OS disk can live on: the cache disk or the temp (resource) disk. AKS puts an
 * ephemeral OS disk on the cache when it fits there, else on the temp disk; a size whose larger
 * local disk is smaller than osDiskSizeGb cannot hold it, and AKS refuses the pool at apply.
 *
 * Sources, read 2026-12-02 (MicrosoftDocs/azure-docs, articles/virtual-machines/sizes/...):
 * - general-purpose/dv5-series.md, ddv5-series.md, dasv5-series.md, dadsv5-series.md,
 *   dpsv5-series.md, dpdsv5-series.md, dsv3-series.md, dsv2-series.md (DSv2: cache column)
 * - memory-optimized/ev5-series.md, edv5-series.md, easv5-series.md, eadsv5-series.md
 * - https://learn.microsoft.com/azure/virtual-machines/ephemeral-os-disks (cache vs temp placement)
 * - https://learn.microsoft.com/azure/aks/concepts-storage#ephemeral-os-disk
 * A size missing here is refused by validation; add its row (with the source) to use it.
 */
import type { Architecture } from './aws-instance-types';

export interface VmSize {
  readonly architecture: Architecture;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Cache disk, GiB (0: none). */
  readonly cacheGiB: number;
  /** Temp (resource) disk, GiB (0: none). */
  readonly tempGiB: number;
}

type Row = readonly [vcpu: number, memoryGiB: number, cacheGiB: number, tempGiB: number];

/** v5 "d" sizes: temp disk 37.5 GiB per vCPU, no cache disk (ddv5-series.md "Local storage"). */
const V5_TEMP: Readonly<Record<number, number>> = { 2: 75, 4: 150, 8: 300, 16: 600, 20: 750, 32: 1200, 48: 1800, 64: 2400, 96: 3600 };

function v5(prefix: string, suffix: string, perVcpu: number, vcpus: readonly number[], temp: boolean): Record<string, Row> {
  return Object.fromEntries(vcpus.map((n) => [`Standard_${prefix}${n}${suffix}`, [n, n * perVcpu, 0, temp ? V5_TEMP[n]! : 0] as Row]));
}

const D = [2, 4, 8, 16, 32, 48, 64, 96];
const DP = [2, 4, 8, 16, 32, 48, 64];
const E = [2, 4, 8, 16, 20, 32, 48, 64, 96];

const X86: Record<string, Row> = {
  ...v5('D', 's_v5', 4, D, false),
  ...v5('D', 'ds_v5', 4, D, true),
  ...v5('D', 'as_v5', 4, D, false),
  ...v5('D', 'ads_v5', 4, D, true),
  ...v5('E', 's_v5', 8, E, false),
  ...v5('E', 'ds_v5', 8, E, true),
  ...v5('E', 'as_v5', 8, E, false),
  ...v5('E', 'ads_v5', 8, E, true),
  // Dsv3: cache 25 GiB per vCPU, temp 8 GiB per vCPU (dsv3-series.md).
  ...Object.fromEntries([2, 4, 8, 16, 32, 48, 64].map((n) => [`Standard_D${n}s_v3`, [n, n * 4, n * 25, n * 8] as Row])),
  // DSv2 (dsv2-series.md): the former AKS default.
  Standard_DS2_v2: [2, 7, 86, 14],
  Standard_DS3_v2: [4, 14, 172, 28],
  Standard_DS4_v2: [8, 28, 344, 56],
  Standard_DS5_v2: [16, 56, 688, 112],
};

const ARM: Record<string, Row> = {
  ...v5('D', 'ps_v5', 4, DP, false),
  ...v5('D', 'pds_v5', 4, DP, true),
};

export const AZURE_VM_SIZES: Readonly<Record<string, VmSize>> = Object.fromEntries([
  ...Object.entries(X86).map(([name, r]) => [name, { architecture: 'x86_64' as const, vcpu: r[0], memoryGiB: r[1], cacheGiB: r[2], tempGiB: r[3] }]),
  ...Object.entries(ARM).map(([name, r]) => [name, { architecture: 'arm64' as const, vcpu: r[0], memoryGiB: r[1], cacheGiB: r[2], tempGiB: r[3] }]),
]);

/** The largest ephemeral OS disk the size can hold: its cache disk or its temp disk, whichever is larger. */
export function maxEphemeralOsDiskGiB(size: VmSize): number {
  return Math.max(size.cacheGiB, size.tempGiB);
}
