/**
 * `<env>-app`, the same on both clouds: the rocketchat namespace, network
 * policies and resource budgets for it and the database namespace, the MongoDB replica set with
 * its backups, and Rocket.Chat behind the platform's HTTPS edge. Everything
 * cloud-specific (edge settings, secret store, uploads, backup storage, node
 * placement) comes from the AppCloud (constructs/aws/app-cloud.ts,
 * constructs/azure/app-cloud.ts).
 */
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import type { Construct } from 'constructs';
import type { Environment } from '../config/schema';
import type { AppCloud } from '../constructs/app/app-cloud';
import { MONGODB, MongoReplicaSet } from '../constructs/app/mongodb';
import { FirstBackup, MongoRestore } from '../constructs/app/mongodb-restore';
import { NamespaceBudget } from '../constructs/app/namespace-budget';
import { RestoreCheck } from '../constructs/app/restore-check';
import { appNetworkPolicies } from '../constructs/app/network-policies';
import { ROCKETCHAT, stackName } from '../config/names';
import { RocketChat } from '../constructs/app/rocketchat';
import { LayerStack } from '../constructs/layer-stack';
import { operatorPodBudget } from '../constructs/platform/mongodb-operator';
import { podSecurityLabels } from '../constructs/platform/namespaces';
import { stateLocation } from '../constructs/state-backend';
import { rocketchatTracing } from '../config/components';

/** Builds the cloud side inside the stack: providers, contract reads, the AppCloud. */
export type ConnectAppCloud = (stack: LayerStack) => AppCloud;

export class AppStack extends LayerStack {
  constructor(scope: Construct, env: Environment, connect: ConnectAppCloud) {
    const id = stackName(env, 'app');
    super(scope, id, stateLocation(env, id));
    const cloud = connect(this);
    new RandomProvider(this, 'random');

    // podSecurityNamespace's object and address, plus the labels the cloud's edge reads from the namespace.
    const namespace = new NamespaceV1(this, `namespace-${ROCKETCHAT.namespace}`, {
      metadata: {
        name: ROCKETCHAT.namespace,
        labels: { ...podSecurityLabels('restricted'), 'app.kubernetes.io/part-of': 'rocketchat', ...cloud.edge.namespaceLabels },
      },
    });
    const backupAgent = { namespace: MONGODB.namespace, name: MONGODB.serviceAccount };
    const backups = cloud.backups(backupAgent, env.app.backups);
    // Policies first: pods start with their paths already open and nothing else.
    const policies = appNetworkPolicies(this, {
      edgeSourceCidrs: cloud.edge.sourceCidrs,
      backupEgress: backups.egress,
      smtpPort: env.app.rocketchat.smtp?.port,
      tracing: rocketchatTracing(env),
      dependsOn: [namespace],
    });
    // app.restore: another environment's backups and the secrets its data needs (docs/restore.md).
    const source = env.app.restore ? cloud.restoreSource(env.app.restore.from, backupAgent) : undefined;
    const database = new MongoReplicaSet(this, 'mongodb', {
      env,
      backups,
      placement: cloud.nodePool(env.app.mongodb.nodePool),
      secrets: cloud.secrets,
      restoreSecrets: source?.secrets,
      clientNamespace: ROCKETCHAT.namespace,
      dependsOn: [namespace, ...policies],
    });
    // The data comes back before Rocket.Chat is deployed. Once it serves, the restore release is
    // gone for good (its uninstall leaves the restore object as the record): a later re-install of
    // that release (a rebuilt cluster, a lost release record) would otherwise run the post-install
    // hook again and restore months-old data over the live database.
    const restore = env.app.restore && !env.app.restore.serve && source ? new MongoRestore(this, 'mongodb-restore', { restore: env.app.restore, source, dependsOn: database.ready }).ready : [];
    // app.backups.restoreCheck: the newest backup restored into a throwaway replica set every week, in its own namespace.
    if (env.app.backups.restoreCheck.enabled) {
      new RestoreCheck(this, 'restore-check', { env, access: (sa) => cloud.restoreCheck(sa), placement: cloud.nodePool(env.app.mongodb.nodePool), dependsOn: [] });
    }
    // Serving a restored database: its first full backup at once, so point-in-time recovery starts now, not at the next schedule.
    // One-shot per restore: once config says its backup is ready, the release goes and no re-install can take another.
    if (env.app.restore?.serve && !env.app.restore.firstBackupDone) new FirstBackup(this, 'mongodb-first-backup', { restore: env.app.restore, dependsOn: database.ready });
    const rocketchat = new RocketChat(this, 'rocketchat', {
      env,
      cloud,
      mongoConnectionSecret: database.connectionSecret.metadata.name,
      restoreSecrets: source?.secrets,
      dependsOn: [namespace, ...policies, ...database.ready, ...restore],
    });
    // Budgets from what each namespace is planned to run at its largest; the render audit holds them to the rendered pods.
    new NamespaceBudget(this, 'budget-rocketchat', { namespace: ROCKETCHAT.namespace, pods: [rocketchat.podBudget], dependsOn: [namespace] });
    new NamespaceBudget(this, 'budget-mongodb', { namespace: MONGODB.namespace, pods: [database.podBudget, operatorPodBudget(env)], dependsOn: [namespace] });
  }
}
