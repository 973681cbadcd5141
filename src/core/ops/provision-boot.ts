/**
 * Waiting for a new instance to boot. Vast states `exited`, `unknown` and `offline` never turn into `running`
 * (vast-api.md §4), so they end the wait at once; an instance that sits in loading past `stuckAfterMs` is
 * flagged stuck (some hosts never finish pulling an image); everything is bounded by `timeoutMs`.
 */
import { VastError } from '../vast/errors.js';
import type { VastApi } from '../vast/api.js';
import type { Instance, InstanceStatus, Offer } from '../vast/types.js';
import { offerPrice } from '../checks/estimate.js';

/** Collaborators of the boot wait. */
export interface BootDeps {
  api: VastApi;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Boot wait settings. */
export interface BootOptions {
  /** Give up after this long (default 20 min). */
  timeoutMs?: number;
  /** Flag as stuck after this long without reaching running (default 10 min). */
  stuckAfterMs?: number;
  /** Between polls (default 10 s, what Vast's docs suggest for a new instance). */
  pollMs?: number;
  onStatus?: (status: InstanceStatus, elapsedMs: number, msg: string | null) => void;
  onPollError?: (err: Error) => void;
  /** Stops the wait at once (outcome `stopped`); the instance is left as it is. Absent: the wait cannot be stopped. */
  signal?: AbortSignal;
}

/** How the wait ended. */
export type BootOutcome = 'running' | 'stuck' | 'dead' | 'timeout' | 'stopped';

const DEAD: ReadonlySet<InstanceStatus> = new Set(['exited', 'unknown', 'offline', 'stopped']);

/** Polls the instance until it runs, dies, gets stuck or the time runs out. */
export async function waitForBoot(
  deps: BootDeps,
  id: number,
  opts: BootOptions = {},
): Promise<{ outcome: BootOutcome; instance: Instance | null; elapsedMs: number }> {
  const timeoutMs = opts.timeoutMs ?? 20 * 60_000;
  const stuckAfterMs = opts.stuckAfterMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 10_000;
  const start = deps.now();
  let last: Instance | null = null;
  let lastStatus: InstanceStatus | null = null;
  const signal = opts.signal;
  const stopped = () => ({ outcome: 'stopped' as const, instance: last, elapsedMs: deps.now() - start });
  for (;;) {
    if (signal?.aborted) return stopped();
    const elapsed = deps.now() - start;
    try {
      const shown = await untilAborted(deps.api.showInstance(id), signal);
      if (shown === ABORTED) return stopped();
      last = shown;
      if (last.status !== lastStatus) {
        lastStatus = last.status;
        opts.onStatus?.(last.status, elapsed, last.statusMsg);
      }
      if (last.status === 'running') return { outcome: 'running', instance: last, elapsedMs: elapsed };
      if (DEAD.has(last.status)) return { outcome: 'dead', instance: last, elapsedMs: elapsed };
    } catch (err) {
      // A vanished instance will not come back; anything else (429, 5xx, network) is worth another poll.
      if (err instanceof VastError && err.kind === 'not_found')
        return { outcome: 'dead', instance: last, elapsedMs: elapsed };
      opts.onPollError?.(err as Error);
    }
    const after = deps.now() - start;
    if (after >= timeoutMs) return { outcome: 'timeout', instance: last, elapsedMs: after };
    if (
      after >= stuckAfterMs &&
      (lastStatus === null || lastStatus === 'loading' || lastStatus === 'created' || lastStatus === 'provisioning')
    ) {
      return { outcome: 'stuck', instance: last, elapsedMs: after };
    }
    if ((await untilAborted(deps.sleep(pollMs), signal)) === ABORTED) return stopped();
  }
}

const ABORTED = Symbol('aborted');

/** The promise's value, or ABORTED as soon as the signal fires (the promise itself is left to settle unheard). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.resolve(ABORTED);
  }
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** Billed price vs the offer's: Vast bills the bid for interruptible, the offer's GPU price otherwise, plus storage. */
export interface PriceCheck {
  expected: number;
  billed: number;
  ok: boolean;
}

/**
 * Compares what the instance is billed with what the offer (or bid) promised; 5 % + half a cent of slack for rounding.
 */
export function checkBilledPrice(instance: Instance, offer: Offer, diskGb: number, bid: number | null): PriceCheck {
  const storage = offer.storageCostGbMonth === null ? null : (offer.storageCostGbMonth * diskGb) / 720;
  let expected: number;
  if (bid !== null) expected = bid + (storage ?? 0);
  else expected = storage === null ? offer.dphTotal : offerPrice(offer, diskGb);
  const billed = instance.dphTotal;
  return { expected, billed, ok: billed <= expected * 1.05 + 0.005 };
}
