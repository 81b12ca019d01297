/**
 * Runs the canary script (canaries/edge-probe.cjs) as the Synthetics runtime would, with node:https
 * stubbed: each request gets the answer `answer` gives for it, and every request is recorded.
 */
import { EventEmitter } from 'node:events';
import https from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';

export interface ProbeScript {
  readonly CHECKS: ReadonlyArray<{ name: string; method: string; path: string; expectedStatus: number; body?: string }>;
  readonly probe: (baseUrl: string | undefined, log?: (line: string) => void) => Promise<void>;
  readonly handler: () => Promise<void>;
}

export const probeScript = createRequire(__filename)(join(__dirname, '..', '..', 'canaries', 'edge-probe.cjs')) as ProbeScript;

export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly body: string;
}

/** What the edge does with one request: answer with a status (and a body), fail to connect, or never answer. */
export type Answer = { status: number } | { error: string } | 'silence';

/** A body the tests look for in the log: the script must never print what it receives. */
export const RESPONSE_BODY_MARKER = 'RESPONSE-BODY-d41d8cd9';

/** Stubs https.request until the returned restore() runs; `sent` fills as the script sends. */
export function stubHttps(answer: (request: SentRequest) => Answer): { sent: SentRequest[]; restore: () => void } {
  const sent: SentRequest[] = [];
  const spy = vi.spyOn(https, 'request').mockImplementation(((url: URL, options: { method: string; headers: Record<string, string>; timeout: number },
    onResponse: (res: unknown) => void) => {
    const req = Object.assign(new EventEmitter(), {
      destroy: (error: Error) => setImmediate(() => req.emit('error', error)),
      end: (body?: string) => {
        const request: SentRequest = { url: url.href, method: options.method, path: url.pathname, headers: options.headers, timeoutMs: options.timeout,
          body: body ?? '' };
        sent.push(request);
        const a = answer(request);
        setImmediate(() => {
          if (a === 'silence') req.emit('timeout');
          else if ('error' in a) req.emit('error', Object.assign(new Error(a.error), { code: a.error }));
          else {
            const res = Object.assign(new PassThrough(), { statusCode: a.status });
            onResponse(res);
            res.end(`{"error":"${RESPONSE_BODY_MARKER}"}`);
          }
        });
      },
    });
    return req;
  }) as unknown as typeof https.request);
  return { sent, restore: () => spy.mockRestore() };
}

/** Rocket.Chat behind a WAF that lets it through: info answers 200, the unauthenticated message 401. */
export const healthyEdge = (r: SentRequest): Answer => (r.method === 'GET' ? { status: 200 } : { status: 401 });
