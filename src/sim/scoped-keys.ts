/**
 * Scoped API keys, as Vast's `create api-key --permission_file` makes them (`POST /api/v0/auth/apikeys/`
 * `{name, permissions, key_params}`): permissions are `{"api": {SCOPE: {} | {"constraints": {"id": {"eq": N}}}}}`.
 * The simulator enforces the instance scopes on the routes that act on one instance (show, update/stop/start,
 * destroy, reboot, change bid) and refuses every other route to a scoped key: a watchdog's key can stop its own
 * instance and nothing else.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ApiError } from './http.js';

const Constraint = z.object({ id: z.object({ eq: z.coerce.number().int() }).optional() }).optional();
const Scope = z.object({ constraints: Constraint }).passthrough();
/** The permissions document of a key. */
export const PermissionsSchema = z.object({ api: z.record(z.string(), Scope) });
export type Permissions = z.infer<typeof PermissionsSchema>;

/** One scoped key. */
export interface ScopedKey {
  id: number;
  name: string;
  key: string;
  permissions: Permissions;
}

/** Routes a scoped key may reach: method + path → the scope they need and the instance they touch. */
const SCOPED_ROUTES: Array<{ method: string; re: RegExp; scope: string }> = [
  { method: 'GET', re: /^\/api\/v0\/instances\/(\d+)\/?$/, scope: 'instance_read' },
  { method: 'PUT', re: /^\/api\/v0\/instances\/(\d+)\/?$/, scope: 'instance_write' },
  { method: 'DELETE', re: /^\/api\/v0\/instances\/(\d+)\/?$/, scope: 'instance_write' },
  { method: 'PUT', re: /^\/api\/v0\/instances\/reboot\/(\d+)\/?$/, scope: 'instance_write' },
  { method: 'PUT', re: /^\/api\/v0\/instances\/bid_price\/(\d+)\/?$/, scope: 'instance_write' },
];

/** Throws a 403 unless `key` may make this call. */
export function checkScope(key: ScopedKey, method: string, path: string): void {
  for (const r of SCOPED_ROUTES) {
    if (r.method !== method) continue;
    const m = path.match(r.re);
    if (!m) continue;
    const grant = key.permissions.api[r.scope];
    if (!grant) break;
    const eq = grant.constraints?.id?.eq;
    if (eq !== undefined && eq !== Number(m[1]))
      throw new ApiError(403, 'not_authorized', `This API key may not act on instance ${m[1]}.`);
    return;
  }
  throw new ApiError(403, 'not_authorized', `This API key lacks the permission for ${method} ${path}.`);
}

/** A new key's secret: deterministic per seed and id (a simulator), never the account key. */
export function scopedKeySecret(seed: number, id: number): string {
  return createHash('sha256').update(`sim-scoped-key|${seed}|${id}`).digest('hex');
}
