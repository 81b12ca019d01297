/**
 * Kubernetes resource quantities as numbers and back: CPU in millicores,
 * memory in bytes. Shared by the config rules, the namespace budgets (constructs/app) and the
 * render audit's quota check (scripts/render), so all read "1536Mi" alike.
 */

const MEMORY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Millicores of a CPU quantity ("500m", "2", "1.5"). */
export function milliCpu(quantity: string | number): number {
  const text = String(quantity);
  const match = text.match(/^(\d+(?:\.\d+)?)(m?)$/);
  if (!match) throw new Error(`${JSON.stringify(quantity)} is not a CPU quantity`);
  return match[2] ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

/** Bytes of a memory quantity ("768Mi", "4Gi", "1G", "134217728"). */
export function bytes(quantity: string | number): number {
  const text = String(quantity);
  const match = text.match(/^(\d+(?:\.\d+)?)(|k|M|G|T|Ki|Mi|Gi|Ti)$/);
  if (!match) throw new Error(`${JSON.stringify(quantity)} is not a memory quantity`);
  return Math.round(Number(match[1]) * MEMORY_SUFFIX[match[2]!]!);
}

export function cpuQuantity(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${Math.ceil(millicores)}m`;
}

/** Whole mebibytes, rounded up: quota values stay readable. */
export function memoryQuantity(byteCount: number): string {
  const mi = Math.ceil(byteCount / 1024 ** 2);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}
