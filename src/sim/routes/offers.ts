/** Offer routes: search (`POST /api/v0/bundles/`, `PUT /api/v0/search/asks/`), GPU names, and renting. */
import * as z from 'zod';
import { createInstance } from '../actions.js';
import { ApiError, ok, type Reply } from '../http.js';
import { parseSearch, QueryError } from '../market.js';
import type { Ctx, Route } from './types.js';

const SearchBody = z.record(z.string(), z.unknown());
const NewSearchBody = z.object({ select_cols: z.array(z.string()).optional(), q: z.record(z.string(), z.unknown()) });

function search(ctx: Ctx, body: Record<string, unknown>): Reply {
  try {
    return { status: 200, raw: ctx.world.market.searchJson(parseSearch(body)) };
  } catch (e) {
    if (e instanceof QueryError) throw new ApiError(400, 'invalid_args', e.message);
    throw e;
  }
}

function bodyOf<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new ApiError(400, 'invalid_args', `body: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** The offer routes. */
export const offerRoutes: Route[] = [
  {
    method: 'GET',
    re: /^\/api\/v0\/gpu_names\/unique\/?$/,
    auth: false,
    handler: (ctx) => ok({ gpu_names: ctx.world.market.gpuNames() }),
  },
  { method: 'POST', re: /^\/api\/v0\/bundles\/?$/, handler: (ctx) => search(ctx, bodyOf(SearchBody, ctx.body)) },
  {
    method: 'PUT',
    re: /^\/api\/v0\/search\/asks\/?$/,
    handler: (ctx) => search(ctx, bodyOf(NewSearchBody, ctx.body).q),
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/bundles\/?$/,
    handler: (ctx) => {
      let q: unknown = {};
      try {
        q = JSON.parse(ctx.query.get('q') ?? '{}');
      } catch {
        throw new ApiError(400, 'invalid_args', 'q: expected a JSON query');
      }
      return search(ctx, bodyOf(SearchBody, q));
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/asks\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const rec = createInstance(ctx.world, Number(m[1]), ctx.body);
      return ok({ success: true, new_contract: rec.id, instance_api_key: rec.instanceKey });
    },
  },
];
