/**
 * Rocket.Chat's database: a PerconaServerMongoDB replica set in the platform's
 * `mongodb` namespace (the operator lives there, see
 * constructs/platform/mongodb-operator/). Members spread over zones and
 * nodes, TLS everywhere with certificates from the platform's internal CA,
 * SCRAM users whose passwords Terraform generates, a daily or weekly full
 * backup plus oplog slices for point-in-time restore, and a mongodb_exporter
 * sidecar for the platform's MongoDB alerts and dashboard.
 *
 * The custom resources go through the cluster-objects chart rather than
 * kubernetes_manifest: the backup storage (bucket, key ARN) is only known
 * after apply, which kubernetes_manifest cannot plan.
 */
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../config/schema';
import { IMAGES } from '../../config/versions';
import { ClusterObjects, type KubernetesObject } from '../platform/cluster-objects';
import { CLUSTER_ISSUERS, NAMESPACES, STORAGE_CLASSES } from '../../config/names';
import type { SecretStore } from '../platform/platform-cloud';
import type { BackupStorage, Placement } from './app-cloud';
import { podBudget, type PodBudget } from '../../config/sizing';
import { mongoSecrets, SYSTEM_USERS } from './mongodb-secrets';
import { identityServiceAccount } from './service-account';

export const MONGODB = {
  namespace: NAMESPACES.mongodb,
  cluster: 'rocketchat-mongodb',
  replset: 'rs0',
  port: 27017,
  exporterPort: 9216,
  database: 'rocketchat',
  user: 'rocketchat',
  serviceAccount: 'rocketchat-mongodb',
} as const;

/** Labels the operator puts on mongod pods (pkg/naming/labels.go MongodLabels, operator v1.22.0). */
export const MONGOD_POD_LABELS = {
  'app.kubernetes.io/name': 'percona-server-mongodb',
  'app.kubernetes.io/instance': MONGODB.cluster,
  'app.kubernetes.io/replset': MONGODB.replset,
  'app.kubernetes.io/component': 'mongod',
} as const;

/** The client certificate (and CA) Rocket.Chat presents: mongod requires one once it has a CA file. */
export const MONGODB_CLIENT_TLS = { secretName: 'mongodb-client-tls', mountPath: '/etc/mongodb-client' } as const;

/** The replica set's own backup storage (spec.backup.storages key). */
export const BACKUP_STORAGE = 'main';

/** A container as Pod Security `restricted` wants it (also the restore check's, restore-check.ts). */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * pbm-agent, the backup-agent container the operator adds to every mongod pod. Idle, it only
 * polls PBM's control collections; the member that takes the nightly logical backup streams
 * every collection through zstd into multipart uploads, and the PITR slicer uploads oplog
 * chunks every few minutes. Percona's example cr.yaml gives it 300m and 1G (limit 1.2G); dev's
 * 20 GB database needs less. No CPU limit, as for mongod: compression is CPU-bound and
 * throttling it would only stretch the backup window.
 */
const BACKUP_AGENT_RESOURCES = {
  dev: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '768Mi' } },
  prod: { requests: { cpu: '300m', memory: '1Gi' }, limits: { memory: '1536Mi' } },
} as const satisfies Record<Environment['tier'], object>;

export interface MongoReplicaSetProps {
  readonly env: Environment;
  readonly backups: BackupStorage;
  readonly placement: Placement;
  readonly secrets: SecretStore;
  /** Config `app.restore`: where the source environment's users and key are read (RestoreSource.secrets). */
  readonly restoreSecrets: SecretStore | undefined;
  /** Namespace of the client (Rocket.Chat): its connection string and client certificate go there. */
  readonly clientNamespace: string;
  readonly dependsOn: ITerraformDependable[];
}

/** Full backups kept so the oldest is about `deleteAfterDays` old: one per day, or one per week. */
export function backupsToKeep(schedule: string, deleteAfterDays: number): number {
  const weekly = !schedule.trim().endsWith('*');
  return weekly ? Math.max(1, Math.ceil(deleteAfterDays / 7)) : deleteAfterDays;
}

/** mongodb_exporter beside each member: a few collectors every 30 s. */
const EXPORTER_RESOURCES = { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } as const;

export class MongoReplicaSet extends Construct {
  /** Secret in the client namespace with key `mongo-uri` (the chart's existingMongodbSecret). */
  readonly connectionSecret: SecretV1;
  readonly ready: ITerraformDependable[];
  /** The members' share of the mongodb namespace's budget: mongod, the backup agent and the exporter, per member. */
  readonly podBudget: PodBudget;

  constructor(scope: Construct, id: string, props: MongoReplicaSetProps) {
    super(scope, id);
    const { env, backups, placement } = props;
    const ns = MONGODB.namespace;
    const { members, cpu, memory } = env.app.mongodb;
    // The operator replaces members one at a time and never surges: members is the most that run.
    this.podBudget = podBudget('mongod', members, [{ requests: { cpu, memory }, limits: { memory } }, BACKUP_AGENT_RESOURCES[env.tier], EXPORTER_RESOURCES]);
    const secrets = mongoSecrets(this, env, props.secrets, props.restoreSecrets);
    const systemPasswords = secrets.system;
    const systemUsers = new SecretV1(this, 'system-users', {
      metadata: { name: `${MONGODB.cluster}-users`, namespace: ns },
      data: Object.fromEntries(
        Object.entries(SYSTEM_USERS).flatMap(([key, user]) => [
          [`MONGODB_${key}_USER`, user],
          [`MONGODB_${key}_PASSWORD`, systemPasswords[user]!],
        ]),
      ),
      dependsOn: props.dependsOn,
    });
    props.secrets.keep(
      'mongodb-admin-secret',
      `${env.name}-mongodb-database-admin-password`,
      systemPasswords[SYSTEM_USERS.DATABASE_ADMIN]!,
      `MongoDB databaseAdmin password for ${env.name} (user ${SYSTEM_USERS.DATABASE_ADMIN}; break-glass and restores)`,
    );
    // Ours, not the operator's: it creates one only when the named secret is missing (docs/app.md).
    const encryptionKey = new SecretV1(this, 'encryption-key-secret', {
      metadata: { name: `${MONGODB.cluster}-encryption-key`, namespace: ns },
      data: { 'encryption-key': secrets.encryptionKey },
      dependsOn: props.dependsOn,
    });

    const appPassword = secrets.app;
    const appUser = new SecretV1(this, 'app-user', {
      metadata: { name: `${MONGODB.cluster}-app-user`, namespace: ns },
      data: { password: appPassword },
      dependsOn: props.dependsOn,
    });
    const host = `${MONGODB.cluster}-${MONGODB.replset}.${ns}.svc.cluster.local`;
    const tls = `tls=true&tlsCAFile=${MONGODB_CLIENT_TLS.mountPath}/ca.crt&tlsCertificateKeyFile=${MONGODB_CLIENT_TLS.mountPath}/tls-combined.pem`;
    this.connectionSecret = new SecretV1(this, 'connection', {
      metadata: { name: 'rocketchat-mongodb-uri', namespace: props.clientNamespace },
      data: {
        'mongo-uri': `mongodb://${MONGODB.user}:${appPassword}@${host}:${MONGODB.port}/${MONGODB.database}?replicaSet=${MONGODB.replset}&authSource=admin&${tls}`,
      },
      dependsOn: props.dependsOn,
    });

    const serviceAccount = identityServiceAccount(this, { namespace: ns, name: MONGODB.serviceAccount }, backups.identity, props.dependsOn);

    const objects: KubernetesObject[] = [
      replicaSetResource(env, backups, placement, { users: systemUsers.metadata.name, encryptionKey: encryptionKey.metadata.name }, appUser.metadata.name),
      clientCertificate(props.clientNamespace),
      exporterPodMonitor(),
    ];
    const release = new ClusterObjects(this, 'objects', {
      name: 'rocketchat-mongodb',
      namespace: ns,
      objects,
      dependsOn: [...props.dependsOn, systemUsers, encryptionKey, appUser, serviceAccount],
    });
    this.ready = [release.release, this.connectionSecret];
  }
}

function replicaSetResource(env: Environment, backups: BackupStorage, placement: Placement, secrets: { users: string; encryptionKey: string }, appUserSecret: string): KubernetesObject {
  const usersSecret = secrets.users;
  const { mongodb, backups: plan } = env.app;
  const memory = mongodb.memory;
  return {
    apiVersion: 'psmdb.percona.com/v1',
    kind: 'PerconaServerMongoDB',
    metadata: {
      name: MONGODB.cluster,
      namespace: MONGODB.namespace,
      // Members stop one at a time, primary last, when the resource is deleted.
      finalizers: ['percona.com/delete-psmdb-pods-in-order'],
    },
    spec: {
      crVersion: '1.22.0',
      image: IMAGES.perconaServerMongodb,
      imagePullPolicy: 'IfNotPresent',
      updateStrategy: 'SmartUpdate',
      // Versions are pinned in config/versions.ts; the operator neither upgrades nor calls check.percona.com.
      upgradeOptions: { apply: 'disabled' },
      secrets: { users: usersSecret, encryptionKey: secrets.encryptionKey },
      initContainerSecurityContext: RESTRICTED_CONTAINER,
      tls: {
        mode: 'requireTLS',
        allowInvalidCertificates: false,
        certValidityDuration: '2160h',
        issuerConf: { name: CLUSTER_ISSUERS.internalCa, kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
      users: [
        {
          name: MONGODB.user,
          db: 'admin',
          passwordSecretRef: { name: appUserSecret, key: 'password' },
          // clusterMonitor: Rocket.Chat reads serverStatus for its admin info and oplog checks.
          roles: [
            { name: 'readWrite', db: MONGODB.database },
            { name: 'clusterMonitor', db: 'admin' },
          ],
        },
      ],
      // No `pmm` block: PMM is off when absent, and the CRD requires pmm.image whenever the block exists.
      sharding: { enabled: false },
      replsets: [
        {
          name: MONGODB.replset,
          size: mongodb.members,
          serviceAccountName: MONGODB.serviceAccount,
          labels: { ...backups.identity.podLabels },
          // Never two members on one node, and as even as possible across zones.
          affinity: { antiAffinityTopologyKey: 'kubernetes.io/hostname' },
          topologySpreadConstraints: [
            {
              labelSelector: { matchLabels: MONGOD_POD_LABELS },
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'DoNotSchedule',
            },
          ],
          nodeSelector: placement.nodeSelector,
          tolerations: placement.tolerations,
          podDisruptionBudget: { maxUnavailable: 1 },
          // Memory request = limit: mongod sizes its cache from the limit and must never be OOM-killed for a burst.
          resources: { requests: { cpu: mongodb.cpu, memory }, limits: { memory } },
          volumeSpec: {
            persistentVolumeClaim: {
              storageClassName: STORAGE_CLASSES.retain,
              resources: { requests: { storage: `${mongodb.storageGb}Gi` } },
            },
          },
          podSecurityContext: { runAsNonRoot: true, fsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
          containerSecurityContext: RESTRICTED_CONTAINER,
          expose: { enabled: false },
          sidecars: [exporterSidecar(usersSecret)],
        },
      ],
      backup: {
        enabled: true,
        image: IMAGES.perconaBackupMongodb,
        resources: BACKUP_AGENT_RESOURCES[env.tier],
        containerSecurityContext: RESTRICTED_CONTAINER,
        storages: { [BACKUP_STORAGE]: { main: true, ...backups.storage } },
        pitr: { enabled: true, oplogSpanMin: plan.pitrOplogSpanMinutes, compressionType: 'zstd' },
        tasks: [
          {
            name: 'full',
            enabled: true,
            schedule: plan.fullBackupSchedule,
            type: 'logical',
            storageName: BACKUP_STORAGE,
            compressionType: 'zstd',
            retention: { type: 'count', count: backupsToKeep(plan.fullBackupSchedule, plan.deleteAfterDays), deleteFromStorage: true },
          },
        ],
      },
    },
  };
}

/** mongodb_exporter next to each mongod, over TLS to localhost with the member's own certificate. */
function exporterSidecar(usersSecret: string): object {
  const ssl = '/etc/mongodb-ssl';
  const fromUsers = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: usersSecret, key } } });
  return {
    name: 'mongodb-exporter',
    image: IMAGES.mongodbExporter,
    env: [fromUsers('MONGODB_USER', 'MONGODB_CLUSTER_MONITOR_USER'), fromUsers('MONGODB_PASSWORD', 'MONGODB_CLUSTER_MONITOR_PASSWORD')],
    args: [
      // Credentials come from MONGODB_USER / MONGODB_PASSWORD (main.go), not the URI, so they stay out of the process arguments.
      `--mongodb.uri=mongodb://localhost:${MONGODB.port}/admin?directConnection=true&tls=true&tlsCAFile=${ssl}/ca.crt&tlsCertificateFile=${ssl}/tls.crt&tlsPrivateKeyFile=${ssl}/tls.key`,
      // The metric names the platform's alert rules and dashboard use (mongodb_up, mongodb_ss_connections, ...).
      '--compatible-mode',
      '--collect-all',
      `--web.listen-address=:${MONGODB.exporterPort}`,
    ],
    ports: [{ name: 'metrics', containerPort: MONGODB.exporterPort }],
    volumeMounts: [{ name: 'ssl', mountPath: ssl, readOnly: true }],
    resources: EXPORTER_RESOURCES,
    securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
  };
}

/** The platform's Prometheus selects every PodMonitor (podMonitorSelectorNilUsesHelmValues: false). */
function exporterPodMonitor(): KubernetesObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `${MONGODB.cluster}-exporter`, namespace: MONGODB.namespace },
    spec: {
      selector: { matchLabels: MONGOD_POD_LABELS },
      podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }],
    },
  };
}

/** Rocket.Chat's client certificate from the internal CA; the secret also carries ca.crt and a combined PEM for the Node driver. */
function clientCertificate(namespace: string): KubernetesObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'rocketchat-mongodb-client', namespace },
    spec: {
      secretName: MONGODB_CLIENT_TLS.secretName,
      commonName: MONGODB.user,
      usages: ['client auth', 'digital signature', 'key encipherment'],
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      additionalOutputFormats: [{ type: 'CombinedPEM' }],
      issuerRef: { name: CLUSTER_ISSUERS.internalCa, kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
  };
}
