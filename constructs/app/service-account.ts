/**
 * A service account carrying one workload's cloud identity (IRSA annotation,
 * workload-identity label) and no Kubernetes API token: the app layer's pods
 * never call the API, and IRSA and workload identity project their own tokens.
 */
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { ServiceAccountRef, WorkloadIdentityBinding } from '../platform/platform-cloud';

export function identityServiceAccount(scope: Construct, sa: ServiceAccountRef, identity: WorkloadIdentityBinding, dependsOn: ITerraformDependable[]): ServiceAccountV1 {
  return new ServiceAccountV1(scope, 'service-account', {
    metadata: {
      name: sa.name,
      namespace: sa.namespace,
      annotations: { ...identity.serviceAccountAnnotations },
      labels: { ...identity.serviceAccountLabels },
    },
    automountServiceAccountToken: false,
    dependsOn,
  });
}
