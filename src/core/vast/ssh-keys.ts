/**
 * Vast's SSH key routes (vast-api.md §7, as vast-cli calls them): the account's keys at `/api/v0/ssh/` (GET a
 * bare array; POST `{"ssh_key"}`), and the keys of one instance at `/api/v0/instances/{id}/ssh/` (GET answers
 * `{"ssh_keys":"<JSON string>"}`, decoded twice; POST `{"ssh_key"}` attaches one).
 */
import '../util/zod-english.js';
import * as z from 'zod/mini';
import { sanitizeLine } from '../util/sanitize.js';
import { lazy } from '../util/lazy.js';

/** A key registered on the account. */
export interface AccountSshKey {
  id: number;
  /** The OpenSSH public key line. */
  key: string;
}

const WireKey = lazy(() =>
  z.looseObject({
    id: z.number(),
    key: z.optional(z.string()),
    public_key: z.optional(z.string()),
    ssh_key: z.optional(z.string()),
  }),
);

/** `GET /api/v0/ssh/`: a bare array (some answers wrap it in `{ssh_keys:[…]}` or `{keys:[…]}`). */
export const AccountKeysResponse = lazy(() =>
  z.union([
    z.array(WireKey),
    z.pipe(
      z.looseObject({ ssh_keys: z.array(WireKey) }),
      z.transform((o) => o.ssh_keys),
    ),
    z.pipe(
      z.looseObject({ keys: z.array(WireKey) }),
      z.transform((o) => o.keys),
    ),
  ]),
);

/** `POST /api/v0/ssh/`: `{success, key:{id, public_key, …}}`. */
export const CreateKeyResponse = lazy(() => z.looseObject({ key: z.optional(WireKey) }));

/** `GET /api/v0/instances/{id}/ssh/`: ssh_keys is a JSON string (or, defensively, the list itself). */
export const InstanceKeysResponse = lazy(() =>
  z.looseObject({ ssh_keys: z.union([z.string(), z.array(z.unknown())]) }),
);

/** A wire key row as an AccountSshKey (text sanitized: it is printed). */
export function keyFromWire(k: z.infer<typeof WireKey>): AccountSshKey {
  return { id: k.id, key: sanitizeLine(k.public_key ?? k.key ?? k.ssh_key ?? '') };
}

/** The instance's key rows from the GET answer; throws on a string that is not a JSON list of keys. */
export function instanceKeysFromWire(body: z.infer<typeof InstanceKeysResponse>): AccountSshKey[] {
  const raw = typeof body.ssh_keys === 'string' ? (JSON.parse(body.ssh_keys || '[]') as unknown) : body.ssh_keys;
  const rows = z.array(WireKey).parse(raw);
  return rows.map(keyFromWire);
}

export { sameKey } from '../ssh/key-text.js';
