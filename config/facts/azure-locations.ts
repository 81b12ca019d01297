/**
 * Azure public-cloud regions (the `location` names ARM takes) and whether each has availability
 * zones. AKS pools, zonal NAT gateways and zone-redundant public IPs need a region with zones.
 *
 * Sources, read 2026-12-02:
 * - https://learn.microsoft.com/azure/reliability/availability-zones-region-support
 *   (MicrosoftDocs/azure-docs articles/reliability/availability-zones-region-support.md, 2025-01-16),
 *   plus the regions opened with zones since (Austria East, Chile Central, Malaysia West)
 * - `az account list-locations --query "[?metadata.regionType=='Physical'].name"` for the names
 *
 * Every zonal region has zones 1, 2 and 3 (logical zones; the physical mapping is per subscription).
 */
export const AZURE_ZONAL_LOCATIONS = [
  'australiaeast',
  'austriaeast',
  'brazilsouth',
  'canadacentral',
  'centralindia',
  'centralus',
  'chilecentral',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'indonesiacentral',
  'israelcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'malaysiawest',
  'mexicocentral',
  'newzealandnorth',
  'northeurope',
  'norwayeast',
  'polandcentral',
  'qatarcentral',
  'southafricanorth',
  'southcentralus',
  'southeastasia',
  'spaincentral',
  'swedencentral',
  'switzerlandnorth',
  'uaenorth',
  'uksouth',
  'westeurope',
  'westus2',
  'westus3',
] as const;

/** Regions without availability zones: a zonal pool or zone-redundant IP there fails at apply. */
export const AZURE_NON_ZONAL_LOCATIONS = [
  'australiacentral',
  'australiacentral2',
  'australiasoutheast',
  'brazilsoutheast',
  'canadaeast',
  'francesouth',
  'germanynorth',
  'jioindiacentral',
  'jioindiawest',
  'koreasouth',
  'northcentralus',
  'norwaywest',
  'southafricawest',
  'southindia',
  'swedensouth',
  'switzerlandwest',
  'uaecentral',
  'ukwest',
  'westcentralus',
  'westindia',
  'westus',
] as const;

export function azureLocationKnown(location: string): boolean {
  return (AZURE_ZONAL_LOCATIONS as readonly string[]).includes(location) || (AZURE_NON_ZONAL_LOCATIONS as readonly string[]).includes(location);
}

export function azureLocationHasZones(location: string): boolean {
  return (AZURE_ZONAL_LOCATIONS as readonly string[]).includes(location);
}
