/**
 * Reads like the architecture: for each environment, the stack that holds its
 * state (shared by environments using the same store), then its layers in
 * deploy order. Each cloud supplies the same two things.
 */
import type { App, TerraformStack } from 'cdktf';
import type { AwsEnvironment, AzureEnvironment, Environment } from '../config/schema';
import { LAYERS, stackName, stateStoreStackId } from '../config/names';
import { AppStack } from './app-stack';
import { connectAwsApp } from './aws-app';
import { AwsBootstrapStack } from './aws-bootstrap-stack';
import { AwsClusterStack } from './aws-cluster-stack';
import { AwsNetworkStack } from './aws-network-stack';
import { connectAws } from './aws-platform';
import { AzureBootstrapStack } from './azure-bootstrap-stack';
import { GithubSettingsStack, githubSettingsStackId } from './github-settings-stack';
import { connectAzureApp } from './azure-app';
import { AzureClusterStack } from './azure-cluster-stack';
import { AzureNetworkStack } from './azure-network-stack';
import { connectAzure } from './azure-platform';
import { PlatformStack } from './platform-stack';

interface CloudStacks<E extends Environment> {
  /**
   * The bootstrap stack id for the env's remote state store, and how to build it for every environment
   * whose state it holds (their CI identities live there); none for local state.
   */
  stateStore(env: E): { id: string; build(app: App, envs: E[], registered: readonly Environment[]): TerraformStack } | undefined;
  /** The env's layers in deploy order: network, cluster, platform, app. */
  layers(app: App, env: E): TerraformStack[];
}

const aws: CloudStacks<AwsEnvironment> = {
  stateStore(env) {
    const state = env.state;
    if (state.type !== 's3') return undefined;
    const id = stateStoreStackId(env)!;
    // IAM has one GitHub OIDC provider per account: the account's first store (by stack id) creates it, the others use it.
    // Every store of the account is fenced against every deploy role of the account (constructs/aws/ci-roles.ts).
    const sameAccount = (registered: readonly Environment[]) =>
      registered.flatMap((e) => (e.cloud === 'aws' && e.aws.accountId === env.aws.accountId && e.state.type === 's3' ? [{ id: stateStoreStackId(e)!, bucket: e.state.bucket, name: e.name, keyPrefix: e.state.keyPrefix }] : []));
    return {
      id,
      build: (app, envs, registered) => {
        const stores = sameAccount(registered);
        const owner = stores.map((s) => s.id).sort()[0]!;
        const accountStores = [...new Set(stores.map((s) => s.bucket))].sort().map((bucket) => ({
          bucket,
          environments: stores.filter((s) => s.bucket === bucket).map(({ name, keyPrefix }) => ({ name, keyPrefix })).sort((a, b) => a.name.localeCompare(b.name)),
        }));
        return new AwsBootstrapStack(app, id, envs, state.bucket, state.region, { githubProviderStack: owner, accountStores });
      },
    };
  },
  layers(app, env) {
    const network = new AwsNetworkStack(app, env);
    const cluster = new AwsClusterStack(app, env, network);
    const platform = new PlatformStack(app, env, connectAws(env, network, cluster));
    return [network, cluster, platform, new AppStack(app, env, connectAwsApp(env, cluster, platform))];
  },
};

const azure: CloudStacks<AzureEnvironment> = {
  stateStore(env) {
    const state = env.state;
    if (state.type !== 'azurerm') return undefined;
    const id = stateStoreStackId(env)!;
    return { id, build: (app, envs) => new AzureBootstrapStack(app, id, envs, state) };
  },
  layers(app, env) {
    const network = new AzureNetworkStack(app, env);
    const cluster = new AzureClusterStack(app, env, network);
    const platform = new PlatformStack(app, env, connectAzure(env, network, cluster));
    return [network, cluster, platform, new AppStack(app, env, connectAzureApp(env, network, cluster, platform))];
  },
};

function stacksFor(env: Environment): CloudStacks<Environment> {
  return (env.cloud === 'aws' ? aws : azure) as CloudStacks<Environment>;
}

/** Whether `envs` is every registered environment: only then are the repositories' GitHub settings synthesized. */
function wholeRegistry(envs: readonly Environment[], registered: readonly Environment[]): boolean {
  const selected = new Set(envs.map((e) => e.name));
  return registered.every((e) => selected.has(e.name));
}

/**
 * Every stack `buildEnvironments` makes for these environments: shared state stores once, the
 * repositories' GitHub settings (whole registry only), then each env's layers.
 */
export function stackNames(envs: readonly Environment[], registered: readonly Environment[] = envs): string[] {
  const stores = envs.map((env) => stacksFor(env).stateStore(env)?.id).filter((id): id is string => !!id);
  const settings = wholeRegistry(envs, registered) ? [...new Set(envs.map((env) => githubSettingsStackId(env.delivery.repository)))] : [];
  return [...new Set(stores), ...settings, ...envs.flatMap((env) => LAYERS.map((layer) => stackName(env, layer)))];
}

/**
 * Builds the selected environments. A state store's bootstrap stack is built for every environment in
 * `registered` whose state it holds (default: the selection), so synthesizing a subset never drops another
 * environment's CI identities from a shared store. Every layer depends on its store's bootstrap stack, so
 * `cdktf deploy` never starts a layer before the bucket or account holding its state exists.
 */
export function buildEnvironments(app: App, envs: readonly Environment[], registered: readonly Environment[] = envs): void {
  const stores = new Map<string, TerraformStack>();
  for (const env of envs) {
    const store = stacksFor(env).stateStore(env);
    if (store && !stores.has(store.id)) {
      const sharing = [env, ...registered.filter((other) => other.name !== env.name && stacksFor(other).stateStore(other)?.id === store.id)];
      // On a full synth `registered` is `envs`: one entry per name, or the store's policies repeat Sids (S3 refuses the bucket policy).
      const everyEnv = [...new Map([...registered, ...envs].map((e) => [e.name, e])).values()];
      stores.set(store.id, store.build(app, sharing.sort((a, b) => a.name.localeCompare(b.name)), everyEnv));
    }
  }
  // A store that uses the account's GitHub OIDC provider is applied after the store that owns it.
  for (const stack of stores.values()) {
    if (stack instanceof AwsBootstrapStack && stack.githubProviderStack !== stack.node.id) {
      const owner = stores.get(stack.githubProviderStack);
      if (owner) stack.addDependency(owner);
    }
  }
  // The GitHub settings of each repository, with the whole registry only: they cover every environment there.
  const repositories = wholeRegistry(envs, registered) ? [...new Set(envs.map((e) => e.delivery.repository))].sort() : [];
  for (const repository of repositories) {
    const ofRepository = envs.filter((e) => e.delivery.repository === repository).sort((a, b) => a.name.localeCompare(b.name));
    const settings = new GithubSettingsStack(app, githubSettingsStackId(repository), repository, ofRepository);
    // It reads the Azure stores' bootstrap outputs (client ids) and the gated AWS stores' (plan signing key ARN).
    for (const e of ofRepository) {
      const store = e.cloud === 'azure' || e.tier === 'prod' ? stores.get(stacksFor(e).stateStore(e)?.id ?? '') : undefined;
      if (store) settings.addDependency(store);
    }
  }
  for (const env of envs) {
    const store = stacksFor(env).stateStore(env);
    const layers = stacksFor(env).layers(app, env);
    if (store) for (const layer of layers) layer.addDependency(stores.get(store.id)!);
  }
}
