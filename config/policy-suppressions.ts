/**
 * The only place a policy rule may be waived. Each entry names the rule, the
 * `<stack>/<construct path>` it applies to (`*` matches anything) and why.
 * Every waiver in effect is printed on each synth.
 */
/** A waiver of one policy rule (policies/engine.ts applies them). */
export interface Suppression {
  readonly rule: string;
  /** `<stack>/<construct path>`; `*` matches any run of characters. */
  readonly target: string;
  readonly reason: string;
}

export const POLICY_SUPPRESSIONS: readonly Suppression[] = [
  {
    rule: 'AZ-ST-005',
    target: 'azure-*-network/flow-logs/storage/account',
    reason:
      'Network Watcher writes VNet flow logs to the storage account with the account key; the account holds only flow logs and accepts TLS 1.2+ HTTPS only.',
  },
  {
    rule: 'AZ-ST-005',
    target: 'azure-*-app/cloud/backup-storage/account',
    reason:
      'Percona Backup for MongoDB authenticates to Azure Blob with an account key only (the operator requires credentialsSecret). The account is dedicated to MongoDB backups, reachable only through its private endpoint, and the key lives only in Terraform state and one Kubernetes secret.',
  },
  {
    rule: 'K8S-003',
    target: '*-platform/namespace-monitoring-node',
    reason:
      'node-exporter reads the host\'s /proc, /sys and root filesystem with host network and PID namespaces, which only the privileged level allows; the namespace holds node-exporter alone and still warns and audits at restricted.',
  },
  {
    rule: 'AZ-AKS-007',
    target: 'azure-dev-cluster/*',
    reason:
      'azure-dev keeps Azure\'s default encryption at rest (every managed disk is encrypted with platform-managed keys) and runs ephemeral OS disks without host encryption, which needs the EncryptionAtHost feature registered on the subscription; dev holds no production data. azure-prod sets hostEncryption on every pool and a customer-managed disk encryption set, and any other environment is checked.',
  },
  {
    rule: 'AWS-IAM-003',
    target: 'bootstrap-*/ci-*/deploy-boundary',
    reason:
      'A permissions boundary grants nothing: it caps what the roles a deploy role creates may be granted. Its Allow "*" leaves their own policies in charge, and its denies repeat the deploy role\'s fences (constructs/aws/deploy-fence.ts); it is attached to no identity as a permission policy.',
  },
];
