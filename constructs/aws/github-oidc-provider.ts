/**
 * The account's IAM OIDC provider for GitHub Actions. IAM allows one provider per issuer URL in an
 * account, so it is created once per account, by the bootstrap stack of the account's state store
 * (config refuses two S3 state stores in one account), and CI roles of every environment in that
 * account trust it. No thumbprint: IAM validates token.actions.githubusercontent.com through its own
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
  });
}
