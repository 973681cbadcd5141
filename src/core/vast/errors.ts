/**
 * Typed errors of the Vast.ai client. Every failure the client can meet becomes one VastError with a
 * one-line message that says what happened and what to do. The API key never appears in a message:
 * every piece of server text passes through `redact` before it is used (servers do echo keys back).
 */
import { cutSecrets } from '../util/redact.js';
import { sanitizeLine } from '../util/sanitize.js';

/** What kind of failure: callers branch on this, never on the message text. */
export type VastErrorKind = 'auth' | 'not_found' | 'rate_limited' | 'server' | 'network' | 'malformed' | 'bad_request';

/** One failure of a Vast.ai call. `endpoint` is "METHOD /path/" without the query string. */
export class VastError extends Error {
  /** What kind of failure. */
  readonly kind: VastErrorKind;
  /** HTTP status, when there was an answer. */
  readonly status?: number;
  /** "METHOD /path/" of the call. */
  readonly endpoint: string;
  /** Vast's own error code (`error` field), when it sent one, e.g. "no_such_instance". */
  readonly code?: string;

  constructor(
    kind: VastErrorKind,
    message: string,
    opts: { endpoint: string; status?: number; code?: string; cause?: unknown },
  ) {
    // Messages quote server text and ids: one clean line, whoever built the error.
    super(sanitizeLine(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VastError';
    this.kind = kind;
    this.endpoint = opts.endpoint;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.code !== undefined) this.code = opts.code;
  }
}

/** Returns a function that replaces every occurrence of the secret, in every serialized form, with "***". */
export function makeRedactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (t) => t;
  return (t) => cutSecrets(t, [secret], '***', 1);
}

/** The human part of an error body: Vast uses msg, message, detail or error, and some bodies are not JSON. */
export function describeBody(status: number, text: string): { msg: string; code?: string; json: unknown } {
  let json: unknown;
  try {
    json = text.length ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    const code = typeof o.error === 'string' ? o.error : undefined;
    for (const k of ['msg', 'message', 'detail', 'error']) {
      const v = o[k];
      if (typeof v === 'string' && v.trim()) return { msg: v, code, json };
    }
    return { msg: '(no detail message supplied)', code, json };
  }
  const plain = text.trim().split(/\r?\n/)[0] ?? '';
  // The CLI prints this for a non-JSON 401; keep the same wording so users recognise it.
  if (!plain && status === 401) return { msg: 'Please log in or sign up', json };
  return { msg: plain || '(no detail message supplied)', json };
}

const AUTH_TEXT = /invalid user key|requires login|log ?in|session expired|api key|unauthori[sz]ed/i;

/** Turns a non-2xx answer into a VastError. `attempts` is how many tries were made (for the 429 message). */
export function errorFromStatus(
  status: number,
  text: string,
  endpoint: string,
  redact: (t: string) => string,
  attempts = 1,
): VastError {
  const body = describeBody(status, text);
  // Server text is untrusted: strip control sequences, drop the key, keep it one short line.
  const msg = clip(sanitizeLine(redact(body.msg)));
  const code = body.code ? clip(sanitizeLine(redact(body.code))) : undefined;
  const where = { endpoint, status, code };
  const isAuthText = code === 'auth_error' || AUTH_TEXT.test(msg);
  // Vast answers a bad key with 404 "Invalid user key" on some routes (vast-api.md §10), so 404 can be auth.
  if (status === 401 || ((status === 403 || status === 404) && isAuthText)) {
    return new VastError(
      'auth',
      `Vast.ai rejected the API key (${status} ${msg}): check --api-key / VAST_API_KEY`,
      where,
    );
  }
  if (status === 404 || status === 410) {
    return new VastError(
      'not_found',
      `Vast.ai: not found (${status} ${msg}) on ${endpoint}: it may be gone; refresh and retry`,
      where,
    );
  }
  if (status === 429) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return new VastError(
      'rate_limited',
      `Vast.ai rate limit (429 ${msg}) on ${endpoint}${tries}: wait a few seconds, or poll less often`,
      where,
    );
  }
  if (status >= 500) {
    return new VastError('server', `Vast.ai server error (${status} ${msg}) on ${endpoint}: try again later`, where);
  }
  return new VastError('bad_request', `Vast.ai refused ${endpoint} (${status} ${msg}): check the request`, where);
}

/** A 200 answer with `success: false`: Vast's way of refusing (label_too_long, missing_billing, ...). */
export function errorFromRefusal(
  json: Record<string, unknown>,
  endpoint: string,
  redact: (t: string) => string,
): VastError {
  const body = describeBody(200, JSON.stringify(json));
  const msg = clip(sanitizeLine(redact(body.msg)));
  const code = body.code ? clip(sanitizeLine(redact(body.code))) : undefined;
  return new VastError('bad_request', `Vast.ai refused ${endpoint} (${msg}): check the request`, {
    endpoint,
    status: 200,
    code,
  });
}

/** A body that is not what the API promised. `detail` must already be free of secrets. */
export function malformed(endpoint: string, detail: string, status?: number): VastError {
  return new VastError(
    'malformed',
    `unexpected answer from Vast.ai on ${endpoint}: ${clip(detail)}; is --api-url a Vast.ai API?`,
    { endpoint, status },
  );
}

function clip(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
