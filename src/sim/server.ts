/**
 * The HTTP server: routing, auth, rate limiting and fault injection around the route handlers.
 * Auth mimics Vast: no key → 401 with a non-JSON body; a wrong key → 401 auth_error JSON, except search
 * offers, which answers 404 with that body (vast-api.md §10).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, errorReply, readJson, send, type Reply } from './http.js';
import { failing, firesAfter, type FaultPlan, type Faults } from './faults.js';
import { endpointOf, tooFrequent, type RateLimiter } from './ratelimit.js';
import { accountRoutes } from './routes/account.js';
import { sshKeyRoutes } from './routes/ssh-keys.js';
import { adminRoutes, type AdminDeps } from './routes/admin.js';
import { instanceRoutes } from './routes/instances.js';
import { checkScope } from './scoped-keys.js';
import { offerRoutes } from './routes/offers.js';
import type { Ctx, Route } from './routes/types.js';
import type { World } from './world.js';

/** One logged request (never any header values). */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** What the server needs. */
export interface ServerDeps extends AdminDeps {
  world: World;
  apiKey: string;
  limiter: RateLimiter | null;
  faults: Faults;
  requestLog: LoggedRequest[];
  /** Called after a request that changed the world (the state file hook). */
  onChange: () => void;
  baseUrl: () => string;
}

const ROUTES: Route[] = [...offerRoutes, ...instanceRoutes, ...accountRoutes, ...sshKeyRoutes];
/** Bound on the request log, so a long demo does not grow without limit. */
const MAX_LOGGED = 20_000;
const NO_LOGIN = '<html><body><h1>401 Unauthorized</h1><p>Please log in or sign up.</p></body></html>';

function findRoute(routes: Route[], method: string, path: string): [Route, RegExpMatchArray] | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = path.match(r.re);
    if (m) return [r, m];
  }
  return null;
}

function keyOf(req: IncomingMessage, url: URL): string | null {
  const h = req.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  return url.searchParams.get('api_key');
}

async function run(route: Route, m: RegExpMatchArray, ctx: Ctx): Promise<Reply> {
  try {
    return await route.handler(ctx, m);
  } catch (e) {
    if (e instanceof ApiError) return errorReply(e.status, e.code, e.message);
    return errorReply(500, 'server_error', 'Internal server error.');
  }
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const entry: LoggedRequest = { method, path, status: 0 };
  deps.requestLog.push(entry);
  if (deps.requestLog.length > MAX_LOGGED) deps.requestLog.splice(0, deps.requestLog.length - MAX_LOGGED);
  res.on('finish', () => (entry.status = res.statusCode));
  // The API's clock is the simulator's: clients take their clock offset from this header (vast-api.md: Date).
  res.setHeader('Date', new Date(deps.world.now()).toUTCString());

  const admin = path.startsWith('/_sim/');
  const found = findRoute(admin ? adminRoutes : ROUTES, method, path);
  if (!found) {
    req.resume();
    return send(res, errorReply(404, 'not_found', `No route ${method} ${path}.`));
  }
  const [route, m] = found;
  const key = keyOf(req, url);
  if (route.auth !== false || admin) {
    if (!key) {
      req.resume();
      return send(res, { status: 401, type: 'text/html', text: NO_LOGIN });
    }
    const scoped = key !== deps.apiKey && !admin ? deps.world.scopedKeys.get(key) : undefined;
    if (key !== deps.apiKey && !scoped) {
      req.resume();
      return send(res, errorReply(path.startsWith('/api/v0/bundles') ? 404 : 401, 'auth_error', 'Invalid user key'));
    }
    if (scoped) {
      try {
        checkScope(scoped, method, path);
      } catch (e) {
        req.resume();
        const err = e as ApiError;
        return send(res, errorReply(err.status, err.code, err.message));
      }
    }
  }
  if (!admin && deps.limiter && route.auth !== false) {
    const ep = endpointOf(method, path);
    if (!deps.limiter.allow(ep, `${key}|${req.socket.remoteAddress ?? ''}`)) {
      req.resume();
      return send(res, { status: 429, text: tooFrequent(ep) });
    }
  }
  const plan: FaultPlan = admin ? { delayMs: 0, fail: null } : deps.faults.plan(method, path);
  const readBody = async (): Promise<unknown> =>
    method === 'GET' || method === 'HEAD' ? (req.resume(), {}) : await readJson(req);
  let early: Promise<unknown> | null = null;
  // A request held by the network still reaches the server: read it now, act after the delay, whatever the client did.
  if (plan.landsLate) (early = readBody()).catch(() => undefined);
  if (plan.delayMs > 0) await sleep(plan.delayMs);
  const fail = plan.fail;
  const failure = fail && failing(fail);
  if (fail && failure && !firesAfter(fail)) {
    req.resume();
    return failure.end({ spec: fail, method, path, res, reply: null });
  }
  let body: unknown = {};
  try {
    body = await (early ?? readBody());
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(400, 'invalid_json', 'Bad request body.');
    return send(res, errorReply(err.status, err.code, err.message));
  }
  deps.world.tick();
  const ctx: Ctx = {
    world: deps.world,
    method,
    path,
    query: url.searchParams,
    body,
    apiKey: deps.apiKey,
    baseUrl: deps.baseUrl(),
  };
  const reply = admin ? await run(route, m, { ...ctx, admin: deps } as Ctx) : await run(route, m, ctx);
  if (deps.world.dirty) deps.onChange();
  if (plan.afterDelayMs) await sleep(plan.afterDelayMs);
  if (fail && failure) return failure.end({ spec: fail, method, path, res, reply });
  send(res, reply);
}

/** Create (not start) the simulator's HTTP server. */
export function createSimServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch(() => {
      if (!res.headersSent) send(res, errorReply(500, 'server_error', 'Internal server error.'));
      else res.destroy();
    });
  });
}
