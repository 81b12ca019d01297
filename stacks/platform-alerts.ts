/**
 * Every rule group the platform's Prometheus evaluates on top of the chart's defaults: each
 * component's alerts (they live in its own folder or beside its construct; only their grouping is
 * here), then the objectives' recording rules and burn-rate alerts
 * (constructs/platform/monitoring/slo-rules.ts).
 *
 * The app layer's workloads (Rocket.Chat, the MongoDB replica set, its backups and the restore
 * check) are watched by the same Prometheus and their rules ship with the platform stack: they
 * must stand before the app layer is deployed, and a DR environment stands by without it
 * (docs/restore.md), where the rules on its absent objects hold their fire.
 */
import type { Environment } from '../config/schema';
import { componentEnabled } from '../config/components';
import { objectivesOf } from '../config/slo';
import { sloGroups, type SloGroup } from '../constructs/platform/monitoring/slo-rules';
import type { AlertGroup } from '../constructs/platform/alert-rule';
import { certManagerAlerts } from '../constructs/platform/cert-manager/alerts';
import { lokiAlerts } from '../constructs/platform/loki/alerts';
import { nodeAlerts } from '../constructs/platform/monitoring/alerts';
import { tempoAlerts } from '../constructs/platform/tempo/alerts';
import { backupAlerts, mongodbAlerts } from '../constructs/app/mongodb-alerts';
import { restoreCheckAlerts } from '../constructs/app/restore-check-alerts';
import { rocketChatAlerts } from '../constructs/app/rocketchat-alerts';

/** The groups of alerts, without the objectives' (the tests read these on their own). */
export function alertGroups(env: Pick<Environment, 'app' | 'tier' | 'platform'>): readonly AlertGroup[] {
  const on = (name: 'loki' | 'tempo') => componentEnabled(env, name);
  return [
    { name: 'platform.nodes', rules: nodeAlerts() },
    { name: 'platform.workloads', rules: certManagerAlerts() },
    { name: 'platform.mongodb', rules: mongodbAlerts(env.app.mongodb.members) },
    { name: 'platform.rocketchat', rules: rocketChatAlerts(objectivesOf(env) !== undefined) },
    { name: 'platform.backups', rules: [...backupAlerts(env.app.backups), ...restoreCheckAlerts(env.app.backups)] },
    // Only for the stores that are on (platform.components): an alert on a store that is not there never fires.
    { name: 'platform.telemetry', rules: [...(on('loki') ? lokiAlerts() : []), ...(on('tempo') ? tempoAlerts() : [])] },
  ];
}

/** What the platform's PrometheusRule holds: the alert groups, then the objectives' groups. */
export function prometheusRuleGroups(env: Environment): readonly (AlertGroup | SloGroup)[] {
  return [...alertGroups(env), ...sloGroups(objectivesOf(env))];
}
