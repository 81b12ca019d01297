/**
 * The platform layer's settings, the same on both clouds: DNS zone, ACME
 * contact, external-dns policy, retention of metrics/logs/traces and where
 * alerts go. Secrets (Slack webhook, SMTP password, webhook and heartbeat URLs) are never
 * written here: a receiver names a secret in the environment's Secrets
 * Manager (AWS) or Key Vault (Azure) and the platform stack copies it into
 * the cluster.
 */
import { int, list, literal, maybe, object, oneOf, optional, percentage, text, variants } from './schema-kit';
import { DEFAULT_SLOS, PROMETHEUS_DURATION } from './slo';
import { domain } from './schema-common';

/** A name valid in both Secrets Manager and Key Vault: letters, digits, hyphens. */
export const secretName = text('a Secrets Manager / Key Vault secret name: 1-127 letters, digits and hyphens', /^[A-Za-z0-9][A-Za-z0-9-]{0,126}$/);
const receiverName = text('2-32 lowercase letters, digits and hyphens', /^[a-z][a-z0-9-]{1,31}$/);
export const email = text('an e-mail address such as ops@example.com', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
const severities = optional(list(oneOf(['critical', 'warning', 'info']), 1, 3, 'severities'), ['critical', 'warning']);

const slackReceiver = object({
  type: literal('slack'),
  name: receiverName,
  channel: text('a Slack channel such as #alerts', /^[#@][\w.-]{1,80}$/),
  /** Secret holding the incoming-webhook URL. */
  webhookUrlSecret: secretName,
  severities,
});

const emailReceiver = object({
  type: literal('email'),
  name: receiverName,
  to: email,
  from: email,
  /** host:port of an SMTP server that speaks STARTTLS. */
  smarthost: text('host:port such as smtp.example.com:587', /^[a-z0-9.-]+:\d{2,5}$/),
  username: text('the SMTP user name', /^\S{1,256}$/),
  /** Secret holding the SMTP password. */
  passwordSecret: secretName,
  severities,
});

const webhookReceiver = object({
  type: literal('webhook'),
  name: receiverName,
  /** Secret holding the webhook URL (https only). */
  urlSecret: secretName,
  severities,
});

/**
 * A URL path a WAF exclusion applies to: "/" plus at least one more character (a bare "/" would
 * exclude every request), no query, fragment, wildcard or whitespace, and an explicit end: a
 * trailing "/" makes it a prefix of whole path segments (`/ufs/`), a trailing "$" an exact path
 * (`/api/v1/chat.sendMessage$`), so `/api/v1/chat.sendMessageX` never rides on an exclusion. At
 * most 91 characters: escaped into an AWS WAF regular expression it stays under its 200.
 */
export const wafPathPrefix = text(
  'a URL path ending in / (a prefix, such as /api/v1/rooms.upload/) or $ (exact, such as /api/v1/chat.sendMessage$): "/" and 2 to 90 more characters, no spaces, ?, #, * or quotes',
  /^\/[A-Za-z0-9._~!&()+,;=:@%/-]{0,88}[A-Za-z0-9._~!&()+,;=:@%-](?:\/|\$)$/,
);

/** Rocket.Chat's DDP-over-REST endpoint: it runs the method named in the body, whatever the URL says (apps/meteor/app/api/server/v1/misc.ts). */
export const METHOD_CALL_PREFIX = '/api/v1/method.call/';

/**
 * Rocket.Chat's requests whose bodies the WAF's body rules (size over 8 KB, cross-site scripting,
 * SQL injection in the body) would refuse: files, and message text (docs/platform.md, "Web
 * application firewall", says why each path is here). A `method.call` entry is exempt only for a
 * body whose one DDP method is the one its URL names.
 */
export const ROCKETCHAT_UPLOAD_PATHS = [
  '/api/v1/rooms.upload/',
  '/api/v1/rooms.media/',
  '/ufs/',
  '/api/v1/users.setAvatar$',
  '/api/v1/method.call/setAvatarFromService$',
  '/api/v1/emoji-custom.create$',
  '/api/v1/emoji-custom.update$',
  '/api/v1/assets.setAsset$',
  '/api/v1/livechat/upload/',
] as const;
export const ROCKETCHAT_MESSAGE_PATHS = [
  '/api/v1/chat.sendMessage$',
  '/api/v1/chat.postMessage$',
  '/api/v1/chat.update$',
  '/api/v1/method.call/sendMessage$',
  '/api/v1/method.call/updateMessage$',
  '/api/v1/rooms.mediaConfirm/',
  '/hooks/',
  '/api/v1/livechat/message$',
] as const;
/**
 * Bodies over 8 KB whose content is still inspected: SockJS frames can carry any DDP method; room
 * settings (name, topic, announcement, a room avatar as a data URL) are JSON; a SAML response
 * (signed XML, base64) is about 12 KB.
 */
export const ROCKETCHAT_LARGE_BODY_PATHS = ['/sockjs/', '/api/v1/rooms.saveRoomSettings$', '/_saml/validate/'] as const;
/** File downloads, whose last segment is the user's file name (app.ini, server.log) and may carry any extension. */
export const ROCKETCHAT_DOWNLOAD_PATHS = ['/file-upload/', '/ufs/'] as const;

const pathList = (defaults: readonly string[]) => optional(list(wafPathPrefix, 0, 20, 'path prefixes'), [...defaults]);

/** The web application firewall in front of every public listener (docs/platform.md). */
export const wafFields = object({
  /** count: rules only log what they would block (dev, while tuning); block: they refuse it. Prod must block (rules-platform.ts). */
  mode: oneOf(['count', 'block']),
  /** Requests one client address may send in the window; beyond it the rest are refused until it slows down. */
  rateLimit: object({
    requests: int(1, 2_000_000_000),
    windowMinutes: oneOf([1, 5]),
  }),
  /** Requests one client address may send to the login endpoints (REST and DDP) per 5 minutes: credential stuffing meets this before the general limit. */
  loginRateLimit: optional(int(10, 2_000_000_000), 100),
  /** Paths whose bodies are files; the body rules leave a multipart or octet-stream body there alone, and only the size rule a JSON one. */
  uploadPaths: pathList(ROCKETCHAT_UPLOAD_PATHS),
  /** Paths whose bodies carry message text; the body rules leave them alone. */
  messagePaths: pathList(ROCKETCHAT_MESSAGE_PATHS),
  /** Paths whose bodies may exceed 8 KB; only the size rule leaves them alone. */
  largeBodyPaths: pathList(ROCKETCHAT_LARGE_BODY_PATHS),
  /** Paths serving user files (GET): the restricted-extension rules leave them alone. */
  downloadPaths: pathList(ROCKETCHAT_DOWNLOAD_PATHS),
  /** Days the WAF's request log is kept (CloudWatch Logs on AWS; the Log Analytics workspace's own retention on Azure). */
  logRetentionDays: optional(oneOf([30, 60, 90, 180, 365]), 90),
  /**
   * Where the WAF's cloud alarms page: a secret holding the HTTPS URL of the paging service's
   * integration for cloud alarms (AWS: subscribed to the SNS alarm topic, so it must confirm SNS
   * subscriptions itself, as PagerDuty's and Opsgenie's CloudWatch integrations do; Azure: an action
   * group webhook with the common alert schema). Required in prod (rules-platform.ts).
   */
  pager: maybe(object({ urlSecret: secretName })),
});

const window = text('a Prometheus duration such as 30d, 7d or 24h', PROMETHEUS_DURATION);
const objective = (defaults: { target: number; window: string }) =>
  optional(object({ target: percentage(), window }), defaults);

export const platformFields = {
  /** Public DNS zone holding `domain`; external-dns and the ACME DNS01 solver write only here. */
  dnsZone: domain,
  /** Let's Encrypt account contact: expiry and policy notices go here. */
  acmeEmail: email,
  /** sync also deletes records whose ingress is gone; upsert-only never deletes. Both only touch records this cluster owns (TXT registry). */
  externalDnsPolicy: oneOf(['sync', 'upsert-only']),
  observability: object({
    metricsRetentionDays: int(1, 90),
    /** Prometheus volume; Prometheus also stops at 85% of it (retentionSize). */
    metricsStorageGb: int(10, 2000),
    logsRetentionDays: int(1, 365),
    tracesRetentionDays: int(1, 90),
  }),
  alerting: object({
    receivers: list(variants('type', [slackReceiver, emailReceiver, webhookReceiver], ['slack', 'email', 'webhook']), 0, 10, 'receivers'),
    /**
     * Dead man's switch: Alertmanager posts the always-firing Watchdog alert to this URL every
     * minute, and the service behind it (a healthchecks.io check, a Dead Man's Snitch, a Better
     * Stack heartbeat) alerts when the posts stop. Required in prod; absent: Watchdog is dropped.
     */
    heartbeat: maybe(
      object({
        /** Secret holding the ping URL. */
        urlSecret: secretName,
      }),
    ),
  }),
  /**
   * What Rocket.Chat promises (constructs/platform/monitoring/slo-rules.ts): each objective gets recording
   * rules, page and ticket burn-rate alerts and a row on the SLO dashboard. Absent: prod promises
   * DEFAULT_SLOS (config/slo.ts), dev nothing. A field left out of a given block takes its default.
   */
  slos: maybe(
    object({
      availability: objective(DEFAULT_SLOS.availability),
      latency: optional(object({ target: percentage(), thresholdMs: int(1, 60000), window }), DEFAULT_SLOS.latency),
      errors: optional(object({ target: percentage(), window, minFailedRequests: optional(int(1, 100000), DEFAULT_SLOS.errors.minFailedRequests) }), DEFAULT_SLOS.errors),
    }),
  ),
  waf: wafFields,
};
