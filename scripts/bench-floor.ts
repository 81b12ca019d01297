/**
 * cdktf's floor: the cheapest useful synth, one resource through a deep
 * provider import. The benchmark compares the real app against this.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { App, TerraformStack } from 'cdktf';

const app = new App();
const stack = new TerraformStack(app, 'floor');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
app.synth();
