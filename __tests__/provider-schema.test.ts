import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { App, TerraformStack } from 'cdktf';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOutdir, synthExamples, tempDir } from './support';
import { ProviderSchemas } from './support/provider-schema';

let schemas: ProviderSchemas;

beforeAll(() => {
  schemas = new ProviderSchemas(['@cdktf/provider-aws', '@cdktf/provider-azurerm', '@cdktf/provider-helm', '@cdktf/provider-kubernetes',
    '@cdktf/provider-random', '@cdktf/provider-time', '@cdktf/provider-github']);
}, 120_000);

describe('synthesized arguments match the provider bindings', () => {
  it('finds no unknown or missing argument in any example stack', () => {
    const { stacks } = synthExamples();
    const problems = Object.entries(stacks).flatMap(([name, stack]) => schemas.check(name, stack));
    expect(problems).toEqual([]);
  });

  it('reports an escape-hatch typo, a nested typo and a missing required argument', () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'typos');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    vpc.addOverride('enable_dns_suport', true);
    const versioning = new S3BucketVersioningA(stack, 'versioning', { bucket: 'b', versioningConfiguration: { status: 'Enabled' } });
    versioning.addOverride('versioning_configuration.stauts', 'Enabled');
    stack.addOverride('resource.aws_subnet.bare', { cidr_block: '10.0.1.0/24' });
    app.synth();
    const synthesized = readOutdir(outdir).stacks['typos']!;
    rmSync(outdir, { recursive: true, force: true });
    expect(schemas.check('typos', synthesized)).toEqual([
      'typos resource aws_s3_bucket_versioning.versioning.versioning_configuration: unknown argument "stauts"',
      'typos resource aws_subnet.bare: missing required argument "vpc_id"',
      'typos resource aws_vpc.vpc: unknown argument "enable_dns_suport"',
    ]);
  });
});
