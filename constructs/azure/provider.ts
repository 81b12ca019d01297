import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { Construct } from 'constructs';

export interface AzureSubscriptionProps {
  readonly subscriptionId: string;
  readonly tenantId: string;
}

/**
 * The azurerm provider pinned to one subscription and tenant. Storage data-plane
 * calls use Entra ID, because storage accounts here have shared keys disabled.
 */
export function azurermProvider(scope: Construct, props: AzureSubscriptionProps): AzurermProvider {
  return new AzurermProvider(scope, 'azurerm', {
    features: [{}],
    subscriptionId: props.subscriptionId,
    tenantId: props.tenantId,
    storageUseAzuread: true,
  });
}
