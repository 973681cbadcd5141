/**
 * The account's SSH keys (`vastai show ssh-keys`, `create ssh-key`, `update ssh-key`, `delete ssh-key`): GET returns
 * a bare array, POST `{"ssh_key"}` returns `{success, key}`. A new instance starts with the keys the account has
 * then; a key added later reaches running instances only through attach (`POST /api/v0/instances/{id}/ssh/`).
 */
import * as z from 'zod';
import { ApiError, ok } from '../http.js';
import type { World } from '../world.js';
import type { Route } from './types.js';
import { sameKey } from '../../core/ssh/key-text.js';

const USER_ID = 424242;
const MAX_KEYS = 50;
const KeyBody = z.object({ ssh_key: z.string().min(1) });

/** The key text from a body, as the CLI checks it: public, starting with "ssh". */
function keyOf(raw: unknown): string {
  const r = KeyBody.safeParse(raw);
  if (!r.success) throw new ApiError(400, 'invalid_args', 'ssh_key: a public key string is required');
  const key = r.data.ssh_key.trim();
  if (key.includes('PRIVATE KEY'))
    throw new ApiError(400, 'invalid_args', 'ssh_key: that is a private key; send the public one');
  if (!/^ssh-\S+ [A-Za-z0-9+/=]+(\s.*)?$/.test(key) || key.includes('\n'))
    throw new ApiError(400, 'invalid_args', 'ssh_key: expected one OpenSSH public key line starting with "ssh-"');
  return key;
}

function row(k: World['accountKeys'][number]) {
  return {
    id: k.id,
    user_id: USER_ID,
    key: k.key,
    public_key: k.key,
    created_at: new Date(k.createdAt * 1000).toISOString(),
    deleted_at: null,
  };
}

function find(world: World, id: number) {
  const k = world.accountKeys.find((x) => x.id === id);
  if (!k) throw new ApiError(404, 'not_found', `SSH key ${id} not found.`);
  return k;
}

/** The /api/v0/ssh/ routes. */
export const sshKeyRoutes: Route[] = [
  { method: 'GET', re: /^\/api\/v0\/ssh\/?$/, handler: (ctx) => ok(ctx.world.accountKeys.map(row)) },
  {
    method: 'POST',
    re: /^\/api\/v0\/ssh\/?$/,
    handler: (ctx) => {
      const key = keyOf(ctx.body);
      const w = ctx.world;
      if (w.accountKeys.some((k) => sameKey(k.key, key)))
        throw new ApiError(400, 'duplicate_key', 'This SSH key is already on your account.');
      if (w.accountKeys.length >= MAX_KEYS) throw new ApiError(400, 'max_keys', `At most ${MAX_KEYS} SSH keys.`);
      return ok({ success: true, key: row(w.addAccountKey(key)) });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/ssh\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const k = find(ctx.world, Number(m[1]));
      k.key = keyOf(ctx.body);
      ctx.world.dirty = true;
      return ok({ success: true, key: row(k) });
    },
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/ssh\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const k = find(ctx.world, Number(m[1]));
      ctx.world.accountKeys = ctx.world.accountKeys.filter((x) => x !== k);
      ctx.world.dirty = true;
      return ok({ success: true, msg: `SSH key ${k.id} deleted.` });
    },
  },
];
