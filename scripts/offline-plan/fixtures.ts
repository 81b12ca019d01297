/**
 * The shape shared by the per-cloud fixture files: what an upstream stack
 * publishes and what each network-bound data source returns, as values an
 * offline plan can use in place of the real ones.
 */
import type { Environment } from '../../config/schema';
import { outputName, type Contract, type ContractSpec, type ContractValues } from '../../constructs/remote-state';
import type { Json } from '../../synth/output';

/** What a stubbed data source returns. */
export interface DataStub {
  readonly values: Readonly<Record<string, unknown>>;
  /** Attributes the provider's schema marks sensitive: the stub marks them too, so sensitivity errors still show. */
  readonly sensitive?: readonly string[];
}

export interface ContractFixture<E extends Environment> {
  readonly contract: string;
  /** Output name (snake_case, as published) to value. */
  readonly outputs: (env: E) => Record<string, string | string[]>;
}

export interface CloudFixtures<E extends Environment> {
  readonly cloud: E['cloud'];
  /** Values of every contract a stack of this cloud publishes. */
  readonly contracts: readonly ContractFixture<E>[];
  /** Stubs per data source type, from the data source's own arguments. */
  readonly data: Readonly<Record<string, (args: Json, env: E) => DataStub>>;
  /** Data source types the provider computes without calling the cloud: they stay as they are. */
  readonly computedLocally: readonly string[];
}

/**
 * Ties a fixture to its contract's own types: a key added to a contract fails
 * type-checking here until the fixture gives it a value.
 */
export function contractFixture<S extends ContractSpec, E extends Environment>(
  contract: Contract<S>,
  values: (env: E) => ContractValues<S>,
): ContractFixture<E> {
  return {
    contract: contract.name,
    outputs: (env) => Object.fromEntries(Object.entries(values(env)).map(([key, value]) => [outputName(key), value as string | string[]])),
  };
}

/**
 * The value stored in a secret the stacks read (Secrets Manager / Key Vault),
 * found by the config field that names it. The stacks use each one as a plain
 * string (no jsondecode anywhere today), so each is the plain value the
 * component expects.
 */
export function secretValue(env: Environment, name: string): string {
  for (const receiver of env.platform.alerting.receivers) {
    // Slack's documented incoming-webhook format (api.slack.com/messaging/webhooks), with Slack's own placeholder ids.
    if (receiver.type === 'slack' && receiver.webhookUrlSecret === name) return 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
    // Alertmanager's email receiver takes the SMTP password as is.
    if (receiver.type === 'email' && receiver.passwordSecret === name) return 'offline-plan-smtp-password';
    // The webhook receiver's schema asks for an https URL.
    if (receiver.type === 'webhook' && receiver.urlSecret === name) return 'https://oncall.example.com/integrations/alertmanager/offline-plan';
  }
  // A dead man's switch check URL (healthchecks.io's documented ping format), https like the webhook receivers.
  if (env.platform.alerting.heartbeat?.urlSecret === name) return 'https://hc-ping.com/00000000-0000-4000-8000-000000000000';
  // The pager's CloudWatch (SNS) integration URL, in PagerDuty's documented form with a placeholder key.
  if (env.platform.waf.pager?.urlSecret === name) return 'https://events.pagerduty.com/integration/00000000000000000000000000000000/enqueue';
  const rocketchat = env.app.rocketchat;
  // Rocket.Chat's ROCKETCHAT_LICENSE is the opaque base64 blob from cloud.rocket.chat.
  if (rocketchat.licenseSecret === name) return Buffer.from('offline-plan Rocket.Chat enterprise license stub').toString('base64');
  // MAIL_URL urlencodes the SMTP password: characters that need encoding keep that path exercised.
  if (rocketchat.smtp?.passwordSecret === name) return 'offline/plan:smtp@pass word';
  // app.restore reads the source environment's secrets (constructs/app/mongodb-secrets.ts): users as JSON, the key as base64 of 32 bytes.
  const source = env.app.restore?.from.environment;
  if (source && name === `${source}-mongodb-users`) {
    return JSON.stringify(Object.fromEntries(['backup', 'databaseAdmin', 'clusterAdmin', 'clusterMonitor', 'userAdmin', 'rocketchat'].map((u) => [u, `offlinePlan${u}Password0123456789`.slice(0, 32)])));
  }
  if (source && name === `${source}-mongodb-encryption-key`) return Buffer.alloc(32, 7).toString('base64');
  if (source && name === `${source}-rocketchat-admin-password`) return 'offlinePlanAdminPassword01234567';
  // Azure: the source's backup account key, base64 of 64 bytes as Azure generates them.
  if (source && name === `${source}-mongodb-backup-account-key`) return Buffer.alloc(64, 9).toString('base64');
  throw new Error(`secret "${name}" is named by no config field the offline fixtures know; add its shape to secretValue in scripts/offline-plan/fixtures.ts`);
}

/** A fake but well-formed base64 PEM certificate (the stacks base64decode CA data). */
export const CA_DATA = Buffer.from(
  ['-----BEGIN CERTIFICATE-----', 'MIIBszCCAVmgAwIBAgIUb2ZmbGluZS1wbGFuLXN0dWIwCgYIKoZIzj0EAwIwFTET', '-----END CERTIFICATE-----', ''].join('\n'),
).toString('base64');
