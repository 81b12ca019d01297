/**
 * The external synthetic check of the public edge on AWS (docs/platform.md, "Health path"): a
 * CloudWatch Synthetics canary that runs canaries/edge-probe.cjs every 5 minutes from outside the
 * VPC against https://<domain>, and an alarm to the edge alarm topic (the WAF alarms' pager) when
 * it fails or stops reporting. Every SLI is measured inside the cluster; only this sees a total
 * outage at the edge (DNS, certificate, load balancer, a WAF blocking everything).
 *
 * Around it: an artifact bucket under its own customer key (the canary writes its logs and run
 * reports there; 14 days), and an execution role with what AWS documents a canary needs and
 * nothing else: PutObject under the artifact prefix of that bucket, metrics in the
 * CloudWatchSynthetics namespace only, its own Lambda's log group.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SyntheticsCanary } from '@cdktf/provider-aws/lib/synthetics-canary';
import { AssetType } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { AwsEnvironment } from '../../config/schema';
import { awsBucketName, awsRoleName } from '../../config/names';
import { ProjectAsset } from '../project-asset';
import { CustomerKey } from './kms-key';
import { policyDocument, type Statement } from './policy';
import { SecureBucket } from './secure-bucket';

/** The canary script; the same file the unit tests run. */
export const EDGE_PROBE_SCRIPT = join(__dirname, '..', '..', 'canaries', 'edge-probe.cjs');
/** Node.js runtime of CloudWatch Synthetics (AWS "Runtime versions using Node.js and Puppeteer", newest listed 2026-12). */
export const CANARY_RUNTIME = 'syn-nodejs-puppeteer-15.0';
/** Lambda handler `<file>.<export>`; the file sits at nodejs/node_modules/<file>.js in the zip, as Node.js canaries require. */
export const CANARY_HANDLER = 'edge-probe.handler';
const ARTIFACT_PREFIX = 'edge-probe';
const ARTIFACT_DAYS = 14;

/** The canary's package, built from EDGE_PROBE_SCRIPT by `npm run canary:zip` and committed (scripts/canary-zip.ts says why). */
export const EDGE_PROBE_ZIP = join(__dirname, '..', '..', 'canaries', 'edge-probe.zip');

/**
 * What the canary's role may do (AWS "Required roles and permissions for canaries"): write artifacts
 * under its prefix, find the bucket's region, publish CloudWatchSynthetics metrics, write its own
 * Lambda logs (`/aws/lambda/cwsyn-<canary>-*`), and encrypt artifacts with the bucket's key.
 */
export function canaryStatements(p: { partition: string; region: string; accountId: string; canaryName: string; bucketArn: string; keyArn: string }): Statement[] {
  const logGroup = `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:/aws/lambda/cwsyn-${p.canaryName}-*`;
  return [
    { Sid: 'Artifacts', Effect: 'Allow', Action: 's3:PutObject', Resource: `${p.bucketArn}/${ARTIFACT_PREFIX}/*` },
    { Sid: 'ArtifactBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: p.bucketArn },
    { Sid: 'ListBuckets', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
    { Sid: 'ArtifactKey', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: p.keyArn },
    { Sid: 'Metrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } } },
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroup, `${logGroup}:*`] },
  ];
}

export interface AwsEdgeProbeProps {
  readonly env: AwsEnvironment;
  readonly partition: string;
  readonly clusterName: string;
  /** The edge alarm topic: pager and e-mail receivers (web-acl.ts). */
  readonly alarmTopicArn: string;
}

export class AwsEdgeProbe extends Construct {
  readonly canary: SyntheticsCanary;

  constructor(scope: Construct, id: string, props: AwsEdgeProbeProps) {
    super(scope, id);
    const { env, partition } = props;
    const { accountId, region } = env.aws;
    const name = `${env.name}-edge`;
    const key = new CustomerKey(this, 'artifact-key', { description: `${env.name}: edge canary artifacts`, alias: `${env.name}-edge-canary`, accountId, partition });
    const artifacts = new SecureBucket(this, 'artifacts', {
      bucketName: awsBucketName(env.name, accountId, 'edge-canary'),
      kmsKeyArn: key.key.arn,
      noncurrentVersionDays: 1,
      expireCurrentAfterDays: ARTIFACT_DAYS,
    });
    const role = new IamRole(this, 'role', {
      name: awsRoleName(props.clusterName, 'edge-canary'),
      description: `${env.name}: CloudWatch Synthetics canary of the public edge`,
      // A canary runs as a Lambda function.
      assumeRolePolicy: policyDocument([{ Sid: 'Lambda', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      role: role.name,
      name: 'canary',
      policy: policyDocument(canaryStatements({ partition, region, accountId, canaryName: name, bucketArn: artifacts.bucket.arn, keyArn: key.key.arn })),
    });
    const script = new ProjectAsset(this, 'script', { path: EDGE_PROBE_ZIP, type: AssetType.FILE });
    this.canary = new SyntheticsCanary(this, 'canary', {
      name,
      runtimeVersion: CANARY_RUNTIME,
      handler: CANARY_HANDLER,
      zipFile: script.path,
      executionRoleArn: role.arn,
      artifactS3Location: `s3://${artifacts.bucket.bucket}/${ARTIFACT_PREFIX}/`,
      artifactConfig: { s3Encryption: { encryptionMode: 'SSE_KMS', kmsKeyArn: key.key.arn } },
      schedule: { expression: 'rate(5 minutes)' },
      runConfig: { timeoutInSeconds: 60, environmentVariables: { PROBE_BASE_URL: `https://${env.domain}` } },
      startCanary: true,
      // Removing the canary removes its Lambda function and layers too.
      deleteLambda: true,
      successRetentionPeriod: ARTIFACT_DAYS,
      failureRetentionPeriod: ARTIFACT_DAYS,
      dependsOn: [policy],
    });

    // 2 of 3 five-minute runs: one failed run (a pod restart, a blip on the canary's path) does not
    // page, two within 15 minutes do. Missing data breaches: a canary that stops running pages.
    new CloudwatchMetricAlarm(this, 'failing', {
      alarmName: `${env.name}-edge-probe-failing`,
      alarmDescription: `The external check of https://${env.domain} failed (GET /api/v1/info not 200, or a 9 KB POST /api/v1/chat.sendMessage not 401: 403 is the WAF) or stopped running, in 2 of 3 five-minute periods (docs/operations.md)`,
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      dimensions: { CanaryName: name },
      statistic: 'Average',
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 100,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
  }
}
