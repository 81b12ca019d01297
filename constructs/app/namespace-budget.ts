/**
 * A ResourceQuota and a LimitRange for one app namespace, sized from what the
 * namespace is planned to run at its largest (every replica the autoscaler may
 * add, plus the pods a rolling update surges), with headroom. The quota stops a
 * runaway (a stuck rollout, a misconfigured autoscaler) from starving the
 * nodes the database shares; the LimitRange gives any container that states no
 * resources small defaults, which the quota requires. The render audit checks
 * the rendered pods against both (scripts/render/audit.ts, rule `quota`).
 */
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { bytes, cpuQuantity, memoryQuantity, milliCpu } from '../../config/quantity';
import type { PodBudget } from '../../config/sizing';

/** Room above the plan for a restore job, a debug pod, or a second rollout overlapping the first. */
const HEADROOM = 1.25;

/** For containers that state nothing: the size of a small sidecar. */
const CONTAINER_DEFAULTS = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } as const;

export class NamespaceBudget extends Construct {
  readonly quota: ResourceQuotaV1;

  constructor(scope: Construct, id: string, props: { namespace: string; pods: readonly PodBudget[]; dependsOn?: ITerraformDependable[] }) {
    super(scope, id);
    const total = (pick: (p: PodBudget) => number) => props.pods.reduce((sum, p) => sum + p.pods * pick(p), 0) * HEADROOM;
    const pods = Math.ceil(props.pods.reduce((sum, p) => sum + p.pods, 0) * HEADROOM);
    this.quota = new ResourceQuotaV1(this, 'quota', {
      metadata: { name: 'budget', namespace: props.namespace },
      spec: {
        hard: {
          pods: String(pods),
          'requests.cpu': cpuQuantity(total((p) => milliCpu(p.requests.cpu))),
          'requests.memory': memoryQuantity(total((p) => bytes(p.requests.memory))),
          // No limits.cpu: mongod and the backup agent run without CPU limits on purpose (compression, index builds).
          'limits.memory': memoryQuantity(total((p) => bytes(p.limits.memory))),
        },
      },
      dependsOn: props.dependsOn,
    });
    new LimitRangeV1(this, 'limits', {
      metadata: { name: 'container-defaults', namespace: props.namespace },
      spec: {
        limit: [
          {
            type: 'Container',
            defaultRequest: { ...CONTAINER_DEFAULTS.requests },
            default: { ...CONTAINER_DEFAULTS.limits },
          },
        ],
      },
      dependsOn: props.dependsOn,
    });
  }
}
