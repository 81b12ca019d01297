'use strict';
/**
 * The external synthetic check of the public edge (docs/platform.md, "Health path"), run by a
 * CloudWatch Synthetics canary: plain Node.js, no dependency and no bundling, so the file that is
 * unit-tested is the file that runs. The Azure web tests read CHECKS from here (constructs/azure/edge-probe.ts).
 *
 * A check fails on any other status, a connection or TLS error, or no answer within TIMEOUT_MS;
 * the handler then throws, which the Synthetics runtime records as a failed run. Response bodies
 * are drained unread and never logged: only the check, the status and the time are.
 */
const { Buffer } = require('node:buffer');
const https = require('node:https');
const { URL } = require('node:url');

const TIMEOUT_MS = 10_000;
const USER_AGENT = 'rocketchat-edge-probe/1 (synthetic check)';

/**
 * 9 KB of plain text to a message path: over the 8 KB that AWS's SizeRestrictions_BODY refuses, so
 * it proves the WAF's message-path exemption. Unauthenticated, Rocket.Chat refuses it with 401 and
 * never stores it; a WAF block answers 403.
 */
const LARGE_MESSAGE = JSON.stringify({ message: { rid: 'edge-probe', msg: 'Synthetic edge check. '.repeat(419) } });

const CHECKS = [
  { name: 'info', method: 'GET', path: '/api/v1/info', expectedStatus: 200 },
  { name: 'large-message', method: 'POST', path: '/api/v1/chat.sendMessage', expectedStatus: 401, body: LARGE_MESSAGE },
];

/** The status of one request; rejects on an error or after TIMEOUT_MS without an answer. */
function status(baseUrl, check) {
  return new Promise((resolve, reject) => {
    const headers = { 'user-agent': USER_AGENT, accept: 'application/json' };
    if (check.body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(check.body)) });
    // https.request is looked up per call, so a test can stub it.
    const req = https.request(new URL(check.path, baseUrl), { method: check.method, headers, timeout: TIMEOUT_MS }, (res) => {
      // Drain without reading: the body is neither needed nor logged.
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(check.body);
  });
}

/** Runs every check against `baseUrl` (https://<domain>); throws naming each one that failed. */
async function probe(baseUrl, log = (line) => globalThis.console.log(line)) {
  if (!/^https:\/\/[^/]+$/.test(baseUrl ?? '')) throw new Error(`PROBE_BASE_URL must be https://<host>, got ${JSON.stringify(baseUrl)}`);
  const failures = [];
  for (const check of CHECKS) {
    const started = Date.now();
    let outcome;
    try {
      const code = await status(baseUrl, check);
      outcome = code === check.expectedStatus ? 'ok' : `status ${code}, expected ${check.expectedStatus}`;
    } catch (error) {
      outcome = `${error && error.message ? error.message : String(error)}`;
    }
    log(`edge-probe ${check.name} ${check.method} ${check.path}: ${outcome} (${Date.now() - started} ms)`);
    if (outcome !== 'ok') failures.push(`${check.name}: ${outcome}`);
  }
  if (failures.length > 0) throw new Error(`edge probe of ${baseUrl} failed: ${failures.join('; ')}`);
}

exports.CHECKS = CHECKS;
exports.TIMEOUT_MS = TIMEOUT_MS;
exports.USER_AGENT = USER_AGENT;
exports.probe = probe;
exports.handler = async () => probe(process.env.PROBE_BASE_URL);
