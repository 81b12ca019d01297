/**
 * GitHub Actions' OIDC issuer and the values every cloud's trust of it pins. Under the repository's
 * subject template the issuer puts repository, GitHub environment, run ref and workflow file in
 * `sub`; config/delivery.ts builds those subjects, and each CI identity trusts only its own jobs'.
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
