/**
 * Azure plan-bundle signatures (constructs/azure/plan-signing-key.ts, scripts/ci/plan-signature.ts,
 * deploy-environment.yml): who may sign, what is signed, and that the approved apply accepts only
 * the pinned key's signature of this bundle for this run. The steps run in bash with a stand-in `az`
 * that signs the digest it is sent the way Key Vault does (raw ECDSA over the digest, r||s, base64url).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { digest, verifySignature } from '../scripts/ci/plan-signature';
import { resources, synthExamples, tempDir, type Json } from './support';

const ROOT = join(__dirname, '..');
const steps = (parse(readFileSync(join(ROOT, '.github/workflows/deploy-environment.yml'), 'utf8')) as Json).jobs;
const step = (job: string, name: string): Json => (steps[job].steps as Json[]).find((s) => s.name === name)!;
const at = (job: string, pred: (s: Json) => boolean) => (steps[job].steps as Json[]).findIndex(pred);
const RUN = { GITHUB_REPOSITORY: 'example-org/rocketchat-platform', GITHUB_RUN_ID: '100', GITHUB_SHA: 'a'.repeat(40), ENVIRONMENT: 'azure-prod' };
const run = { repository: RUN.GITHUB_REPOSITORY, runId: '100', commit: 'a'.repeat(40), environment: 'azure-prod' };
const KEY_ID = 'https://sign-exrctfstateprod01.vault.azure.net/keys/azure-prod-plan-signing/0123456789abcdef0123456789abcdef';

/** Key Vault's ES256 sign of a digest: `openssl pkeyutl` signs its input as a digest (DER), converted to r||s. */
const STAND_IN_AZ = `#!/usr/bin/env node
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.writeFileSync(process.env.RUNNER_TEMP + '/az.args', args.join('\\n'));
const body = JSON.parse(args[args.indexOf('--body') + 1]);
fs.writeFileSync(process.env.RUNNER_TEMP + '/digest.bin', Buffer.from(body.value, 'base64url'));
const der = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', process.env.KEY_FILE, '-in', process.env.RUNNER_TEMP + '/digest.bin']);
const int = (at) => { const len = der[at + 1]; return [der.subarray(at + 2, at + 2 + len), at + 2 + len]; };
const [r, next] = int(2);
const [s] = int(next);
const pad = (b) => Buffer.concat([Buffer.alloc(32), b.subarray(b.length - Math.min(b.length, 32))]).subarray(-32);
console.log(Buffer.concat([pad(r), pad(s)]).toString('base64url'));
`;

function keyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

describe('Azure plan bundles: signed by the plan identity, verified against the pinned public key', () => {
  it('signs after sealing and before upload, verifies after login and before anything is opened', () => {
    const sign = at('plan', (s) => s.name === 'sign the sealed plans (Azure)');
    expect(sign).toBeGreaterThan(at('plan', (s) => s.name === 'seal the saved plans'));
    expect(sign).toBeLessThan(at('plan', (s) => s.with?.name === 'sealed-plans-${{ fromJSON(inputs.target).environment }}'));
    const verify = at('apply', (s) => s.name === 'verify the plan signature (Azure)');
    expect(verify).toBeGreaterThan(at('apply', (s) => String(s.uses ?? '').startsWith('azure/login@')));
    expect(verify).toBeLessThan(at('apply', (s) => s.name === 'open the saved plans'));
    expect(step('plan', 'sign the sealed plans (Azure)').if).toBe("fromJSON(inputs.target).cloud == 'azure'");
    expect(step('apply', 'verify the plan signature (Azure)').env).toEqual({ PLAN_SIGNING_PUBLIC_KEY: '${{ vars.PLAN_SIGNING_PUBLIC_KEY }}' });
    // The Key Vault token is taken right after login, before the hour-long plan outlives the GitHub token it is exchanged for.
    const token = at('plan', (s) => String(s.run ?? '').startsWith('az account get-access-token --resource https://vault.azure.net'));
    expect(token).toBeGreaterThan(at('plan', (s) => String(s.uses ?? '').startsWith('azure/login@')));
    expect(token).toBeLessThan(at('plan', (s) => s.name === 'plan every stack'));
    // Opening needs a verify step to have accepted the signature: a target whose cloud no verify step covers opens nothing.
    for (const name of ['verify the plan signature', 'verify the plan signature (Azure)']) {
      expect(String(step('apply', name).run).trim().split('\n').at(-1), name).toBe('touch "$RUNNER_TEMP/plan-signature.verified"');
    }
    const open = step('apply', 'open the saved plans').run as string;
    const guard = open.split('\n').find((l) => l.includes('plan-signature.verified'))!;
    expect(open.indexOf(guard)).toBeLessThan(open.indexOf('seal.ts open'));
    const work = tempDir();
    const unverified = spawnSync('bash', ['-euo', 'pipefail', '-c', guard], { encoding: 'utf8', env: { PATH: process.env.PATH, RUNNER_TEMP: work } });
    expect(unverified.status).not.toBe(0);
    expect(unverified.stdout).toContain('no verify step accepted the plan signature');
    writeFileSync(join(work, 'plan-signature.verified'), '');
    expect(spawnSync('bash', ['-euo', 'pipefail', '-c', guard], { encoding: 'utf8', env: { PATH: process.env.PATH, RUNNER_TEMP: work } }).status).toBe(0);
    rmSync(work, { recursive: true, force: true });
  });

  it('runs both steps: the stand-in Key Vault signs the digest, the pinned key verifies it; another run or no key id is refused', () => {
    const work = tempDir();
    const { privatePem, publicPem } = keyPair();
    writeFileSync(join(work, 'key.pem'), privatePem);
    writeFileSync(join(work, 'az'), STAND_IN_AZ, { mode: 0o755 });
    writeFileSync(join(work, 'sealed-plans.bin'), 'sealed');
    const local = (script: string) => script.replace(/npx tsx scripts\/ci\//g, `${join(ROOT, 'node_modules/.bin/tsx')} ${join(ROOT, 'scripts/ci')}/`);
    const bash = (script: string, env: Record<string, string>) =>
      spawnSync('bash', ['-euo', 'pipefail', '-c', local(script)], { cwd: work, encoding: 'utf8', env: { PATH: `${work}:${process.env.PATH}`,
        RUNNER_TEMP: work, KEY_FILE: join(work, 'key.pem'), ...RUN, ...env } });

    const signed = bash(step('plan', 'sign the sealed plans (Azure)').run, { PLAN_SIGNING_KEY_ID: KEY_ID });
    expect(signed.status, signed.stderr).toBe(0);
    expect(readFileSync(join(work, 'az.args'), 'utf8').split('\n').slice(0, 7)).toEqual([
      'rest', '--method', 'post', '--resource', 'https://vault.azure.net', '--url', `${KEY_ID}/sign?api-version=7.4`,
    ]);
    const signature = readFileSync(join(work, 'sealed-plans.sig'), 'utf8').trim();
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);

    mkdirSync(join(work, 'sealed'));
    writeFileSync(join(work, 'sealed', 'sealed-plans.bin'), 'sealed');
    writeFileSync(join(work, 'sealed', 'sealed-plans.sig'), signature);
    const verify = step('apply', 'verify the plan signature (Azure)').run as string;
    expect(bash(verify, { PLAN_SIGNING_PUBLIC_KEY: publicPem }).status).toBe(0);
    const replayed = bash(verify, { PLAN_SIGNING_PUBLIC_KEY: publicPem, GITHUB_RUN_ID: '101' });
    expect(replayed.status).not.toBe(0);
    expect(replayed.stderr).toContain("the sealed plans carry no valid signature of azure-prod's plan signing key");
    // No key id: the sign step stops before calling Key Vault.
    const unset = bash(step('plan', 'sign the sealed plans (Azure)').run, { PLAN_SIGNING_KEY_ID: '' });
    expect(unset.status).not.toBe(0);
    expect(unset.stdout).toContain('GitHub environment azure-prod-plan has no PLAN_SIGNING_KEY_ID');

    // The other refusals, in process: another key, another bundle, commit or environment, no signature, no pin.
    const bundle = Buffer.from('sealed');
    expect(verifySignature(bundle, run, signature, publicPem)).toBe(true);
    expect(verifySignature(bundle, run, signature, keyPair().publicPem)).toBe(false);
    expect(verifySignature(Buffer.from('sealed2'), run, signature, publicPem)).toBe(false);
    expect(verifySignature(bundle, { ...run, commit: 'b'.repeat(40) }, signature, publicPem)).toBe(false);
    expect(verifySignature(bundle, { ...run, environment: 'azure-dr' }, signature, publicPem)).toBe(false);
    expect(verifySignature(bundle, run, '', publicPem)).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(() => verifySignature(bundle, run, signature, rsa)).toThrow('PLAN_SIGNING_PUBLIC_KEY is not a P-256 public key');
    expect(digest(bundle, run)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    rmSync(work, { recursive: true, force: true });
  });

  it('gives each gated environment an HSM key only its plan identity may sign with, under the store lock; dev gets none', () => {
    const { stacks } = synthExamples();
    const prodStore = stacks['bootstrap-exrctfstateprod01']!;
    const vault = resources(prodStore, 'azurerm_key_vault');
    expect(vault.map((v) => [v.name, v.sku_name, v.purge_protection_enabled, v.rbac_authorization_enabled])).toEqual([['sign-exrctfstateprod01', 'premium',
      true, true]]);
    const keys = resources(prodStore, 'azurerm_key_vault_key');
    expect(keys.map((k) => [k.name, k.key_type, k.curve, k.key_opts])).toEqual([['azure-prod-plan-signing', 'EC-HSM', 'P-256', ['sign', 'verify']]]);
    const signer = resources(prodStore, 'azurerm_role_definition').find((r) => r.name === 'azure-prod plan signer')!;
    expect(signer.permissions).toEqual([
      { actions: [], data_actions: ['Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/read'], not_data_actions: [] },
    ]);
    // Its applier creates and reads keys only: no sign, import, delete or purge (not Key Vault Crypto Officer), once the role took effect.
    const manager = resources(prodStore, 'azurerm_role_definition').find((r) => r.name === 'plan signing key manager ' +
      '(${azurerm_key_vault.plan-signing_vault_B3D2CEE1.name})')!;
    expect(manager.permissions[0].data_actions).toEqual(['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/create/action']);
    expect(keys[0]!.depends_on).toEqual([expect.stringMatching(/^time_sleep\.plan-signing_deployer-keys-propagation_/)]);
    // No deploy identity may hand out a role that signs or imports key material (the allowlist its RBAC administrator condition names).
    expect(JSON.stringify(prodStore)).not.toContain('14b46e9e-c2b7-41b4-b07b-48a6ebf60603');
    const grants = resources(prodStore, 'azurerm_role_assignment').filter((a) => String(a.role_definition_id ?? '').includes('-signer_'));
    expect(grants.map((g) => [g.scope, g.principal_id])).toEqual([['${azurerm_key_vault_key.plan-signing_azure-prod-key_1D4DB0BF.resource_versionless_id}',
      '${azurerm_user_assigned_identity.ci-azure-prod_plan_3CE5C745.principal_id}']]);
    const lock = resources(prodStore, 'azurerm_management_lock')[0]!;
    expect(lock.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^azurerm_key_vault\.plan-signing_vault_/), expect
      .stringMatching(/^azurerm_key_vault_key\.plan-signing_azure-prod-key_/)]));
    expect(resources(stacks['bootstrap-exrctfstatedr01']!, 'azurerm_key_vault_key').map((k) => k.name)).toEqual(['azure-dr-plan-signing']);
    expect(resources(stacks['bootstrap-exrctfstatedev01']!, 'azurerm_key_vault')).toEqual([]);

    // The pins, copied by the administrator-applied settings stack from the bootstrap outputs.
    const settings = stacks['gh-rocketchat-platform-settings']!;
    const variables = Object.values((settings.resource.github_actions_environment_variable ?? {}) as Record<string, Json>)
      .filter((v) => v.variable_name.startsWith('PLAN_SIGNING_') && v.variable_name !== 'PLAN_SIGNING_KEY_ARN')
      .map((v) => [v.variable_name, v.environment, v.value])
      .sort();
    expect(variables).toEqual([
      ['PLAN_SIGNING_KEY_ID', '${github_repository_environment.azure-dr-plan.environment}',
        '${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_plan_signing_key_id}'],
      ['PLAN_SIGNING_KEY_ID', '${github_repository_environment.azure-prod-plan.environment}',
        '${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_plan_signing_key_id}'],
      ['PLAN_SIGNING_PUBLIC_KEY', '${github_repository_environment.azure-dr.environment}',
        '${data.terraform_remote_state.bootstrap-exrctfstatedr01-state.outputs.azure_dr_plan_signing_public_key}'],
      ['PLAN_SIGNING_PUBLIC_KEY', '${github_repository_environment.azure-prod.environment}',
        '${data.terraform_remote_state.bootstrap-exrctfstateprod01-state.outputs.azure_prod_plan_signing_public_key}'],
    ]);
  });
});
