/**
 * Cross-field rules the schema cannot express. They read the environment file as written, with the
 * schema's types (rules-kit.ts Written), even when the schema found problems, so one run reports
 * everything; a value whose type the schema refused is absent, and each rule skips what is absent.
 */
import { appRules } from './rules-app';
import { awsRules } from './rules-aws';
import { azureRules } from './rules-azure';
import { deliveryRules } from './rules-delivery';
import { drRules } from './rules-dr';
import { awsFactRules, azureFactRules } from './rules-facts';
import { tagRules } from './rules-names';
import { duplicateRules } from './rules-duplicates';
import { fieldPath, type WrittenEnvironment, type Problem } from './rules-kit';
import { platformRules } from './rules-platform';

export type { Problem } from './rules-kit';

function checkNodePools(env: WrittenEnvironment, problems: Problem[]): void {
  const seen = new Set<string>();
  (env.kubernetes?.nodePools ?? []).forEach((pool, i) => {
    if (!pool) return;
    const { minSize: min, desiredSize: desired, maxSize: max, name } = pool;
    if (min !== undefined && desired !== undefined && max !== undefined) {
      if (!(min <= desired && desired <= max)) {
        problems.push({
          path: fieldPath((e) => e.kubernetes.nodePools[i]?.desiredSize),
          message: `sizes min ${min}, desired ${desired}, max ${max} are out of order (allowed: minSize <= desiredSize <= maxSize)`,
        });
      }
    }
    if (name !== undefined) {
      if (seen.has(name)) {
        problems.push({ path: fieldPath((e) => e.kubernetes.nodePools[i]?.name), message: `"${name}" is used by another node pool (allowed: a unique name)` });
      }
      seen.add(name);
    }
  });
}

export function crossFieldProblems(env: WrittenEnvironment): Problem[] {
  const problems: Problem[] = [];
  if (env.cloud === 'aws') awsRules(env, problems);
  if (env.cloud === 'azure') azureRules(env, problems);
  if (env.cloud === 'aws') awsFactRules(env, problems);
  if (env.cloud === 'azure') azureFactRules(env, problems);
  checkNodePools(env, problems);
  platformRules(env, problems);
  tagRules(env, problems);
  duplicateRules(env, problems);
  appRules(env, problems);
  drRules(env, problems);
  deliveryRules(env, problems);
  return problems;
}
