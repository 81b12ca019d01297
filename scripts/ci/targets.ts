/**
 * What CI plans and applies, derived from the config registry and the synthesized manifest, so that
 * registering an environment is the only edit its pipelines need. One target per environment: its
 * stacks in dependency order (a consumer after every producer it reads), its runner labels, cloud
 * identities and GitHub environments. Bootstrap stacks are never deployed by CI: they create the
 * state store and the CI identities, and an administrator applies them (README, "Adding an
 * environment"). PR plans and the drift check do plan them (`bootstrap: true`), with the plan
 * identity of the first environment, in registry order, whose state the store holds: a PR that
 * changes CI trust must show that change, and drift in the stack holding CI trust must be seen.
 */
import { layerOf, stateStoreStackId } from '../../config/names';
import { ciIdentities, ciRoleArns } from '../../config/delivery';
import type { Environment } from '../../config/schema';

export interface Manifest {
  readonly stacks: Record<string, { readonly dependencies?: readonly string[] }>;
}

export interface Target {
  readonly environment: string;
  readonly cloud: 'aws' | 'azure';
  readonly tier: 'dev' | 'prod';
  /** prod: plan, publish, wait for the deploy environment's reviewers, apply the saved plans. */
  readonly gated: boolean;
  /** Stacks (layers; with `bootstrap`, the store's bootstrap stack first), each after every stack it depends on, space separated. */
  readonly stacks: string;
  readonly planRunner: readonly string[];
  readonly deployRunner: readonly string[];
  /** GitHub environments whose OIDC subject the plan and deploy identities trust. */
  readonly planEnvironment: string;
  readonly deployEnvironment: string;
  /** AWS only: the roles the cluster-layer/bootstrap code creates, and the region. */
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  readonly awsRegion: string;
  /** Azure only: the identities' client ids are the GitHub environments' AZURE_CLIENT_ID variable. */
  readonly azureTenantId: string;
  readonly azureSubscriptionId: string;
}

/** `aws-prod-cluster` -> `aws-prod`; undefined for a stack that is not a layer (bootstrap). */
export function environmentOf(stack: string): string | undefined {
  const layer = layerOf(stack);
  return layer ? stack.slice(0, -(layer.length + 1)) : undefined;
}

/**
 * Every stack of `manifest` in an order where each comes after its dependencies (ties by name,
 * so the order is stable); `only` keeps a subset without changing their relative order.
 */
export function dependencyOrder(manifest: Manifest, only?: readonly string[]): string[] {
  const ordered: string[] = [];
  const visit = (stack: string, path: readonly string[]): void => {
    if (ordered.includes(stack)) return;
    if (path.includes(stack)) throw new Error(`dependency cycle: ${[...path, stack].join(' -> ')}`);
    for (const dep of [...(manifest.stacks[stack]?.dependencies ?? [])].sort()) {
      if (manifest.stacks[dep]) visit(dep, [...path, stack]);
    }
    ordered.push(stack);
  };
  Object.keys(manifest.stacks).sort().forEach((s) => visit(s, []));
  return only ? ordered.filter((s) => only.includes(s)) : ordered;
}

/** The environment's layer stacks in deploy order. */
export function deployOrder(manifest: Manifest, environment: string): string[] {
  const own = dependencyOrder(manifest).filter((s) => environmentOf(s) === environment);
  if (own.length === 0) throw new Error(`no stacks for environment "${environment}" in the manifest`);
  return own;
}

export function targetOf(env: Environment, stacks: readonly string[]): Target {
  const ids = ciIdentities(env);
  const aws = env.cloud === 'aws' ? env.aws : undefined;
  const roles = env.cloud === 'aws' ? ciRoleArns(env) : undefined;
  const azure = env.cloud === 'azure' ? env.azure : undefined;
  return {
    environment: env.name,
    cloud: env.cloud,
    tier: env.tier,
    gated: env.tier === 'prod',
    stacks: stacks.join(' '),
    planRunner: env.delivery.planRunner,
    deployRunner: env.delivery.deployRunner,
    planEnvironment: ids.plan.githubEnvironment,
    deployEnvironment: ids.deploy.githubEnvironment,
    planRoleArn: roles?.plan ?? '',
    deployRoleArn: roles?.deploy ?? '',
    awsRegion: aws?.region ?? '',
    azureTenantId: azure?.tenantId ?? '',
    azureSubscriptionId: azure?.subscriptionId ?? '',
  };
}

export interface TargetFilter {
  /** Plan only these stacks (the ones whose synthesized files changed); absent: every stack. */
  readonly stacks?: readonly string[];
  readonly tier?: 'dev' | 'prod';
  /** Also plan each state store's bootstrap stack, in the target of the first environment it holds. */
  readonly bootstrap?: boolean;
}

/** Bootstrap stack -> the environment whose target plans it: the first, in `envs` order, whose state it holds. */
export function bootstrapPlanners(envs: readonly Environment[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const env of envs) {
    const store = stateStoreStackId(env);
    if (store && !owners.has(store)) owners.set(store, env.name);
  }
  return owners;
}

/**
 * One target per environment that has stacks to run, environments in registry order. An environment
 * whose stacks are absent from the manifest (not selected at synth) or filtered out is left out.
 */
export function targets(envs: readonly Environment[], manifest: Manifest, filter: TargetFilter = {}): Target[] {
  const order = dependencyOrder(manifest, filter.stacks);
  const planners = filter.bootstrap ? bootstrapPlanners(envs) : new Map<string, string>();
  // dependencyOrder puts a bootstrap stack before every layer that depends on it.
  const belongsTo = (stack: string) => environmentOf(stack) ?? planners.get(stack);
  return envs
    .filter((env) => !filter.tier || env.tier === filter.tier)
    .map((env) => targetOf(env, order.filter((s) => belongsTo(s) === env.name)))
    .filter((t) => t.stacks !== '');
}
