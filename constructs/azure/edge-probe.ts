/**
 * The external synthetic check of the public edge on Azure (docs/platform.md, "Health path"):
 * Application Insights standard web tests, from three Azure locations every 5 minutes, of the same
 * checks the AWS canary runs (canaries/edge-probe.cjs: GET /api/v1/info answers 200, an
 * unauthenticated 9 KB POST /api/v1/chat.sendMessage answers 401, a WAF block being 403), each
 * with a metric alert to the edge action group (`ag-<env>-edge`, the WAF alerts' pager). The
 * Application Insights resource is workspace-based on the environment's Log Analytics workspace.
 */
import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { ApplicationInsightsStandardWebTest } from '@cdktf/provider-azurerm/lib/application-insights-standard-web-test';
import { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Construct } from 'constructs';
import { createRequire } from 'node:module';
import type { AzureEnvironment } from '../../config/schema';
import { EDGE_PROBE_SCRIPT } from '../aws/edge-probe';

export interface EdgeProbeCheck {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly expectedStatus: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The checks, read from the canary script so both clouds probe the same requests. */
export const EDGE_PROBE_CHECKS: readonly EdgeProbeCheck[] = (createRequire(__filename)(EDGE_PROBE_SCRIPT) as { CHECKS: EdgeProbeCheck[] }).CHECKS;

/**
 * Test locations (Azure Monitor "availability test locations" ids): West Europe, North Europe, East
 * US. Two of three failing pages: one location's own network trouble does not.
 */
export const WEB_TEST_LOCATIONS = ['emea-nl-ams-azr', 'emea-gb-db3-azr', 'us-va-ash-azr'] as const;

export interface AzureEdgeProbeProps {
  readonly env: AzureEnvironment;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly workspaceId: string;
  /** The edge action group: pager and e-mail receivers (waf-policy.ts). */
  readonly actionGroupId: string;
}

export class AzureEdgeProbe extends Construct {
  constructor(scope: Construct, id: string, props: AzureEdgeProbeProps) {
    super(scope, id);
    const { env, resourceGroupName, location } = props;
    const insights = new ApplicationInsights(this, 'insights', {
      name: `appi-${env.name}-edge`,
      resourceGroupName,
      location,
      applicationType: 'other',
      workspaceId: props.workspaceId,
    });
    for (const check of EDGE_PROBE_CHECKS) {
      const test = new ApplicationInsightsStandardWebTest(this, `test-${check.name}`, {
        name: `${env.name}-edge-${check.name}`,
        description: `${check.method} https://${env.domain}${check.path} answers ${check.expectedStatus} (canaries/edge-probe.cjs)`,
        resourceGroupName,
        location,
        applicationInsightsId: insights.id,
        geoLocations: [...WEB_TEST_LOCATIONS],
        frequency: 300,
        timeout: 30,
        enabled: true,
        // A failed location retries once within the run before it counts as failed.
        retryEnabled: true,
        request: {
          url: `https://${env.domain}${check.path}`,
          httpVerb: check.method,
          // The provider base64-encodes the body for the API.
          body: check.body,
          header: check.body === undefined ? undefined : [{ name: 'Content-Type', value: 'application/json' }],
          followRedirectsEnabled: false,
          parseDependentRequestsEnabled: false,
        },
        validationRules: {
          expectedStatusCode: check.expectedStatus,
          // The certificate is cert-manager's (renewed 30 days before expiry): 7 days left means renewal is broken.
          sslCheckEnabled: true,
          sslCertRemainingLifetime: 7,
        },
      });
      new MonitorMetricAlert(this, `failing-${check.name}`, {
        name: `${env.name}-edge-probe-${check.name}`,
        resourceGroupName,
        scopes: [test.id, insights.id],
        description: `${check.method} https://${env.domain}${check.path} did not answer ${check.expectedStatus} from 2 of 3 locations (403 on the POST is the WAF; docs/operations.md)`,
        severity: 1,
        frequency: 'PT1M',
        windowSize: 'PT5M',
        applicationInsightsWebTestLocationAvailabilityCriteria: { webTestId: test.id, componentId: insights.id, failedLocationCount: 2 },
        action: [{ actionGroupId: props.actionGroupId }],
      });
    }
  }
}
