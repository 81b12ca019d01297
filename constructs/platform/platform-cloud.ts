/**
 * The contract between the cloud-neutral platform code and each cloud: five
 * small capabilities (storage class, DNS zone, object store, secret store,
 * HTTPS edge). constructs/aws and constructs/azure implement it, and also
 * install the add-ons only their cloud needs; nothing in constructs/platform
 * asks which cloud it runs on.
 */
import type { ITerraformDependable } from 'cdktf';
import type { KubernetesObject } from './cluster-objects';

/** A Kubernetes service account, the unit every cloud identity binds to. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** What a chart must put on a service account and its pods for the cloud identity to apply. */
export interface WorkloadIdentityBinding {
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly serviceAccountLabels: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** CSI provisioner and parameters for encrypted block volumes; reclaim policy is chosen per class. */
export interface BlockStorage {
  readonly provisioner: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** The environment's public DNS zone and identities allowed to change it. */
export interface DnsZone {
  readonly zoneName: string;
  /**
   * An identity for one service account that may change records in this zone
   * only; `listZones` adds read access to find the zone (external-dns lists zones);
   * `acmeChallengesOnly` narrows changes to `_acme-challenge` TXT records where
   * the cloud can express it (cert-manager's DNS01 solver).
   */
  bind(id: string, serviceAccount: ServiceAccountRef, options?: { listZones?: boolean; acmeChallengesOnly?: boolean }): WorkloadIdentityBinding;
  /** cert-manager ACME DNS01 solver (`solvers[].dns01`) using the cert-manager identity. */
  acmeDns01(certManager: WorkloadIdentityBinding): object;
  /** external-dns chart values that select this provider and its credentials source. */
  externalDnsValues(): object;
  /** Objects that must exist before external-dns starts (Azure: azure.json), created after `after`. */
  readonly externalDnsPrerequisites: (id: string, namespace: string, after: ITerraformDependable[]) => ITerraformDependable[];
}

export type BucketLocation =
  | { readonly backend: 's3'; readonly bucket: string; readonly region: string }
  | { readonly backend: 'azure'; readonly accountName: string; readonly container: string };

/** Encrypted, versioned object storage reached with workload identity only. */
export interface ObjectStore {
  /** A bucket (AWS) or container (Azure) for `purpose`, readable and writable by one service account. */
  bucket(purpose: string, serviceAccount: ServiceAccountRef): { location: BucketLocation; identity: WorkloadIdentityBinding };
}

/** The cloud's secret service (Secrets Manager / Key Vault). */
export interface SecretStore {
  /** The current value of an operator-managed secret, by name. Lands in Terraform state, never in cdktf.out. */
  read(id: string, name: string): string;
  /** Keeps a Terraform-generated secret so people can read it without cluster access. */
  keep(id: string, name: string, value: string, description: string): void;
}

/** The backend an Ingress routes to, for edges that probe or redirect per service. */
export interface IngressBackend {
  readonly host: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
  /** The container port behind servicePort: edges that send to pod IPs probe it there. */
  readonly podPort: number;
  /** Path the load balancer probes; must answer 200 without authentication. */
  readonly healthCheckPath: string;
  /**
   * Seconds the edge lets a leaving pod's open connections finish (AWS: the target group's
   * deregistration delay; AGC has no such setting). The pod's preStop must outlast it plus the
   * edge's propagation (config/edge-timing.ts).
   */
  readonly drainSeconds: number;
}

/** A chart's own Ingress, as the edge wants it. */
export interface ChartIngress {
  readonly className: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** Secret that cert-manager fills with the host's certificate; undefined when the edge holds the certificate (ACM). */
  readonly tlsSecretName?: string;
}

/** How a backend is served on the cloud's HTTPS edge. */
export interface IngressSettings {
  /** The chart's Ingress; undefined when the edge routes with companions instead (Azure: Gateway API HTTPRoutes). */
  readonly ingress?: ChartIngress;
  /** Objects to create in the backend's namespace (Azure: its HTTPRoutes, their WAF policies and the health probe). */
  readonly companions: readonly KubernetesObject[];
}

/** The cloud's HTTPS load balancer and its controller. */
export interface HttpsEdge {
  readonly ingressClassName: string;
  /** Ingress settings for one host and backend. */
  ingressFor(backend: IngressBackend): IngressSettings;
  /** What must be running before any Ingress is created (the controller and its webhooks). */
  readonly ready: ITerraformDependable[];
  /** Where the load balancer connects to pods from: what a backend's network policy lets in. */
  readonly sourceCidrs: readonly string[];
  /**
   * The edge serves Gateway API routes instead of Ingresses: cert-manager issues certificates for
   * Gateway listeners (its gateway-shim) and external-dns reads HTTPRoute hostnames.
   */
  readonly gatewayApi: boolean;
  /**
   * Labels the namespace of a backend behind this edge carries (AWS: the controller's readiness-gate
   * injection, so a rollout stops an old pod only once its replacement is healthy in the ALB).
   */
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

export interface PlatformCloud {
  readonly blockStorage: BlockStorage;
  readonly dns: DnsZone;
  readonly objectStore: ObjectStore;
  readonly secrets: SecretStore;
  readonly edge: HttpsEdge;
}
