/**
 * `<env>-platform`, the same on both clouds: namespaces with Pod Security
 * labels and ingress network policies, storage classes, the HTTPS edge, cert-manager and its issuers,
 * external-dns, and the observability stack (Prometheus, Alertmanager,
 * Grafana, Loki, Tempo, Alloy), and the MongoDB operator the app layer's
 * replica set needs. Everything cloud-specific comes from the
 * PlatformCloud the stack is given (constructs/aws/platform-cloud.ts,
 * constructs/azure/platform-cloud.ts).
 */
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import type { Construct } from 'constructs';
import type { Environment } from '../config/schema';
import { objectivesOf } from '../config/slo';
import { LayerStack } from '../constructs/layer-stack';
import { NAMESPACES, stackName } from '../config/names';
import { Alloy } from '../constructs/platform/alloy';
import { CertManager } from '../constructs/platform/cert-manager';
import { Dashboards } from '../constructs/platform/monitoring/dashboards';
import { ExternalDns } from '../constructs/platform/external-dns';
import { Loki } from '../constructs/platform/loki';
import { MongoDbOperator } from '../constructs/platform/mongodb-operator';
import { Monitoring } from '../constructs/platform/monitoring';
import { podSecurityNamespace } from '../constructs/platform/namespaces';
import { platformNetworkPolicies } from '../constructs/platform/network-policies';
import type { PlatformCloud } from '../constructs/platform/platform-cloud';
import { StorageClasses } from '../constructs/platform/storage-classes';
import { Tempo } from '../constructs/platform/tempo';
import { prometheusRuleGroups } from './platform-alerts';
import { stateLocation } from '../constructs/state-backend';
import { componentEnabled, type ComponentName } from '../config/components';

/** Builds the cloud side inside the stack: providers, contract reads, identities, the edge. */
export type ConnectCloud = (stack: LayerStack) => PlatformCloud;

export class PlatformStack extends LayerStack {
  constructor(scope: Construct, env: Environment, connect: ConnectCloud) {
    const id = stackName(env, 'platform');
    super(scope, id, stateLocation(env, id));
    const cloud = connect(this);
    new RandomProvider(this, 'random');

    const on = (name: ComponentName) => componentEnabled(env, name);
    // Grafana is the one platform backend the edge can serve: its namespace carries what the edge asks of one.
    const edgeLabels = (name: string) => (name === NAMESPACES.monitoring && on('grafanaEdge') ? cloud.edge.namespaceLabels : {});
    const namespaces = [NAMESPACES.certManager, ...(on('externalDns') ? [NAMESPACES.externalDns] : []), NAMESPACES.monitoring, NAMESPACES.mongodb].map((name) =>
      podSecurityNamespace(this, name, 'restricted', 'platform', edgeLabels(name)),
    );
    // node-exporter reads the host's /proc, /sys and network: only the privileged level allows that (waiver in config/policy-suppressions.ts).
    namespaces.push(podSecurityNamespace(this, NAMESPACES.nodeMetrics, 'privileged'));
    // Ingress default-deny before any component starts, so none is ever reachable from elsewhere in the cluster.
    const policies = platformNetworkPolicies(this, {
      grafanaEdgeSourceCidrs: on('grafanaEdge') ? cloud.edge.sourceCidrs : undefined,
      externalDns: on('externalDns'),
      otlpReceiver: on('alloy') && on('tempo'),
      dependsOn: namespaces,
    });
    const storage = new StorageClasses(this, 'storage-classes', cloud.blockStorage);
    const foundation = [...namespaces, ...policies, storage.standard, storage.retain, ...cloud.edge.ready];

    // First: the Prometheus operator CRDs, which every other chart's ServiceMonitor needs.
    const monitoring = new Monitoring(this, 'monitoring', { env, secrets: cloud.secrets, edge: cloud.edge, ruleGroups: prometheusRuleGroups(env), dependsOn: foundation });
    const afterMonitoring = [...foundation, monitoring.release];
    new CertManager(this, 'cert-manager', { env, dns: cloud.dns, gatewayApi: cloud.edge.gatewayApi, dependsOn: afterMonitoring });
    // Turned off (platform.components.<name>.enabled): the component, its identity, its bucket and
    // policies are simply not built; what reads it (datasources, alerts, Alloy's pipelines) asks componentEnabled too.
    if (on('externalDns')) new ExternalDns(this, 'external-dns', { env, dns: cloud.dns, gatewayApi: cloud.edge.gatewayApi, dependsOn: afterMonitoring });
    const loki = on('loki') ? new Loki(this, 'loki', { env, store: cloud.objectStore, dependsOn: afterMonitoring }) : undefined;
    const tempo = on('tempo') ? new Tempo(this, 'tempo', { env, store: cloud.objectStore, dependsOn: afterMonitoring }) : undefined;
    if (on('alloy')) new Alloy(this, 'alloy', { env, dependsOn: [...afterMonitoring, ...[loki, tempo].flatMap((c) => (c ? [c.release] : []))] });
    new Dashboards(this, 'dashboards', { objectives: objectivesOf(env), dependsOn: afterMonitoring });
    // Its CRDs must exist before the app stack plans the replica set (see constructs/platform/mongodb-operator/).
    new MongoDbOperator(this, 'mongodb-operator', { env, dependsOn: foundation });
  }
}
