/**
 * The Azure HTTPS edge: Application Gateway for Containers in "bring your own
 * deployment" mode. Terraform owns the load balancer, its frontend and the
 * association with the network layer's delegated subnet; the ALB Controller
 * (Helm, workload identity) programs it from Ingresses of class
 * `azure-alb-external`. Certificates come from cert-manager (DNS01, so no
 * HTTP solver route is needed); AGC frontends accept TLS 1.2+ only (policy
 * 2023-06). Port 80 exists only to redirect: each host gets an IngressExtension
 * with an HTTPS redirect on a second, TLS-less Ingress.
 */
import { ApplicationLoadBalancer } from '@cdktf/provider-azurerm/lib/application-load-balancer';
import { ApplicationLoadBalancerFrontend } from '@cdktf/provider-azurerm/lib/application-load-balancer-frontend';
import { ApplicationLoadBalancerSubnetAssociation } from '@cdktf/provider-azurerm/lib/application-load-balancer-subnet-association';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { CHARTS } from '../../config/versions';
import { chartRelease } from '../platform/chart-release';
import type { KubernetesObject } from '../platform/cluster-objects';
import { CLUSTER_ISSUERS } from '../platform/names';
import { podSecurityNamespace } from '../platform/namespaces';
import type { HttpsEdge, IngressBackend, IngressSettings } from '../platform/platform-cloud';
import { grantRole } from './role';
import { WorkloadIdentity } from './workload-identity';
import { azureIdentityName } from '../../config/names';

export const AGC_INGRESS_CLASS = 'azure-alb-external';
const CONTROLLER = { namespace: 'azure-alb-system', name: 'alb-controller-sa' } as const;

/**
 * Ingress settings on AGC; the load balancer id and frontend name come from the platform contract.
 *
 * Drain: alb.networking.azure.io/v1 (HealthCheckPolicy, RoutePolicy, BackendTLSPolicy,
 * BackendLoadBalancingPolicy, IngressExtension, FrontendTLSPolicy; Microsoft Learn "Application
 * Gateway for Containers API specification for Kubernetes") has no connection-draining setting.
 * The ALB Controller drops a terminating pod from the backends when its EndpointSlice marks it not
 * ready; the pod's preStop wait and grace period (config/edge-timing.ts) carry the drain, the same
 * numbers as on AWS. The probe takes a pod out after three failed checks, ten seconds apart, if it
 * dies unannounced.
 *
 * The probe goes to the backend targets, the pod IPs ("Custom health probe for Application Gateway
 * for Containers": `port` is "the port number used when probing the backend target"), so it names
 * the container port, not the Service's: probing a pod on the Service port finds nothing listening
 * and marks every backend unhealthy.
 */
export function agcIngressSettings(albId: string, frontendName: string, backend: IngressBackend): IngressSettings {
  const base = backend.host.replace(/\./g, '-');
  const target = { 'alb.networking.azure.io/alb-id': albId, 'alb.networking.azure.io/alb-frontend': frontendName };
  const redirect = `${base}-https-redirect`;
  const companions: KubernetesObject[] = [
    {
      apiVersion: 'alb.networking.azure.io/v1',
      kind: 'HealthCheckPolicy',
      metadata: { name: `${base}-health`, namespace: backend.namespace },
      spec: {
        targetRef: { group: '', kind: 'Service', name: backend.serviceName, namespace: backend.namespace },
        default: {
          interval: '10s',
          timeout: '5s',
          healthyThreshold: 1,
          unhealthyThreshold: 3,
          port: backend.podPort,
          http: { path: backend.healthCheckPath, match: { statusCodes: [{ start: 200, end: 299 }] } },
          useTLS: false,
        },
      },
    },
    {
      apiVersion: 'alb.networking.azure.io/v1',
      kind: 'IngressExtension',
      metadata: { name: redirect, namespace: backend.namespace },
      spec: { rules: [{ host: backend.host, requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: `${base}-http-redirect`,
        namespace: backend.namespace,
        annotations: { ...target, 'alb.networking.azure.io/alb-ingress-extension': redirect },
      },
      spec: {
        ingressClassName: AGC_INGRESS_CLASS,
        rules: [
          {
            host: backend.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend.serviceName, port: { number: backend.servicePort } } } }] },
          },
        ],
      },
    },
  ];
  return {
    className: AGC_INGRESS_CLASS,
    annotations: { ...target, 'cert-manager.io/cluster-issuer': CLUSTER_ISSUERS.letsEncrypt },
    tlsSecretName: `${base}-tls`,
    companions,
  };
}

export interface AzureHttpsEdgeProps {
  readonly env: AzureEnvironment;
  readonly resourceGroupName: string;
  readonly resourceGroupId: string;
  readonly location: string;
  readonly subnetId: string;
  readonly nodeResourceGroupId: string;
  readonly oidcIssuerUrl: string;
}

/** AGC proxies from addresses in its association subnet. */
export function agcSourceCidrs(env: AzureEnvironment): readonly string[] {
  return [env.network.ingressSubnetCidr];
}

export class AzureHttpsEdge extends Construct implements HttpsEdge {
  readonly ingressClassName = AGC_INGRESS_CLASS;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly frontend: ApplicationLoadBalancerFrontend;
  readonly ready: Release[];
  readonly sourceCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: AzureHttpsEdgeProps) {
    super(scope, id);
    const { env } = props;
    this.sourceCidrs = agcSourceCidrs(env);
    this.loadBalancer = new ApplicationLoadBalancer(this, 'alb', {
      name: `agc-${env.name}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    this.frontend = new ApplicationLoadBalancerFrontend(this, 'frontend', { name: 'public', applicationLoadBalancerId: this.loadBalancer.id });
    const association = new ApplicationLoadBalancerSubnetAssociation(this, 'subnet', {
      name: 'ingress-subnet',
      applicationLoadBalancerId: this.loadBalancer.id,
      subnetId: props.subnetId,
    });

    const identity = new WorkloadIdentity(this, 'controller-identity', {
      name: azureIdentityName(env.name, 'alb-controller'),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      oidcIssuerUrl: props.oidcIssuerUrl,
      namespace: CONTROLLER.namespace,
      serviceAccount: CONTROLLER.name,
      // BYO deployment: the controller configures the AGC resources in this resource group only.
      scope: props.resourceGroupId,
      roles: ['AppGw for Containers Configuration Manager'],
    });
    const subnetJoin = grantRole(this, 'controller-subnet', {
      role: 'Network Contributor',
      scope: props.subnetId,
      principalId: identity.identity.principalId,
      description: 'ALB Controller: join AGC to the delegated ingress subnet',
    });
    const nodeReader = grantRole(this, 'controller-node-group', {
      role: 'Reader',
      scope: props.nodeResourceGroupId,
      principalId: identity.identity.principalId,
      description: 'ALB Controller: read node addresses for backend pools',
    });

    const namespace = podSecurityNamespace(this, CONTROLLER.namespace);
    const release = chartRelease(this, 'controller', {
      pin: CHARTS.albController,
      name: 'alb-controller',
      namespace: CONTROLLER.namespace,
      dependsOn: [namespace, association, subnetJoin, nodeReader, identity.identity],
      // The chart may template its namespace; adopt ours (with its Pod Security labels) instead of failing.
      takeOwnership: true,
      // Keys from Microsoft's "ALB Controller Helm chart" reference; the chart source is not public (docs/platform.md).
      values: {
        albController: {
          namespace: CONTROLLER.namespace,
          podIdentity: { clientID: identity.clientId },
          controller: { resource: { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '400m', memory: '400Mi' } } },
        },
      },
    });
    this.ready = [release];
  }

  ingressFor(backend: IngressBackend): IngressSettings {
    return agcIngressSettings(this.loadBalancer.id, this.frontend.name, backend);
  }
}
