/**
 * Saved plans hold every value Terraform knows, secrets included, and a gated deploy must carry
 * them from the plan job to the approved apply job as an artifact. They travel sealed: AES-256-GCM
 * under a fresh key, the key wrapped with the environment's RSA public key (RSA-OAEP, SHA-256).
 * The plan job holds only the public key (a variable of the "<env>-plan" GitHub environment); the
 * private key is a secret of the "<env>" environment, released only to the deploy job its reviewers
 * approved. Whoever can download the artifact learns nothing; the artifact also lives one day.
 *
 *   PLAN_SEALING_PUBLIC_KEY=...  tsx scripts/ci/seal.ts seal <in> <out>
 *   PLAN_SEALING_PRIVATE_KEY=... tsx scripts/ci/seal.ts open <in> <out>
 */
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC = Buffer.from('RCPLAN1\n');
const oaep = (key: string) => ({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' });

export function seal(plain: Buffer, publicKeyPem: string): Buffer {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const wrapped = publicEncrypt(oaep(publicKeyPem), key);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrapped.length);
  return Buffer.concat([MAGIC, length, wrapped, iv, cipher.getAuthTag(), body]);
}

export function open(sealed: Buffer, privateKeyPem: string): Buffer {
  if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed plan bundle');
  let at = MAGIC.length;
  const length = sealed.readUInt16BE(at);
  at += 2;
  const key = privateDecrypt(oaep(privateKeyPem), sealed.subarray(at, (at += length)));
  const iv = sealed.subarray(at, (at += 12));
  const tag = sealed.subarray(at, (at += 16));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(at)), decipher.final()]);
}

if (require.main === module) {
  const [command, input, output] = process.argv.slice(2);
  const variable = command === 'seal' ? 'PLAN_SEALING_PUBLIC_KEY' : 'PLAN_SEALING_PRIVATE_KEY';
  const pem = process.env[variable];
  if ((command !== 'seal' && command !== 'open') || !input || !output) {
    console.error('usage: seal.ts seal|open <in> <out>');
    process.exit(64);
  }
  if (!pem) {
    console.error(`${variable} is not set: create the key pair and GitHub settings described in README, "CI set-up"`);
    process.exit(1);
  }
  const data = readFileSync(input);
  writeFileSync(output, command === 'seal' ? seal(data, pem) : open(data, pem), { mode: 0o600 });
}
