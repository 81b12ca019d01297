/** The weekly restore check's alerts: its newest run failed, or none has succeeded for eight days. */
import type { Environment } from '../../config/schema';
import { alert, type AlertRule } from '../platform/alert-rule';
import { RESTORE_CHECK_JOB } from '../../config/names';
import { APP_LAYER_DEPLOYED } from './mongodb-alerts';

/** Days without a successful restore check before it alerts (issue 25: "has not succeeded within 8 days"). */
export const RESTORE_CHECK_MAX_DAYS = 8;

/**
 * The weekly restore check (app layer, restore-check.ts), from kube-state-metrics' CronJob series:
 * they live on the CronJob's status, so they outlast the job the TTL deletes an hour after it ends.
 */
export function restoreCheckAlerts(backups: Environment['app']['backups']): AlertRule[] {
  if (!backups.restoreCheck.enabled) return [];
  const sel = `{namespace="${RESTORE_CHECK_JOB.namespace}", cronjob="${RESTORE_CHECK_JOB.cronjob}"}`;
  const by = 'namespace, cronjob';
  const last = (metric: string) => `max by (${by}) (${metric}${sel})`;
  const maxAge = RESTORE_CHECK_MAX_DAYS * 86400;
  return [
    // The newest run started after the newest success and is no longer active: it failed (or never succeeded at all).
    alert('MongoDBRestoreCheckFailed',
      `(${last('kube_cronjob_status_last_schedule_time')} > on (${by}) (${last('kube_cronjob_status_last_successful_time')} or ${last('kube_cronjob_created')} * 0)) unless on (${by}) (${last('kube_cronjob_status_active')} > 0)`,
      '5m', 'critical',
      'The weekly MongoDB restore check failed',
      `The newest run of ${RESTORE_CHECK_JOB.namespace}/${RESTORE_CHECK_JOB.cronjob} did not restore the newest backup: backups that cannot be restored are not backups. Read its log with kubectl -n ${RESTORE_CHECK_JOB.namespace} logs job/<newest job>; docs/restore.md, "The weekly restore check".`),
    // Also when the CronJob is suspended, stuck or its runs are skipped; before the first success, measured from its creation.
    alert('MongoDBRestoreCheckStale',
      `(time() - ${last('kube_cronjob_status_last_successful_time')} > ${maxAge}) or (time() - ${last('kube_cronjob_created')} > ${maxAge} unless on (${by}) ${last('kube_cronjob_status_last_successful_time')}) or (absent(kube_cronjob_created${sel}) and on () ${APP_LAYER_DEPLOYED})`,
      '30m', 'critical',
      'No successful MongoDB restore check for 8 days',
      `${RESTORE_CHECK_JOB.namespace}/${RESTORE_CHECK_JOB.cronjob} has not restored a backup successfully for ${RESTORE_CHECK_MAX_DAYS} days (schedule "${backups.restoreCheck.schedule}" UTC), or kube-state-metrics does not report it.`),
  ];
}
