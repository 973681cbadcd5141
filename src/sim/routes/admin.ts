/**
 * Admin routes for out-of-process tests (need the API key too): `POST /_sim/faults` (a FaultSpec),
 * `DELETE /_sim/faults`, `GET /_sim/faults`, `POST /_sim/advance` {"ms":N}, `GET /_sim/clock`.
 */
import * as z from 'zod';
import type { FaultSpec } from '../faults.js';
import { ApiError, ok } from '../http.js';
import { FaultSchema } from '../faults.js';
import type { Ctx, Route } from './types.js';

/** What admin handlers can reach besides the world. */
export interface AdminDeps {
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  listFaults(): FaultSpec[];
  advance(ms: number): void;
}

function deps(ctx: Ctx): AdminDeps {
  return (ctx as Ctx & { admin: AdminDeps }).admin;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success)
    throw new ApiError(
      400,
      'invalid_args',
      `${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}`,
    );
  return r.data;
}

/** The /_sim/ routes. */
export const adminRoutes: Route[] = [
  {
    method: 'POST',
    re: /^\/_sim\/faults\/?$/,
    handler: (ctx) => {
      deps(ctx).injectFault(parse(FaultSchema, ctx.body));
      return ok({ success: true });
    },
  },
  {
    method: 'DELETE',
    re: /^\/_sim\/faults\/?$/,
    handler: (ctx) => {
      deps(ctx).clearFaults();
      return ok({ success: true });
    },
  },
  { method: 'GET', re: /^\/_sim\/faults\/?$/, handler: (ctx) => ok({ faults: deps(ctx).listFaults() }) },
  {
    method: 'POST',
    re: /^\/_sim\/advance\/?$/,
    handler: (ctx) => {
      const { ms } = parse(
        z.object({
          ms: z
            .number()
            .nonnegative()
            .max(10 * 365 * 86_400_000),
        }),
        ctx.body,
      );
      deps(ctx).advance(ms);
      return ok({ success: true, now: ctx.world.now() / 1000 });
    },
  },
  {
    method: 'GET',
    re: /^\/_sim\/clock\/?$/,
    handler: (ctx) => ok({ now: ctx.world.now() / 1000, speed: ctx.world.clock.speed }),
  },
];
