/**
 * One HTTP exchange over node:http / node:https: send a request, read the whole answer, all within one deadline.
 * Sockets are kept alive per origin (one Agent per scheme) and unref'd while idle, so a finished command exits.
 * Why not undici: see docs/ARCHITECTURE.md "HTTP" (Node's own client loads in a few ms and peaks ~50 MB lower).
 */
import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';

/**
 * node:https on first use: it loads TLS and node:crypto (~20 built-in modules, several ms), which a command talking
 * to a plain-http endpoint (the simulator, a local proxy) never needs.
 */
let httpsModule: typeof https | undefined;
const httpsLib = (): typeof https => (httpsModule ??= createRequire(import.meta.url)('node:https') as typeof https);

/** What send() needs. */
export interface SendOptions {
  method: string;
  headers: Record<string, string>;
  /** Request body (already serialized). */
  body?: string;
  /** Whole exchange (connect, headers and body), ms. */
  timeoutMs: number;
}

/** A whole answer. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body bytes (sized from content-length when the server gives one). */
  bytes: Uint8Array;
}

/** Idle sockets close after 4 s (Vast's server hints are honoured when shorter), as undici's default did. */
const IDLE_MS = 4000;
let httpAgent: http.Agent | undefined;
let httpsAgent: https.Agent | undefined;
const agentFor = (protocol: string): http.Agent =>
  protocol === 'https:'
    ? (httpsAgent ??= new (httpsLib().Agent)({ keepAlive: true, timeout: IDLE_MS }))
    : (httpAgent ??= new http.Agent({ keepAlive: true, timeout: IDLE_MS }));

/** An error named TimeoutError (as AbortSignal.timeout's), so callers tell a deadline from a drop. */
function timeoutError(ms: number): Error {
  const e = new Error(`no answer within ${ms} ms`);
  e.name = 'TimeoutError';
  return e;
}

/**
 * Sends one request and resolves with the whole answer. Rejects with the socket's error (code ECONNREFUSED,
 * ECONNRESET, …), a TimeoutError past the deadline, or ECONNRESET when the connection closes mid-body.
 */
export function send(url: URL, opts: SendOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? httpsLib() : http;
    const headers = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy(err);
      reject(err);
    };
    const req = lib.request(url, { method: opts.method, headers, agent: agentFor(url.protocol) }, (res) => {
      const length = Number(res.headers['content-length']);
      const hint = Number.isInteger(length) && length > 0 && length < 1 << 29 ? length : 16 * 1024;
      let buf = new Uint8Array(hint);
      let n = 0;
      res.on('data', (chunk: Buffer) => {
        if (n + chunk.length > buf.length) {
          const next = new Uint8Array(Math.max(buf.length * 2, n + chunk.length));
          next.set(buf.subarray(0, n));
          buf = next;
        }
        buf.set(chunk, n);
        n += chunk.length;
      });
      res.on('error', fail);
      res.on('end', () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: buf.subarray(0, n) });
      });
      res.on('close', () => {
        if (!res.complete) fail(Object.assign(new Error('the connection closed mid-answer'), { code: 'ECONNRESET' }));
      });
    });
    const timer = setTimeout(() => fail(timeoutError(opts.timeoutMs)), opts.timeoutMs);
    req.on('error', fail);
    req.end(opts.body);
  });
}

/** A body as text (UTF-8, a leading byte-order mark dropped, as fetch's text() does). */
export function bodyText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
