/**
 * Plans every synthesized stack offline with the real terraform binary
 * (scripts/offline-plan), where terraform and the stack's providers are
 * available, and proves the harness catches what only a plan sees.
 * Terraform missing from the PATH fails this file; SKIP_OFFLINE_PLAN=1 skips
 * it on purpose.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import type { Environment } from '../config/schema';
import { offlineCopy } from '../scripts/offline-plan/copy';
import { TerraformMissingError, formatReport, planOffline, terraformVersion, type PlanReport } from '../scripts/offline-plan/plan';
import { providerMode, providerSource } from '../scripts/offline-plan/providers';
import { synthExamples, tempDir, type Json, type Synthesized } from './support';

const SKIP = process.env.SKIP_OFFLINE_PLAN === '1';
const PLAN_TIMEOUT = 240_000;

let examples: Synthesized;
let envs: Environment[];
const dirs: string[] = [];

beforeAll(() => {
  examples = synthExamples();
  envs = loadEnvironments(ENVIRONMENTS, undefined);
}, 120_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workdir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

const errorsOf = (report: PlanReport, stack: string) => report.results.find((r) => r.stack === stack)?.errors ?? [];

describe('offline copies', () => {
  it('stub every data source and remote state of every stack, Azure included, with nothing left to the network', () => {
    const copies = Object.keys(examples.stacks).map((stack) =>
      offlineCopy(stack, { stacks: examples.stacks, envs, mode: (s, v) => providerMode(s, v, providerSource()), stsEndpoint: (a) =>
        `http://127.0.0.1:1/${a}/` }),
    );
    expect(copies.flatMap((c) => c.problems.map((p) => `${c.stack}: ${p}`))).toEqual([]);
    for (const copy of copies) {
      expect(copy.module.terraform?.backend, copy.stack).toBeUndefined();
      expect(copy.module.provider, copy.stack).toBeUndefined();
      expect(Object.keys(copy.module.data ?? {}), copy.stack).toEqual([]);
      expect(JSON.stringify(copy.module), copy.stack).not.toMatch(/data\.terraform_remote_state\./);
    }
  });
});

describe.skipIf(SKIP)('offline plan', () => {
  beforeAll(async () => {
    try {
      await terraformVersion();
    } catch (error) {
      if (error instanceof TerraformMissingError) throw new Error(`${error.message} (SKIP_OFFLINE_PLAN=1 skips the offline plan on purpose)`, { cause: error });
      throw error;
    }
  });

  it(
    'plans every stack whose providers are available with zero errors, and says which were not planned and why',
    async () => {
      const report = await planOffline({ stacks: examples.stacks, envs, workdir: workdir() });
      console.log(formatReport(report).join('\n'));
      expect(report.results.filter((r) => r.status === 'failed').flatMap((r) => r.errors.map((e) => `${r.stack}: ${e}`))).toEqual([]);
      const needsAws = Object.keys(examples.stacks).filter((s) => examples.stacks[s]!.terraform.required_providers.aws);
      expect(needsAws).toEqual(expect.arrayContaining(['aws-dev-network', 'aws-prod-app', 'bootstrap-euw1-222222222222']));
      if (providerMode('hashicorp/aws', '6.25.0', report.source).kind === 'real') {
        expect(report.results.filter((r) => r.status === 'planned').map((r) => r.stack)).toEqual(expect.arrayContaining(needsAws));
      }
      for (const r of report.results.filter((r) => r.status === 'not planned')) expect(r.reason, r.stack).toMatch(/\S/);
    },
    PLAN_TIMEOUT,
  );

  it(
    'catches a for_each over values unknown at plan, a CIDR that does not fit, an output the producer does not publish and an invalid enum value',
    async () => {
      // Small hand-made stacks, next to the real producers they read from; only the enum case needs the AWS provider.
      const meta = (stack: string, path: string) => ({ metadata: { path: `${stack}/${path}`, uniqueId: path.replace(/\//g, '_') } });
      const remoteState = (consumer: string, producer: string) => ({ [`${producer}-state`]: examples.stacks[consumer]!.data
        .terraform_remote_state[`${producer}-state`] });
      const stacks: Record<string, Json> = {
        ...examples.stacks,
        // An id random makes at apply, used as a for_each key.
        'aws-prod-app': {
          terraform: { required_providers: { random: { source: 'hashicorp/random', version: '3.7.2' } } },
          provider: { random: [{}] },
          resource: {
            random_id: { suffix: { '//': meta('aws-prod-app', 'suffix'), byte_length: 4 } },
            terraform_data: { buckets: { '//': meta('aws-prod-app', 'buckets'), for_each: '${toset(["uploads-${random_id.suffix.hex}"])}',
              input: '${each.key}' } },
          },
        },
        // A subnet carved from the network contract's VPC block with a number that does not fit in 8 more bits.
        'aws-prod-cluster': {
          terraform: { required_providers: {} },
          data: { terraform_remote_state: remoteState('aws-prod-cluster', 'aws-prod-network') },
          resource: {
            terraform_data: {
              pods: { '//': meta('aws-prod-cluster', 'pods-subnet'),
                input: '${cidrsubnet(data.terraform_remote_state.aws-prod-network-state.outputs.vpc_cidr, 8, 256)}' },
            },
          },
        },
        // A consumer reading an output its producer never published.
        'aws-dev-app': {
          terraform: { required_providers: {} },
          data: { terraform_remote_state: remoteState('aws-dev-app', 'aws-dev-cluster') },
          resource: {
            terraform_data: { arn: { '//': meta('aws-dev-app', 'cluster-arn'),
              input: '${data.terraform_remote_state.aws-dev-cluster-state.outputs.cluster_arn}' } },
          },
        },
        // An enum value the AWS provider refuses at plan time.
        'aws-dev-network': {
          terraform: { required_providers: examples.stacks['aws-dev-network']!.terraform.required_providers },
          provider: examples.stacks['aws-dev-network']!.provider,
          resource: {
            aws_s3_bucket_versioning: {
              versioning: { '//': meta('aws-dev-network', 'bucket/versioning'), bucket: 'example-bucket', versioning_configuration: { status: 'On' } },
            },
          },
        },
      };
      const only = ['aws-prod-app', 'aws-prod-cluster', 'aws-dev-app', 'aws-dev-network'];
      const report = await planOffline({ stacks, envs, only, workdir: workdir() });
      console.log(formatReport(report).join('\n'));
      expect(report.results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
      expect(errorsOf(report, 'aws-prod-app').join('\n'))
        .toMatch(/^aws-prod-app\/buckets \(terraform_data\.buckets\): Invalid for_each argument: .*cannot be determined until apply/);
      expect(errorsOf(report, 'aws-prod-cluster').join('\n'))
        .toMatch(/^aws-prod-cluster\/pods-subnet \(terraform_data\.pods\): .*cidrsubnet.*does not accommodate a subnet numbered 256/);
      expect(errorsOf(report, 'aws-dev-app').join('\n')).toMatch(/^aws-dev-app\/cluster-arn \(terraform_data\.arn\): Unsupported attribute: .*"cluster_arn"/);
      expect(errorsOf(report, 'aws-dev-network').join('\n'))
        .toMatch(/^aws-dev-network\/bucket\/versioning \(aws_s3_bucket_versioning\.versioning\): .*to be one of.*got On/);
    },
    PLAN_TIMEOUT,
  );
});

describe.runIf(SKIP)('offline plan (skipped)', () => {
  it('is skipped because SKIP_OFFLINE_PLAN=1', () => {
    console.log('offline plan skipped on request (SKIP_OFFLINE_PLAN=1): no stack was planned');
  });
});
