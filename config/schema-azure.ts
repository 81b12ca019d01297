/** The Azure environment: subscription, VNet, AKS and Key Vault settings. */
import { bool, cidr, int, list, literal, object, oneOf, optional, text, variants } from './schema-kit';
import { appFields } from './schema-app';
import { platformComponents } from './schema-components';
import { platformFields } from './schema-platform';
import { delivery, domain, ENV_NAME, keyPrefix, kubernetesVersion, localBackend, sizes, tags, tier, UUID } from './schema-common';

/**
 * Minor versions AKS supports in standard (community) support, from the AKS
 * release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions,
 * read 2026-11-23): 1.34 until 2026-11-30, 1.35 until 2027-03-31. Older minors
 * are LTS-only (Premium tier). Re-check the calendar before changing this list.
 */
export const AKS_KUBERNETES_VERSIONS = ['1.34', '1.35'] as const;

const azurermBackend = object({
  type: literal('azurerm'),
  resourceGroupName: text('a resource group name: 1-90 letters, digits, _ . ( ) -', /^[A-Za-z0-9_.()-]{1,90}$/),
  storageAccountName: text('a storage account name: 3-24 lowercase letters and digits', /^[a-z0-9]{3,24}$/),
  containerName: text('a container name: 3-63 lowercase letters, digits and hyphens', /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/),
  keyPrefix,
});

const zone = oneOf(['1', '2', '3']);

const azureNodePool = object({
  name: text('1-12 lowercase letters and digits, starting with a letter', /^[a-z][a-z0-9]{0,11}$/),
  /** Exactly one System pool: it becomes the cluster's default pool, tainted CriticalAddonsOnly. */
  mode: oneOf(['System', 'User']),
  vmSize: text('an Azure VM size such as Standard_D4ds_v5', /^Standard_[A-Za-z0-9_]+$/),
  ...sizes,
  zones: list(zone, 1, 3, 'availability zones'),
  /** Ephemeral keeps the OS disk on the VM's local disk: faster, no storage cost; needs a size with one ("d" sizes). */
  osDiskType: oneOf(['Ephemeral', 'Managed']),
  /** Must fit the size's local (temp) disk when Ephemeral, e.g. 150 GiB on Standard_D4ds_v5. */
  osDiskSizeGb: int(30, 2048),
  /** Spot VMs (evictable, cheaper) for User pools only; AKS taints them kubernetes.azure.com/scalesetpriority=spot. */
  spot: optional(bool(), false),
  /** Encrypts temp disks and disk caches on the host; needs the EncryptionAtHost feature on the subscription. */
  hostEncryption: optional(bool(), false),
});

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const startTime = text('a 24-hour time HH:mm such as 21:00', /^([01]\d|2[0-3]):[0-5]\d$/);
const utcOffset = text('a UTC offset such as +00:00 or -05:30', /^[+-](0\d|1[0-4]):(00|30|45)$/);
/** AKS needs at least four hours for an upgrade window to be usable. */
const durationHours = int(4, 24);

const maintenanceWindow = variants(
  'frequency',
  [
    object({ frequency: literal('Weekly'), intervalWeeks: int(1, 4), dayOfWeek: oneOf(DAYS), startTime, durationHours, utcOffset }),
    object({ frequency: literal('Daily'), intervalDays: int(1, 7), startTime, durationHours, utcOffset }),
  ],
  ['Weekly', 'Daily'],
);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const azureEnvironmentSchema = object({
  name: text('azure-<name>, lowercase letters, digits and hyphens', ENV_NAME),
  cloud: literal('azure'),
  tier,
  domain,
  tags,
  delivery,
  azure: object({
    subscriptionId: text('a subscription id (lowercase UUID)', UUID),
    tenantId: text('a tenant id (lowercase UUID)', UUID),
    location: text('an Azure region name such as westeurope', /^[a-z]+[a-z0-9]*$/),
  }),
  state: variants('type', [azurermBackend, localBackend], ['azurerm', 'local']),
  network: object({
    vnetCidr: cidr(),
    /** Nodes only: pods get overlay addresses (Azure CNI overlay), so /22 holds about 1,000 nodes. */
    nodeSubnetCidr: cidr(),
    /** Application Gateway for Containers association subnet: delegated, /24 or larger. */
    ingressSubnetCidr: cidr(),
    /** Private endpoints (Key Vault, storage) in later layers. */
    privateEndpointSubnetCidr: cidr(),
    /** Azure CNI overlay pod range: outside the VNet; the node NSG admits pod-to-pod traffic from it. */
    podCidr: cidr(),
    zones: list(zone, 1, 3, 'availability zones'),
    /** Idle timeout of outbound flows: the NAT gateway's, or the load balancer outbound rule's (4-100 there). */
    natIdleTimeoutMinutes: int(4, 120),
    logRetentionDays: int(30, 730),
    flowLogs: object({
      retentionDays: int(1, 365),
      /** Azure creates one Network Watcher per region, by default NetworkWatcher_<location> in NetworkWatcherRG. */
      networkWatcherName: text('a Network Watcher name such as NetworkWatcher_westeurope', /^[A-Za-z0-9_.-]{1,80}$/),
      networkWatcherResourceGroup: text('a resource group name', /^[A-Za-z0-9_.()-]{1,90}$/),
    }),
  }),
  kubernetes: object({
    version: kubernetesVersion,
    nodePools: list(azureNodePool, 1, 10, 'node pools'),
    /** Free has no API server SLA; Standard (uptime SLA) for prod; Premium adds long-term support. */
    skuTier: oneOf(['Free', 'Standard', 'Premium']),
    /** Entra ID groups whose members are cluster admins; local accounts are disabled. */
    adminGroupObjectIds: list(text('an Entra ID group object id (lowercase UUID)', UUID), 1, 10, 'group object ids'),
    apiServer: object({
      /** authorized-ranges: public endpoint limited to the ranges below (plus the cluster's egress IP); private: VNet only. */
      access: oneOf(['authorized-ranges', 'private']),
      authorizedIpRanges: list(cidr(), 0, 200, 'CIDR blocks'),
    }),
    /** Cilium (eBPF) is Microsoft's recommendation; Azure Network Policy Manager on Linux retires 2028-09-30. */
    networkPolicy: oneOf(['cilium', 'azure']),
    /**
     * userAssignedNATGateway: the network layer's NAT gateway, zonal (one zone's outage cuts all egress), so dev only.
     * loadBalancer: AKS's load balancer outbound rule on the network layer's zone-redundant public IP; required in prod.
     */
    outboundType: oneOf(['userAssignedNATGateway', 'loadBalancer']),
    /** Kubernetes service range: outside the VNet, the pod range and AKS's reserved ranges. */
    serviceCidr: cidr(),
    dnsServiceIp: text('an IPv4 address inside serviceCidr such as 172.16.0.10', IPV4),
    upgrades: object({
      /** patch keeps the configured minor version patched; minors change only through kubernetes.version. */
      channel: oneOf(['patch', 'none']),
      nodeOsChannel: oneOf(['NodeImage', 'SecurityPatch', 'Unmanaged', 'None']),
    }),
    maintenance: object({
      /** When the patch channel may upgrade the control plane and nodes. */
      autoUpgrade: maintenanceWindow,
      /** When node images or OS security patches are applied. */
      nodeOs: maintenanceWindow,
    }),
    /** customer-managed-key: a Key Vault key with rotation encrypts OS and data disks through a disk encryption set. */
    diskEncryption: oneOf(['platform-managed-key', 'customer-managed-key']),
    /** Microsoft Defender for Containers sensor; the Defender plan is billed per vCore. */
    defender: optional(bool(), false),
  }),
  keyVault: object({
    /**
     * false: reachable only through its private endpoint. true: also public,
     * default-deny except allowedIpRanges (the deployers' addresses).
     */
    publicNetworkAccess: optional(bool(), false),
    allowedIpRanges: list(cidr(), 0, 100, 'CIDR blocks'),
    softDeleteRetentionDays: int(7, 90),
  }),
  platform: object({
    ...platformFields,
    components: platformComponents('azure'),
    /** Resource group of the existing Azure DNS zone named dnsZone. */
    dnsZoneResourceGroup: text('a resource group name: 1-90 letters, digits, _ . ( ) -', /^[A-Za-z0-9_.()-]{1,90}$/),
  }),
  app: object(appFields),
});
