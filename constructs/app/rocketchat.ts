/**
 * Rocket.Chat from its official chart: the bundled MongoDB off (the replica
 * set in mongodb.ts instead), the monolith without microservices/NATS, the
 * platform's HTTPS ingress, PodMonitor, traces to Alloy, uploads per cloud,
 * and an HPA when config asks for one (on CPU, owning the replica count), with
 * rollout settings the chart lacks applied by a post-renderer (rolloutPatch).
 * Secrets reach the pod only through Kubernetes secrets Terraform fills: the
 * connection string, and a bootstrap secret with the first admin, the license
 * and the SMTP URL.
 */
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ROCKETCHAT_HELM_TIMEOUT_SECONDS, surgePods } from '../../config/edge-timing';
import type { Environment } from '../../config/schema';
import { CHARTS } from '../../config/versions';
import { chartRelease } from '../platform/chart-release';
import { ClusterObjects } from '../platform/cluster-objects';
import { ROCKETCHAT, TELEMETRY } from '../../config/names';
import { podBudget, resourcesFor, type PodBudget } from '../../config/sizing';
import type { AppCloud } from './app-cloud';
import { MONGODB_CLIENT_TLS } from './mongodb';
import { rocketchatAdminPassword } from './mongodb-secrets';
import type { SecretStore } from '../platform/platform-cloud';
import { patchPostRenderer, type ObjectPatch } from '../platform/post-renderer';
import { identityServiceAccount } from './service-account';
import { componentValues, rocketchatTracing } from '../../config/components';

/** Labels the chart puts on Rocket.Chat pods (templates/chat-deployment.yaml). */
export const ROCKETCHAT_POD_LABELS = { 'app.kubernetes.io/name': 'rocketchat', 'app.kubernetes.io/instance': ROCKETCHAT.release } as const;

const BOOTSTRAP_SECRET = 'rocketchat-bootstrap';

/**
 * What the chart (7.0.2, templates/chat-deployment.yaml) cannot be told through values, applied by
 * the release's post-renderer:
 * - with an autoscaler, no `spec.replicas`: the chart always renders replicaCount, and every
 *   upgrade would reset the count the HPA chose. Without the field Helm's three-way merge leaves
 *   the live count alone (replicaCount still decides the chart's PodDisruptionBudget).
 * - surge-only rollouts: the chart hard-codes maxUnavailable 1.
 * - a preStop wait (the kubelet's sleep action, no shell needed in the image) and a grace period:
 *   the chart has neither value.
 */
/** `app.restore` with `serve: false`: Rocket.Chat is deployed without pods until the restored database is ready. */
export function heldForRestore(env: Environment): boolean {
  return env.app.restore !== undefined && !env.app.restore.serve;
}

export function rolloutPatch(env: Environment): ObjectPatch {
  const { rollout } = env.app.rocketchat;
  const autoscaling = heldForRestore(env) ? undefined : env.app.rocketchat.autoscaling;
  return {
    kind: 'Deployment',
    name: ROCKETCHAT.deployment,
    remove: autoscaling ? [['spec', 'replicas']] : [],
    merge: {
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: `${rollout.maxSurgePercent}%`, maxUnavailable: 0 } },
        template: {
          spec: {
            terminationGracePeriodSeconds: rollout.terminationGracePeriodSeconds,
            containers: [{ name: ROCKETCHAT.container, lifecycle: { preStop: { sleep: { seconds: rollout.preStopSeconds } } } }],
          },
        },
      },
    },
  };
}

export interface RocketChatProps {
  readonly env: Environment;
  readonly cloud: AppCloud;
  readonly mongoConnectionSecret: string;
  /** Config `app.restore`: where the source environment's admin password is read (RestoreSource.secrets). */
  readonly restoreSecrets: SecretStore | undefined;
  readonly dependsOn: ITerraformDependable[];
}

export class RocketChat extends Construct {
  readonly release: Release;
  /** Rocket.Chat's share of its namespace's budget: the most pods the autoscaler runs, plus a rollout's surge. */
  readonly podBudget: PodBudget;

  constructor(scope: Construct, id: string, props: RocketChatProps) {
    super(scope, id);
    const { env, cloud } = props;
    const { rocketchat } = env.app;
    const ns = ROCKETCHAT.namespace;
    const most = rocketchat.autoscaling?.maxReplicas ?? rocketchat.replicas;
    // A batch of new pods starts while the batch before it may still be terminating (preStop + grace): both count against the quota.
    const mostPods = most + 2 * surgePods(most, rocketchat.rollout.maxSurgePercent);
    this.podBudget = podBudget('rocketchat', mostPods, [resourcesFor(env, 'rocketchat')]);

    const adminPassword = rocketchatAdminPassword(this, env, props.restoreSecrets);
    cloud.secrets.keep('admin-secret', `${env.name}-rocketchat-admin-password`, adminPassword, `Rocket.Chat first administrator for ${env.name} (user ${ROCKETCHAT.adminUser})`);
    const bootstrap: Record<string, string> = {
      ADMIN_USERNAME: ROCKETCHAT.adminUser,
      ADMIN_PASS: adminPassword,
      ADMIN_EMAIL: rocketchat.adminEmail,
      // The admin above replaces the setup wizard, which would let the first visitor claim the server.
      OVERWRITE_SETTING_Show_Setup_Wizard: 'completed',
    };
    if (rocketchat.licenseSecret) bootstrap.ROCKETCHAT_LICENSE = cloud.secrets.read('license', rocketchat.licenseSecret);
    const { smtp } = rocketchat;
    if (smtp) {
      const password = cloud.secrets.read('smtp-password', smtp.passwordSecret);
      // 465 is TLS from the first byte; on 587 requireTLS makes nodemailer refuse to log in unless STARTTLS succeeds.
      const url = `${Fn.urlencode(smtp.username)}:${Fn.urlencode(password)}@${smtp.host}:${smtp.port}`;
      bootstrap.MAIL_URL = smtp.port === 465 ? `smtps://${url}` : `smtp://${url}?requireTLS=true`;
      bootstrap.OVERWRITE_SETTING_From_Email = smtp.from;
    }
    const extra = env.app.components?.rocketchat;
    // app.components.rocketchat.secretEnv: read at apply from the secret store, like the license; never in git.
    for (const [name, secret] of Object.entries(extra?.secretEnv ?? {})) bootstrap[name] = cloud.secrets.read(`env-${name}`, secret);
    const bootstrapSecret = new SecretV1(this, 'bootstrap', {
      metadata: { name: BOOTSTRAP_SECRET, namespace: ns },
      data: bootstrap,
      dependsOn: props.dependsOn,
    });

    const sa = { namespace: ns, name: ROCKETCHAT.serviceAccount };
    const uploads = cloud.uploads(sa);
    // Ours rather than the chart's: the chart cannot turn off the API token an internet-facing app does not need.
    const serviceAccount = identityServiceAccount(this, sa, uploads.identity, props.dependsOn);
    const ingress = cloud.edge.ingressFor({
      host: env.domain,
      namespace: ns,
      serviceName: ROCKETCHAT.deployment,
      servicePort: ROCKETCHAT.servicePort,
      podPort: ROCKETCHAT.httpPort,
      healthCheckPath: ROCKETCHAT.healthCheckPath,
      drainSeconds: rocketchat.rollout.drainSeconds,
    });
    const env_ = (name: string, value: string) => ({ name, value });

    this.release = chartRelease(this, 'release', {
      pin: CHARTS.rocketchat,
      overrides: componentValues(env, 'rocketchat'),
      name: ROCKETCHAT.release,
      namespace: ns,
      // First start builds indexes and waits for the replica set; the slowest rollout fits half of it (rules-app.ts).
      timeoutSeconds: ROCKETCHAT_HELM_TIMEOUT_SECONDS,
      values: {
        host: env.domain,
        replicaCount: heldForRestore(env) ? 0 : rocketchat.replicas,
        // The chart's PDB is minAvailable from replicaCount (the autoscaler's floor): at 9 pods it lets a
        // drain evict 7 at once. Ours (below) is maxUnavailable 1 at any scale.
        podDisruptionBudget: { enabled: false },
        podAntiAffinity: 'soft',
        podAntiAffinityTopologyKey: 'topology.kubernetes.io/zone',
        // serviceMonitor: the chart renders a ServiceMonitor for its bundled MongoDB even when that is off (templates/mongodb-monitor.yaml).
        mongodb: { enabled: false, serviceMonitor: { enabled: false } },
        existingMongodbSecret: props.mongoConnectionSecret,
        // Scaling the monolith needs no NATS; microservices mode is for very large Enterprise installs.
        microservices: { enabled: false },
        // The monolith gets no TRANSPORTER without nats.enabled, yet the subchart still deploys:
        // Helm does not trim the space in Chart.yaml's `condition: nats.enabled, microservices.enabled`,
        // so only an explicit nats.enabled (documented in values.yaml) decides.
        nats: { enabled: false },
        extraSecret: bootstrapSecret.metadata.name,
        extraEnv: [
          ...Object.entries(uploads.settings).map(([k, v]) => env_(`OVERWRITE_SETTING_${k}`, v)),
          env_('TCP_PORT', String(ROCKETCHAT.instancePort)),
          ...(rocketchatTracing(env) ? [env_('TRACING_ENABLED', 'true'), env_('OTEL_EXPORTER_OTLP_ENDPOINT', `http://${TELEMETRY.otlpGrpc}`)] : []),
          // The ALB or AGC appends the client's address to X-Forwarded-For; with 1, Rocket.Chat's rate limiters and logs take that last entry, not X-Real-IP or a client-written first entry.
          env_('HTTP_FORWARDED_COUNT', '1'),
          ...Object.entries(extra?.env ?? {}).map(([k, v]) => env_(k, v)),
        ],
        extraVolumes: [{ name: 'mongodb-client-tls', secret: { secretName: MONGODB_CLIENT_TLS.secretName } }],
        extraVolumeMounts: [{ name: 'mongodb-client-tls', mountPath: MONGODB_CLIENT_TLS.mountPath, readOnly: true }],
        resources: resourcesFor(env, 'rocketchat'),
        securityContext: { runAsUser: 65533, runAsGroup: 65533, fsGroup: 65533, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containerSecurityContext: { runAsUser: 65533, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        serviceAccount: { create: false, name: serviceAccount.metadata.name },
        podLabels: uploads.identity.podLabels,
        prometheusScraping: { enabled: true, port: ROCKETCHAT.metricsPort },
        podMonitor: { enabled: true, interval: '30s' },
        ingress: ingress.ingress
          ? {
              enabled: true,
              ingressClassName: ingress.ingress.className,
              annotations: ingress.ingress.annotations,
              path: '/',
              pathType: 'Prefix',
              tls: ingress.ingress.tlsSecretName ? [{ secretName: ingress.ingress.tlsSecretName, hosts: [env.domain] }] : [],
            }
          : { enabled: false },
      },
      dependsOn: [...props.dependsOn, bootstrapSecret, serviceAccount],
    });
    this.release.putPostrender(patchPostRenderer(this, 'post-renderer', rolloutPatch(env)));

    if (ingress.companions.length > 0) {
      new ClusterObjects(this, 'edge-objects', { name: 'rocketchat-edge', namespace: ns, objects: [...ingress.companions], dependsOn: [this.release] });
    }

    // One pod at a time, whatever the autoscaler has scaled to: a drain waits for each replacement to pass its readiness gate.
    new PodDisruptionBudgetV1(this, 'disruption-budget', {
      metadata: { name: ROCKETCHAT.deployment, namespace: ns },
      spec: { maxUnavailable: '1', selector: { matchLabels: { ...ROCKETCHAT_POD_LABELS } } },
      dependsOn: [this.release],
    });

    const autoscaling = heldForRestore(env) ? undefined : rocketchat.autoscaling;
    if (autoscaling) {
      new HorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: { name: ROCKETCHAT.deployment, namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ROCKETCHAT.deployment },
          minReplicas: rocketchat.replicas,
          maxReplicas: autoscaling.maxReplicas,
          // CPU only: a Node.js heap rarely shrinks, so a memory target would scale out and never back in.
          metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuTargetPercent } } }],
          behavior: {
            // One pod a minute, after the stabilization window: each pod removed drops its websockets onto the others.
            scaleDown: [
              {
                stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds,
                policy: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
              },
            ],
          },
        },
        dependsOn: [this.release],
      });
    }
  }
}
