/**
 * Alertmanager routing built from config: every receiver gets the alerts of
 * the severities it asks for; anything no receiver wants goes to "null".
 * The always-firing Watchdog (kube-prometheus-stack's general.rules) is the
 * dead man's switch: it goes to the heartbeat receiver every minute, and the
 * heartbeat service (healthchecks.io, Dead Man's Snitch, Better Stack, ...)
 * pages when the pings stop, that is when Prometheus, Alertmanager or the
 * path out of the cluster is down. Without a heartbeat it goes to "null".
 * Credentials are never in this config: each receiver reads its URL or
 * password from a file in the `alertmanager-receivers` Secret (mounted by
 * alertmanagerSpec.secrets at /etc/alertmanager/secrets/<secret>/<key>).
 */
import type { Environment } from '../../../config/schema';

type Alerting = Environment['platform']['alerting'];
type Receiver = Alerting['receivers'][number];
type Heartbeat = NonNullable<Alerting['heartbeat']>;

export const RECEIVER_SECRET = 'alertmanager-receivers';
const SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;

/** Receiver name of the dead man's switch; config/rules-platform.ts keeps it from the configured receivers. */
export const HEARTBEAT_RECEIVER = 'heartbeat';
/**
 * Minutes between two pings. Alertmanager notifies on group_interval ticks, so group_interval and
 * repeat_interval are both this; set the heartbeat check's period to it and its grace to a few more.
 */
export const HEARTBEAT_INTERVAL = '1m';

/** The key in RECEIVER_SECRET holding the heartbeat URL, and the operator-managed secret it comes from. */
export function heartbeatCredential(heartbeat: Heartbeat): { key: string; secretName: string } {
  return { key: `${HEARTBEAT_RECEIVER}-url`, secretName: heartbeat.urlSecret };
}

/** The key in RECEIVER_SECRET holding a receiver's credential, and which operator-managed secret it comes from. */
export function receiverCredential(receiver: Receiver): { key: string; secretName: string } {
  switch (receiver.type) {
    case 'slack':
      return { key: `${receiver.name}-webhook-url`, secretName: receiver.webhookUrlSecret };
    case 'email':
      return { key: `${receiver.name}-smtp-password`, secretName: receiver.passwordSecret };
    case 'webhook':
      return { key: `${receiver.name}-url`, secretName: receiver.urlSecret };
  }
}

/**
 * Prometheus puts `environment` on every alert (prometheusSpec.externalLabels, index.ts), and
 * several environments may notify one channel or inbox: the title says which one first.
 * The rest is Alertmanager's default (its default.tmpl). A webhook's JSON carries it in commonLabels.
 */
const ENVIRONMENT_PREFIX = '{{ with .CommonLabels.environment }}[{{ . }}] {{ end }}';
export const SLACK_TITLE = `${ENVIRONMENT_PREFIX}{{ template "slack.default.title" . }}`;
/** What a phone's notification shows: Alertmanager's default fallback starts with its default title. */
export const SLACK_FALLBACK = `${SLACK_TITLE} | {{ template "slack.default.titlelink" . }}`;
export const EMAIL_SUBJECT = `${ENVIRONMENT_PREFIX}{{ template "email.default.subject" . }}`;

function receiverConfig(receiver: Receiver): object {
  const file = `${SECRET_DIR}/${receiverCredential(receiver).key}`;
  switch (receiver.type) {
    case 'slack':
      return { name: receiver.name, slack_configs: [{ api_url_file: file, channel: receiver.channel, send_resolved: true, title: SLACK_TITLE, fallback: SLACK_FALLBACK }] };
    case 'email':
      return {
        name: receiver.name,
        email_configs: [
          { to: receiver.to, from: receiver.from, smarthost: receiver.smarthost, auth_username: receiver.username, auth_password_file: file, require_tls: true, send_resolved: true, headers: { Subject: EMAIL_SUBJECT } },
        ],
      };
    case 'webhook':
      return { name: receiver.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
  }
}

export function alertmanagerConfig(alerting: Pick<Alerting, 'receivers' | 'heartbeat'>): object {
  const { receivers, heartbeat } = alerting;
  const watchdog = heartbeat
    ? { receiver: HEARTBEAT_RECEIVER, matchers: ['alertname = "Watchdog"'], group_wait: '0s', group_interval: HEARTBEAT_INTERVAL, repeat_interval: HEARTBEAT_INTERVAL }
    : { receiver: 'null', matchers: ['alertname = "Watchdog"'] };
  const heartbeatReceiver = heartbeat
    ? [{ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: `${SECRET_DIR}/${heartbeatCredential(heartbeat).key}`, send_resolved: false, max_alerts: 1 }] }]
    : [];
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'null',
      group_by: ['namespace', 'alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [watchdog, ...receivers.map((r) => ({ receiver: r.name, matchers: [`severity =~ "${r.severities.join('|')}"`], continue: true }))],
    },
    // Same inhibitions as the chart's default: a critical alert silences the warning of the same name.
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ['namespace'] },
    ],
    receivers: [{ name: 'null' }, ...heartbeatReceiver, ...receivers.map(receiverConfig)],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
}
