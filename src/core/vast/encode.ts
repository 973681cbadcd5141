/**
 * How the official CLI puts requests on the wire (vast-api.md §1, appendix A2): the `/api/v0` path
 * prefix and GET query values JSON-encoded with Python's spacing, then `quote_plus`-escaped. Matching it
 * byte for byte keeps us indistinguishable from the CLI for the server and for captured fixtures.
 */

/** Puts `/api/v0` in front of a path unless it already names an API version. */
export function apiPath(path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return /^\/api\/v\d+\//.test(p) ? p : `/api/v0${p}`;
}

/** The queue key of a call: method and path with numeric segments folded, since Vast limits per route. */
export function endpointKey(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

/** JSON with Python's `json.dumps` spacing and ASCII escaping, which is what the CLI puts in query strings. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  const parts = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`);
  return `{${parts.join(', ')}}`;
}

/** Python's `quote_plus`: like encodeURIComponent, but also escapes !'()* and writes spaces as '+'. */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The query string (without '?') the CLI would send for these arguments, in insertion order. */
export function encodeQuery(q: Record<string, unknown>): string {
  return Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${quotePlus(k)}=${quotePlus(typeof v === 'string' ? v : pyJson(v))}`)
    .join('&');
}
