/**
 * The bootstrap condition checked before the keeper launches anything: the weights a new worker starts from
 * must already be in the profile's checkpoint store. Launching workers that would all fail to find them only
 * burns money in a loop, so the keeper refuses with a message that says what is missing and where.
 */
import type { CheckpointStoreReader } from '../checkpoints/types.js';

/** The verdict; `message` is one line for the terminal and the journal. */
export interface BootstrapCheck {
  ok: boolean;
  message: string;
  /** Newest step found in the store, when any. */
  step?: number;
}

/** Checks that `store` holds at least one checkpoint. A profile without a store has no condition to check. */
export async function checkBootstrap(store: CheckpointStoreReader | null): Promise<BootstrapCheck> {
  if (!store) return { ok: true, message: 'the profile names no checkpoint store: no bootstrap condition to check' };
  let steps: number[];
  try {
    steps = (await store.list()).map((c) => c.step);
  } catch (err) {
    return { ok: false, message: `cannot check the bootstrap weights in ${store.where}: ${(err as Error).message}` };
  }
  if (steps.length === 0) {
    return {
      ok: false,
      message: `no weights in ${store.where}: upload the starting checkpoint there before launching workers`,
    };
  }
  const step = Math.max(...steps);
  return { ok: true, message: `bootstrap weights found in ${store.where} (newest step ${step})`, step };
}
