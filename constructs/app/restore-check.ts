/**
 * The weekly restore check (config `app.backups.restoreCheck`, docs/restore.md "The weekly restore
 * check"): backups are proven restorable without a person. A CronJob in its own namespace starts
 * one pod that holds a throwaway one-member replica set (mongod and pbm-agent as native sidecars, the agent
 * kept up by PBM's entrypoint loop until the check container has initiated the set,
 * on the pod's own ephemeral volume, deleted with the pod), restores the newest finished backup
 * into it with PBM, compares what it restored with the backup's metadata and two documents
 * Rocket.Chat writes on its first start, and serves the result to Prometheus.
 *
 * Why in the cluster, not in CI: the backup store answers only inside the environment's network
 * (the Azure account has a private endpoint only; the AWS role trusts the cluster's OIDC issuer),
 * the images and node pools are already there, and CI runners would need a database-sized disk
 * and a cloud identity of their own.
 *
 * Why not the operator (a second PerconaServerMongoDB and a restore object): its backup storage
 * would be the live store, and the operator resyncs a cluster's main storage, which rewrites
 * `.pbm.init` there (PBM 2.12 pbm/resync/rsync.go): the check would need write access to the
 * production backups. Here the main storage is a local directory and the store is a PBM profile,
 * which PBM only reads (cmd/pbm-agent/profile.go writes `.pbm.init` only into a store without
 * one); a snapshot restore reads a backup from the profile it was synced from (pbm/restore/logical.go).
 *
 * Rights: its service account's cloud identity reads the backup store (AppCloud.restoreCheck) and
 * carries no Kubernetes API token; its pod reaches nothing of the live database (network policy).
 * Metrics: the check container serves `mongodb_restore_check_*` on its metrics port while it runs
 * and for two scrapes after it ends, through a PodMonitor the platform's Prometheus selects; the
 * alerts (restore-check-alerts.ts) read kube-state-metrics' CronJob series, which outlive the job.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { Environment } from '../../config/schema';
import { IMAGES } from '../../config/versions';
import { DNS_EGRESS, defaultDeny, networkPolicy } from '../network-policy';
import { ClusterObjects, type KubernetesObject } from '../platform/cluster-objects';
import { podSecurityLabels } from '../platform/namespaces';
import { POD_SELECTORS, RESTORE_CHECK_JOB, STORAGE_CLASSES } from '../../config/names';
import type { Placement, RestoreCheckAccess } from './app-cloud';
import { MONGODB, RESTRICTED_CONTAINER } from './mongodb';
import { podBudget, type ContainerResources } from '../../config/sizing';
import { NamespaceBudget } from './namespace-budget';
import { identityServiceAccount } from './service-account';

export const RESTORE_CHECK = {
  namespace: RESTORE_CHECK_JOB.namespace,
  name: RESTORE_CHECK_JOB.cronjob,
  serviceAccount: 'mongodb-restore-check',
  metricsPort: 9100,
  /** Where the check's PBM keeps its main storage: a local directory, never the backup store. */
  mainStoragePath: '/pbm/main',
} as const;

export const RESTORE_CHECK_POD_LABELS = { 'app.kubernetes.io/name': RESTORE_CHECK.name, 'app.kubernetes.io/part-of': 'rocketchat' } as const;

/** Seconds the check keeps serving its result after it ends: two scrapes at 30 s, with room. */
const LINGER_SECONDS = 90;

/** The throwaway mongod: big enough to rebuild indexes at a useful pace, small enough to fit beside the live members. */
const MONGOD_RESOURCES = {
  dev: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
  prod: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } },
} as const satisfies Record<Environment['tier'], ContainerResources>;
const AGENT_RESOURCES: ContainerResources = { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '1Gi' } };
const CHECK_RESOURCES: ContainerResources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '384Mi' } };
const COPY_RESOURCES: ContainerResources = { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } };
const TOOLS_RESOURCES: ContainerResources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } };

const LOCAL_URI = `mongodb://127.0.0.1:${MONGODB.port}/?directConnection=true`;

/** The data volume: the live volume's size holds any restore of its data; the Azure copy gets half as much again (compressed backups are smaller than the data). */
export function restoreCheckVolumeGb(env: Environment, copies: boolean): { data: number; copy: number } {
  const gb = env.app.mongodb.storageGb;
  return { data: gb, copy: copies ? Math.ceil(gb / 2) : 0 };
}

/** An upper bound on a run: twice the planned restore time at 50 GB/h (restore-estimate.ts), plus an hour for the copy and start. */
export function restoreCheckDeadlineSeconds(env: Environment): number {
  const gb = env.app.mongodb.dataGb ?? env.app.mongodb.storageGb;
  return Math.ceil(((2 * gb) / 50 + 1) * 3600);
}

export interface RestoreCheckProps {
  readonly env: Environment;
  readonly access: (sa: { namespace: string; name: string }) => RestoreCheckAccess;
  readonly placement: Placement;
  readonly dependsOn: ITerraformDependable[];
}

/** Text Terraform passes through unchanged: its template sequences escaped (`$${` is a literal `${`, `%%{` a literal `%{`). */
export function terraformLiteral(text: string): string {
  // A function, not a replacement string: there `$$` means one `$`.
  return text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

export class RestoreCheck extends Construct {
  constructor(scope: Construct, id: string, props: RestoreCheckProps) {
    super(scope, id);
    const { env } = props;
    const ns = RESTORE_CHECK.namespace;
    const namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: ns, labels: { ...podSecurityLabels('restricted'), 'app.kubernetes.io/part-of': 'rocketchat' } },
      dependsOn: props.dependsOn,
    });
    const sa = { namespace: ns, name: RESTORE_CHECK.serviceAccount };
    const access = props.access(sa);
    const after = [namespace];
    // Nothing comes in but Prometheus; out only DNS and the backup store. No path to the live replica set.
    const policies = [
      defaultDeny(this, ns, after),
      networkPolicy(this, 'dns', { namespace: ns, pods: {}, egress: [DNS_EGRESS], dependsOn: after }),
      networkPolicy(this, 'restore-check', {
        namespace: ns,
        pods: RESTORE_CHECK_POD_LABELS,
        ingress: [{ peers: [{ pods: POD_SELECTORS.prometheus.labels, namespace: POD_SELECTORS.prometheus.namespace }], ports: [{ port: RESTORE_CHECK.metricsPort }] }],
        egress: [access.egress],
        dependsOn: after,
      }),
    ];
    const serviceAccount = identityServiceAccount(this, sa, access.identity, after);
    const script = new ConfigMapV1(this, 'script', {
      metadata: { name: RESTORE_CHECK.name, namespace: ns },
      data: {
        'check.js': terraformLiteral(readFileSync(path.join(__dirname, 'restore-check', 'check.js'), 'utf8')),
        'main.yaml': stringify({ storage: { type: 'filesystem', filesystem: { path: RESTORE_CHECK.mainStoragePath } } }),
        'profile.yaml': stringify({ storage: access.profile }),
      },
      dependsOn: after,
    });
    const containers = [MONGOD_RESOURCES[env.tier], AGENT_RESOURCES, CHECK_RESOURCES, ...(access.copy ? [COPY_RESOURCES] : [])];
    new NamespaceBudget(this, 'budget', { namespace: ns, pods: [podBudget('restore-check', 1, containers)], dependsOn: after });
    new ClusterObjects(this, 'objects', {
      name: RESTORE_CHECK.name,
      // The release record (a Secret) lives in mongodb, where the CI plan identity already reads Helm's records
      // (constructs/ci/kubernetes-scope.ts); the objects name their own namespace.
      namespace: MONGODB.namespace,
      objects: [restoreCheckCronJob(env, access, props.placement), restoreCheckPodMonitor()],
      dependsOn: [...policies, serviceAccount, script],
    });
  }
}

export function restoreCheckCronJob(env: Environment, access: RestoreCheckAccess, placement: Placement): KubernetesObject {
  const check = env.app.backups.restoreCheck;
  const volumes = restoreCheckVolumeGb(env, access.copy !== undefined);
  const ephemeral = (gb: number) => ({
    ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASSES.standard, resources: { requests: { storage: `${gb}Gi` } } } } },
  });
  const copyPath = access.copy?.env.DEST;
  const backupMount = copyPath ? [{ name: 'backup', mountPath: copyPath }] : [];
  const pbmEnv = { name: 'PBM_MONGODB_URI', value: LOCAL_URI };
  const sidecar = { restartPolicy: 'Always', securityContext: RESTRICTED_CONTAINER };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: RESTORE_CHECK.name, namespace: RESTORE_CHECK.namespace },
    spec: {
      schedule: check.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: {
          // One try a week: a failure is the finding, and a retry would hide a flaky restore.
          backoffLimit: 0,
          activeDeadlineSeconds: restoreCheckDeadlineSeconds(env),
          // The finished pod, and with it its volumes, go an hour later; the CronJob's status keeps the result and Loki the logs.
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: { ...RESTORE_CHECK_POD_LABELS, ...access.identity.podLabels } },
            spec: {
              serviceAccountName: RESTORE_CHECK.serviceAccount,
              restartPolicy: 'Never',
              securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
              nodeSelector: placement.nodeSelector,
              tolerations: placement.tolerations,
              initContainers: [
                {
                  name: 'pbm-cli',
                  image: IMAGES.perconaBackupMongodb,
                  command: ['/bin/sh', '-c', 'cp "$(command -v pbm)" /tools/pbm'],
                  resources: TOOLS_RESOURCES,
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
                },
                {
                  name: 'mongod',
                  image: IMAGES.perconaServerMongodb,
                  // Localhost only and no users: nothing outside this pod can reach it, and a logical restore brings the source's users anyway.
                  command: ['mongod', '--replSet', MONGODB.replset, '--bind_ip', '127.0.0.1', '--port', String(MONGODB.port), '--dbpath', '/data/db'],
                  resources: MONGOD_RESOURCES[env.tier],
                  volumeMounts: [{ name: 'data', mountPath: '/data/db' }],
                  ...sidecar,
                },
                {
                  name: 'pbm-agent',
                  image: IMAGES.perconaBackupMongodb,
                  // Through PBM's own restart loop, as the operator runs its agents (pkg/psmdb/statefulset.go): a bare
                  // pbm-agent exits 1 at once against the set nobody has initiated yet (the check container does that),
                  // and the kubelet starts the check only once this sidecar stays Running (cmd/pbm-agent-entrypoint).
                  command: ['pbm-agent-entrypoint'],
                  env: [pbmEnv, { name: 'PBM_AGENT_SIDECAR', value: 'true' }, { name: 'PBM_AGENT_SIDECAR_SLEEP', value: '5' }],
                  resources: AGENT_RESOURCES,
                  volumeMounts: [{ name: 'pbm-main', mountPath: RESTORE_CHECK.mainStoragePath }, ...backupMount],
                  ...sidecar,
                },
              ],
              containers: [
                {
                  name: 'check',
                  image: IMAGES.perconaServerMongodb,
                  command: ['mongosh', '--nodb', '--quiet', '/check/check.js'],
                  env: [
                    pbmEnv,
                    { name: 'PATH', value: '/tools:/usr/local/bin:/usr/bin:/bin' },
                    { name: 'METRICS_PORT', value: String(RESTORE_CHECK.metricsPort) },
                    { name: 'LINGER_SECONDS', value: String(LINGER_SECONDS) },
                    { name: 'REPLSET', value: MONGODB.replset },
                    ...(copyPath ? [{ name: 'WAIT_FOR', value: `${copyPath}/.copied` }, { name: 'WAIT_FAILED', value: `${copyPath}/.failed` }] : []),
                  ],
                  ports: [{ name: 'metrics', containerPort: RESTORE_CHECK.metricsPort }],
                  resources: CHECK_RESOURCES,
                  securityContext: RESTRICTED_CONTAINER,
                  // The pbm CLI opens the main storage itself too (cmd/pbm/restore.go util.GetStorage), and a filesystem store it cannot find it tries to create.
                  volumeMounts: [{ name: 'check', mountPath: '/check', readOnly: true }, { name: 'tools', mountPath: '/tools', readOnly: true }, { name: 'pbm-main', mountPath: RESTORE_CHECK.mainStoragePath }, ...backupMount],
                },
                // A container, not an init container, so the check serves its metrics port from the start while the copy runs.
                ...(access.copy
                  ? [
                      {
                        name: 'copy',
                        image: access.copy.image,
                        command: [...access.copy.command],
                        env: Object.entries(access.copy.env).map(([name, value]) => ({ name, value })),
                        resources: COPY_RESOURCES,
                        securityContext: RESTRICTED_CONTAINER,
                        volumeMounts: [...backupMount, { name: 'tmp', mountPath: '/tmp' }],
                      },
                    ]
                  : []),
              ],
              volumes: [
                { name: 'data', ...ephemeral(volumes.data) },
                ...(copyPath ? [{ name: 'backup', ...ephemeral(volumes.copy) }] : []),
                { name: 'pbm-main', emptyDir: { sizeLimit: '64Mi' } },
                { name: 'tools', emptyDir: { sizeLimit: '256Mi' } },
                { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
                { name: 'check', configMap: { name: RESTORE_CHECK.name } },
              ],
            },
          },
        },
      },
    },
  };
}

/** The platform's Prometheus selects every PodMonitor; the check's pod is up for the length of a run. */
function restoreCheckPodMonitor(): KubernetesObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: RESTORE_CHECK.name, namespace: RESTORE_CHECK.namespace },
    spec: { selector: { matchLabels: RESTORE_CHECK_POD_LABELS }, podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }] },
  };
}
