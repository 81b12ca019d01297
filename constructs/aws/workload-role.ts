/**
 * An IAM role for exactly one Kubernetes service account. Two bindings:
 * - `irsa`: trusted through the cluster's OIDC provider, with `sub` pinned to
 *   system:serviceaccount:<namespace>:<name> and `aud` to sts.amazonaws.com;
 * - `pod-identity`: trusted by the EKS Pod Identity service only for the
 *   session tags of that cluster, namespace and service account, and bound
 *   by an association for the same.
 * Permissions are managed policy ARNs and/or one inline policy document.
 */
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { ServiceAccountRef, WorkloadIdentityBinding } from '../platform/platform-cloud';
import { policyDocument, type Statement } from './policy';
import { awsRoleName } from '../../config/names';

export type WorkloadBinding =
  | { readonly kind: 'irsa'; readonly oidcProviderArn: string; readonly oidcIssuerUrl: string }
  | { readonly kind: 'pod-identity'; readonly clusterName: string };

export interface WorkloadRoleProps {
  readonly roleName: string;
  readonly description: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly binding: WorkloadBinding;
  readonly managedPolicyArns?: readonly string[];
  readonly statements?: readonly Statement[];
}

export class WorkloadRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    const subject = `system:serviceaccount:${props.namespace}:${props.serviceAccount}`;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `${props.description} (${subject})`,
      assumeRolePolicy: policyDocument([trustStatement(props, subject)]),
    });
    (props.managedPolicyArns ?? []).forEach((arn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    });
    if (props.statements && props.statements.length > 0) {
      new IamRolePolicy(this, 'inline', { role: this.role.name, name: 'workload', policy: policyDocument(props.statements) });
    }
    if (props.binding.kind === 'pod-identity') {
      new EksPodIdentityAssociation(this, 'association', {
        clusterName: props.binding.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.role.arn,
      });
    }
  }

  /** What the bound service account carries for IRSA (the role is looked up by this annotation). */
  get serviceAccountAnnotations(): Record<string, string> {
    return { 'eks.amazonaws.com/role-arn': this.role.arn };
  }
}

function trustStatement({ binding, namespace, serviceAccount }: WorkloadRoleProps, subject: string): Statement {
  if (binding.kind === 'pod-identity') {
    // The association alone does not bind the role: without these session-tag
    // conditions any association in the account could name it.
    return {
      Sid: 'EksPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-name': binding.clusterName,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': serviceAccount,
        },
      },
    };
  }
  // Condition keys are the issuer without its scheme, e.g. oidc.eks.<region>.amazonaws.com/id/<id>.
  const issuer = Fn.replace(binding.oidcIssuerUrl, 'https://', '');
  return {
    Sid: 'ServiceAccountThroughOidc',
    Effect: 'Allow',
    Principal: { Federated: binding.oidcProviderArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: 'sts.amazonaws.com' } },
  };
}

/** Roles named `<prefix>-<name>`, one per service account, all trusted through the same binding. */
export function workloadRoles(scope: Construct, prefix: string, binding: WorkloadBinding) {
  return (name: string, description: string, sa: ServiceAccountRef, statements: Statement[]): WorkloadRole =>
    new WorkloadRole(scope, `${name}-identity`, {
      roleName: awsRoleName(prefix, name),
      description,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      binding,
      statements,
    });
}

/** The cloud-neutral view of an IRSA role: only the service account annotation. */
export function irsaIdentity(role: WorkloadRole): WorkloadIdentityBinding {
  return { serviceAccountAnnotations: role.serviceAccountAnnotations, serviceAccountLabels: {}, podLabels: {} };
}
