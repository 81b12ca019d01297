/**
 * The contract between the cloud-neutral app layer and each cloud: the HTTPS
 * edge (as the platform published it), the secret store, where uploads live
 * and where database backups go. constructs/aws/app-cloud.ts and
 * constructs/azure/app-cloud.ts implement it; nothing in constructs/app asks
 * which cloud it runs on.
 */
import type { IngressBackend, IngressSettings, SecretStore, ServiceAccountRef, WorkloadIdentityBinding } from '../platform/platform-cloud';
import type { ITerraformDependable } from 'cdktf';
import type { Rule } from '../network-policy';

/** A backend of the app; `drainSeconds` is config `app.rocketchat.rollout.drainSeconds`. */
export type AppBackend = IngressBackend;

export interface AppEdge {
  ingressFor(backend: AppBackend): IngressSettings;
  /** Address ranges the load balancer reaches pods from (ALB nodes in the public subnets, the AGC subnet). */
  readonly sourceCidrs: readonly string[];
  /** Labels the app namespace carries for the edge (AWS: the controller injects target-health readiness gates into its pods). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Where Rocket.Chat keeps uploaded files, and what its pods need to get there. */
export interface UploadStorage {
  /** `OVERWRITE_SETTING_*` environment that selects and configures the store (no credentials). */
  readonly settings: Readonly<Record<string, string>>;
  readonly identity: WorkloadIdentityBinding;
}

/**
 * How the store ages backups, from config `app.backups`. Deletion is not here: PBM deletes
 * expired backups itself, so its catalogue never points at missing files (docs/app.md).
 */
export interface BackupRetention {
  /** Undefined: no tier move. */
  readonly coolAfterDays?: number;
}

/** Where the backup agent (pbm-agent, in every mongod pod) writes full backups and oplog slices. */
export interface BackupStorage {
  /** One entry of the PerconaServerMongoDB `spec.backup.storages` map. */
  readonly storage: object;
  /** On the mongod pods' service account: the agent authenticates as the pod. */
  readonly identity: WorkloadIdentityBinding;
  /** The egress rule the mongod pods need to reach the store. */
  readonly egress: Rule;
}

/** Config `app.restore.from`: another environment's backups. */
export interface RestoreFrom {
  readonly environment: string;
  readonly store: string;
  readonly prefix: string;
  readonly region: string;
}

/** Where a restore reads another environment's backups (the restore resource's `backupSource`). */
export interface RestoreSource {
  /** The storage block of `backupSource` (`s3` / `azure`), read with the mongod pods' own identity. */
  readonly storage: object;
  /** What PBM's backup destinations start with in that store: `s3://<bucket>/<prefix>`. */
  readonly destinationPrefix: string;
  /** The newest full backup in the store, found when the plan is made. */
  latestBackup(): string;
  /** Where the source environment's secrets are read (its users, key and admin: mongodb-secrets.ts). */
  readonly secrets: SecretStore;
  /** What must be complete before the restore object exists (Azure: the copy out of the source's read-only secondary). */
  readonly before: ITerraformDependable[];
}

/**
 * What the weekly restore check (restore-check.ts) reads the environment's own backups with:
 * read-only, and nothing of the live database. PBM reads the store as a profile (an external
 * storage it syncs the backup list from, `pbm profile add --sync`), which only reads `.pbm.init`
 * and never writes it (PBM 2.12 cmd/pbm-agent/profile.go: it initialises only a store without
 * one); the throwaway replica set's main storage is a local directory.
 */
export interface RestoreCheckAccess {
  /** On the check's service account. */
  readonly identity: WorkloadIdentityBinding;
  /** PBM's `storage` block for the profile the check restores from. */
  readonly profile: object;
  /**
   * A container that copies the newest backup into `copyPath` before PBM starts, for a store PBM
   * cannot read with a workload identity (Azure: PBM signs in with an account key only); then
   * `profile` is a filesystem store at that path. Undefined: PBM reads the store itself.
   */
  readonly copy?: { readonly image: string; readonly command: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /** How the check's pod reaches the store (and its identity provider). */
  readonly egress: Rule;
}

/** Where a workload's pods may run: the node pool's labels, and tolerations for its taints. */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly { key: string; operator: 'Equal'; value: string; effect: string }[];
}

/** For workloads that reach no cloud service. */
export const NO_WORKLOAD_IDENTITY: WorkloadIdentityBinding = { serviceAccountAnnotations: {}, serviceAccountLabels: {}, podLabels: {} };

export interface AppCloud {
  readonly edge: AppEdge;
  readonly secrets: SecretStore;
  uploads(serviceAccount: ServiceAccountRef): UploadStorage;
  backups(serviceAccount: ServiceAccountRef, retention: BackupRetention): BackupStorage;
  /** Config `app.restore`: the source store, read by the backup agent on `serviceAccount` (the one backups() was given). */
  restoreSource(from: RestoreFrom, serviceAccount: ServiceAccountRef): RestoreSource;
  /** Read-only access to this environment's backups for the restore check on `serviceAccount`; call after backups(). */
  restoreCheck(serviceAccount: ServiceAccountRef): RestoreCheckAccess;
  /** Placement on a node pool from config; undefined: anywhere the scheduler likes. */
  nodePool(name: string | undefined): Placement;
}
