/**
 * The HTTP layer under VastClient: node:http(s) with keep-alive (transport.ts), bearer auth, `/api/v0` path prefixing,
 * the CLI's GET query encoding, a timeout, retries with jittered exponential backoff, and one call in
 * flight per endpoint. Vast rate-limits per endpoint as a minimum interval between calls, with a short burst
 * (vast-api.md §10), so queueing per endpoint is what keeps a busy TUI out of 429s. A 429 that names the
 * threshold ("API requests too frequent endpoint threshold=1.0") paces the calls after it on that endpoint to one
 * per threshold, until the endpoint has been left alone long enough for the burst to come back: a listing of 400
 * pages then goes one page a second instead of every other call being refused.
 */
import { textWithout } from './json-omit.js';
import { bodyText, send } from './transport.js';
import { VastError, errorFromStatus, makeRedactor, malformed } from './errors.js';
import { sanitizeLine } from '../util/sanitize.js';
import { apiPath, encodeQuery, endpointKey } from './encode.js';

export { apiPath, encodeQuery, endpointKey, pyJson, quotePlus } from './encode.js';

/** Options of the HTTP layer; VastClient passes its own through. */
export interface HttpOptions {
  /** Bearer key; with none, no Authorization header is sent (like the CLI). */
  apiKey?: string;
  /** e.g. https://console.vast.ai or http://127.0.0.1:PORT for the simulator. */
  baseUrl: string;
  /** Tries per call, first one included. Default 3 (the package CLI's default). */
  attempts?: number;
  /** First backoff delay, ms. Default 1000: the CLI's 150 ms is too short for Vast's 1–5 s thresholds. */
  retryBaseMs?: number;
  /** Whole-request timeout (headers and body), ms. Default 30 s. */
  timeoutMs?: number;
  /** Injected so tests can run retries without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** Jitter source, 0 ≤ x < 1; injected for tests. */
  random?: () => number;
}

/** One API call. */
export interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path; `/api/v0` is put in front unless it already starts with `/api/vN/`. */
  path: string;
  /** GET query arguments; non-strings are JSON-encoded with Python spacing like the CLI. */
  query?: Record<string, unknown>;
  /** JSON body for PUT/POST/DELETE; `{}` when absent. Ignored for GET. */
  body?: unknown;
  /** Send the Authorization header (default true). gpu_names is public. */
  auth?: boolean;
  /**
   * False for calls that must not run twice (create): then only a refused connection (nothing reached the
   * server) is retried. Any answer other than success — 429 and 4xx included — a timeout or a drop may come
   * after the server acted, so the caller reconciles before trying again (SAFETY.md rule 2: never rent twice).
   */
  idempotent?: boolean;
  /** Keep a 2xx body as raw bytes (RawResponse.bytes, text left empty): big offer lists are split unparsed. */
  binary?: boolean;
  /** Extra secrets of this call (an env-var value) to scrub from error messages, besides the API key. */
  secrets?: string[];
  /** A top-level member of a 2xx JSON answer nobody reads, cut from the bytes before decoding (json-omit.ts). */
  omit?: string;
  /**
   * Queue on this lane of the endpoint instead of behind its other calls: one call beside them, which Vast's burst
   * allows. A pace set by a 429 still holds on every lane.
   */
  lane?: string;
}

/** A raw answer. */
export interface RawResponse {
  status: number;
  text: string;
  /** The body bytes, only for a 2xx answer to a `binary` call. */
  bytes?: Uint8Array;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const MAX_DELAY_MS = 30_000;
/** A pace lapses when the endpoint has had no call for this many thresholds (Vast's bursts are ~5 calls). */
const PACE_LAPSE = 5;

/** The minimum interval a 429 body states ("… endpoint threshold=1.0"), ms; null when it says none. */
export function thresholdMs(body: string): number | null {
  const m = /threshold=(\d{1,3}(?:\.\d+)?)/.exec(body);
  const ms = m ? Number(m[1]) * 1000 : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 60_000) : null;
}

/** Default sleep: a plain timer. */
export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bearer-authenticated JSON calls to one Vast.ai API base URL. */
export class VastHttp {
  private readonly base: URL;
  private readonly attempts: number;
  private readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly userAgent: string;
  private readonly apiKey?: string;
  private readonly chains = new Map<string, Promise<void>>();
  /** Per endpoint key: when its last call was sent, and the interval a 429 asked for (while it holds). */
  private readonly sentAt = new Map<string, number>();
  private readonly pace = new Map<string, number>();
  private offsetMs: number | null = null;
  /** Replaces the API key with *** in any text; used on everything that can reach a message. */
  readonly redact: (t: string) => string;

  constructor(opts: HttpOptions) {
    this.base = new URL(opts.baseUrl);
    this.apiKey = opts.apiKey || undefined;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.retryBaseMs = Math.max(0, opts.retryBaseMs ?? 1000);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.userAgent = opts.userAgent ?? 'vastdeck';
    this.redact = makeRedactor(this.apiKey);
  }

  /**
   * The API's clock minus the local one, ms, from the last answer's Date header (null before any answer).
   * Remote timestamps (an instance's start_date) minus this offset are on the local clock.
   */
  clockOffsetMs(): number | null {
    return this.offsetMs;
  }

  /** Backoff before retry number `n` (0-based): base·2ⁿ stretched by up to +50 % jitter, never below base·2ⁿ. */
  backoffMs(n: number): number {
    const d = this.retryBaseMs * 2 ** n;
    return Math.min(MAX_DELAY_MS, d * (1 + 0.5 * this.random()));
  }

  /** Runs a call (queued behind others on the same endpoint and lane); non-2xx after retries throws a VastError. */
  call(spec: CallSpec): Promise<RawResponse> {
    const path = apiPath(spec.path);
    const key = endpointKey(spec.method, path);
    return this.serial(spec.lane ? `${key} ${spec.lane}` : key, () => this.withRetries(spec, path, key));
  }

  /** Like call(), then parses JSON; an empty or non-JSON body is a 'malformed' VastError. */
  async json(spec: CallSpec): Promise<unknown> {
    const res = await this.call(spec);
    const endpoint = `${spec.method} ${apiPath(spec.path)}`;
    return parseJsonBody(res, endpoint, this.redactFor(spec));
  }

  /** One GET of an absolute URL with NO Authorization header (log result_url: a plain object-store URL). */
  async getPlain(url: string): Promise<RawResponse> {
    const endpoint = 'GET result_url';
    try {
      const res = await send(new URL(url), {
        method: 'GET',
        headers: { 'user-agent': this.userAgent },
        timeoutMs: this.timeoutMs,
      });
      return { status: res.status, text: bodyText(res.bytes) };
    } catch (err) {
      throw this.networkError(err, endpoint, new URL(url).origin);
    }
  }

  /** The redactor for one call: the API key plus the call's own secrets. */
  redactFor(spec: Pick<CallSpec, 'secrets'>): (t: string) => string {
    const extra = (spec.secrets ?? []).filter(Boolean).map((s) => makeRedactor(s));
    return (t) => extra.reduce((acc, r) => r(acc), this.redact(t));
  }

  /** How long the next call on `key` must wait for its pace (0 when none holds); a lapsed pace is dropped. */
  private paceWait(key: string): number {
    const gap = this.pace.get(key);
    if (gap === undefined) return 0;
    const since = Date.now() - (this.sentAt.get(key) ?? 0);
    if (since >= PACE_LAPSE * gap) {
      this.pace.delete(key);
      return 0;
    }
    return Math.max(0, gap - since);
  }

  private async withRetries(spec: CallSpec, path: string, key: string): Promise<RawResponse> {
    const endpoint = `${spec.method} ${path}`;
    const idempotent = spec.idempotent !== false;
    const wait = this.paceWait(key);
    if (wait > 0) await this.sleep(wait);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.attempts;
      let res: RawResponse;
      try {
        this.sentAt.set(key, Date.now());
        res = await this.once(spec, path);
      } catch (err) {
        const retryable = idempotent || refused(err);
        if (!last && retryable) {
          await this.sleep(this.backoffMs(attempt - 1));
          continue;
        }
        throw this.networkError(err, endpoint, this.base.origin);
      }
      if (res.status >= 200 && res.status < 300) return res;
      const gap = res.status === 429 ? thresholdMs(res.text) : null;
      if (gap !== null) this.pace.set(key, gap);
      if (!last && RETRY_STATUS.has(res.status) && idempotent) {
        await this.sleep(Math.max(this.backoffMs(attempt - 1), this.paceWait(key)));
        continue;
      }
      throw errorFromStatus(res.status, res.text, endpoint, this.redactFor(spec), attempt);
    }
  }

  private async once(spec: CallSpec, path: string): Promise<RawResponse> {
    const url = new URL(this.base.href);
    url.pathname = url.pathname.replace(/\/+$/, '') + path;
    if (spec.query) url.search = encodeQuery(spec.query);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (spec.auth !== false && this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body: string | undefined;
    if (spec.method !== 'GET') {
      body = JSON.stringify(spec.body ?? {});
      headers['content-type'] = 'application/json';
    }
    const sent = Date.now();
    const res = await send(url, { method: spec.method, headers, body, timeoutMs: this.timeoutMs });
    this.noteDate(res.headers.date, sent);
    const ok = res.status >= 200 && res.status < 300;
    if (spec.binary && ok) return { status: res.status, text: '', bytes: res.bytes };
    if (spec.omit && ok) return { status: res.status, text: textWithout(res.bytes, spec.omit) };
    return { status: res.status, text: bodyText(res.bytes) };
  }

  /** Date has 1 s resolution: the server's second is compared with the middle of the round trip. */
  private noteDate(header: string | string[] | undefined, sent: number): void {
    const at = Date.parse(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
    if (!Number.isFinite(at)) return;
    const local = (sent + Date.now()) / 2;
    this.offsetMs = Math.round(at + 500 - local);
  }

  private networkError(err: unknown, endpoint: string, origin: string): VastError {
    const e = err as { name?: string; code?: string; message?: string };
    const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(e?.code ?? '');
    const what = timedOut
      ? `no answer within ${Math.round(this.timeoutMs / 1000)} s`
      : (e?.code ?? e?.message ?? 'connection failed');
    const msg =
      `cannot reach Vast.ai at ${origin} for ${endpoint} (${sanitizeLine(this.redact(String(what)))}): check the ` +
      `network or --api-url`;
    return new VastError('network', msg, { endpoint });
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const run = prev.then(fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run;
  }
}

/** Parses a JSON body; empty or broken bodies become 'malformed' errors with a short, redacted excerpt. */
export function parseJsonBody(res: RawResponse, endpoint: string, redact: (t: string) => string): unknown {
  if (!res.text.trim()) throw malformed(endpoint, 'empty body', res.status);
  try {
    return JSON.parse(res.text);
  } catch {
    const head = sanitizeLine(redact(res.text).slice(0, 40));
    throw malformed(endpoint, `body is not JSON (starts with "${head}")`, res.status);
  }
}

function refused(err: unknown): boolean {
  // ECONNREFUSED means nothing reached the server, so even a create may be retried.
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED';
}
