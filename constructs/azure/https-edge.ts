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
import { METHOD_CALL_PREFIX } from '../../config/schema-platform';
import { CHARTS } from '../../config/versions';
import { chartRelease } from '../platform/chart-release';
import { ClusterObjects, type KubernetesObject } from '../platform/cluster-objects';
import { azureIdentityName, CLUSTER_ISSUERS, grafanaHost, NAMESPACES } from '../../config/names';
import { podSecurityNamespace } from '../platform/namespaces';
import type { HttpsEdge, IngressBackend, IngressSettings, SecretStore } from '../platform/platform-cloud';
import { grantRole } from './role';
import { AzureEdgeProbe } from './edge-probe';
import { AzureWaf } from './waf-policy';
import { WorkloadIdentity } from './workload-identity';
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
  /** Files: uploads and downloads. */
  readonly bodiesPolicyId: string;
  readonly messagesPolicyId: string;
}

/** The paths of Rocket.Chat's file route and message route (config form: `/prefix/` or `/exact$`). */
export interface AgcWafRoutes {
  readonly files: readonly string[];
  readonly messages: readonly string[];
}

/**
 * Which path goes to which route. Files (uploads and downloads) get the policy without body
 * inspection; every `method.call` path goes to the message route even when it carries a file
 * (setAvatarFromService), because only a policy that reads bodies can check that the DDP method in
 * the body is the one the URL names. Large-body paths need no route of their own on Azure: the edge
 * policy inspects bodies up to 128 KB instead of refusing them past 8 KB.
 */
export function agcWafRoutes(waf: AzureEnvironment['platform']['waf']): AgcWafRoutes {
  const methodCall = (p: string) => p.startsWith(METHOD_CALL_PREFIX);
  const unique = (paths: string[]) => [...new Set(paths)];
  return {
    files: unique([...waf.uploadPaths, ...waf.downloadPaths].filter((p) => !methodCall(p))),
    messages: unique([...waf.messagePaths, ...waf.uploadPaths.filter(methodCall)]),
  };
}

/** A config path as a Gateway API path match: `/exact$` is Exact, `/prefix/` a PathPrefix (whole segments). */
const pathMatch = (path: string) => (path.endsWith('$') ? { type: 'Exact', value: path.slice(0, -1) } : { type: 'PathPrefix', value: path });

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
 * `edge` WAF policy; when `routes` are given (Rocket.Chat's files and messages, config
 * `platform.waf`), an HTTPRoute for exactly the file paths with the `bodies` policy and one for
 * the message paths with the `messages` policy (an Exact match, then the longest prefix, wins
 * between routes of one host, Gateway API HTTPRoute matching rules); and the health probe.
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
export function agcRouteSettings(backend: IngressBackend, waf: AgcWaf, routes: AgcWafRoutes = { files: [], messages: [] }): IngressSettings {
  const base = slug(backend.host);
  const { namespace } = backend;
  const parentRefs = [{ group: GATEWAY_GROUP, kind: 'Gateway', name: EDGE_GATEWAY.name, namespace: EDGE_GATEWAY.namespace, sectionName: httpsListener(backend.host) }];
  const backendRefs = [{ name: backend.serviceName, port: backend.servicePort }];
  const route = (name: string, paths: readonly string[]): KubernetesObject => ({
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs, hostnames: [backend.host], rules: [{ matches: paths.map((path) => ({ path: pathMatch(path) })), backendRefs }] },
  });
  const special = (suffix: string, paths: readonly string[], policyId: string) =>
    paths.length === 0 ? [] : [route(`${base}-${suffix}`, paths), wafPolicy(`${base}-${suffix}-waf`, namespace, { kind: 'HTTPRoute', name: `${base}-${suffix}` }, policyId)];
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
      ...special('bodies', routes.files, waf.bodiesPolicyId),
      ...special('messages', routes.messages, waf.messagesPolicyId),
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
  /** Where the WAF alerts' pager URL is read from. */
  readonly secrets: SecretStore;
}

/** AGC proxies from addresses in its association subnet. */
export function agcSourceCidrs(env: AzureEnvironment): readonly string[] {
  return [env.network.ingressSubnetCidr];
}

export class AzureHttpsEdge extends Construct implements HttpsEdge {
  readonly ingressClassName = AGC_GATEWAY_CLASS;
  readonly gatewayApi = true;
  /** AGC has no readiness gate: it probes pods itself (HealthCheckPolicy) and routes on the EndpointSlice. */
  readonly namespaceLabels = {};
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
      secrets: props.secrets,
      messagePaths: agcWafRoutes(env.platform.waf).messages,
    });
    new AzureEdgeProbe(this, 'probe', { env, resourceGroupName: props.resourceGroupName, location: props.location, workspaceId: props.workspaceId, actionGroupId: this.waf.actionGroupId });
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
