/**
 * Azure `app.restore`: the backup PBM restores is first copied from the source's read-only
 * RA-GZRS secondary into this environment's own backup container, under the source's prefix,
 * and PBM restores from that copy.
 *
 * Why a copy and not a customer-managed account failover. With `pitr`, the operator makes the
 * restore source PBM's main storage and resyncs it, and the resync deletes and rewrites
 * `<prefix>/.pbm.init` (PBM 2.12 pbm/resync/rsync.go, pbm/util/storage.go): the source must be
 * writable, and the `-secondary` endpoint never is. A failover makes the source account writable,
 * but PBM signs in to Azure with an account key only (pbm/storage/azure/azure.go,
 * NewSharedKeyCredential), so the restoring cluster would hold full control of the source's
 * backups, the failover is a one-way change to another environment's account (LRS afterwards,
 * drift in its state) and it is an hour-scale operation. The copy needs no key of the source:
 * the deploy identity reads the secondary with Entra ID (Storage Blob Data Reader on the source
 * container, granted by the platform layer) and writes this environment's container (Storage Blob
 * Data Contributor there); PBM then writes only to its own account.
 *
 * The step is declarative: a terraform_data whose local-exec provisioner runs azcopy once, when
 * it is created, on the deploy runner (in this environment's VNet, which the private endpoints
 * need; azcopy signs in with the runner's `az login` session, AZCOPY_AUTO_LOGIN_TYPE=AZCLI; the
 * data passes through the runner's disk, restoreCopyCommands says why). The
 * restore release depends on it, so the restore object only ever sees a complete copy. It copies
 * the one backup (its `.pbm.json` and its directory) and, with `pointInTime`, the oplog slices
 * written since the backup started, not the whole retention. A new `app.restore.attempt` copies
 * again.
 */
import { TerraformResource, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { RestoreFrom } from '../app/app-cloud';
import { secondaryBlobEndpoint } from './restore-source';

/** PBM's folder for oplog slices under a storage prefix (pbm/defs/defs.go PITRfsPrefix). */
export const PITR_FOLDER = 'pbmPitr';


/**
 * The shell lines that copy what a restore of `backup` (and its oplog, with `withOplog`) reads.
 * Through the runner's disk, not a service-side copy: a blob-to-blob azcopy makes the destination
 * account fetch the source over its public endpoint, which the source's firewall refuses (both
 * accounts answer private endpoints only). The runner needs room for the compressed backup.
 */
export function restoreCopyCommands(from: RestoreFrom, container: string, targetAccount: string, backup: string, withOplog: boolean): string[] {
  const src = (path: string) => `'${secondaryBlobEndpoint(from.store)}/${container}/${from.prefix}/${path}'`;
  const dst = `'https://${targetAccount}.blob.core.windows.net/${container}/${from.prefix}'`;
  return [
    'set -e',
    ...AZCOPY_PRECHECK,
    'dir=$(mktemp -d)',
    `trap 'rm -rf "$dir"' EXIT`,
    // Pass 1: the secondary onto the runner's disk.
    'relogin',
    `azcopy copy ${src(`${backup}.pbm.json`)} "$dir/${backup}.pbm.json"`,
    `azcopy copy ${src(backup)} "$dir" --recursive`,
    ...(withOplog ? [`azcopy copy ${src(PITR_FOLDER)} "$dir" --recursive --include-after '${backup}'`] : []),
    // Pass 2: the runner's disk into this environment's container, with a fresh sign-in.
    'relogin',
    `azcopy copy "$dir/*" ${dst} --recursive`,
  ];
}

/**
 * Before any data moves: azcopy 10.22 or later (it introduced AZCOPY_AUTO_LOGIN_TYPE=AZCLI; an
 * older one fails on the first read with an authorization error), and `relogin`, which runs the
 * runner's `RESTORE_COPY_RELOGIN` command when it has one. An `az login` with a federated token
 * (GitHub's OIDC) cannot renew itself, and its access token lives about an hour: a copy of a large
 * backup outlives it, so each pass signs in again (docs/restore.md, "Prepare before any disaster").
 */
const AZCOPY_PRECHECK = [
  // No "${": Terraform would read it as an interpolation in the provisioner's command.
  `set -- $(azcopy --version | sed -n 's/^azcopy version \\([0-9]*\\)\\.\\([0-9]*\\).*/\\1 \\2/p') 0 0`,
  '[ "$1" -gt 10 ] || { [ "$1" -eq 10 ] && [ "$2" -ge 22 ]; } || { echo "azcopy 10.22 or later is needed (AZCOPY_AUTO_LOGIN_TYPE=AZCLI)" >&2; exit 1; }',
  'relogin() { if [ -n "$RESTORE_COPY_RELOGIN" ]; then sh -c "$RESTORE_COPY_RELOGIN"; fi; }',
];

export interface RestoreCopyProps {
  readonly from: RestoreFrom;
  readonly container: string;
  readonly targetAccount: string;
  readonly backup: string;
  readonly withOplog: boolean;
  readonly attempt: number;
  /** The target container and the deploy identity's grant on it (after propagation). */
  readonly dependsOn: ITerraformDependable[];
}

export class RestoreCopy extends TerraformResource {
  constructor(scope: Construct, id: string, private readonly props: RestoreCopyProps) {
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      dependsOn: props.dependsOn,
      provisioners: [
        {
          type: 'local-exec',
          // set -e: a failed copy fails the apply, and the restore release (which depends on this) is never installed.
          command: restoreCopyCommands(props.from, props.container, props.targetAccount, props.backup, props.withOplog).join('\n'),
          interpreter: ['/bin/sh', '-c'],
          environment: { AZCOPY_AUTO_LOGIN_TYPE: 'AZCLI' },
        },
      ],
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const { from, backup, attempt } = this.props;
    // Provisioners run on create only: a new attempt (or another backup) replaces this and copies again.
    return { triggers_replace: { source: `${from.store}/${from.prefix}/${backup}`, attempt: String(attempt) } };
  }
}
