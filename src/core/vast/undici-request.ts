/**
 * undici's `request()` without loading the rest of undici. `import { request } from 'undici'` evaluates undici's
 * whole index (fetch, WebSocket, EventSource, cache storage, cookies, mock agents, the SQLite cache store): about
 * three times what request() itself needs, paid before the first API call (the TUI's first data, every headless
 * command's start). This is the index's own request wrapper (makeDispatcher) over the same request code and the
 * same global dispatcher, for the call shape vastdeck uses: a URL and options. test/vast/undici-request.test.ts
 * checks it against undici's own request().
 */
import type { Dispatcher } from 'undici';
import apiRequest from 'undici/lib/api/api-request.js';
import { getGlobalDispatcher } from 'undici/lib/global.js';
import { parseURL } from 'undici/lib/core/util.js';

/** Options vastdeck passes to request(). */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod };

/** As undici's request(url, opts): resolves with status, headers and body once the response starts. */
export function request(url: string | URL, opts: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
  const u = parseURL(url);
  const method = opts.method ?? (opts.body ? 'PUT' : 'GET');
  return apiRequest.call(getGlobalDispatcher(), { ...opts, origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname, method });
}
