/**
 * The Azure HTTPS edge: Application Gateway for Containers in "bring your own
 * deployment" mode, served through the Gateway API because AGC attaches its web
 * application firewall only to Gateways and HTTPRoutes (Microsoft Learn, "Azure
 * Web Application Firewall on Application Gateway for Containers"). Terraform
 * owns the load balancer, its frontend, the association with the network
 * layer's delegated subnet and the WAF policies (waf-policy.ts); the ALB
 * Controller (Helm, workload identity) programs AGC from one Gateway per
 * environment, `edge` in the controller's namespace: an HTTPS listener per host
 * with a certificate cert-manager issues for it (gateway-shim, DNS01), and an
 * HTTP listener whose only route redirects to HTTPS. AGC frontends accept TLS
 * 1.2+ only (policy 2023-06). Each backend brings its own HTTPRoute, its WAF
 * policy and its health probe (agcRouteSettings).
 */
import { ApplicationLoadBalancer } from '@cdktf/provider-azurerm/lib/application-load-balancer';
import { ApplicationLoadBalancerFrontend } from '@cdktf/provider-azurerm/lib/application-load-balancer-frontend';
import { ApplicationLoadBalancerSubnetAssociation } from '@cdktf/provider-azurerm/lib/application-load-balancer-subnet-association';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { CHARTS } from '../../config/versions';
import { chartRelease } from '../platform/chart-release';
import { ClusterObjects, type KubernetesObject } from '../platform/cluster-objects';
import { CLUSTER_ISSUERS, NAMESPACES } from '../platform/names';
import { podSecurityNamespace } from '../platform/namespaces';
import type { HttpsEdge, IngressBackend, IngressSettings } from '../platform/platform-cloud';
import { grantRole } from './role';
import { AzureWaf } from './waf-policy';
import { WorkloadIdentity } from './workload-identity';
import { azureIdentityName, grafanaHost } from '../../config/names';
import { componentEnabled } from '../../config/components';
import { componentValues } from '../../config/components';

export const AGC_GATEWAY_CLASS = 'azure-alb-external';
const CONTROLLER = { namespace: 'azure-alb-system', name: 'alb-controller-sa' } as const;
/** The environment's one Gateway; routes in other namespaces attach to it by this name. */
export const EDGE_GATEWAY = { name: 'edge', namespace: CONTROLLER.namespace } as const;
/** Namespaces whose HTTPRoutes may attach to the Gateway: Rocket.Chat's and Grafana's. */
export const ROUTE_NAMESPACES = ['rocketchat', NAMESPACES.monitoring] as const;

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const slug = (host: string) => host.replace(/\./g, '-');
/** The HTTPS listener of one host (a Gateway API section name). */
export const httpsListener = (host: string) => `https-${slug(host)}`;

/** WAF policy ids a backend's routes are protected by. */
export interface AgcWaf {
  readonly edgePolicyId: string;
  readonly bodiesPolicyId: string;
}

function wafPolicy(name: string, namespace: string, target: { kind: 'Gateway' | 'HTTPRoute'; name: string }, policyId: string): KubernetesObject {
  return {
    apiVersion: 'alb.networking.azure.io/v1',
    kind: 'WebApplicationFirewallPolicy',
    metadata: { name, namespace },
    spec: { targetRef: { group: GATEWAY_GROUP, kind: target.kind, name: target.name, namespace }, webApplicationFirewall: { id: policyId } },
  };
}

/**
 * One backend on the AGC Gateway: an HTTPRoute for its host on the host's HTTPS listener, with the
 * `edge` WAF policy; when `bodyPaths` are given (Rocket.Chat's uploads and messages, config
 * `platform.waf`), a second HTTPRoute for exactly those path prefixes with the `bodies` policy
 * (longest prefix wins between routes of one host, Gateway API HTTPRoute matching rules); and the
 * health probe.
 *
 * Health probe settings (HealthCheckPolicy, targets the Service) are kept apart from the routes:
 * the probe's port and timing change independently of the WAF.
 *
 * Drain: alb.networking.azure.io/v1 (HealthCheckPolicy, RoutePolicy, BackendTLSPolicy,
 * BackendLoadBalancingPolicy, IngressExtension, FrontendTLSPolicy, WebApplicationFirewallPolicy;
 * Microsoft Learn "Application Gateway for Containers API specification for Kubernetes") has no
 * connection-draining setting. The ALB Controller drops a terminating pod from the backends when
 * its EndpointSlice marks it not ready; the pod's preStop wait and grace period
 * (config/edge-timing.ts) carry the drain, the same numbers as on AWS. The probe takes a pod out
 * after three failed checks, ten seconds apart, if it dies unannounced.
 *
 * The probe goes to the backend targets, the pod IPs ("Custom health probe for Application Gateway
 * for Containers": `port` is "the port number used when probing the backend target"), so it names
 * the container port, not the Service's: probing a pod on the Service port finds nothing listening
 * and marks every backend unhealthy.
 */
export function agcRouteSettings(backend: IngressBackend, waf: AgcWaf, bodyPaths: readonly string[] = []): IngressSettings {
  const base = slug(backend.host);
  const { namespace } = backend;
  const parentRefs = [{ group: GATEWAY_GROUP, kind: 'Gateway', name: EDGE_GATEWAY.name, namespace: EDGE_GATEWAY.namespace, sectionName: httpsListener(backend.host) }];
  const backendRefs = [{ name: backend.serviceName, port: backend.servicePort }];
  const route = (name: string, prefixes: readonly string[]): KubernetesObject => ({
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs, hostnames: [backend.host], rules: [{ matches: prefixes.map((value) => ({ path: { type: 'PathPrefix', value } })), backendRefs }] },
  });
  const health: KubernetesObject = {
    apiVersion: 'alb.networking.azure.io/v1',
    kind: 'HealthCheckPolicy',
    metadata: { name: `${base}-health`, namespace },
    spec: {
      targetRef: { group: '', kind: 'Service', name: backend.serviceName, namespace },
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
  };
  return {
    companions: [
      route(base, ['/']),
      wafPolicy(`${base}-waf`, namespace, { kind: 'HTTPRoute', name: base }, waf.edgePolicyId),
      ...(bodyPaths.length > 0
        ? [route(`${base}-bodies`, bodyPaths), wafPolicy(`${base}-bodies-waf`, namespace, { kind: 'HTTPRoute', name: `${base}-bodies` }, waf.bodiesPolicyId)]
        : []),
      health,
    ],
  };
}

/**
 * The Gateway with a listener per host, the HTTP-to-HTTPS redirect route and the Gateway-wide WAF
 * policy. Path prefixes match whole segments in Gateway API, so `/` covers every path.
 */
export function edgeGatewayObjects(albId: string, frontendName: string, hosts: readonly string[], edgePolicyId: string): KubernetesObject[] {
  const { name, namespace } = EDGE_GATEWAY;
  const allowedRoutes = {
    namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...ROUTE_NAMESPACES, namespace] }] } },
  };
  return [
    {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'Gateway',
      metadata: {
        name,
        namespace,
        annotations: { 'alb.networking.azure.io/alb-id': albId, 'cert-manager.io/cluster-issuer': CLUSTER_ISSUERS.letsEncrypt },
      },
      spec: {
        gatewayClassName: AGC_GATEWAY_CLASS,
        addresses: [{ type: 'alb.networking.azure.io/alb-frontend', value: frontendName }],
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
          ...hosts.map((host) => ({
            name: httpsListener(host),
            hostname: host,
            port: 443,
            protocol: 'HTTPS',
            tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: `${slug(host)}-tls` }] },
            allowedRoutes,
          })),
        ],
      },
    },
    {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: 'https-redirect', namespace },
      spec: {
        parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name, namespace, sectionName: 'http' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    },
    wafPolicy(`${name}-waf`, namespace, { kind: 'Gateway', name }, edgePolicyId),
  ];
}

export interface AzureHttpsEdgeProps {
  readonly env: AzureEnvironment;
  readonly resourceGroupName: string;
  readonly resourceGroupId: string;
  readonly location: string;
  readonly subnetId: string;
  readonly nodeResourceGroupId: string;
  readonly oidcIssuerUrl: string;
  /** The environment's Log Analytics workspace: AGC's access and firewall logs go there. */
  readonly workspaceId: string;
  /** The app's health path, which the WAF must never block (an alert watches it). */
  readonly healthCheckPath: string;
}

/** AGC proxies from addresses in its association subnet. */
export function agcSourceCidrs(env: AzureEnvironment): readonly string[] {
  return [env.network.ingressSubnetCidr];
}

export class AzureHttpsEdge extends Construct implements HttpsEdge {
  readonly ingressClassName = AGC_GATEWAY_CLASS;
  readonly gatewayApi = true;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly waf: AzureWaf;
  readonly frontend: ApplicationLoadBalancerFrontend;
  readonly ready: ITerraformDependable[];
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
      overrides: componentValues(env, 'albController'),
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
    this.waf = new AzureWaf(this, 'waf', {
      env,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      loadBalancerId: this.loadBalancer.id,
      workspaceId: props.workspaceId,
      healthCheckPath: props.healthCheckPath,
    });
    const hosts = [env.domain, ...(componentEnabled(env, 'grafanaEdge') ? [grafanaHost(env.domain)] : [])];
    // After the controller: its chart brings the Gateway API and alb.networking.azure.io CRDs (docs/platform.md, "Not verified on Azure").
    const gateway = new ClusterObjects(this, 'gateway', {
      name: 'edge-gateway',
      namespace: EDGE_GATEWAY.namespace,
      objects: edgeGatewayObjects(this.loadBalancer.id, this.frontend.name, hosts, this.waf.edgePolicyId),
      dependsOn: [release, ...this.waf.ready],
    });
    this.ready = [release, gateway.release, ...this.waf.ready];
  }

  ingressFor(backend: IngressBackend): IngressSettings {
    return agcRouteSettings(backend, this.waf);
  }
}
