/**
 * Control-plane logs of an AKS cluster to Log Analytics, in resource-specific
 * tables (AKSAuditAdmin, AKSControlPlane). kube-audit-admin rather than
 * kube-audit: it keeps every write and drops get/list/watch, which are most
 * of the volume and cost (learn.microsoft.com/azure/aks/monitor-aks).
 */
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import type { Construct } from 'constructs';

export const AKS_LOG_CATEGORIES = [
  'kube-audit-admin',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'cloud-controller-manager',
  'guard',
  'csi-azuredisk-controller',
  'csi-azurefile-controller',
  'csi-snapshot-controller',
] as const;

export function sendClusterDiagnostics(scope: Construct, id: string, clusterId: string, workspaceId: string): MonitorDiagnosticSetting {
  return new MonitorDiagnosticSetting(scope, id, {
    name: 'to-log-analytics',
    targetResourceId: clusterId,
    logAnalyticsWorkspaceId: workspaceId,
    logAnalyticsDestinationType: 'Dedicated',
    enabledLog: AKS_LOG_CATEGORIES.map((category) => ({ category })),
    enabledMetric: [{ category: 'AllMetrics' }],
  });
}
