/**
 * The environment schema: one object per environment, checked for shape here and
 * for cross-field rules in rules.ts. Field names are the public contract of
 * config/environments/*.ts; every field is documented in docs/configuration.md.
 */
import type * as v from 'valibot';
import { awsEnvironmentSchema } from './schema-aws';
import { azureEnvironmentSchema } from './schema-azure';
import { variants } from './schema-kit';

export { SUPPORTED_KUBERNETES_VERSIONS } from './schema-common';

export const environmentSchema = variants('cloud', [awsEnvironmentSchema, azureEnvironmentSchema], ['aws', 'azure']);

export type AwsEnvironment = v.InferOutput<typeof awsEnvironmentSchema>;
export type AzureEnvironment = v.InferOutput<typeof azureEnvironmentSchema>;
export type Environment = AwsEnvironment | AzureEnvironment;
export type EnvironmentInput = v.InferInput<typeof environmentSchema>;
export type AwsEnvironmentInput = v.InferInput<typeof awsEnvironmentSchema>;
export type AzureEnvironmentInput = v.InferInput<typeof azureEnvironmentSchema>;
export type StateBackend = Environment['state'];

/** Identity function that gives config files type checking and editor completion. */
export function defineEnvironment<T extends EnvironmentInput>(config: T): T {
  return config;
}
