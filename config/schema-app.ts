/**
 * The app layer's settings, the same on both clouds: Rocket.Chat replicas,
 * autoscaling, license and SMTP (secrets by name only), the MongoDB replica
 * set and its backups. Cross-field rules (license for more than one replica,
 * node pool names, retention order) are in rules-app.ts.
 */
import { email, secretName } from './schema-platform';
import { terminationTiming } from './edge-timing';
import { appComponents } from './schema-components';
import { bool, int, list, maybe, object, oneOf, optional, text } from './schema-kit';

/** AWS regions (eu-west-1) and Azure locations (westeurope). */
const REGION = /^[a-z]{2,}(-[a-z]+)*(-?\d)?$/;

/** Kubernetes quantities in the forms config/quantity.ts reads: decimal cores or millicores; bytes with an SI or binary suffix. */
const cpu = text('a CPU quantity such as 500m, 0.5 or 2', /^(\d{1,6}m|\d{1,3}(\.\d{1,3})?)$/);
const memory = text('a memory quantity such as 512Mi, 1.5Gi, 4Gi or 4G', /^\d{1,9}(\.\d{1,3})?(k|M|G|T|Ki|Mi|Gi|Ti)?$/);
const percent = int(10, 95);

/**
 * How a Rocket.Chat pod leaves during a rollout, a scale-in or a node drain, and how fast a rollout
 * replaces pods. The edge keeps sending a deleted pod requests until its drain ends plus the time
 * the removal takes to reach the load balancer (config/edge-timing.ts), so the pod keeps serving
 * for `preStopSeconds` before Rocket.Chat gets SIGTERM. Rules (rules-app.ts): preStopSeconds >=
 * drainSeconds + 15, terminationGracePeriodSeconds > preStopSeconds + 15 (shutdown), and the
 * slowest rollout within half the Helm timeout.
 */
export const ROLLOUT_DEFAULTS = { ...terminationTiming(30), maxSurgePercent: 25 } as const;

const rollout = object({
  /** Seconds a terminating pod keeps serving (preStop sleep) while the load balancer stops sending it requests. */
  preStopSeconds: optional(int(5, 1800), ROLLOUT_DEFAULTS.preStopSeconds),
  /** Seconds the load balancer lets a leaving pod's open connections finish (AWS: target group deregistration delay; AGC has no such setting). */
  drainSeconds: optional(int(0, 900), ROLLOUT_DEFAULTS.drainSeconds),
  /** Seconds Kubernetes waits for a terminating pod before killing it. */
  terminationGracePeriodSeconds: optional(int(30, 3600), ROLLOUT_DEFAULTS.terminationGracePeriodSeconds),
  /** New pods a rollout starts at a time, in percent of the pods running (rounded up); no pod is ever taken away first (maxUnavailable 0). */
  maxSurgePercent: optional(int(1, 100), ROLLOUT_DEFAULTS.maxSurgePercent),
});

/** Seconds of lower recommendations the autoscaler waits out before it removes a pod. */
export const SCALE_DOWN_STABILIZATION_DEFAULT = 300;

const rocketchat = object({
  /** Pods when autoscaling is off, and the autoscaler's floor when it is on. More than one needs licenseSecret. */
  replicas: int(1, 50),
  /**
   * Horizontal pod autoscaler on CPU utilisation of the requests; absent keeps `replicas` fixed.
   * Not on memory: a Node.js heap grows to its limit and rarely shrinks, so a memory target scales
   * out and never back in.
   */
  autoscaling: maybe(
    object({
      maxReplicas: int(1, 50),
      cpuTargetPercent: percent,
      /** Scale-in waits this long: each removed pod drops its websockets, and their clients reconnect elsewhere. */
      scaleDownStabilizationSeconds: optional(int(60, 3600), SCALE_DOWN_STABILIZATION_DEFAULT),
    }),
  ),
  rollout: optional(rollout, { ...ROLLOUT_DEFAULTS }),
  /**
   * GB of uploaded files as last measured (AWS: the uploads bucket's size; Azure keeps them in
   * GridFS, inside dataGb): what a region-lost restore syncs on AWS (docs/restore.md, RTO). Absent:
   * 100 GB, a planning number.
   */
  uploadsGb: maybe(int(1, 100000)),
  /** Secret (Secrets Manager / Key Vault) holding the Enterprise license text; required for more than one replica. */
  licenseSecret: maybe(secretName),
  /**
   * Traces to Tempo through Alloy (OpenTelemetry). Absent: on whenever platform.components.tempo
   * and .alloy are on; true with either off is refused (rules-components.ts).
   */
  tracing: maybe(bool()),
  /** The first administrator; its password is generated and kept in the cloud's secret store. */
  adminEmail: email,
  /** Outgoing mail (invitations, password resets, notifications). Absent: e-mail is off. */
  smtp: maybe(
    object({
      host: text('an SMTP host name such as smtp.example.com', /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/),
      /** 587 (STARTTLS, required: `requireTLS` in MAIL_URL) or 465 (implicit TLS): the password never crosses the wire in clear. */
      port: oneOf([587, 465]),
      username: text('the SMTP user name', /^\S{1,256}$/),
      /** Secret holding the SMTP password. */
      passwordSecret: secretName,
      from: email,
    }),
  ),
});

const mongodb = object({
  /** Voting members; odd so a majority survives the loss of one zone. */
  members: oneOf([3, 5, 7]),
  /** Data volume per member, on the encrypted-retain storage class. */
  storageGb: int(10, 16000),
  /**
   * What a restore moves: `db.stats().dataSize + indexSize` in GB as last measured (the drill
   * records it, docs/restore.md). Absent: the full volume (storageGb), the worst case.
   */
  dataGb: maybe(int(1, 16000)),
  cpu,
  /** Request and limit (equal, so the cache size mongod derives from it holds). */
  memory,
  /** Node pool the members run on (its labels select, its taints are tolerated); absent: any pool. */
  nodePool: maybe(text('the name of a node pool of this environment', /^[a-z][a-z0-9-]{0,62}$/)),
});

/** Full backups at HH:MM UTC every day, or on one weekday (0 = Sunday): `MM HH * * *` or `MM HH * * D`. */
export const BACKUP_CRON = /^([0-5]?\d) ([01]?\d|2[0-3]) \* \* (\*|[0-6])$/;

/** Wednesday 05:30 UTC: after the nightly backup window, in working hours for Europe when it fails. */
export const RESTORE_CHECK_DEFAULTS = { enabled: true, schedule: '30 5 * * 3' } as const;

const backups = object({
  fullBackupSchedule: text('a daily or weekly cron in UTC such as "0 2 * * *" or "0 2 * * 0"', BACKUP_CRON),
  /** Oplog slices every N minutes make point-in-time restore possible to within that window. */
  pitrOplogSpanMinutes: int(1, 60),
  /**
   * Objects move to the cool (infrequent access) tier after this many days; absent: no tier move
   * (short retentions, where S3 STANDARD_IA's 30-day minimum charge would cost more than it saves).
   */
  coolAfterDays: maybe(int(30, 3650)),
  /** Backups and their oplog are deleted after this many days. */
  deleteAfterDays: int(7, 3650),
  /**
   * The longest a full backup may run, in minutes: PBM stops slicing the oplog while a logical
   * backup runs (pbm-agent pitr.go), so this, not the oplog span, bounds the RPO while it runs
   * (RPO = max(pitrOplogSpanMinutes, this) + replication). MongoDBBackupOverRpoBudget fires past it.
   */
  maxBackupMinutes: optional(int(10, 1440), 45),
  /**
   * The weekly restore check (docs/restore.md, "The weekly restore check"): a CronJob in its own
   * namespace restores the newest backup into a throwaway one-member replica set on its own
   * volume, compares it with the backup's metadata and alerts when it fails or has not succeeded
   * for 8 days. On by default in every tier: a run costs about an hour of one small pod and a
   * temporary volume the size of the data (pennies a week), and dev is where an operator or PBM
   * upgrade first meets it.
   */
  restoreCheck: optional(
    object({
      enabled: optional(bool(), true),
      /** When it runs (UTC), daily or weekly like fullBackupSchedule; keep it clear of the full backup's window. */
      schedule: optional(text('a daily or weekly cron in UTC such as "30 5 * * 3"', BACKUP_CRON), RESTORE_CHECK_DEFAULTS.schedule),
    }),
    { ...RESTORE_CHECK_DEFAULTS },
  ),
  /**
   * A second copy of the backups in another region (docs/restore.md, "Region lost"). AWS: S3
   * replication of the backup and uploads buckets to buckets in `region`, with their own keys.
   * Azure: the backup account becomes RA-GZRS, whose read-only secondary is the location's paired
   * region, so `region` must be that pair (rules-dr.ts). Absent: backups stay in the region.
   */
  dr: maybe(
    object({
      region: text('a region other than the environment\'s own, such as eu-central-1 or northeurope', REGION),
      /**
       * Who hears that the DR copy is unhealthy: AWS, e-mail subscriptions to the replication
       * alarms' SNS topic (each address confirms once, from the mail SNS sends); Azure, an action
       * group mailed on the backup account's Resource Health. These alerts cannot go through
       * Alertmanager (docs/decisions.md); an on-call tool's e-mail integration address works.
       */
      alarmEmails: list(email, 1, 5, 'e-mail addresses'),
    }),
  ),
});

/** PBM names a backup after the UTC second it started (`pbm list`): 2026-11-23T01:30:21Z. */
export const BACKUP_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * This environment starts from another environment's backups (docs/restore.md): the app layer
 * synthesizes a PerconaServerMongoDBRestore with an external backup source, and the replica set
 * takes the source environment's users and encryption key from the secret store, so the restored
 * system users can still log in. It stays in the config afterwards: the operator never repeats a
 * finished restore, and the secrets keep coming from the source.
 * Rules (rules-dr.ts): not from this environment's own store, times in the past and after the
 * backup they replay from.
 */
const restore = object({
  from: object({
    /** The environment whose backups these are; its secrets (`<environment>-mongodb-users`, ...) are read from this environment's region. */
    environment: text('an environment name such as aws-prod', /^(aws|azure)-[a-z0-9-]{1,20}$/),
    /**
     * The store holding them. AWS: an S3 bucket (the source's DR replica, output dr_backup_bucket
     * of its app stack). Azure: the source's backup account (output backup_account_name), read at
     * its RA-GZRS secondary; the source must be in this environment's subscription.
     */
    store: text('an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens) or an Azure storage account name', /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    /** PBM's prefix in that store: the source environment's name. */
    prefix: text('a prefix such as aws-prod', /^[a-z0-9][a-z0-9-]{0,62}$/),
    /** The store's region. */
    region: text('a region such as eu-central-1', REGION),
  }),
  /** `latest` (AWS only): the newest full backup in the store when this environment is first deployed (then frozen); or a PBM backup name. */
  backup: text('"latest" or a backup name from pbm list such as 2026-11-23T01:30:21Z', new RegExp(`^latest$|${BACKUP_NAME.source}`)),
  /**
   * Which try this is (default 1). The restore object is created once, when its release is first
   * installed (mongodb-restore.ts): a restore that ended in `error` is never retried by the
   * operator and never re-created by a later deploy. Raising this number is the way forward: the
   * release is re-installed and creates `restore-from-<environment>-<attempt>`, a new restore
   * (docs/restore.md, "When a restore ends in error").
   */
  attempt: maybe(int(1, 99)),
  /** Replay the oplog up to this UTC second (YYYY-MM-DDTHH:MM:SSZ), or `latest` for every slice in the store; absent: the backup alone. */
  pointInTime: maybe(text('"latest" or a UTC time such as 2026-11-23T14:15:00Z', new RegExp(`^latest$|${BACKUP_NAME.source}`))),
  /**
   * false (the default) while the restore runs: Rocket.Chat is deployed with no pods (and no
   * autoscaler), because a client writing while PBM drops and re-inserts collections can fail the
   * restore. Set it to true once the restore is `ready`. Keep `app.restore` afterwards: it also
   * says whose users and key this database has.
   */
  serve: optional(bool(), false),
  /**
   * true once `after-restore-from-<environment>-<attempt>` is `ready`: the serving deploy's
   * first-backup release is dropped, so no later install (a rebuilt cluster, a lost release
   * record) backs up an empty or half-restored database as the newest backup (docs/restore.md).
   * Needs `serve: true`.
   */
  firstBackupDone: optional(bool(), false),
});

export const appFields = {
  rocketchat,
  mongodb,
  backups,
  restore: maybe(restore),
  /** Per-component values and extra environment variables (docs/configuration.md, "Customizing a component"). */
  components: appComponents,
};
