/**
 * GitHub Actions' OIDC issuer and the values every cloud's trust of it pins. The issuer puts the
 * job's repository and GitHub environment in `sub` (repo:<owner>/<name>:environment:<environment>);
 * config/delivery.ts builds that subject, and each CI identity trusts exactly one.
 */
export const GITHUB_OIDC = {
  /** Issuer URL as it appears in the token's `iss` claim. */
  issuer: 'https://token.actions.githubusercontent.com',
  /** The same without the scheme: the prefix of AWS condition keys (`<host>:sub`, `<host>:aud`). */
  host: 'token.actions.githubusercontent.com',
  /** Audience aws-actions/configure-aws-credentials requests. */
  awsAudience: 'sts.amazonaws.com',
  /** Audience azure/login requests for a federated credential. */
  azureAudience: 'api://AzureADTokenExchange',
} as const;
