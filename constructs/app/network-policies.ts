/**
 * Who may talk to whom in the app and database namespaces. Each namespace
 * starts from default-deny; every allow below is one arrow of the picture in
 * docs/app.md.
 */
import type { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { POD_SELECTORS, ROCKETCHAT } from '../../config/names';
import { DNS_EGRESS, defaultDeny, networkPolicy, type Rule } from '../network-policy';
import { MONGOD_POD_LABELS, MONGODB } from './mongodb';
import { ROCKETCHAT_POD_LABELS } from './rocketchat';
import { prometheusPeer as prometheus } from '../platform/ingress-rules';

export interface AppNetworkPoliciesProps {
  /** Where the load balancer connects from. */
  readonly edgeSourceCidrs: readonly string[];
  /** How mongod pods (pbm-agent) reach backup storage. */
  readonly backupEgress: Rule;
  /** SMTP submission port, when mail is on. */
  readonly smtpPort?: number;
  /** Rocket.Chat sends traces to Alloy (config/components.ts rocketchatTracing). */
  readonly tracing: boolean;
  readonly dependsOn: ITerraformDependable[];
}

const operator = { pods: POD_SELECTORS.mongodbOperator.labels, namespace: POD_SELECTORS.mongodbOperator.namespace };
const rocketchatPods = { pods: ROCKETCHAT_POD_LABELS, namespace: ROCKETCHAT.namespace };
const mongodPods = { pods: MONGOD_POD_LABELS, namespace: MONGODB.namespace };
const mongoPort = [{ port: MONGODB.port }];
const instancePort = [{ port: ROCKETCHAT.instancePort }];
const anywhere = [{ cidr: '0.0.0.0/0' }];

export function appNetworkPolicies(scope: Construct, props: AppNetworkPoliciesProps): NetworkPolicyV1[] {
  const { dependsOn } = props;
  const app = ROCKETCHAT.namespace;
  const db = MONGODB.namespace;
  return [
    defaultDeny(scope, app, dependsOn),
    networkPolicy(scope, 'dns', { namespace: app, pods: {}, egress: [DNS_EGRESS], dependsOn }),
    networkPolicy(scope, 'rocketchat', {
      namespace: app,
      pods: ROCKETCHAT_POD_LABELS,
      ingress: [
        { peers: props.edgeSourceCidrs.map((cidr) => ({ cidr })), ports: [{ port: ROCKETCHAT.httpPort }] },
        { peers: [prometheus], ports: [{ port: ROCKETCHAT.metricsPort }] },
        { peers: [rocketchatPods], ports: instancePort },
      ],
      egress: [
        { peers: [rocketchatPods], ports: instancePort },
        { peers: [mongodPods], ports: mongoPort },
        ...(props.tracing ? [{ peers: [{ pods: POD_SELECTORS.alloy.labels, namespace: POD_SELECTORS.alloy.namespace }], ports: [{ port: 4317 }] }] : []),
        // Object storage and STS (AWS uploads), Rocket.Chat Cloud (push gateway, license, marketplace), OAuth providers.
        { peers: anywhere, ports: [{ port: 443 }, ...(props.smtpPort ? [{ port: props.smtpPort }] : [])] },
      ],
      dependsOn,
    }),

    defaultDeny(scope, db, dependsOn),
    networkPolicy(scope, 'dns', { namespace: db, pods: {}, egress: [DNS_EGRESS], dependsOn }),
    networkPolicy(scope, 'mongod', {
      namespace: db,
      pods: MONGOD_POD_LABELS,
      ingress: [
        { peers: [rocketchatPods, mongodPods, operator], ports: mongoPort },
        { peers: [prometheus], ports: [{ port: MONGODB.exporterPort }] },
      ],
      egress: [{ peers: [mongodPods], ports: mongoPort }, props.backupEgress],
      dependsOn,
    }),
    networkPolicy(scope, 'psmdb-operator', {
      namespace: db,
      pods: POD_SELECTORS.mongodbOperator.labels,
      egress: [
        { peers: [mongodPods], ports: mongoPort },
        // The Kubernetes API: its address is outside the pod network and differs per cloud (443 on EKS, 443 through konnectivity on AKS).
        { peers: anywhere, ports: [{ port: 443 }, { port: 6443 }] },
      ],
      dependsOn,
    }),
  ];
}
