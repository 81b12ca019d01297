/**
 * The AWS HTTPS edge: an ACM certificate for the environment's domain and its
 * subdomains (DNS-validated in the Route53 zone), and the AWS Load Balancer
 * Controller (IngressClass `alb`) with its own IRSA role. Ingresses get an
 * internet-facing ALB listening on 443 with a TLS 1.2+ policy, port 80 only
 * redirecting to 443, and IP targets probed on the app's health path. The
 * environment's WAF web ACL (web-acl.ts) is attached class-wide through the
 * IngressClassParams and named on every Ingress.
 *
 * The certificate lives in the platform layer: it belongs to the edge, is
 * shared by every host under the domain (Rocket.Chat, Grafana), and must be
 * issued before the app layer creates its Ingress.
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { FOR_EXPRESSION_VALUE, TerraformIterator, Token, forExpression, propertyAccess } from 'cdktf';
import { Construct } from 'constructs';
import type { AwsEnvironment } from '../../config/schema';
import { ALB_HEALTH_CHECK } from '../../config/edge-timing';
import { CHARTS } from '../../config/versions';
import { ChartCrds, CRD_CHARTS } from '../platform/chart-crds';
import { chartRelease } from '../platform/chart-release';
import type { HttpsEdge, IngressBackend, IngressSettings, SecretStore } from '../platform/platform-cloud';
import { controllerReplicas, resourcesFor, zoneSpread } from '../../config/sizing';
import { lbControllerStatements } from './lb-controller-policy';
import { AwsEdgeProbe } from './edge-probe';
import { AwsWebAcl } from './web-acl';
import { WorkloadRole, type WorkloadBinding } from './workload-role';
import { awsRoleName } from '../../config/names';
import { componentValues } from '../../config/components';

/** TLS 1.3 and 1.2 only, forward-secret ciphers (AWS "Res" policy); the controller's own default still allows TLS 1.0. */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';

/**
 * The controller's mutating webhook adds a `target-health.elbv2.k8s.aws` readiness gate to pods
 * created in a namespace with this label (aws-load-balancer-controller v3.5.0
 * docs/deploy/pod_readiness_gate.md): a new pod counts as Ready only once its IP target is healthy
 * in the ALB, so a rollout never stops an old pod before its replacement takes traffic.
 */
export const ALB_READINESS_GATE_LABELS = { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } as const;

/**
 * Settings an Ingress needs on the ALB; the certificate ARN comes from the platform contract.
 * `drainSeconds` becomes the target group's deregistration delay (ALB default 300 s): how long a
 * deregistering pod keeps its open connections. The health check timing decides how long a new
 * pod waits behind its readiness gate (config/edge-timing.ts, the rollout budget).
 */
export function albIngressSettings(env: AwsEnvironment, certificateArn: string, webAclArn: string, backend: IngressBackend): IngressSettings {
  return {
    ingress: { className: 'alb', annotations: {
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      // One ALB per environment, shared by its hosts.
      'alb.ingress.kubernetes.io/group.name': env.name,
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/ssl-policy': ALB_SSL_POLICY,
      'alb.ingress.kubernetes.io/certificate-arn': certificateArn,
      'alb.ingress.kubernetes.io/backend-protocol': 'HTTP',
      'alb.ingress.kubernetes.io/healthcheck-path': backend.healthCheckPath,
      'alb.ingress.kubernetes.io/success-codes': '200',
      'alb.ingress.kubernetes.io/healthcheck-interval-seconds': String(ALB_HEALTH_CHECK.intervalSeconds),
      'alb.ingress.kubernetes.io/healthcheck-timeout-seconds': String(ALB_HEALTH_CHECK.timeoutSeconds),
      'alb.ingress.kubernetes.io/healthy-threshold-count': String(ALB_HEALTH_CHECK.healthyThreshold),
      'alb.ingress.kubernetes.io/unhealthy-threshold-count': String(ALB_HEALTH_CHECK.unhealthyThreshold),
      'alb.ingress.kubernetes.io/load-balancer-attributes': 'routing.http.drop_invalid_header_fields.enabled=true',
      // Every Ingress of the group names the same ACL: the controller refuses a group whose Ingresses disagree.
      'alb.ingress.kubernetes.io/wafv2-acl-arn': webAclArn,
      // Annotation from aws-load-balancer-controller v3.5.0 docs/guide/ingress/annotations.md (target-group-attributes).
      'alb.ingress.kubernetes.io/target-group-attributes': `deregistration_delay.timeout_seconds=${backend.drainSeconds}`,
    } },
    companions: [],
  };
}

export interface AwsHttpsEdgeProps {
  readonly env: AwsEnvironment;
  readonly clusterName: string;
  readonly vpcId: string;
  readonly zoneId: string;
  readonly partition: string;
  readonly irsa: WorkloadBinding;
  /** Where the WAF alarms' pager URL is read from. */
  readonly secrets: SecretStore;
}

/** target-type ip: the ALB's nodes in the public subnets connect to pod addresses directly. */
export function albSourceCidrs(env: AwsEnvironment): readonly string[] {
  return env.network.publicSubnetCidrs;
}

export class AwsHttpsEdge extends Construct implements HttpsEdge {
  readonly ingressClassName = 'alb';
  readonly gatewayApi = false;
  readonly namespaceLabels = ALB_READINESS_GATE_LABELS;
  readonly certificate: AcmCertificate;
  readonly ready: Release[];
  readonly sourceCidrs: readonly string[];
  readonly webAcl: AwsWebAcl;
  private readonly env: AwsEnvironment;

  constructor(scope: Construct, id: string, props: AwsHttpsEdgeProps) {
    super(scope, id);
    const { env } = props;
    this.env = env;
    this.sourceCidrs = albSourceCidrs(env);
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: env.domain,
      subjectAlternativeNames: [`*.${env.domain}`],
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      lifecycle: { createBeforeDestroy: true },
    });
    // Keyed straight off the set, as the AWS provider documents: cdktf's fromComplexList wraps it in tolist(), and
    // a set whose elements hold unknown record values converts to a wholly unknown list, so the first plan of every
    // environment failed with "for_each keys derived from resource attributes that cannot be determined until apply".
    const validationOptions = this.certificate.interpolationForAttribute('domain_validation_options');
    const options = TerraformIterator.fromMap(
      Token.asAnyMap(forExpression(validationOptions, FOR_EXPRESSION_VALUE, propertyAccess(FOR_EXPRESSION_VALUE, ['domain_name']))),
    );
    const records = new Route53Record(this, 'validation-record', {
      forEach: options,
      zoneId: props.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 60,
      // The apex and the wildcard share one validation record.
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'validation', { certificateArn: this.certificate.arn, dependsOn: [records] });

    this.webAcl = new AwsWebAcl(this, 'waf', { env, partition: props.partition, secrets: props.secrets });
    new AwsEdgeProbe(this, 'probe', { env, partition: props.partition, clusterName: props.clusterName, alarmTopicArn: this.webAcl.alarmTopic.arn });

    const serviceAccount = { namespace: 'kube-system', name: 'aws-load-balancer-controller' };
    const role = new WorkloadRole(this, 'identity', {
      roleName: awsRoleName(props.clusterName, 'lb-controller'),
      description: 'AWS Load Balancer Controller: ALBs and NLBs for Ingresses and Services',
      namespace: serviceAccount.namespace,
      serviceAccount: serviceAccount.name,
      binding: props.irsa,
      statements: lbControllerStatements(props.partition),
    });
    const replicas = controllerReplicas(env);
    const crds = new ChartCrds(this, 'crds', { chart: CRD_CHARTS.awsLoadBalancerController, namespace: serviceAccount.namespace });
    this.ready = [
      chartRelease(this, 'controller', {
        pin: CHARTS.awsLoadBalancerController,
        overrides: componentValues(env, 'loadBalancerController'),
        namespace: serviceAccount.namespace,
        dependsOn: [validation, role.role, crds.release, this.webAcl.acl],
        skipCrds: true,
        values: {
          clusterName: props.clusterName,
          // Nodes require IMDSv2 with hop limit 1, so pods cannot look these up.
          region: env.aws.region,
          vpcId: props.vpcId,
          serviceAccount: { create: true, name: serviceAccount.name, annotations: role.serviceAccountAnnotations },
          replicaCount: replicas,
          podDisruptionBudget: replicas > 1 ? { maxUnavailable: 1 } : {},
          topologySpreadConstraints: zoneSpread(replicas, { 'app.kubernetes.io/name': 'aws-load-balancer-controller', 'app.kubernetes.io/instance': 'aws-load-balancer-controller' }),
          resources: resourcesFor(env, 'controller'),
          defaultSSLPolicy: ALB_SSL_POLICY,
          // Only Services that ask for this controller get an NLB; others keep the cluster default.
          enableServiceMutatorWebhook: false,
          ingressClass: 'alb',
          createIngressClassResource: true,
          // Class-wide, over any Ingress's own annotations: every alb Ingress gets the TLS 1.2+
          // policy, redirects HTTP to 443 and sits behind the WAF, even one written without this project's contract.
          ingressClassParams: { create: true, spec: { sslPolicy: ALB_SSL_POLICY, sslRedirectPort: '443', wafv2AclArn: this.webAcl.acl.arn } },
        },
      }),
    ];
  }

  ingressFor(backend: IngressBackend): IngressSettings {
    return albIngressSettings(this.env, this.certificate.arn, this.webAcl.acl.arn, backend);
  }
}
