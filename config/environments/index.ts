/**
 * Every environment the app knows. Adding one: copy the closest file, change
 * its name and values, and register it here (README, "Adding an environment").
 */
import awsDev from './aws-dev';
import awsDr from './aws-dr';
import awsProd from './aws-prod';
import azureDev from './azure-dev';
import azureDr from './azure-dr';
import azureProd from './azure-prod';

export const ENVIRONMENTS: Readonly<Record<string, unknown>> = {
  'aws-dev': awsDev,
  'aws-prod': awsProd,
  'aws-dr': awsDr,
  'azure-dev': azureDev,
  'azure-prod': azureProd,
  'azure-dr': azureDr,
};
