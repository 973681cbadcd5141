/**
 * Per-endpoint, per-identity rate limiting shaped like Vast's (vast-api.md §10): each endpoint has a
 * threshold (the documented minimum interval, seconds) enforced as a token bucket that allows a short
 * burst; search offers is 10 per minute. Refusals are 429 with a plain-text body and no Retry-After,
 * exactly as the real API answers. Uses real time, not sim time: clients wait in real seconds.
 */

/** One endpoint class and its limit. */
export interface Endpoint {
  name: string;
  /** Seconds per token. */
  threshold: number;
  /** Bucket size (calls allowed back to back). */
  burst: number;
}

/** Calls allowed back to back on threshold endpoints before the interval applies. */
export const BURST = 5;
const ID = '\\d+';

const TABLE: Array<[string, RegExp, Omit<Endpoint, 'burst'> & { burst?: number }]> = [
  ['POST', /^\/api\/v0\/bundles\/?$/, { name: 'search', threshold: 6, burst: 10 }],
  ['PUT', /^\/api\/v0\/search\/asks\/?$/, { name: 'search', threshold: 6, burst: 10 }],
  ['GET', /^\/api\/v[01]\/instances\/?$/, { name: 'list_instances', threshold: 1.0 }],
  ['GET', new RegExp(`^/api/v0/instances/${ID}/?$`), { name: 'show_instance', threshold: 2.0 }],
  ['PUT', new RegExp(`^/api/v0/instances/${ID}/?$`), { name: 'update_instance', threshold: 1.0 }],
  ['DELETE', new RegExp(`^/api/v0/instances/${ID}/?$`), { name: 'destroy_instance', threshold: 3.0 }],
  ['PUT', /^\/api\/v0\/instances\/reboot\//, { name: 'reboot', threshold: 1.0 }],
  ['PUT', /^\/api\/v0\/instances\/request_logs\//, { name: 'request_logs', threshold: 1.0 }],
  ['PUT', /^\/api\/v0\/asks\//, { name: 'create_instance', threshold: 4.5 }],
  ['GET', /^\/api\/v0\/secrets\/?$/, { name: 'secrets_list', threshold: 5.0 }],
  ['*', /^\/api\/v0\/secrets\/?$/, { name: 'secrets_write', threshold: 3.0 }],
  ['GET', /^\/api\/v0\/charges\/?$/, { name: 'charges', threshold: 1.0 }],
  ['*', new RegExp(`^/api/v0/instances/${ID}/ssh/`), { name: 'instance_ssh', threshold: 1.0 }],
  ['*', /^\/api\/v0\/ssh\//, { name: 'ssh_keys', threshold: 1.0 }],
];

/** Which limit a request falls under. */
export function endpointOf(method: string, path: string): Endpoint {
  for (const [m, re, e] of TABLE) {
    if ((m === '*' || m === method) && re.test(path)) return { burst: BURST, ...e };
  }
  return { name: `${method} ${path.replace(/\d+/g, '{id}')}`, threshold: 1.0, burst: BURST };
}

/** Token buckets per (endpoint, identity). */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly realNow: () => number) {}

  /** Take a token; false means answer 429. */
  allow(ep: Endpoint, identity: string): boolean {
    const key = `${ep.name}\u0000${identity}`;
    const now = this.realNow();
    const b = this.buckets.get(key) ?? { tokens: ep.burst, at: now };
    b.tokens = Math.min(ep.burst, b.tokens + (now - b.at) / (ep.threshold * 1000));
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** The plain-text 429 body the real API sends. */
export function tooFrequent(ep: Endpoint): string {
  return ep.name === 'search'
    ? 'API requests too frequent'
    : `API requests too frequent endpoint threshold=${ep.threshold.toFixed(1)}`;
}
