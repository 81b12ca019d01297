/**
 * The account's IAM OIDC provider for GitHub Actions. IAM allows one provider per issuer URL in an
 * account, so the bootstrap stack of the account's first state store (by stack id, over every
 * registered environment) creates it, and the CI roles of every environment in that account trust
 * it; other stores' bootstrap stacks name it by its ARN and depend on that stack (stacks/environments.ts),
 * and it is kept from `terraform destroy` (prevent_destroy). IAM is global, so a store whose region is
 * lost does not take the provider with it. No thumbprint: IAM validates token.actions.githubusercontent.com through its own
 * trusted CA library.
 */
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import type { Construct } from 'constructs';
import { GITHUB_OIDC } from '../ci/github-oidc';

export function githubOidcProviderArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC.host}`;
}

export function githubOidcProvider(scope: Construct, id: string): IamOpenidConnectProvider {
  return new IamOpenidConnectProvider(scope, id, {
    url: GITHUB_OIDC.issuer,
    clientIdList: [GITHUB_OIDC.awsAudience],
    tags: { Name: 'github-actions' },
    // Every CI role of the account trusts it; destroying it locks CI out of every environment.
    lifecycle: { preventDestroy: true },
  });
}
