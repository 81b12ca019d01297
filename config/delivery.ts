/**
 * Names CI and the stacks must agree on, derived from the environment so that adding one needs no
 * list edited anywhere. GitHub puts the job's environment in the OIDC token's `sub` claim
 * (`repo:<owner>/<name>:environment:<environment>`), so trusting one GitHub environment per
 * identity pins plan identities to plan jobs and deploy identities to the approved deploy jobs.
 */
import type { AwsEnvironment, Environment } from './schema';

export interface CiIdentity {
  /** IAM role name (AWS) or user-assigned managed identity name (Azure). */
  name: string;
  /** GitHub environment the job runs in; its name is in the OIDC subject. */
  githubEnvironment: string;
  /** The exact OIDC `sub` claim the identity trusts. */
  subject: string;
}

export function ciIdentities(env: Environment): { plan: CiIdentity; deploy: CiIdentity } {
  const identity = (role: 'plan' | 'deploy', githubEnvironment: string): CiIdentity => ({
    name: `${env.name}-ci-${role}`,
    githubEnvironment,
    subject: `repo:${env.delivery.repository}:environment:${githubEnvironment}`,
  });
  return { plan: identity('plan', `${env.name}-plan`), deploy: identity('deploy', env.name) };
}

/** The ARNs of the environment's CI roles (AWS): the bootstrap stack names them, the cluster layer and the CI matrix find them by name. */
export function ciRoleArns(env: AwsEnvironment, partition = 'aws'): { plan: string; deploy: string } {
  const ci = ciIdentities(env);
  const arn = (name: string) => `arn:${partition}:iam::${env.aws.accountId}:role/${name}`;
  return { plan: arn(ci.plan.name), deploy: arn(ci.deploy.name) };
}
