/**
 * Every environment the app knows. Adding one: copy the closest file, change
 * its name and values, and register it here (README, "Adding an environment").
 */
import awsDev from './aws-dev.js';
import awsProd from './aws-prod.js';
import azureDev from './azure-dev.js';
import azureProd from './azure-prod.js';

export const ENVIRONMENTS: Readonly<Record<string, unknown>> = {
  'aws-dev': awsDev,
  'aws-prod': awsProd,
  'azure-dev': azureDev,
  'azure-prod': azureProd,
};
