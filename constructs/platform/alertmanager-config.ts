/**
 * Alertmanager routing built from config: every receiver gets the alerts of
 * the severities it asks for; the always-firing Watchdog and anything no
 * receiver wants goes to "null". Credentials are never in this config: each
 * receiver reads its URL or password from a file in the `alertmanager-receivers`
 * Secret (mounted by alertmanagerSpec.secrets at /etc/alertmanager/secrets/<secret>/<key>).
 */
import type { Environment } from '../../config/schema';

type Receiver = Environment['platform']['alerting']['receivers'][number];

export const RECEIVER_SECRET = 'alertmanager-receivers';
const SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;

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

function receiverConfig(receiver: Receiver): object {
  const file = `${SECRET_DIR}/${receiverCredential(receiver).key}`;
  switch (receiver.type) {
    case 'slack':
      return { name: receiver.name, slack_configs: [{ api_url_file: file, channel: receiver.channel, send_resolved: true }] };
    case 'email':
      return {
        name: receiver.name,
        email_configs: [
          { to: receiver.to, from: receiver.from, smarthost: receiver.smarthost, auth_username: receiver.username, auth_password_file: file, require_tls: true, send_resolved: true },
        ],
      };
    case 'webhook':
      return { name: receiver.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
  }
}

export function alertmanagerConfig(receivers: readonly Receiver[]): object {
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'null',
      group_by: ['namespace', 'alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        { receiver: 'null', matchers: ['alertname = "Watchdog"'] },
        ...receivers.map((r) => ({ receiver: r.name, matchers: [`severity =~ "${r.severities.join('|')}"`], continue: true })),
      ],
    },
    // Same inhibitions as the chart's default: a critical alert silences the warning of the same name.
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ['namespace'] },
    ],
    receivers: [{ name: 'null' }, ...receivers.map(receiverConfig)],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
}
