import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import type { Construct } from 'constructs';

export interface DiagnosticsProps {
  readonly targetResourceId: string;
  readonly workspaceId: string;
  /** Resources without log categories (NAT gateway) send metrics only. */
  readonly logs: boolean;
  readonly metrics: boolean;
}

/** Sends a resource's logs (every category, via the allLogs group) and metrics to Log Analytics. */
export function sendDiagnostics(scope: Construct, id: string, props: DiagnosticsProps): MonitorDiagnosticSetting {
  return new MonitorDiagnosticSetting(scope, id, {
    name: 'to-log-analytics',
    targetResourceId: props.targetResourceId,
    logAnalyticsWorkspaceId: props.workspaceId,
    logAnalyticsDestinationType: 'Dedicated',
    enabledLog: props.logs ? [{ categoryGroup: 'allLogs' }] : undefined,
    enabledMetric: props.metrics ? [{ category: 'AllMetrics' }] : undefined,
  });
}
