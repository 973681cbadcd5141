/** Account routes: the current user (credit), env-var secrets, and per-instance charges. */
import * as z from 'zod';
import { chargeRow } from '../billing.js';
import { ApiError, ok } from '../http.js';
import { round } from '../prng.js';
import { jsonParam, type Ctx, type Route } from './types.js';
import { PermissionsSchema, scopedKeySecret } from '../scoped-keys.js';

/** Documented patterns (vast-api.md §8): keys `^[a-zA-Z_]\w*$`, values `^[a-zA-Z0-9_\-\.]+$`. */
const KEY_RE = /^[a-zA-Z_]\w*$/;
const VALUE_RE = /^[a-zA-Z0-9_\-.]+$/;
const MAX_SECRETS = 100;
const MAX_VALUE = 4096;

const SecretBody = z.object({ key: z.string().optional(), value: z.string().optional() });

function secretInput(ctx: Ctx, needValue: boolean): { key: string; value: string } {
  const r = SecretBody.safeParse(ctx.body);
  if (!r.success) throw new ApiError(400, 'missing_input', 'key and value must be strings');
  const key = r.data.key ?? '';
  const value = r.data.value ?? '';
  if (key === '' || (needValue && value === ''))
    throw new ApiError(400, needValue && key !== '' ? 'empty_input' : 'missing_input', 'key and value are required');
  if (!KEY_RE.test(key))
    throw new ApiError(400, 'invalid_characters', 'key: letters, digits and _ only, not starting with a digit');
  if (needValue && value.length > MAX_VALUE)
    throw new ApiError(400, 'input_too_long', `value: max ${MAX_VALUE} characters`);
  if (needValue && !VALUE_RE.test(value))
    throw new ApiError(400, 'invalid_characters', 'value: only letters, digits, _ - . are allowed');
  return { key: key.toUpperCase(), value };
}

const DayRange = z.object({
  day: z.object({ gte: z.coerce.number(), lte: z.coerce.number() }),
  type: z.object({ in: z.array(z.string()) }).optional(),
});

function charges(ctx: Ctx) {
  const filters = DayRange.safeParse(jsonParam(ctx.query, 'select_filters'));
  if (!filters.success)
    throw new ApiError(400, 'invalid_args', 'select_filters: a day range {"day":{"gte":..,"lte":..}} is required');
  const { day, type } = filters.data;
  const limit = Math.max(1, Math.min(500, Number(ctx.query.get('limit') ?? 20) || 20));
  const latestFirst = /^(true|1)$/i.test(ctx.query.get('latest_first') ?? '');
  let rows = type && !type.in.includes('instance') ? [] : ctx.world.ledger.between(day.gte, day.lte);
  if (latestFirst) rows = rows.reverse();
  let start = 0;
  const token = ctx.query.get('after_token');
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'invalid_token', 'after_token is not valid.');
  }
  const page = rows.slice(start, start + limit);
  const next = start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
  return ok({ success: true, count: page.length, total: rows.length, next_token: next, results: page.map(chargeRow) });
}

/** The account routes. */
export const accountRoutes: Route[] = [
  {
    method: 'POST',
    re: /^\/api\/v0\/auth\/apikeys\/?$/,
    handler: (ctx) => {
      const b = z
        .object({ name: z.string().max(128).nullish(), permissions: z.unknown(), key_params: z.unknown().optional() })
        .safeParse(ctx.body);
      const perms = b.success ? PermissionsSchema.safeParse(b.data.permissions) : null;
      if (!b.success || !perms?.success)
        throw new ApiError(400, 'invalid_args', 'permissions: expected {"api": {SCOPE: {constraints?}}}');
      const id = ctx.world.nextKeyId++;
      const key = scopedKeySecret(ctx.world.seed, id);
      ctx.world.scopedKeys.set(key, { id, name: b.data.name ?? `key-${id}`, key, permissions: perms.data });
      return ok({ success: true, id, key, name: b.data.name ?? `key-${id}` });
    },
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/auth\/apikeys\/?$/,
    handler: (ctx) =>
      ok({
        apikeys: [...ctx.world.scopedKeys.values()].map((k) => ({
          id: k.id,
          name: k.name,
          permissions: k.permissions,
        })),
      }),
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/auth\/apikeys\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const found = [...ctx.world.scopedKeys.values()].find((k) => k.id === Number(m[1]));
      if (!found) throw new ApiError(404, 'not_found', `API key ${m[1]} not found.`);
      ctx.world.scopedKeys.delete(found.key);
      return ok({ success: true });
    },
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/users\/current\/?$/,
    handler: (ctx) => {
      const w = ctx.world;
      const credit = round(w.ledger.credit, 4);
      return ok({
        id: 424242,
        username: w.user.username,
        email: w.user.email,
        fullname: 'Demo User',
        credit,
        balance: round(Math.max(0, -w.ledger.credit), 4),
        balance_threshold: 5,
        balance_threshold_enabled: false,
        can_pay: true,
        has_billing: true,
        billed_expected: 0,
        billed_verified: 0,
        paid_expected: 0,
        paid_verified: 0,
        total_spend: round(w.ledger.spent(), 4),
        ssh_key: null,
        email_verified: true,
        is_verified: true,
        api_key: ctx.apiKey,
        sms_enabled: false,
        rights: null,
        last4: '4242',
        country: 'US',
      });
    },
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/secrets\/?$/,
    handler: (ctx) => ok({ success: true, secrets: Object.fromEntries(ctx.world.secrets) }),
  },
  {
    method: 'POST',
    re: /^\/api\/v0\/secrets\/?$/,
    handler: (ctx) => {
      const { key, value } = secretInput(ctx, true);
      if (ctx.world.secrets.has(key))
        throw new ApiError(400, 'existing_key', `Environment variable ${key} already exists.`);
      if (ctx.world.secrets.size >= MAX_SECRETS)
        throw new ApiError(400, 'max_secrets', `At most ${MAX_SECRETS} environment variables.`);
      ctx.world.secrets.set(key, value);
      ctx.world.dirty = true;
      return ok({ success: true, msg: `Environment variable ${key} created.` });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/secrets\/?$/,
    handler: (ctx) => {
      const { key, value } = secretInput(ctx, true);
      if (!ctx.world.secrets.has(key))
        throw new ApiError(400, 'nonexistent_key', `Environment variable ${key} does not exist.`);
      ctx.world.secrets.set(key, value);
      ctx.world.dirty = true;
      return ok({ success: true, msg: `Environment variable ${key} updated.` });
    },
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/secrets\/?$/,
    handler: (ctx) => {
      const { key } = secretInput(ctx, false);
      if (!ctx.world.secrets.delete(key))
        throw new ApiError(400, 'nonexistent_key', `Environment variable ${key} does not exist.`);
      ctx.world.dirty = true;
      return ok({ success: true, msg: `Environment variable ${key} deleted.` });
    },
  },
  { method: 'GET', re: /^\/api\/v0\/charges\/?$/, handler: charges },
];
