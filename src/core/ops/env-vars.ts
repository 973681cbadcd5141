/**
 * Vast account env vars ("secrets", vast-api.md §8). Values come back from Vast in clear text; nothing here
 * returns them: listing gives names with the value masked. `set` chooses create or update by whether the key
 * already exists, since Vast answers create with `existing_key` and update with `nonexistent_key` otherwise.
 */
import type { VastApi } from '../vast/api.js';
import { MASK } from '../journal/record.js';

/** Vast's key pattern; keys are upper-cased on the server. */
const KEY = /^[A-Za-z_]\w*$/;

/** An env var problem the user can fix (bad key, missing value, unknown key). */
export class EnvVarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvVarError';
  }
}

/** Checks a key and returns it as Vast stores it (upper case). */
export function normaliseKey(key: string): string {
  if (!KEY.test(key))
    throw new EnvVarError(`env var name "${key}" is not valid: letters, digits and _, not starting with a digit`);
  return key.toUpperCase();
}

/** Every account env var, sorted, value masked as *****. */
export async function listEnvVarsMasked(api: VastApi): Promise<Array<{ key: string; value: string }>> {
  const all = await api.listEnvVars();
  return Object.keys(all)
    .sort()
    .map((key) => ({ key, value: MASK }));
}

/** Sets KEY to value: create when it does not exist, update when it does. Returns which one happened. */
export async function setEnvVar(api: VastApi, key: string, value: string): Promise<'created' | 'updated'> {
  const k = normaliseKey(key);
  if (value.length === 0) throw new EnvVarError(`no value for ${k}: pipe it on stdin or use --from-env NAME`);
  if (value.length > 256)
    throw new EnvVarError(`value for ${k} is ${value.length} characters; Vast accepts at most 256`);
  const exists = Object.keys(await api.listEnvVars()).some((x) => x.toUpperCase() === k);
  if (exists) await api.updateEnvVar(k, value);
  else await api.createEnvVar(k, value);
  return exists ? 'updated' : 'created';
}

/** Removes KEY; an unknown key is an error naming it. */
export async function removeEnvVar(api: VastApi, key: string): Promise<void> {
  const k = normaliseKey(key);
  const exists = Object.keys(await api.listEnvVars()).some((x) => x.toUpperCase() === k);
  if (!exists) throw new EnvVarError(`the Vast account has no env var ${k}`);
  await api.deleteEnvVar(k);
}
