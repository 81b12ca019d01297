/**
 * Config `app.backups.dr.alarmEmails` on Azure: the backup account's Resource Health, mailed.
 * RA-GZRS replication is Azure's own and publishes no lag metric (only the account's
 * `geoReplicationStats.lastSyncTime`, read on demand: docs/restore.md), so what can be alerted on
 * is the account itself turning Degraded or Unavailable, which includes its geo-replication.
 */
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorActivityLogAlert } from '@cdktf/provider-azurerm/lib/monitor-activity-log-alert';
import { Construct } from 'constructs';

export interface BackupHealthAlertProps {
  readonly envName: string;
  readonly resourceGroupName: string;
  readonly accountId: string;
  readonly emails: readonly string[];
}

export class BackupHealthAlert extends Construct {
  constructor(scope: Construct, id: string, props: BackupHealthAlertProps) {
    super(scope, id);
    const group = new MonitorActionGroup(this, 'action-group', {
      name: `ag-${props.envName}-backups`,
      resourceGroupName: props.resourceGroupName,
      // Shown as the sender of SMS and e-mail; Azure allows 12 characters.
      shortName: 'rc-backups',
      emailReceiver: props.emails.map((emailAddress, i) => ({ name: `email-${i}`, emailAddress, useCommonAlertSchema: true })),
    });
    new MonitorActivityLogAlert(this, 'account-health', {
      name: `${props.envName}-backup-account-health`,
      resourceGroupName: props.resourceGroupName,
      // Activity log alerts are global resources (Microsoft.Insights/activityLogAlerts).
      location: 'global',
      scopes: [props.accountId],
      description: `The MongoDB backup account of ${props.envName} (and its geo-replicated copy) is degraded or unavailable (docs/restore.md)`,
      criteria: { category: 'ResourceHealth', resourceHealth: { current: ['Degraded', 'Unavailable'] } },
      action: [{ actionGroupId: group.id }],
    });
  }
}
