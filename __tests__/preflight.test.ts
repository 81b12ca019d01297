/**
 * Plan-time preflight (constructs/preflight.ts): every prerequisite outside the code has a
 * lifecycle condition with its message in the synthesized JSON, and Terraform evaluates those
 * exact conditions at plan: with the prerequisite missing the plan stops with the message, with
 * it present the plan goes on. The terraform run swaps each listing data source for a
 * terraform_remote_state of a local state file (no provider, no network), keeping the condition.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthExamples, tempDir, type Json } from './support';

interface Check {
  readonly stack: string;
  /** The data source the condition sits on, and what it lists (for a precondition; a postcondition lists itself). */
  readonly address: string;
  readonly kind: 'precondition' | 'postcondition';
  readonly condition: string;
  readonly message: string;
}

function preflights(stackName: string): Check[] {
  const stack = synthExamples().stacks[stackName] as Json;
  return Object.entries<Json>(stack.data ?? {}).flatMap(([type, blocks]) =>
    Object.entries<Json>(blocks).flatMap(([name, body]) =>
      (['precondition', 'postcondition'] as const).flatMap((kind) =>
        ((body.lifecycle?.[kind] ?? []) as Json[])
          .filter((c) => String(c.error_message).startsWith('Preflight: '))
          .map((c) => ({ stack: stackName, address: `data.${type}.${name}`, kind, condition: String(c.condition), message: String(c.error_message) })),
      ),
    ),
  );
}

const messages = (stack: string) => preflights(stack).map((c) => c.message);

describe('preflight checks in the synthesized stacks', () => {
  it('the AWS cluster stack checks the Auto Scaling service-linked role', () => {
    expect(messages('aws-prod-cluster')).toEqual([
      'Preflight: the Auto Scaling service-linked role AWSServiceRoleForAutoScaling does not exist in this account, so node groups would fail mid-apply. ' +
        'Create it once per account: aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com',
    ]);
  });

  it('the AWS platform and app stacks check every secret they read, by name', () => {
    const secret = (name: string) =>
      `Preflight: Secrets Manager has no secret named "${name}" in this account and region. Create it before planning this stack: aws secretsmanager ` +
        `create-secret --name ${name} --secret-string '<value>' (README.md, "Deploying", lists the secrets an environment needs).`;
    expect(messages('aws-prod-platform').sort()).toEqual(['aws-prod-alerts-heartbeat-url', 'aws-prod-alerts-oncall-url', 'aws-prod-alerts-slack-webhook',
      'aws-prod-edge-pager-url'].map(secret));
    expect(messages('aws-prod-app').sort()).toEqual(['aws-prod-rocketchat-license', 'aws-prod-rocketchat-smtp'].map(secret));
    expect(messages('aws-dev-platform')).toEqual([secret('aws-dev-alerts-slack-webhook')]);
    expect(preflights('aws-prod-app')[0]!.condition)
      .toMatch(/^\$\{contains\(tolist\(data\.aws_secretsmanager_secrets\.cloud_[\w-]+-preflight_\w+\.names\), "aws-prod-rocketchat-/);
  });

  it('the Azure network stack checks the Network Watcher flow logs need, in the environment\'s region', () => {
    expect(preflights('azure-prod-network')).toEqual([
      expect.objectContaining({
        kind: 'postcondition',
        condition: '${length([for r in self.resources : r if lower(r.resource_group_name) == "networkwatcherrg" && r.location == "westeurope"]) == 1}',
        message:
          'Preflight: no Network Watcher "NetworkWatcher_westeurope" in resource group "NetworkWatcherRG" in westeurope, which VNet flow logs need. ' +
            'Azure creates NetworkWatcher_westeurope in NetworkWatcherRG with a region\'s first VNet unless the subscription opted out; create it with: ' +
            'az network watcher configure --resource-group NetworkWatcherRG --locations westeurope --enabled true (and set network.flowLogs to its name ' +
            'and group).',
      }),
    ]);
  });

  it('the Azure platform stack checks the DNS zone and every secret it reads', () => {
    expect(messages('azure-prod-platform').sort()).toEqual([
      ...['alerts-heartbeat-url', 'alerts-slack-webhook', 'alerts-smtp-password', 'edge-pager-url'].map(
        (name) =>
          `Preflight: Key Vault kv-azure-prod-32583f has no secret named "${name}". Create it before planning this stack: az keyvault secret set ` +
            `--vault-name kv-azure-prod-32583f --name ${name} --value '<value>' (README.md, "Deploying", lists the secrets an environment needs).`,
      ),
      'Preflight: no Azure DNS zone "example.org" in resource group "rg-dns" of this subscription; external-dns and cert-manager write records there. ' +
        'Create it (az network dns zone create --resource-group rg-dns --name example.org), delegate it from its parent zone, then plan again.',
    ]);
    expect(messages('azure-prod-app')).toHaveLength(2);
  });
});

/** What each listing returns when the prerequisite is there (present) or not (an empty list). */
function listing(check: Check, present: boolean): Json {
  if (check.condition.includes('.names')) {
    const name = /"([^"]+)"\)\}$/.exec(check.condition)?.[1];
    return { names: present ? [name ?? 'AWSServiceRoleForAutoScaling'] : [] };
  }
  const group = /resource_group_name\) == "([^"]+)"/.exec(check.condition)?.[1] ?? "";
  const location = /r\.location == "([^"]+)"/.exec(check.condition)?.[1] ?? 'westeurope';
  return { resources: present ? [{ name: 'x', resource_group_name: group.toUpperCase(), location }] : [] };
}

function terraformConfig(checks: Check[], present: boolean, dir: string): void {
  const data: Json = {};
  checks.forEach((check, i) => {
    const state = `listing-${i}.tfstate`;
    const outputs = Object.fromEntries(Object.entries(listing(check, present)).map(([k, v]) => [k, { value: v, type: JSON.parse(JSON.stringify(['list',
      k === 'names' ? 'string' : ['object', { name: 'string', resource_group_name: 'string', location: 'string' }]])) }]));
    writeFileSync(join(dir, state), JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: `00000000-0000-0000-0000-${String(i)
      .padStart(12, '0')}`, outputs, resources: [], check_results: null }));
    const listed = `listing_${i}`;
    const config = { backend: 'local', config: { path: state } };
    // The listing data source becomes a local state read; its attributes sit under .outputs.
    const condition = check.kind === 'postcondition' ? check.condition.replace('self.resources', 'self.outputs.resources') : check.condition
      .replace(/data\.\w+\.[\w-]+(?=\.(names|resources))/, `data.terraform_remote_state.${listed}.outputs`);
    data[listed] = config;
    data[`checked_${i}`] = { ...config, lifecycle: { [check.kind]: [{ condition, error_message: check.message }] } };
  });
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ data: { terraform_remote_state: data } }));
}

describe.skipIf(process.env.SKIP_OFFLINE_PLAN === '1')('preflight checks under terraform plan', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const all = () => ['aws-prod-cluster', 'aws-prod-platform', 'azure-prod-network', 'azure-prod-platform'].flatMap(preflights);

  function plan(present: boolean): { status: number | null; output: string } {
    const dir = tempDir();
    dirs.push(dir);
    terraformConfig(all(), present, dir);
    const run = (args: string[]) => spawnSync('terraform', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1' } });
    run(['init', '-input=false', '-no-color']);
    const result = run(['plan', '-input=false', '-no-color']);
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('stops the plan with each message when the prerequisites are missing', () => {
    const { status, output } = plan(false);
    expect(status).toBe(1);
    // Terraform wraps long messages; compare without line breaks.
    const flat = output.replace(/\s+/g, ' ');
    for (const check of all()) expect(flat).toContain(check.message);
    expect(output.match(/Resource (pre|post)condition failed/g)).toHaveLength(all().length);
  });

  it('lets the plan go on when they exist', () => {
    expect(plan(true)).toMatchObject({ status: 0 });
  });
});
