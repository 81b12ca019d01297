/**
 * Where each stack keeps its Terraform state, derived from the environment's
 * `state` config. The same description configures the producer's backend and
 * the consumer's terraform_remote_state, so the two can never disagree.
 */
import {
  AzurermBackend,
  DataTerraformRemoteStateAzurerm,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  S3Backend,
  type TerraformRemoteState,
  type TerraformStack,
} from 'cdktf';
import type { Construct } from 'constructs';
import type { Environment } from '../config/schema';

export type StateLocation =
  | { readonly type: 's3'; readonly bucket: string; readonly key: string; readonly region: string }
  | {
      readonly type: 'azurerm';
      readonly resourceGroupName: string;
      readonly storageAccountName: string;
      readonly containerName: string;
      readonly key: string;
      readonly subscriptionId: string;
      readonly tenantId: string;
    }
  | { readonly type: 'local'; readonly path: string };

/**
 * Terraform runs each stack in cdktf.out/stacks/<stack>, three levels below the
 * repository root; a path relative to that directory lands in the repository
 * whatever machine synthesizes it, so snapshots stay identical.
 */
export function localState(directory: string, stackName: string): StateLocation {
  return { type: 'local', path: `../../../${directory}/${stackName}.tfstate` };
}

export function stateLocation(env: Environment, stackName: string): StateLocation {
  const state = env.state;
  switch (state.type) {
    case 'local':
      return localState(state.directory, stackName);
    case 's3':
      return { type: 's3', bucket: state.bucket, region: state.region, key: `${state.keyPrefix}/${stackName}.tfstate` };
    case 'azurerm': {
      if (env.cloud !== 'azure') throw new Error(`${env.name}: azurerm state needs an azure environment`);
      return {
        type: 'azurerm',
        resourceGroupName: state.resourceGroupName,
        storageAccountName: state.storageAccountName,
        containerName: state.containerName,
        key: `${state.keyPrefix}/${stackName}.tfstate`,
        subscriptionId: env.azure.subscriptionId,
        tenantId: env.azure.tenantId,
      };
    }
  }
}

/** Writer and readers use the same settings; Entra ID auth because the state account has shared keys disabled. */
function azurermConfig(location: Extract<StateLocation, { type: 'azurerm' }>) {
  const { resourceGroupName, storageAccountName, containerName, key, subscriptionId, tenantId } = location;
  return { resourceGroupName, storageAccountName, containerName, key, subscriptionId, tenantId, useAzureadAuth: true };
}

export function configureBackend(stack: TerraformStack, location: StateLocation): void {
  switch (location.type) {
    case 'local':
      new LocalBackend(stack, { path: location.path });
      return;
    case 's3': {
      // use_lockfile (S3-native locking, Terraform >= 1.10) is newer than cdktf's
      // typed S3BackendConfig; the backend passes unknown keys through snake-cased.
      const config = { bucket: location.bucket, key: location.key, region: location.region, encrypt: true, useLockfile: true };
      new S3Backend(stack, config);
      return;
    }
    case 'azurerm':
      new AzurermBackend(stack, azurermConfig(location));
      return;
  }
}

export function remoteState(scope: Construct, id: string, location: StateLocation): TerraformRemoteState {
  switch (location.type) {
    case 'local':
      return new DataTerraformRemoteStateLocal(scope, id, { path: location.path });
    case 's3':
      return new DataTerraformRemoteStateS3(scope, id, { bucket: location.bucket, key: location.key, region: location.region });
    case 'azurerm':
      return new DataTerraformRemoteStateAzurerm(scope, id, azurermConfig(location));
  }
}
