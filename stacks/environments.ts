/**
 * Reads like the architecture: for each environment, the stack that holds its
 * state (shared by environments using the same store), then its layers in
 * deploy order. Each cloud supplies the same two things.
 */
import type { App } from 'cdktf';
import type { AwsEnvironment, AzureEnvironment, Environment } from '../config/schema';
import { AppStack } from './app-stack';
import { connectAwsApp } from './aws-app';
import { AwsBootstrapStack } from './aws-bootstrap-stack';
import { AwsClusterStack } from './aws-cluster-stack';
import { AwsNetworkStack } from './aws-network-stack';
import { connectAws } from './aws-platform';
import { AzureBootstrapStack } from './azure-bootstrap-stack';
import { connectAzureApp } from './azure-app';
import { AzureClusterStack } from './azure-cluster-stack';
import { AzureNetworkStack } from './azure-network-stack';
import { connectAzure } from './azure-platform';
import { PlatformStack } from './platform-stack';

interface CloudStacks<E extends Environment> {
  /** The bootstrap stack id for the env's remote state store, and how to build it; none for local state. */
  stateStore(env: E): { id: string; build(app: App): void } | undefined;
  /** The env's layers in deploy order: network, cluster, platform, app. */
  layers(app: App, env: E): void;
}

const aws: CloudStacks<AwsEnvironment> = {
  stateStore(env) {
    const state = env.state;
    if (state.type !== 's3') return undefined;
    const id = `bootstrap-${state.bucket}`;
    return { id, build: (app) => new AwsBootstrapStack(app, id, env, state.bucket, state.region) };
  },
  layers(app, env) {
    const network = new AwsNetworkStack(app, env);
    const cluster = new AwsClusterStack(app, env, network);
    const platform = new PlatformStack(app, env, connectAws(env, network, cluster));
    new AppStack(app, env, connectAwsApp(env, cluster, platform));
  },
};

const azure: CloudStacks<AzureEnvironment> = {
  stateStore(env) {
    const state = env.state;
    if (state.type !== 'azurerm') return undefined;
    const id = `bootstrap-${state.storageAccountName}`;
    return { id, build: (app) => new AzureBootstrapStack(app, id, env, state) };
  },
  layers(app, env) {
    const network = new AzureNetworkStack(app, env);
    const cluster = new AzureClusterStack(app, env, network);
    const platform = new PlatformStack(app, env, connectAzure(env, network, cluster));
    new AppStack(app, env, connectAzureApp(env, network, cluster, platform));
  },
};

function stacksFor(env: Environment): CloudStacks<Environment> {
  return (env.cloud === 'aws' ? aws : azure) as CloudStacks<Environment>;
}

/** The layer stacks every environment has, in deploy order (each stack class names itself `<env>-<layer>`). */
export const LAYERS = ['network', 'cluster', 'platform', 'app'] as const;

/** Every stack `buildEnvironments` makes for these environments: shared state stores once, then each env's layers. */
export function stackNames(envs: readonly Environment[]): string[] {
  const stores = envs.map((env) => stacksFor(env).stateStore(env)?.id).filter((id): id is string => !!id);
  return [...new Set(stores), ...envs.flatMap((env) => LAYERS.map((layer) => `${env.name}-${layer}`))];
}

export function buildEnvironments(app: App, envs: readonly Environment[]): void {
  const stores = new Set<string>();
  for (const env of envs) {
    const store = stacksFor(env).stateStore(env);
    if (store && !stores.has(store.id)) {
      stores.add(store.id);
      store.build(app);
    }
  }
  for (const env of envs) stacksFor(env).layers(app, env);
}
