/**
 * A storage account with the controls every account here needs: HTTPS and
 * TLS 1.2 only, no anonymous blob access, Entra ID auth by default with shared
 * keys off, infrastructure (double) encryption, versioning and soft delete,
 * and protection from `terraform destroy`.
 */
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Construct } from 'constructs';

export interface SecureStorageAccountProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly replication: 'ZRS' | 'GZRS' | 'RAGZRS';
  /** Days deleted blobs and containers stay restorable. */
  readonly softDeleteDays: number;
  /**
   * Only for services that still write with account keys (Network Watcher
   * flow logs, Percona Backup for MongoDB); every other account keeps this false.
   */
  readonly sharedKeyAccess?: boolean;
  /** false: reachable only through private endpoints (and ARM for management). */
  readonly publicNetworkAccess?: boolean;
}

export class SecureStorageAccount extends Construct {
  readonly account: StorageAccount;

  constructor(scope: Construct, id: string, props: SecureStorageAccountProps) {
    super(scope, id);
    this.account = new StorageAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.replication,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: props.sharedKeyAccess ?? false,
      defaultToOauthAuthentication: true,
      infrastructureEncryptionEnabled: true,
      crossTenantReplicationEnabled: false,
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      blobProperties: {
        versioningEnabled: true,
        changeFeedEnabled: true,
        deleteRetentionPolicy: { days: props.softDeleteDays },
        containerDeleteRetentionPolicy: { days: props.softDeleteDays },
      },
      lifecycle: { preventDestroy: true },
    });
  }
}
