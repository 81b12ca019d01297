/**
 * AWS commercial Regions and the Availability Zone codes EC2 offers in each.
 *
 * Sources, read 2026-12-02:
 * - https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html (Region codes)
 * - https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html (AZ IDs per Region)
 * - https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html (codes are the Region plus a letter)
 *
 * In the oldest Regions AZ codes are mapped per account (us-east-1a in one account is not the same
 * place as in another), and a few letters exist only for older accounts (us-west-1a/b/c: each
 * account sees two of them; ap-northeast-1b; ca-central-1c). The letters below are every code an
 * account can see, so a real zone is never refused; `aws ec2 describe-availability-zones` shows an
 * account's own. Opt-in Regions (af-south-1, ap-east-1, me-south-1, ...) must be enabled first.
 * GovCloud and China partitions are out of scope: the project pins commercial ARNs.
 */
export const AWS_REGION_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-west-1': 'abc',
  'us-west-2': 'abcd',
  'ca-central-1': 'abcd',
  'ca-west-1': 'abc',
  'mx-central-1': 'abc',
  'sa-east-1': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-north-1': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'il-central-1': 'abc',
  'me-south-1': 'abc',
  'me-central-1': 'abc',
  'af-south-1': 'abc',
  'ap-east-1': 'abc',
  'ap-east-2': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-northeast-1': 'abcd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-southeast-5': 'abc',
  'ap-southeast-6': 'abc',
  'ap-southeast-7': 'abc',
};

/** The zone codes of a region, or undefined when the region is not a commercial AWS Region. */
export function awsZonesOf(region: string): string[] | undefined {
  const letters = AWS_REGION_ZONES[region];
  return letters === undefined ? undefined : [...letters].map((l) => `${region}${l}`);
}
