/** Names shared by more than one layer live here so layers agree on them. */
import type { Environment } from '../config/schema';
import { aksNodeResourceGroupName as nodeResourceGroup, finalTags } from '../config/names';

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

/** Cloud names and their rules live in config/names.ts, where validation checks the same names. */
export { stableSuffix } from '../config/names';

/** Tags every resource carries, on top of the environment's own. */
export function standardTags(env: Environment): Record<string, string> {
  return finalTags(env.name, env.tags);
}

/** The resource group AKS creates for an environment's nodes (the cluster layer names it, the platform reads it). */
export function aksNodeResourceGroupName(env: Environment): string {
  return nodeResourceGroup(env.name);
}
