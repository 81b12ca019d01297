/**
 * Azure's plan-bundle signature (constructs/azure/plan-signing-key.ts): the same digest the AWS path
 * signs with KMS (deploy-environment.yml: `printf '%s\n' repository run commit environment
 * sha256(bundle) | sha256`), signed by the plan identity's Key Vault key (ES256) and verified by the
 * approved apply against the public key an administrator pinned (PLAN_SIGNING_PUBLIC_KEY).
 *
 *   tsx scripts/ci/plan-signature.ts digest <bundle>       base64url digest, the body of Key Vault's sign call
 *   tsx scripts/ci/plan-signature.ts verify <bundle> <sig> exits 1 unless <sig> (base64url, r||s) is the pinned key's
 * Both read the run from GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_SHA and ENVIRONMENT.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runContext, type RunContext } from './seal';

/** What is signed: the lines the AWS steps print, so both clouds bind a bundle to the same run. */
export function signedMessage(bundle: Buffer, run: RunContext): Buffer {
  const bundleHash = createHash('sha256').update(bundle).digest('hex');
  return Buffer.from([run.repository, run.runId, run.commit, run.environment, bundleHash].map((l) => `${l}\n`).join(''));
}

/** SHA-256 of the message, base64url: Key Vault's sign call takes the digest (`value`) and returns r||s (`value`), both base64url. */
export function digest(bundle: Buffer, run: RunContext): string {
  return createHash('sha256').update(signedMessage(bundle, run)).digest('base64url');
}

/** True only for an ES256 signature of this bundle and run by the pinned P-256 key. */
export function verifySignature(bundle: Buffer, run: RunContext, signature: string, publicKeyPem: string): boolean {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('PLAN_SIGNING_PUBLIC_KEY is not a P-256 public key');
  const raw = Buffer.from(signature.trim(), 'base64url');
  if (raw.length !== 64) return false;
  return verify('sha256', signedMessage(bundle, run), { key, dsaEncoding: 'ieee-p1363' }, raw);
}

if (require.main === module) {
  const [command, bundle, signature] = process.argv.slice(2);
  try {
    const run = runContext(process.env);
    if (command === 'digest' && bundle) {
      console.log(digest(readFileSync(bundle), run));
    } else if (command === 'verify' && bundle && signature) {
      const pem = process.env.PLAN_SIGNING_PUBLIC_KEY;
      if (!pem) throw new Error(`GitHub environment ${run.environment} has no PLAN_SIGNING_PUBLIC_KEY: apply the GitHub settings stack`);
      if (!verifySignature(readFileSync(bundle), run, readFileSync(signature, 'utf8'), pem)) {
        throw new Error(`the sealed plans carry no valid signature of ${run.environment}'s plan signing key (PLAN_SIGNING_PUBLIC_KEY)`);
      }
      console.log(`plan signature valid: ${run.environment}, run ${run.runId}, commit ${run.commit}`);
    } else {
      console.error('usage: plan-signature.ts digest <bundle> | verify <bundle> <signature>');
      process.exit(64);
    }
  } catch (error) {
    console.error(`::error::${(error as Error).message}`);
    process.exit(1);
  }
}
