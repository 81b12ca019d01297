/**
 * Saved plans hold every value Terraform knows, secrets included, and a gated deploy must carry
 * them from the plan job to the approved apply job as an artifact. They travel sealed: AES-256-GCM
 * under a fresh key, the key wrapped with the environment's RSA public key (RSA-OAEP, SHA-256).
 * The plan job holds only the public key (a variable of the "<env>-plan" GitHub environment); the
 * private key is a secret of the "<env>" environment, released only to the deploy job its reviewers
 * approved. Whoever can download the artifact learns nothing.
 *
 * The bundle is bound to the run that made it: its repository, run id, commit and environment and
 * the time it was sealed are the GCM additional authenticated data, stored in clear in the header.
 * `open` refuses a bundle made for another run, commit or environment (a replayed or swapped
 * artifact: the public key is no secret, so anyone can seal, but not under this run's identity
 * and inside this run's artifacts), one whose header was edited (the tag fails), and one older
 * than the approval window; the artifact lives exactly that long.
 *
 *   PLAN_SEALING_PUBLIC_KEY=...  tsx scripts/ci/seal.ts seal <in> <out>
 *   PLAN_SEALING_PRIVATE_KEY=... tsx scripts/ci/seal.ts open <in> <out>
 * Both read the run from GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_SHA and ENVIRONMENT.
 */
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC = Buffer.from('RCPLAN2\n');
const oaep = (key: string) => ({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' });

/** Days a sealed plan may wait for approval: a long weekend plus a working day. Artifact retention matches. */
export const APPROVAL_WINDOW_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The run a bundle belongs to. A re-run of the apply job keeps all four, so it can still open it. */
export interface RunContext {
  readonly repository: string;
  readonly runId: string;
  readonly commit: string;
  readonly environment: string;
}

interface SealedContext extends RunContext {
  /** ISO time of sealing. */
  readonly sealedAt: string;
}

const FIELDS = ['repository', 'runId', 'commit', 'environment'] as const;

/** The run context from the GitHub Actions environment; names every variable that is missing. */
export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const from = { repository: 'GITHUB_REPOSITORY', runId: 'GITHUB_RUN_ID', commit: 'GITHUB_SHA', environment: 'ENVIRONMENT' } as const;
  const missing = FIELDS.filter((f) => !env[from[f]]).map((f) => from[f]);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: a sealed plan is bound to its run, commit and environment`);
  return { repository: env.GITHUB_REPOSITORY!, runId: env.GITHUB_RUN_ID!, commit: env.GITHUB_SHA!, environment: env.ENVIRONMENT! };
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

export function seal(plain: Buffer, publicKeyPem: string, run: RunContext, now = new Date()): Buffer {
  const context: SealedContext = { repository: run.repository, runId: run.runId, commit: run.commit, environment: run.environment, sealedAt: now.toISOString() };
  const contextBytes = Buffer.from(JSON.stringify(context));
  const header = Buffer.concat([MAGIC, u16(contextBytes.length), contextBytes]);
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const wrapped = publicEncrypt(oaep(publicKeyPem), key);
  return Buffer.concat([header, u16(wrapped.length), wrapped, iv, cipher.getAuthTag(), body]);
}

export function open(sealed: Buffer, privateKeyPem: string, run: RunContext, now = new Date()): Buffer {
  if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed plan bundle (or one from an older seal.ts): plan again');
  let at = MAGIC.length;
  const contextLength = sealed.readUInt16BE(at);
  at += 2;
  const header = sealed.subarray(0, (at += contextLength));
  const context = JSON.parse(header.subarray(MAGIC.length + 2).toString('utf8')) as SealedContext;
  const differs = FIELDS.filter((f) => context[f] !== run[f]);
  if (differs.length > 0) {
    const show = (c: RunContext) => differs.map((f) => `${f} ${c[f]}`).join(', ');
    throw new Error(`sealed plans belong to ${show(context)}, not ${show(run)}: apply only the plans this run made and its reviewers approved`);
  }
  const age = now.getTime() - Date.parse(context.sealedAt);
  if (!(age <= APPROVAL_WINDOW_DAYS * DAY_MS)) {
    throw new Error(`sealed plans are from ${context.sealedAt}, older than the ${APPROVAL_WINDOW_DAYS}-day approval window: run the deploy again`);
  }
  const length = sealed.readUInt16BE(at);
  at += 2;
  const key = privateDecrypt(oaep(privateKeyPem), sealed.subarray(at, (at += length)));
  const iv = sealed.subarray(at, (at += 12));
  const tag = sealed.subarray(at, (at += 16));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(at)), decipher.final()]);
  } catch {
    throw new Error('sealed plan bundle failed authentication: it was altered after sealing');
  }
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
    console.error(`${variable} is not set: create the key pair and GitHub settings described in docs/delivery.md, "CI set-up"`);
    process.exit(1);
  }
  try {
    const run = runContext(process.env);
    const data = readFileSync(input);
    writeFileSync(output, command === 'seal' ? seal(data, pem, run) : open(data, pem, run), { mode: 0o600 });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
