/** Rules for every stack: state protection, secrets, Kubernetes objects and Helm releases. */
import { isReference, leaves, type Json, type Rule } from './engine';
import { chartIngresses, gatewayProblem, gatewayWafProblem, helmReleaseValues, ingressFromChart, ingressFromManifest, ingressFromResource, ingressProblem, ingressWafProblem, manifests } from './kubernetes';
import { each, rule } from './rule-kit';

/** Resources that hold data nobody can recreate. */
export const STATEFUL_TYPES = [
  'aws_s3_bucket',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_efs_file_system',
  'aws_dynamodb_table',
  'azurerm_storage_account',
  'azurerm_key_vault',
  'azurerm_key_vault_key',
  'kubernetes_persistent_volume_claim',
  'kubernetes_persistent_volume_claim_v1',
];

/** Keys whose value is a credential; `http_tokens`-style settings do not end this way. */
const SECRET_KEY = /(^|_|-)(password|passwd|secret|token|api_key|apikey|private_key|client_secret|access_key|connection_string)$/i;

const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function images(value: unknown): string[] {
  const found: string[] = [];
  leaves(value, (key, leaf) => {
    if (typeof leaf === 'string' && /^(image|tag)$/i.test(key)) found.push(key.toLowerCase() === 'tag' ? `:${leaf}` : leaf);
  });
  return found;
}

function helmValues(body: Json): unknown[] {
  const docs = (Array.isArray(body.values) ? body.values : []).flatMap((v: unknown) => {
    if (typeof v !== 'string') return [];
    try {
      return [JSON.parse(v)];
    } catch {
      return [v];
    }
  });
  return [...docs, ...(Array.isArray(body.set) ? body.set : [])];
}

/** Addresses a stack defines and may reference: its resources and its data sources (remote state included). */
function definedAddresses(json: Json): Set<string> {
  const defined = new Set<string>();
  for (const [type, items] of Object.entries<Json>(json.resource ?? {})) for (const name of Object.keys(items)) defined.add(`${type}.${name}`);
  for (const [type, items] of Object.entries<Json>(json.data ?? {})) for (const name of Object.keys(items)) defined.add(`data.${type}.${name}`);
  return defined;
}

/** A Terraform interpolation; `$${...}` is an escaped literal, not an expression. */
const EXPRESSION = /(?<!\$)\$\{([^}]*)\}/g;
/** `<type>.<name>` or `data.<type>.<name>`; provider types always contain an underscore, so var., local., each. never match. */
const ADDRESS = /(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)(?=\.|\[|\s|,|\)|$)/g;

// A type annotation, not `as const`: Stryker does not mutate inside a TS `as` expression (npm run mutate).
export const commonRules: readonly Rule[] = [
  rule('GEN-003', 'Stacks reference only what they define; other stacks are read through remote state', 'project standard', 'publish the value in the producer\'s contract and consume() it',
    (stack) => {
      const defined = definedAddresses(stack.json);
      // Resources, data sources, provider blocks, outputs and locals: a foreign address in any of them reaches another stack's state.
      return stack.blocks().flatMap((block) => {
        const foreign = new Set<string>();
        for (const [, expression] of JSON.stringify(block.body).matchAll(EXPRESSION)) {
          for (const [, address] of expression!.matchAll(ADDRESS)) if (!defined.has(address!)) foreign.add(address!);
        }
        return [...foreign].map((address) => ({ resource: block, message: `references ${address}, which this stack does not define` }));
      });
    }),
  rule('GEN-001', 'Stateful resources are protected from destroy', 'project standard', 'set lifecycle.prevent_destroy = true; see README "really deleting"',
    each(STATEFUL_TYPES, (b) => (b.lifecycle?.prevent_destroy === true ? undefined : 'can be destroyed by a plain destroy'))),
  rule('GEN-002', 'No literal value under a password, secret or token key', 'CKV_SECRET_* (spirit), CKV_AWS_41', 'generate it in Terraform (random_password) and pass a reference, or read it from Secrets Manager / Key Vault',
    (stack) => stack.all().flatMap((resource) => {
      const found: string[] = [];
      const literal = (v: unknown) => typeof v === 'string' && v !== '' && !isReference(v);
      leaves(resource.body, (key, leaf, path) => {
        if (SECRET_KEY.test(key) && literal(leaf)) found.push(path);
      });
      // Helm `set` entries carry the key in `name`: set { name = "auth.password", value = "..." }.
      for (const list of ['set', 'set_sensitive']) {
        (Array.isArray(resource.body[list]) ? resource.body[list] : []).forEach((entry: Json, i: number) => {
          const last = String(entry?.name ?? '').split('.').pop() ?? '';
          if (SECRET_KEY.test(last.replace(/([a-z])([A-Z])/g, '$1_$2')) && literal(entry.value)) found.push(`${list}[${i}] (${entry.name})`);
        });
      }
      return found.map((path) => ({ resource, message: `has a literal credential at ${path}` }));
    })),
  rule('K8S-001', 'Helm releases pin an exact chart version', 'project standard', 'set version to an exact x.y.z from the chart repository',
    each('helm_release', (b) => (typeof b.version === 'string' && SEMVER.test(b.version) ? undefined : `uses chart version ${JSON.stringify(b.version ?? 'latest')}`))),
  rule('K8S-002', 'No container image uses the latest tag or no tag', 'CKV_K8S_14', 'pin an image tag or digest',
    (stack) => ['helm_release', 'kubernetes_manifest', 'kubernetes_deployment_v1', 'kubernetes_stateful_set_v1', 'kubernetes_daemon_set_v1', 'kubernetes_job_v1', 'kubernetes_cron_job_v1'].flatMap((type) =>
      stack.resources(type).flatMap((resource) => {
        const refs = images(type === 'helm_release' ? helmValues(resource.body) : resource.body);
        const bad = refs.filter((i) => /(:latest$)|(^[^:@]+$)/.test(i) && !isReference(i) && !i.startsWith(':'));
        const badTags = refs.filter((i) => i === ':latest');
        return [...bad, ...badTags].map((image) => ({ resource, message: `runs image ${JSON.stringify(image)}` }));
      }))),
  rule('K8S-003', 'Every namespace carries a Pod Security enforce label', 'CIS Kubernetes 5.2 (Pod Security Admission)', 'label it pod-security.kubernetes.io/enforce: restricted (or baseline, with the reason in docs)',
    each(['kubernetes_namespace', 'kubernetes_namespace_v1'], (b) => {
      const labels = (Array.isArray(b.metadata) ? b.metadata[0] : b.metadata)?.labels ?? {};
      const level = labels['pod-security.kubernetes.io/enforce'];
      if (level === undefined) return 'has no Pod Security enforce label';
      return ['restricted', 'baseline'].includes(level) ? undefined : `enforces Pod Security level ${JSON.stringify(level)}`;
    })),
  rule('K8S-004', 'Ingresses serve HTTPS only (kubernetes_ingress_v1, kubernetes_manifest, manifests in Helm values such as the cluster-objects chart, charts\' own ingress: values); Gateways have an HTTPS listener, and their HTTP listeners only redirect to https', '',
    'give every host a tls section; on the ALB controller listen on HTTPS only or set ssl-redirect (albIngressSettings does); on a Gateway admit only same-namespace routes on HTTP listeners and make each a RequestRedirect to https (edgeGatewayObjects does)',
    (stack) => {
      const found = manifests(stack);
      const extensions = found.filter((f) => f.object.kind === 'IngressExtension' && String(f.object.apiVersion).startsWith('alb.networking.azure.io/')).map((f) => f.object);
      const routes = found.filter((f) => f.object.kind === 'HTTPRoute' && String(f.object.apiVersion).startsWith('gateway.networking.k8s.io/')).map((f) => f.object);
      const label = (o: Json) => [o.metadata?.namespace, o.metadata?.name].filter(Boolean).join('/');
      return [
        ...['kubernetes_ingress_v1', 'kubernetes_ingress'].flatMap((type) => stack.resources(type).flatMap((resource) => {
          const problem = ingressProblem(ingressFromResource(resource.body), extensions);
          return problem ? [{ resource, message: problem }] : [];
        })),
        ...found.flatMap(({ resource, where, object }) => {
          const group = String(object.apiVersion).split('/')[0];
          const problem = object.kind === 'Ingress' && group === 'networking.k8s.io' ? ingressProblem(ingressFromManifest(object), extensions)
            : object.kind === 'Gateway' && group === 'gateway.networking.k8s.io' ? gatewayProblem(object, routes)
              : undefined;
          return problem ? [{ resource, message: `renders ${object.kind} ${label(object)} (${where}) that ${problem}` }] : [];
        }),
        ...stack.resources('helm_release').flatMap((resource) => [
          ...chartIngresses(resource).flatMap(({ where, ingress }) => {
            const problem = ingressProblem(ingressFromChart(ingress), extensions);
            return problem ? [{ resource, message: `enables a chart Ingress (${where}) that ${problem}` }] : [];
          }),
          ...helmReleaseValues(resource.body).unparsed.filter((doc) => /ingress/i.test(doc)).map(() => ({
            resource, message: 'has Helm values that are not JSON and mention an Ingress, which this check cannot read (write values with JSON.stringify, as chartRelease does)',
          })),
        ]),
      ];
    }),
  rule('EDGE-001', 'Every public load balancer frontend sits behind a WAF: internet-facing ALB Ingresses name a web ACL; Application Gateway for Containers serves only Gateways with a WebApplicationFirewallPolicy, never Ingresses; Terraform-managed internet-facing ALBs have a web ACL association', 'FSBP ELB.16, CKV2_AWS_28',
    'on AWS put alb.ingress.kubernetes.io/wafv2-acl-arn on the Ingress (albIngressSettings does); on Azure route through the edge Gateway, which carries a WebApplicationFirewallPolicy (AzureHttpsEdge does)',
    (stack) => {
      const found = manifests(stack);
      const wafPolicies = found.filter((f) => f.object.kind === 'WebApplicationFirewallPolicy' && String(f.object.apiVersion).startsWith('alb.networking.azure.io/')).map((f) => f.object);
      const label = (o: Json) => [o.metadata?.namespace, o.metadata?.name].filter(Boolean).join('/');
      return [
        ...['kubernetes_ingress_v1', 'kubernetes_ingress'].flatMap((type) => stack.resources(type).flatMap((resource) => {
          const problem = ingressWafProblem(ingressFromResource(resource.body));
          return problem ? [{ resource, message: problem }] : [];
        })),
        ...found.flatMap(({ resource, where, object }) => {
          const group = String(object.apiVersion).split('/')[0];
          const problem = object.kind === 'Ingress' && group === 'networking.k8s.io' ? ingressWafProblem(ingressFromManifest(object))
            : object.kind === 'Gateway' && group === 'gateway.networking.k8s.io' ? gatewayWafProblem(object, wafPolicies)
              : undefined;
          return problem ? [{ resource, message: `renders ${object.kind} ${label(object)} (${where}) that ${problem}` }] : [];
        }),
        ...stack.resources('helm_release').flatMap((resource) => chartIngresses(resource).flatMap(({ where, ingress }) => {
          const problem = ingressWafProblem(ingressFromChart(ingress));
          return problem ? [{ resource, message: `enables a chart Ingress (${where}) that ${problem}` }] : [];
        })),
        ...['aws_lb', 'aws_alb'].flatMap((type) => stack.resources(type).flatMap((resource) => {
          const b = resource.body;
          const publicAlb = b.internal !== true && (b.load_balancer_type ?? 'application') === 'application';
          return publicAlb && stack.referencing('aws_wafv2_web_acl_association', 'resource_arn', resource).length === 0
            ? [{ resource, message: 'is an internet-facing ALB without an aws_wafv2_web_acl_association' }] : [];
        })),
      ];
    }),
];
