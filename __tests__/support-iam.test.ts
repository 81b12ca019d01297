/**
 * The access-matrix harness (support/iam.ts) on a small hand-written stack, so its own behaviour is
 * pinned apart from the project's policies: references resolve, the evaluator really evaluates the
 * GitHub claims (renamed sub/aud included), a skipped condition key fails the case, and the
 * managed-policy stand-ins behave as documented. The last case reads every example stack.
 */
import { describe, expect, it } from 'vitest';
import { synthExamples, type Json } from './support';
import { assertAssume, assertDecision, assertRequest, awsAccessModel, evaluate, evaluateAssume } from './support/iam';

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

function stack(trustCondition: Json): Json {
  return {
    provider: { aws: [{ allowed_account_ids: ['123456789012'], region: 'eu-west-1' }] },
    resource: {
      aws_iam_openid_connect_provider: { gh: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
      aws_s3_bucket: { state: { bucket: 'state-bucket' } },
      aws_kms_key: { key: { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: {
        AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] }) } },
      aws_s3_bucket_policy: {
        tls: {
          bucket: '${aws_s3_bucket.state.id}',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['${aws_s3_bucket.state.arn}', '${aws_s3_bucket.state.arn}/*'],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
          }),
        },
      },
      aws_iam_role: {
        reader: {
          name: 'reader',
          assume_role_policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: '${aws_iam_openid_connect_provider.gh.arn}' }, Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: trustCondition }],
          }),
        },
      },
      aws_iam_role_policy: {
        state: {
          role: '${aws_iam_role.reader.name}',
          name: 'state',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.state.arn}/env/*' },
              { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${aws_kms_key.key.arn}' },
              { Effect: 'Deny', Action: 's3:GetObject', Resource: '${aws_s3_bucket.state.arn}/env/secret' }],
          }),
        },
      },
      aws_iam_role_policy_attachment: { ro: { role: '${aws_iam_role.reader.name}', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
  };
}

const SUB = 'repo:o/r:context:environment:dev:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main';
const trusted = stack({
  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': SUB,
    'token.actions.githubusercontent.com:job_workflow_ref': 'o/r/.github/workflows/deploy.yml@refs/heads/main' },
});
const claims = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': SUB,
  'token.actions.githubusercontent.com:job_workflow_ref': 'o/r/.github/workflows/deploy.yml@refs/heads/main' };

describe('IAM harness', () => {
  const model = awsAccessModel({ fixture: trusted });

  it('evaluates every GitHub claim of a trust policy, sub and aud included', async () => {
    await assertAssume(model, { role: 'reader', provider: PROVIDER, claims }, true);
    for (const [key, wrong] of [['token.actions.githubusercontent.com:sub', SUB.replace('main', 'feature')],
      ['token.actions.githubusercontent.com:aud', 'api://AzureADTokenExchange'],
      ['token.actions.githubusercontent.com:job_workflow_ref', 'o/r/.github/workflows/ci.yml@refs/heads/main']]) {
      const decision = await evaluateAssume(model, { role: 'reader', provider: PROVIDER, claims: { ...claims, [key!]: wrong! } });
      expect(decision, key).toMatchObject({ allowed: false, ignoredContextKeys: [] });
    }
    // A missing claim does not satisfy StringEquals.
    const { 'token.actions.githubusercontent.com:sub': _sub, ...withoutSub } = claims;
    expect((await evaluateAssume(model, { role: 'reader', provider: PROVIDER, claims: withoutSub })).allowed).toBe(false);
    // Another provider (another account's) is not the trusted principal.
    const other = await evaluateAssume(model, { role: 'reader', provider: PROVIDER.replace('123456789012', '999999999999'), claims });
    expect(other.allowed).toBe(false);
  });

  it('fails a case whose context key the evaluator skipped', async () => {
    const decision = await evaluateAssume(model, { role: 'reader', provider: PROVIDER, claims: { ...claims,
      'token.actions.githubusercontent.com:event_name': 'push' } });
    expect(decision.ignoredContextKeys).toEqual(['token.actions.githubusercontent.com:event_name']);
    expect(() => assertDecision(decision, decision.allowed, 'skipped key')).toThrow(/ignored context keys token.actions.githubusercontent.com:event_name/);
  });

  it('refuses a policy that already uses a key the GitHub claims are mapped to', async () => {
    const clash = awsAccessModel({ fixture: stack({ StringEquals: { 'cognito-identity.amazonaws.com:sub': 'x' } }) });
    await expect(evaluateAssume(clash, { role: 'reader', provider: PROVIDER, claims })).rejects.toThrow(/already uses cognito-identity.amazonaws.com:sub/);
  });

  it('resolves references and evaluates identity, bucket and key policies', async () => {
    await assertRequest(model, { role: 'reader', action: 's3:GetObject', resource: 'arn:aws:s3:::state-bucket/env/a.tfstate' }, true);
    await assertRequest(model, { role: 'reader', action: 's3:GetObject', resource: 'arn:aws:s3:::state-bucket/env/secret' }, false);
    await assertRequest(model, { role: 'reader', action: 's3:PutObject', resource: 'arn:aws:s3:::state-bucket/env/a.tfstate' }, false);
    await assertRequest(model, { role: 'reader', action: 'kms:Decrypt', resource: 'arn:aws:kms:eu-west-1:123456789012:key/fixture.key' }, true);
    // The bucket policy's TLS deny applies.
    const plain = await evaluate(model, { role: 'reader', action: 's3:GetObject', resource: 'arn:aws:s3:::state-bucket/env/a.tfstate', context: {
      'aws:SecureTransport': 'false' } });
    expect(plain).toMatchObject({ allowed: false, result: 'ExplicitlyDenied', ignoredContextKeys: [] });
  });

  it('stands ReadOnlyAccess in as the List and Read actions of the service reference', async () => {
    await assertRequest(model, { role: 'reader', action: 'ec2:DescribeVpcs', resource: '*' }, true);
    await assertRequest(model, { role: 'reader', action: 'ec2:CreateVpc', resource: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1' }, false);
    await assertRequest(model, { role: 'reader', action: 'iam:UpdateAssumeRolePolicy', resource: 'arn:aws:iam::123456789012:role/reader' }, false);
  });

  it('throws on a reference it cannot resolve instead of evaluating half a policy', () => {
    const broken = stack({});
    broken.resource.aws_iam_role_policy.state.policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '${aws_vpc.main.arn}' }] });
    expect(() => awsAccessModel({ fixture: broken })).toThrow('${aws_vpc.main.arn} names no resource');
  });

  it('reads every IAM role of every example AWS bootstrap stack', () => {
    const { stacks } = synthExamples();
    const bootstrap = Object.fromEntries(Object.entries(stacks).filter(([name, json]) => name.startsWith('bootstrap-') && json.provider?.aws));
    expect(Object.keys(bootstrap)).toHaveLength(3);
    const all = awsAccessModel(bootstrap);
    expect(all.roles.size).toBe(6);
    for (const role of all.roles.values()) expect(role.trust.Statement.length, role.name).toBeGreaterThan(0);
  });
});
