/**
 * Cross-field rules the schema cannot express. They run on the raw input even
 * when the schema found problems, so one run reports everything; each rule
 * skips values that are not well-formed (the schema already reported those).
 */
import { appRules } from './rules-app';
import { awsRules } from './rules-aws';
import { azureRules } from './rules-azure';
import { deliveryRules } from './rules-delivery';
import { drRules } from './rules-dr';
import { awsFactRules, azureFactRules } from './rules-facts';
import { tagRules } from './rules-names';
import { duplicateRules } from './rules-duplicates';
import { arr, obj, type Problem } from './rules-kit';
import { platformRules } from './rules-platform';

export type { Problem } from './rules-kit';

function checkNodePools(pools: unknown, problems: Problem[]): void {
  const seen = new Set<string>();
  arr(pools).forEach((raw, i) => {
    const pool = obj(raw);
    const path = `kubernetes.nodePools[${i}]`;
    const { minSize: min, desiredSize: desired, maxSize: max, name } = pool;
    if (typeof min === 'number' && typeof desired === 'number' && typeof max === 'number') {
      if (!(min <= desired && desired <= max)) {
        problems.push({
          path: `${path}.desiredSize`,
          message: `sizes min ${min}, desired ${desired}, max ${max} are out of order (allowed: minSize <= desiredSize <= maxSize)`,
        });
      }
    }
    if (typeof name === 'string') {
      if (seen.has(name)) {
        problems.push({ path: `${path}.name`, message: `"${name}" is used by another node pool (allowed: a unique name)` });
      }
      seen.add(name);
    }
  });
}

export function crossFieldProblems(input: unknown): Problem[] {
  const env = obj(input);
  const problems: Problem[] = [];
  if (env.cloud === 'aws') awsRules(env, problems);
  if (env.cloud === 'azure') azureRules(env, problems);
  if (env.cloud === 'aws') awsFactRules(env, problems);
  if (env.cloud === 'azure') azureFactRules(env, problems);
  checkNodePools(obj(env.kubernetes).nodePools, problems);
  platformRules(env, problems);
  tagRules(env, problems);
  duplicateRules(env, problems);
  appRules(env, problems);
  drRules(env, problems);
  deliveryRules(env, problems);
  return problems;
}
