import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformLocal, TerraformOutput } from 'cdktf';
import { rmSync } from 'node:fs';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import awsDevConfig from '../config/environments/aws-dev';
import { environmentSchema, type AwsEnvironment } from '../config/schema';
import { LayerStack } from '../constructs/layer-stack';
import { consume, defineContract } from '../constructs/remote-state';
import { stateLocation } from '../constructs/state-backend';
import { AwsNetworkStack } from '../stacks/aws-network-stack';
import { awsNetworkContract } from '../stacks/aws-contracts';
import { automaticCrossStackOutputs, clone, readOutdir, remoteStateProblems, synthExamples, tempDir, type Json, type Synthesized } from './support';
import { RULES, checkStacks, formatFinding } from '../policies';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function env(state?: Json): AwsEnvironment {
  const config = clone(awsDevConfig) as Json;
  if (state) config.state = state;
  return v.parse(environmentSchema, config) as AwsEnvironment;
}

/** A network producer and a stand-in cluster consumer that reads two contract values. */
function synthPair(e: AwsEnvironment): Synthesized {
  const outdir = tempDir();
  dirs.push(outdir);
  const app = new App({ outdir });
  const network = new AwsNetworkStack(app, e);
  const cluster = new LayerStack(app, `${e.name}-cluster`, stateLocation(e, `${e.name}-cluster`));
  const net = consume(cluster, network, awsNetworkContract);
  new TerraformOutput(cluster, 'seen_vpc_id', { value: net.vpcId });
  new TerraformOutput(cluster, 'seen_private_subnet_ids', { value: net.privateSubnetIds });
  app.synth();
  return readOutdir(outdir);
}

describe('remote-state contracts', () => {
  let s3: Synthesized;
  beforeAll(() => (s3 = synthPair(env())));

  it('reads the producer through terraform_remote_state built from its backend', () => {
    const source = s3.stacks['aws-dev-cluster']!.data.terraform_remote_state['aws-dev-network-state'];
    expect(source).toMatchObject({ backend: 's3',
      config: { bucket: 'example-rocketchat-tfstate-111111111111', key: 'rocketchat/aws-dev-network.tfstate', region: 'eu-west-1' } });
  });

  it('turns contract keys into typed references to named outputs', () => {
    const outputs = s3.stacks['aws-dev-cluster']!.output;
    expect(outputs.seen_vpc_id.value).toBe('${data.terraform_remote_state.aws-dev-network-state.outputs.vpc_id}');
    expect(outputs.seen_private_subnet_ids.value).toBe('${data.terraform_remote_state.aws-dev-network-state.outputs.private_subnet_ids}');
  });

  it('records the deploy order in the manifest', () => {
    expect(s3.manifest.stacks['aws-dev-cluster'].dependencies).toEqual(['aws-dev-network']);
  });

  it('reads local state from the same repository-relative path the producer writes', () => {
    const local = synthPair(env({ type: 'local', directory: 'terraform-state' }));
    expect(local.stacks['aws-dev-network']!.terraform.backend.local.path).toBe('../../../terraform-state/aws-dev-network.tfstate');
    expect(local.stacks['aws-dev-cluster']!.data.terraform_remote_state['aws-dev-network-state'].config).toEqual({
      path: '../../../terraform-state/aws-dev-network.tfstate',
    });
    expect(remoteStateProblems(local.stacks)).toEqual([]);
  });

  it('finds every output a consumer reads in its producer', () => {
    expect(remoteStateProblems(s3.stacks)).toEqual([]);
  });

  it('reports an output the producer does not publish', () => {
    const broken = clone(s3.stacks);
    delete broken['aws-dev-network']!.output.vpc_id;
    expect(remoteStateProblems(broken)).toEqual(['aws-dev-cluster: reads output vpc_id that aws-dev-network does not publish']);
  });

  it('refuses at synth to read a contract the producer does not publish', () => {
    const app = new App({ outdir: tempDir() });
    const network = new AwsNetworkStack(app, env());
    const cluster = new LayerStack(app, 'aws-dev-cluster', stateLocation(env(), 'aws-dev-cluster'));
    const other = defineContract('azure-network', { vnetId: { kind: 'string', description: 'x' } });
    expect(() => consume(cluster, network, other)).toThrow('aws-dev-cluster reads contract "azure-network" that aws-dev-network does not publish');
  });
});

describe('no value crosses stacks any other way', () => {
  it('finds no automatic cross-stack outputs in any synthesized example stack', () => {
    const { stacks } = synthExamples();
    expect(automaticCrossStackOutputs(stacks)).toEqual([]);
    expect(remoteStateProblems(stacks)).toEqual([]);
  });

  it('fails the policy check on a direct reference to another stack, in every kind of block', () => {
    const outdir = tempDir();
    dirs.push(outdir);
    const app = new App({ outdir });
    const e = env();
    const network = new AwsNetworkStack(app, e);
    const cluster = new LayerStack(app, 'aws-dev-cluster', stateLocation(e, 'aws-dev-cluster'));
    const vpcId = (network.node.findChild('vpc_id') as TerraformOutput).value as string;
    new TerraformOutput(cluster, 'leak', { value: vpcId });
    new AwsProvider(cluster, 'aws', { region: 'eu-west-1', allowedAccountIds: ['111111111111'], defaultTags: [{ tags: { vpc: vpcId } }] });
    new S3Bucket(cluster, 'leaky-bucket', { bucket: 'x', tags: { vpc: vpcId } });
    new DataAwsSubnets(cluster, 'leaky-subnets', { filter: [{ name: 'vpc-id', values: [vpcId] }] });
    new TerraformLocal(cluster, 'leaky_local', vpcId);
    app.synth();
    const { stacks } = readOutdir(outdir);
    expect(automaticCrossStackOutputs(stacks)).toEqual([]);
    const lines = checkStacks(stacks, RULES.filter((r) => r.id === 'GEN-003'), []).violations.map(formatFinding);
    const where = lines.map((l) => l.replace(/ references aws_vpc\.vpc_\w+, which this stack does not define — .*$/, ' <foreign vpc>')).sort();
    expect(where).toEqual(['aws-dev-cluster/leaky-bucket: GEN-003 <foreign vpc>', 'aws-dev-cluster/leaky-subnets: GEN-003 <foreign vpc>',
      'aws-dev-cluster/locals/leaky_local: GEN-003 <foreign vpc>', 'aws-dev-cluster/output/leak: GEN-003 <foreign vpc>',
      'aws-dev-cluster/provider/aws[0]: GEN-003 <foreign vpc>']);
  });

  it('accepts references to the stack\'s own data sources and to remote-state outputs in those blocks', () => {
    const outdir = tempDir();
    dirs.push(outdir);
    const app = new App({ outdir });
    const e = env();
    const network = new AwsNetworkStack(app, e);
    const cluster = new LayerStack(app, 'aws-dev-cluster', stateLocation(e, 'aws-dev-cluster'));
    const net = consume(cluster, network, awsNetworkContract);
    new AwsProvider(cluster, 'aws', { region: 'eu-west-1', allowedAccountIds: ['111111111111'], defaultTags: [{ tags: { vpc: net.vpcId } }] });
    const subnets = new DataAwsSubnets(cluster, 'own-subnets', { filter: [{ name: 'vpc-id', values: [net.vpcId] }] });
    new TerraformOutput(cluster, 'subnet_ids', { value: subnets.ids });
    new TerraformLocal(cluster, 'vpc', net.vpcId);
    app.synth();
    const { stacks } = readOutdir(outdir);
    expect(checkStacks(stacks, RULES.filter((r) => r.id === 'GEN-003'), []).violations).toEqual([]);
  });
});
