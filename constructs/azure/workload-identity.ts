/**
 * A Microsoft Entra workload identity for exactly one Kubernetes service
 * account: a user-assigned identity, a federated credential that trusts only
 * tokens the cluster's OIDC issuer signs for system:serviceaccount:<ns>:<sa>
 * with the Entra token-exchange audience, and roles on one resource.
 * Later layers build these from the azure-cluster contract (OIDC issuer URL,
 * resource group, location) and annotate the service account with clientId.
 */
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { grantRole, type Role } from './role';

/** The audience Entra ID expects on Kubernetes service account tokens it exchanges. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export interface WorkloadIdentityProps {
  /** Identity name, e.g. id-azure-prod-external-dns. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The cluster's OIDC issuer URL (azure-cluster contract: oidcIssuerUrl). */
  readonly oidcIssuerUrl: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The one resource the workload may act on, and its roles there. */
  readonly scope: string;
  readonly roles: readonly Role[];
}

export class WorkloadIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly subject: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.subject = `system:serviceaccount:${props.namespace}:${props.serviceAccount}`;
    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    new FederatedIdentityCredential(this, 'federated-credential', {
      name: `${props.namespace}-${props.serviceAccount}`,
      resourceGroupName: props.resourceGroupName,
      parentId: this.identity.id,
      issuer: props.oidcIssuerUrl,
      subject: this.subject,
      audience: [TOKEN_EXCHANGE_AUDIENCE],
    });
    props.roles.forEach((role, i) => {
      grantRole(this, `role-${i}`, {
        role,
        scope: props.scope,
        principalId: this.identity.principalId,
        description: `Workload identity for ${this.subject}`,
      });
    });
  }

  /** Goes on the service account as azure.workload.identity/client-id. */
  get clientId(): string {
    return this.identity.clientId;
  }
}
