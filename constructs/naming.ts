/** Names shared by more than one layer live here so layers agree on them. */
import { createHash } from 'node:crypto';
import type { Environment } from '../config/schema';

/** Every environment's layers, in deploy order. */
export const LAYERS = ['network', 'cluster', 'platform', 'app'] as const;
export type Layer = (typeof LAYERS)[number];

/** The layer a stack name ends with, if it is a layer stack. */
export function layerOf(stack: string): Layer | undefined {
  return LAYERS.find((layer) => stack.endsWith(`-${layer}`));
}

export function stackName(env: Environment, layer: Layer): string {
  return `${env.name}-${layer}`;
}

/** The Kubernetes cluster name; the network layer tags subnets with it. */
export function clusterName(env: Environment): string {
  return env.name;
}

/**
 * Globally unique names (S3 buckets, storage accounts) need a suffix that is
 * stable for one environment and different between accounts.
 */
export function stableSuffix(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 8);
}

/** Tags every resource carries, on top of the environment's own. */
export function standardTags(env: Environment): Record<string, string> {
  return { ...env.tags, environment: env.name, project: 'rocketchat', 'managed-by': 'cdktf' };
}

/** The resource group AKS creates for an environment's nodes (the cluster layer names it, the platform reads it). */
export function aksNodeResourceGroupName(env: Environment): string {
  return `rg-${env.name}-cluster-nodes`;
}
