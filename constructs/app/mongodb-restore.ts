/**
 * Config `app.restore`: the environment comes up with another environment's data. A
 * PerconaServerMongoDBRestore with an external `backupSource` (the source store, read with the
 * mongod pods' own identity) and, when asked, an oplog replay (`pitr`). The operator waits for
 * the replica set and its backup agents before it starts (logical.go: "Waiting for pbm-agent"),
 * pauses PITR uploads while it runs, and never repeats a restore that reached `ready` or `error`.
 *
 * The restore applies once. The object is a Helm `post-install` hook of its release: Helm keeps
 * hooks out of the release manifest and runs install hooks on install only, so no later upgrade
 * (a config change, a provider upgrade, `serve: true`) creates, changes or re-creates it, and
 * deleting it (a failed restore) arms nothing. The delete policy is `hook-failed` alone, because
 * Helm's default (`before-hook-creation`) would delete and re-create an existing restore if the
 * release were ever installed again; without it a re-install meets the old object and fails.
 * The one way to run another restore is config: `app.restore.attempt` names the object and
 * replaces the release (replace_triggered_by), which installs it again with the new object.
 *
 * `backup: latest` is resolved when the environment is first planned and frozen in state
 * (terraform_data with ignore_changes): a later apply, after the source wrote newer backups, must
 * not change the restore resource, or a surprised reviewer might think it restores again.
 */
import { TerraformResource, Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Environment } from '../../config/schema';
import { ClusterObjects, type KubernetesObject } from '../platform/cluster-objects';
import type { RestoreSource } from './app-cloud';
import { BACKUP_STORAGE, MONGODB } from './mongodb';

type Restore = NonNullable<Environment['app']['restore']>;

/** The operator's pitr.date format (CRD validation: YYYY-MM-DD HH:MM:SS, UTC). */
export function pitrDate(utc: string): string {
  return utc.replace('T', ' ').replace(/Z$/, '');
}

/** The Helm hook that makes the restore a create-once object (see the file comment). */
export const RESTORE_ONCE = { 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-failed' } as const;

/** The restore object's name: one per source and attempt, so a retry never meets the failed object. */
export const restoreName = (restore: Pick<Restore, 'from' | 'attempt'>) => `restore-from-${restore.from.environment}-${restore.attempt ?? 1}`;

export function restoreResource(restore: Restore, source: Pick<RestoreSource, 'storage' | 'destinationPrefix'>, backupName: string): KubernetesObject {
  const { pointInTime } = restore;
  return {
    apiVersion: 'psmdb.percona.com/v1',
    kind: 'PerconaServerMongoDBRestore',
    metadata: { name: restoreName(restore), namespace: MONGODB.namespace, annotations: { ...RESTORE_ONCE } },
    spec: {
      clusterName: MONGODB.cluster,
      // The operator takes the backup name from the destination's last segment and PBM's storage from the s3/azure block.
      backupSource: { type: 'logical', destination: `${source.destinationPrefix}/${backupName}`, ...source.storage },
      ...(pointInTime === undefined ? {} : { pitr: pointInTime === 'latest' ? { type: 'latest' } : { type: 'date', date: pitrDate(pointInTime) } }),
    },
  };
}

/**
 * A terraform_data resource whose input is recorded once and then ignored. Built on
 * TerraformResource rather than cdktf's DataResource, whose validation runs `terraform version`
 * on every synth (~150 ms, and a synth error where terraform is not installed); every stack
 * already requires Terraform >= 1.10, which has terraform_data.
 */
class FrozenValue extends TerraformResource {
  constructor(scope: Construct, id: string, private readonly input: Record<string, string>, frozen = true) {
    super(scope, id, { terraformResourceType: 'terraform_data', lifecycle: frozen ? { ignoreChanges: ['input'] } : undefined });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { input: this.input };
  }
}

export interface MongoRestoreProps {
  readonly restore: Restore;
  readonly source: RestoreSource;
  /** The replica set's release: the restore names its cluster. */
  readonly dependsOn: ITerraformDependable[];
}

export class MongoRestore extends Construct {
  readonly ready: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: MongoRestoreProps) {
    super(scope, id);
    const { restore, source } = props;
    let backupName = restore.backup;
    if (backupName === 'latest') {
      const frozen = new FrozenValue(this, 'latest-backup', { name: source.latestBackup() });
      backupName = Token.asString(frozen.getStringAttribute('output.name'));
    }
    const release = new ClusterObjects(this, 'objects', {
      name: 'rocketchat-mongodb-restore',
      namespace: MONGODB.namespace,
      objects: [restoreResource(restore, source, backupName)],
      dependsOn: [...props.dependsOn, ...source.before],
    });
    // A new attempt replaces the release: uninstall (the hook object stays, with its status) and install, which runs the hook again.
    const attempt = new FrozenValue(this, 'attempt', { attempt: String(restore.attempt ?? 1) }, false);
    // Terraform reads replace_triggered_by as bare references; cdktf would write a "${...}" template there.
    release.release.addOverride('lifecycle.replace_triggered_by', [`terraform_data.${attempt.friendlyUniqueId}`]);
    this.ready = [release.release];
  }
}

/**
 * After a restore the replica set has no point-in-time recovery of its own: PBM slices the oplog
 * only on top of a base backup in the cluster's own storage, and the next scheduled one can be a
 * day (or a week) away. The `serve: true` deploy therefore asks for one full backup at once.
 *
 * A post-install hook of its own release, so it is created when that deploy installs the release
 * and never on an upgrade. It is not harmless to repeat: a re-install (a rebuilt cluster, a lost
 * release record) would back up whatever the database holds then, maybe nothing, as the newest
 * backup. So it is one-shot per restore id: the delete policy is `hook-failed` alone (RESTORE_ONCE),
 * so a re-install meets the existing object and fails instead of replacing it, and config
 * `app.restore.firstBackupDone: true` drops the release for good (app-stack.ts). No
 * `percona.com/delete-backup` finalizer: deleting the object leaves the backup in the store
 * (retention deletes scheduled backups only; this one goes by hand, docs/restore.md).
 */
export function firstBackupResource(restore: Pick<Restore, 'from' | 'attempt'>): KubernetesObject {
  return {
    apiVersion: 'psmdb.percona.com/v1',
    kind: 'PerconaServerMongoDBBackup',
    metadata: {
      name: `after-${restoreName(restore)}`,
      namespace: MONGODB.namespace,
      annotations: { ...RESTORE_ONCE },
    },
    spec: { clusterName: MONGODB.cluster, storageName: BACKUP_STORAGE, type: 'logical', compressionType: 'zstd' },
  };
}

/** The first full backup of a restored environment, with the deploy that makes it serve (app-stack.ts). */
export class FirstBackup extends Construct {
  constructor(scope: Construct, id: string, props: { restore: Restore; dependsOn: ITerraformDependable[] }) {
    super(scope, id);
    new ClusterObjects(this, 'objects', { name: 'rocketchat-mongodb-first-backup', namespace: MONGODB.namespace, objects: [firstBackupResource(props.restore)], dependsOn: props.dependsOn });
  }
}
