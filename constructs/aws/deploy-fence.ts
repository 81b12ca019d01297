/**
 * The fences around an AWS deploy role, written once and used three times:
 *
 * - as explicit denies in the deploy role's own policy (constructs/aws/ci-roles.ts);
 * - in the permissions boundary every role the deploy role creates must carry
 *   (`<env>-ci-deploy-boundary`, a managed policy of the bootstrap stack). Without it the deploy
 *   role (AdministratorAccess) could create a role with AdministratorAccess that trusts itself and
 *   carries no fence, and do in two steps what it may not do in one. The boundary repeats every
 *   fence, so a created role cannot create an unbounded one either;
 * - as resource-side denies in the state bucket and state key policies for the account's CI roles
 *   (stateBucketStatements / stateKeyStatements), which hold even if an identity policy changes.
 *
 * Every layer stack sets the boundary on the roles it creates (boundCreatedRoles, an aspect), so
 * the deploy role's applies pass the `iam:PermissionsBoundary` condition, and a workstation apply
 * creates the same roles.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Aspects, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { deployBoundaryArn } from '../../config/delivery';
import type { AwsEnvironment } from '../../config/schema';
import { BOOTSTRAP_KEY_PREFIX } from '../bootstrap-state';
import { ciRoleName, LAYERS } from '../../config/names';
import { GITHUB_OIDC } from '../ci/github-oidc';
import type { Statement } from './policy';

/** Object actions that read or change a state object. */
export const STATE_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectAcl', 's3:RestoreObject'];
const STORE_SETTINGS_ACTIONS = [
  's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
  's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutBucketAcl',
  's3:PutReplicationConfiguration', 's3:PutBucketObjectLockConfiguration',
];
/** What rewrites, removes, passes or assumes a role (`*RolePolicy` also covers the trust: UpdateAssumeRolePolicy). */
const ROLE_ACTIONS = ['iam:*RolePolicy', 'iam:*RolePermissionsBoundary', 'iam:DeleteRole', 'iam:UpdateRole*', 'iam:TagRole', 'iam:UntagRole', 'iam:PassRole', 'sts:AssumeRole'];
const KEY_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:PutKeyPolicy'];

/** One state store of the account: its bucket and the environments whose state it holds. */
export interface AccountStore {
  readonly bucket: string;
  readonly environments: ReadonlyArray<{ readonly name: string; readonly keyPrefix: string }>;
}

export interface FenceProps {
  readonly partition: string;
  readonly accountId: string;
  /** The environment whose deploy role (or created roles) is fenced. */
  readonly environment: string;
  readonly githubOidcProviderArn: string;
  /** This store's key, by ARN (other stores' keys are named by alias). */
  readonly stateKmsKeyArn: string;
  readonly accountStores: readonly AccountStore[];
  /** The environment's region: its cluster's OIDC issuer (IRSA) is the one identity provider CI may create. */
  readonly region: string;
  /** The environment this one restores from (config `app.restore.from`): it reads that one's secrets as replicas in `region`. */
  readonly restoresFrom?: string;
}

/**
 * Other environments' secrets in the same account: no action at all, except a restoring
 * environment's reads of its source's replicas in its own region (the app stack reads them at plan
 * and the restore uses them: constructs/app/mongodb-secrets.ts).
 */
function otherSecretsStatements(props: FenceProps): Statement[] {
  const secrets = (env: string) => `arn:${props.partition}:secretsmanager:*:${props.accountId}:secret:${env}-*`;
  const others = [...new Set(props.accountStores.flatMap((s) => s.environments.map((e) => e.name)))].filter((n) => n !== props.environment);
  const unrelated = others.filter((n) => n !== props.restoresFrom);
  const source = props.restoresFrom && others.includes(props.restoresFrom) ? props.restoresFrom : undefined;
  const reads = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
  const statements: Statement[] = [];
  if (unrelated.length) statements.push({ Sid: 'NoOtherEnvironmentsSecrets', Effect: 'Deny', Action: 'secretsmanager:*', Resource: unrelated.map(secrets) });
  if (source) {
    statements.push(
      {
        Sid: 'RestoreSourceSecretsReadOnly',
        Effect: 'Deny',
        Action: ['Put*', 'Update*', 'Delete*', 'Restore*', 'Rotate*', 'Cancel*', '*Tag*', '*Replica*'].map((a) => `secretsmanager:${a}`),
        Resource: secrets(source),
      },
      { Sid: 'RestoreSourceSecretsAsReplicas', Effect: 'Deny', Action: reads, Resource: secrets(source), Condition: { StringNotEquals: { 'aws:RequestedRegion': props.region } } },
    );
  }
  return statements;
}

/** The state objects of one environment: `<keyPrefix>/<env>-<layer>.tfstate` and its lock file, layer by layer (`<env>-*` would also match `<env>-eu-*`). */
export function environmentStateObjects(bucketArn: string, keyPrefix: string, environment: string): string[] {
  return LAYERS.map((layer) => `${bucketArn}/${keyPrefix}/${environment}-${layer}.tfstate*`);
}

/** The CI roles of the account, by name pattern; `ciRoleArnsOf` for one environment's. */
export function ciRolePatterns(partition: string, accountId: string): string[] {
  return ciRoleArnsOf(partition, accountId, '*');
}

function ciRoleArnsOf(partition: string, accountId: string, environment: string): string[] {
  return [`arn:${partition}:iam::${accountId}:role/${ciRoleName(environment, 'plan')}`, `arn:${partition}:iam::${accountId}:role/${ciRoleName(environment, 'deploy')}`];
}

/**
 * The denies of a deploy role and of its boundary. `created`: the boundary's variant, which also
 * keeps created roles away from this environment's own state (they run workloads, not Terraform).
 * Size matters: IAM caps a managed policy at 6,144 characters and a role's inline policies at
 * 10,240 (whitespace excluded); policy AWS-IAM-004 fails the synth of a document over them.
 */
export function deployFenceStatements(props: FenceProps, created = false): Statement[] {
  const { partition, accountId } = props;
  const storeArns = props.accountStores.map((s) => `arn:${partition}:s3:::${s.bucket}`);
  const boundaryArn = deployBoundaryArn(props.environment, accountId, partition);
  // Every state object of the account except this environment's own: other environments' layers, bootstrap state included.
  const otherState = props.accountStores.flatMap((s) => {
    const arn = `arn:${partition}:s3:::${s.bucket}`;
    return [
      `${arn}/${BOOTSTRAP_KEY_PREFIX}/*`,
      ...s.environments.filter((e) => e.name !== props.environment).flatMap((e) => environmentStateObjects(arn, e.keyPrefix, e.name)),
    ];
  });
  return [
    {
      Sid: 'CiIdentitiesAreManagedByTheBootstrapStack',
      Effect: 'Deny',
      Action: ROLE_ACTIONS,
      Resource: ciRolePatterns(partition, accountId),
    },
    // Roles the stacks did not make (OrganizationAccountAccessRole, a person's) are not CI's to rewrite, delete, pass or assume:
    // every role the stacks create is named `<env>-*`. (Creating one is fenced by the boundary condition below.)
    {
      Sid: 'OnlyTheEnvironmentsRoles',
      Effect: 'Deny',
      Action: ROLE_ACTIONS,
      NotResource: `arn:${partition}:iam::${accountId}:role/${props.environment}-*`,
    },
    {
      Sid: 'OnlyTheEnvironmentsPolicies',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'],
      NotResource: `arn:${partition}:iam::${accountId}:policy/${props.environment}-*`,
    },
    // The cluster layer creates its own issuer (IRSA); no other identity provider, and no SAML or Roles Anywhere door in from outside GitHub.
    { Sid: 'OnlyTheClustersIssuer', Effect: 'Deny', Action: 'iam:CreateOpenIDConnectProvider', NotResource: `arn:${partition}:iam::${accountId}:oidc-provider/oidc.eks.${props.region}.amazonaws.com/id/*` },
    {
      Sid: 'NoSideDoorsNoAuditChanges',
      Effect: 'Deny',
      Action: [
        'iam:CreateSAMLProvider', 'iam:UpdateSAMLProvider', 'rolesanywhere:*',
        // An access point (or an Object Lambda one) is a second policy in front of a bucket: the state buckets' policies refuse their use too.
        's3:CreateAccessPoint*', 's3:CreateMultiRegionAccessPoint*', 's3-object-lambda:*',
        'organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors',
        'guardduty:Delete*', 'guardduty:Disassociate*', 'config:Delete*', 'config:StopConfigurationRecorder',
      ],
      Resource: '*',
    },
    ...otherSecretsStatements(props),
    {
      Sid: 'GitHubTrustIsManagedByTheBootstrapStack',
      Effect: 'Deny',
      // Wildcards within these resources name only identity-provider actions (IAM's 6,144-character limit: see below).
      Action: ['iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:Update*', 'iam:*ClientID*', 'iam:Tag*', 'iam:Untag*'],
      // The account's provider, and any other of GitHub's issuer (an enterprise's `<host>/<slug>`).
      Resource: [props.githubOidcProviderArn, `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC.host}/*`],
    },
    // A created role (EKS, nodes, IRSA, flow logs, replication) carries the boundary, so it can do no more than this.
    {
      Sid: 'CreatedRolesCarryTheBoundary',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
    { Sid: 'BoundariesStay', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], Resource: '*' },
    {
      Sid: 'BoundaryPoliciesAreManagedByTheBootstrapStack',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
      Resource: `arn:${partition}:iam::${accountId}:policy/${ciRoleName('*', 'deploy')}-boundary`,
    },
    // Users and their keys are long-lived credentials outside every boundary and every trust above; existing users and groups get no policy from CI.
    {
      Sid: 'NoLongLivedCredentials',
      Effect: 'Deny',
      Action: [
        'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:CreateServiceSpecificCredential',
        'iam:*UserPolicy', 'iam:*GroupPolicy', 'iam:AddUserToGroup', 'iam:PutUserPermissionsBoundary',
      ],
      Resource: '*',
    },
    { Sid: 'StateStoresStayAsBootstrapped', Effect: 'Deny', Action: STORE_SETTINGS_ACTIONS, Resource: storeArns },
    { Sid: 'StateHistoryIsKept', Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: storeArns.map((arn) => `${arn}/*`) },
    // Bootstrap state records the CI identities and the stores: people apply it, never CI.
    { Sid: 'BootstrapStateIsAppliedByPeople', Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: storeArns.map((arn) => `${arn}/${BOOTSTRAP_KEY_PREFIX}/*`) },
    // aws-prod and aws-dr share an account: neither reads or writes the other's layer state.
    // (A created role needs no state at all: the boundary denies every object of every store, which also keeps it
    // within IAM's 6,144-character limit for managed policies as environments are added.)
    { Sid: 'NoOtherEnvironmentsState', Effect: 'Deny', Action: STATE_OBJECT_ACTIONS, Resource: created ? storeArns.map((arn) => `${arn}/*`) : otherState },
    { Sid: 'StateKeysStayUsable', Effect: 'Deny', Action: KEY_ACTIONS, Resource: props.stateKmsKeyArn },
    // Other stores' keys are known here only by their alias (the bucket's name): deny by alias, and keep the aliases where they are.
    {
      Sid: 'OtherStoresKeysStayUsable',
      Effect: 'Deny',
      Action: KEY_ACTIONS,
      Resource: `arn:${partition}:kms:*:${accountId}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.accountStores.map((s) => `alias/${s.bucket}`) } },
    },
    {
      Sid: 'StateKeyAliasesStay',
      Effect: 'Deny',
      Action: ['kms:DeleteAlias', 'kms:UpdateAlias', 'kms:CreateAlias'],
      Resource: [
        ...props.accountStores.map((s) => `arn:${partition}:kms:*:${accountId}:alias/${s.bucket}`),
        // The apply verifies plan signatures by this alias: pointing it at a key CI holds would forge them.
        `arn:${partition}:kms:*:${accountId}:alias/*-plan-signing`,
      ],
    },
    // Plan bundles are signed by plan roles only (constructs/aws/plan-signing-key.ts); the key policy says so, and no deploy role may rewrite it.
    {
      Sid: 'PlanSigningKeysStayThePlanRoles',
      Effect: 'Deny',
      Action: ['kms:Sign', 'kms:CreateGrant', ...KEY_ACTIONS],
      Resource: `arn:${partition}:kms:*:${accountId}:key/*`,
      Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/*-plan-signing' } },
    },
  ];
}

/** The boundary document: everything, minus the fences (a boundary grants nothing itself; it caps). */
export function boundaryStatements(props: FenceProps): Statement[] {
  return [{ Sid: 'CapOnly', Effect: 'Allow', Action: '*', Resource: '*' }, ...deployFenceStatements(props, true)];
}

/**
 * Resource-side repeats of the fences for one store's bucket: the account's CI roles change none of
 * its settings and no version; each environment's CI roles touch only their own state objects (the
 * plan role also reads this store's bootstrap state), and CI roles of environments stored elsewhere
 * touch no object here.
 */
export function stateBucketStatements(bucketArn: string, store: AccountStore, partition: string, accountId: string, bootstrapStack: string): Statement[] {
  const ci = ciRolePatterns(partition, accountId);
  const storeRoles = store.environments.flatMap((e) => ciRoleArnsOf(partition, accountId, e.name));
  return [
    { Sid: 'CiKeepsTheStoreAsBootstrapped', Effect: 'Deny', Principal: '*', Action: STORE_SETTINGS_ACTIONS, Resource: bucketArn, Condition: { ArnLike: { 'aws:PrincipalArn': ci } } },
    {
      Sid: 'CiKeepsHistoryAndBootstrapState',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:DeleteObjectVersion', 's3:PutObject', 's3:DeleteObject'],
      Resource: [`${bucketArn}/${BOOTSTRAP_KEY_PREFIX}/*`],
      Condition: { ArnLike: { 'aws:PrincipalArn': ci } },
    },
    // Nobody reaches state through an access point: its policy would be a second door this one does not see.
    { Sid: 'NoAccessPoints', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`], Condition: { Null: { 's3:DataAccessPointArn': 'false' } } },
    { Sid: 'CiKeepsHistory', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObjectVersion', Resource: `${bucketArn}/*`, Condition: { ArnLike: { 'aws:PrincipalArn': ci } } },
    {
      Sid: 'CiOfOtherStoresTouchNoObject',
      Effect: 'Deny',
      Principal: '*',
      Action: STATE_OBJECT_ACTIONS,
      Resource: `${bucketArn}/*`,
      Condition: { ArnLike: { 'aws:PrincipalArn': ci }, ArnNotEquals: { 'aws:PrincipalArn': storeRoles } },
    },
    ...store.environments.flatMap((e): Statement[] => {
      const own = environmentStateObjects(bucketArn, e.keyPrefix, e.name);
      const sid = e.name.replace(/[^A-Za-z0-9]/g, '');
      return [
        {
          Sid: `${sid}CiWritesOnlyItsState`,
          Effect: 'Deny',
          Principal: '*',
          Action: STATE_OBJECT_ACTIONS.filter((a) => !a.startsWith('s3:GetObject')),
          NotResource: own,
          Condition: { ArnEquals: { 'aws:PrincipalArn': ciRoleArnsOf(partition, accountId, e.name) } },
        },
        {
          Sid: `${sid}CiReadsOnlyItsState`,
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          NotResource: [...own, `${bucketArn}/${BOOTSTRAP_KEY_PREFIX}/${bootstrapStack}.tfstate`],
          Condition: { ArnEquals: { 'aws:PrincipalArn': ciRoleArnsOf(partition, accountId, e.name) } },
        },
      ];
    }),
  ];
}

/** Resource-side repeat for the state key: no CI role deletes, disables or re-policies it. */
export function stateKeyStatements(partition: string, accountId: string): Statement[] {
  return [{ Sid: 'CiKeepsTheKeyUsable', Effect: 'Deny', Principal: '*', Action: KEY_ACTIONS, Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': ciRolePatterns(partition, accountId) } } }];
}

class RoleBoundary implements IAspect {
  constructor(private readonly arn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.arn;
  }
}

/** Every IAM role the stack creates carries the environment's deploy boundary (when it has CI roles: state in S3). */
export function boundCreatedRoles(scope: IConstruct, env: AwsEnvironment, partition: string): void {
  if (env.state.type !== 's3') return;
  Aspects.of(scope).add(new RoleBoundary(deployBoundaryArn(env.name, env.aws.accountId, partition)));
}
