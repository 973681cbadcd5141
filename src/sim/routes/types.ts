/** Shared route types: a route matches method + path regex and returns a Reply. */
import type { Reply } from '../http.js';
import type { World } from '../world.js';

/** Everything a handler may look at. */
export interface Ctx {
  world: World;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The account API key (users/current echoes it, like the real API). */
  apiKey: string;
  /** http://127.0.0.1:PORT — for result_url. */
  baseUrl: string;
}

/** One route. `auth: false` routes answer without an API key (gpu names, log files). */
export interface Route {
  method: string;
  re: RegExp;
  handler: (ctx: Ctx, m: RegExpMatchArray) => Reply | Promise<Reply>;
  auth?: boolean;
}

/** Parse a JSON-encoded query parameter (the CLI sends JSON values URL-encoded), or a 400. */
export function jsonParam(q: URLSearchParams, name: string): unknown {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // plain values such as limit=25 are fine as strings
  }
}
