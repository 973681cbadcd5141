/**
 * The one step of provisioning that can rent twice: create is not idempotent, and a timeout, a dropped
 * connection or a 5xx may come after Vast already rented. So after any such failure we RECONCILE — list the
 * account's instances and look for our label's nonce — before any retry, and we never retry when we could not
 * list. Every attempt is journaled before and after.
 */
import { VastError } from '../vast/errors.js';
import type { VastApi } from '../vast/api.js';
import type { CreateRequest, Instance, Offer } from '../vast/types.js';
import type { JournalWriter } from '../journal/journal.js';
import { splitNonce } from '../profiles/label.js';
import { ProvisionError } from './provision-request.js';

/** Collaborators of the create step. */
export interface CreateDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
}

/** Settings of the create step. */
export interface CreateOptions {
  /** Create calls at most, reconciles between them (default 3). */
  attempts?: number;
  /** Lists per reconcile (default 3): a create whose answer was lost may show up a little later. */
  reconcileLists?: number;
  /** Pause between those lists and before a retry, ms (default 5000). */
  reconcilePauseMs?: number;
  onFailed?: (e: { attempt: number; ambiguous: boolean; message: string }) => void;
  onReconcile?: (e: { attempt: number; found: number | null }) => void;
  onWarning?: (message: string) => void;
}

/** How a failed create is read: the server surely did not rent (taken, refused), or it may have (ambiguous). */
export function classifyCreateError(err: unknown): 'taken' | 'refused' | 'ambiguous' {
  if (!(err instanceof VastError)) return 'ambiguous';
  if (err.kind === 'not_found') return 'taken';
  if (err.kind === 'bad_request' || err.kind === 'auth') return 'refused';
  // network, server (5xx), malformed, rate_limited: the request may have been handled before the failure.
  return 'ambiguous';
}

/** The instances carrying this nonce, lowest id first. */
export function withNonceTag(list: readonly Instance[], nonce: string): Instance[] {
  return list.filter((i) => splitNonce(i.label).nonce === nonce).sort((a, b) => a.id - b.id);
}

/** Looks for our rental by nonce over a few lists. Null when every list succeeded and none showed it; throws when none could be made. */
export async function reconcile(deps: CreateDeps, nonce: string, opts: CreateOptions): Promise<Instance | null> {
  const lists = Math.max(1, opts.reconcileLists ?? 3);
  let listed = false;
  let lastErr = '';
  for (let i = 0; i < lists; i++) {
    try {
      const mine = withNonceTag(await deps.api.listInstances(), nonce);
      listed = true;
      if (mine[0]) return mine[0];
    } catch (err) {
      lastErr = (err as Error).message;
      opts.onWarning?.(`listing instances to reconcile failed: ${lastErr}`);
    }
    if (i < lists - 1) await deps.sleep(opts.reconcilePauseMs ?? 5000);
  }
  if (!listed) {
    throw new ProvisionError('unconfirmed', `could not list instances to check whether the create went through (${lastErr}); look for nonce ${nonce} with \`vastdeck instances\` before trying again`);
  }
  return null;
}

/** Creates one instance on `offer` and returns its id; never leaves two rentals behind for one call. */
export async function createReconciled(deps: CreateDeps, offer: Offer, req: CreateRequest, masked: CreateRequest, nonce: string, opts: CreateOptions = {}): Promise<{ instanceId: number; reconciled: boolean }> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const ids = { offerId: offer.id, nonce, label: req.label ?? undefined };
  // What the rental is and costs (the bid when interruptible): `vastdeck journal` prices each rental from it.
  const rate = { dph: req.price ?? offer.dphTotal, gpu: `${offer.numGpus}× ${offer.gpuName}` };
  let ambiguousBefore = false;
  for (let attempt = 1; ; attempt++) {
    await deps.journal.append({ op: 'provision.create', phase: 'before', ids, details: { attempt, request: masked } });
    let failure: unknown;
    try {
      const { instanceId } = await deps.api.createInstance(offer.id, req);
      await deps.journal.append({ op: 'provision.create', phase: 'after', ids: { ...ids, instanceId }, details: { attempt, ...rate } });
      return { instanceId, reconciled: false };
    } catch (err) {
      failure = err;
    }
    const kind = classifyCreateError(failure);
    const message = (failure as Error).message;
    const status = failure instanceof VastError ? failure.status : undefined;
    await deps.journal.append({ op: 'provision.create', phase: 'error', ids, details: { attempt, kind, status, message } });
    opts.onFailed?.({ attempt, ambiguous: kind === 'ambiguous', message });
    // A clean refusal of a first attempt means nothing was rented: no need to look.
    if (kind !== 'ambiguous' && !ambiguousBefore) throw refusal(kind, offer, message);
    ambiguousBefore = true;
    const found = await reconcile(deps, nonce, opts);
    opts.onReconcile?.({ attempt, found: found?.id ?? null });
    if (found) {
      await deps.journal.append({ op: 'provision.create', phase: 'after', ids: { ...ids, instanceId: found.id }, details: { attempt, reconciled: true, ...rate } });
      return { instanceId: found.id, reconciled: true };
    }
    if (kind !== 'ambiguous') throw refusal(kind, offer, message);
    if (attempt >= attempts) {
      throw new ProvisionError('unconfirmed', `create on offer ${offer.id} failed ${attempt} times (last: ${message}); no instance with nonce ${nonce} exists, so nothing was rented`);
    }
    await deps.sleep(opts.reconcilePauseMs ?? 5000);
  }
}

function refusal(kind: 'taken' | 'refused', offer: Offer, message: string): ProvisionError {
  if (kind === 'taken') return new ProvisionError('offer_taken', `offer ${offer.id} is no longer available (someone else rented it); pick another offer or use --best`);
  return new ProvisionError('refused', `Vast refused to rent offer ${offer.id}: ${message}`);
}
