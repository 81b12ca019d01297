/**
 * Ingress rules more than one platform component opens: the API server calling a webhook, and
 * Prometheus scraping.
 *
 * Webhook pods take their port from any source: the API server calls from the control plane's
 * ENIs on EKS, and through konnectivity-agent on AKS, whose pod and node addresses Cilium never
 * matches with an ipBlock (AKS documents this limit). Only the webhook pods are opened, on that
 * port only.
 */
import type { Peer, Rule } from '../network-policy';
import { POD_SELECTORS } from '../../config/names';

/** Port of the Prometheus operator's and cert-manager's webhooks (their charts' default). */
export const WEBHOOK_PORT = 10250;

/** No peers: every source, so the API server is let in whatever address it calls from (see above). */
export const fromApiServer: Rule = { peers: [], ports: [{ port: WEBHOOK_PORT }] };
/** Prometheus's pods, wherever a namespace lets it scrape (the app layer's policies too). */
export const prometheusPeer: Peer = { pods: POD_SELECTORS.prometheus.labels, namespace: POD_SELECTORS.prometheus.namespace };
export const fromPrometheus: Rule = { peers: [prometheusPeer] };
