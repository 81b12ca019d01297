import type { Rule } from './engine';
import { awsRules } from './rules-aws';
import { azureRules } from './rules-azure';
import { commonRules } from './rules-common';

export const RULES: readonly Rule[] = [...awsRules, ...azureRules, ...commonRules];
export { checkStacks, formatFinding, type PolicyReport } from './engine';
export type { Suppression } from '../config/policy-suppressions';
