/**
 * The one step of provisioning that can rent twice: create is not idempotent, and any failure — a 429, a 4xx,
 * a 5xx, a timeout, a dropped connection — may come after Vast already rented. So after every failure we
 * RECONCILE — list the account's instances and look for our nonce — before anything else, and we never retry
 * when we could not list. A create whose answer never came (timeout, drop) may still be held by the network:
 * until its deadline has passed it is "unknown — watching", and only a listing after the deadline proves that
 * nothing was rented. Every attempt is journaled before and after; the journal stays open while it is unknown.
 */
import { VastError } from '../vast/errors.js';
import type { VastApi } from '../vast/api.js';
import type { CreateRequest, Instance, Offer } from '../vast/types.js';
import type { JournalInput, JournalRecord } from '../journal/record.js';
import type { JournalWriter } from '../journal/journal.js';
import { instanceNonce } from '../profiles/label.js';
import { ProvisionError } from './provision-request.js';

/** Collaborators of the create step. */
export interface CreateDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Default time a create may still land after it was sent (a request held by a slow network). */
export const CREATE_DEADLINE_MS = 180_000;

/** Settings of the create step. */
export interface CreateOptions {
  /** Create calls at most, reconciles between them (default 3). */
  attempts?: number;
  /** Lists per reconcile (default 3): a create whose answer was lost may show up a little later. */
  reconcileLists?: number;
  /** Pause between those lists and before a retry, ms (default 5000). */
  reconcilePauseMs?: number;
  /** How long after it was sent a create with no answer may still land, ms (default 180 s). */
  deadlineMs?: number;
  /**
   * A stop (a migration's x or Ctrl-C): once it has fired no attempt is journaled or sent. An attempt already sent
   * is seen through, so what it rented is journaled.
   */
  signal?: AbortSignal;
  /** Extra details for the journal's create records (the profile name). */
  journalDetails?: Record<string, unknown>;
  onFailed?: (e: { attempt: number; ambiguous: boolean; message: string }) => void;
  /** `final`: this reconcile proved the answer (found, or nothing rented after the deadline). */
  onReconcile?: (e: { attempt: number; found: number | null; final: boolean }) => void;
  /** The create's fate is unknown until `until` (epoch ms on the local clock): watching for it. */
  onWatching?: (e: { attempt: number; until: number; nonce: string }) => void;
  onWarning?: (message: string) => void;
}

/**
 * How a failed create is read: `taken`/`refused` when the server answered that it did not rent (410/404, 400/401),
 * `answered` for other answers (429, 5xx, a broken body), `no-answer` for a timeout or a drop. Every one of them is
 * reconciled first: an answer may come after the server acted.
 */
export function classifyCreateError(err: unknown): 'taken' | 'refused' | 'answered' | 'no-answer' {
  if (!(err instanceof VastError)) return 'no-answer';
  if (err.kind === 'not_found') return 'taken';
  if (err.kind === 'bad_request' || err.kind === 'auth') return 'refused';
  if (err.kind === 'network') return 'no-answer';
  return 'answered';
}

/** Our nonce on an instance: the VASTDECK_NONCE env entry, or (older rentals) the label's #nonce tag. */
export function nonceOf(inst: Instance): string | null {
  return instanceNonce(inst);
}

/** The instances carrying this nonce, lowest id first. */
export function withNonceTag(list: readonly Instance[], nonce: string): Instance[] {
  return list.filter((i) => nonceOf(i) === nonce).sort((a, b) => a.id - b.id);
}

/** A journal write that failed: the disk is full, the state dir unwritable. */
export class JournalWriteError extends Error {
  constructor(readonly cause: unknown) {
    super(`the journal could not be written (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'JournalWriteError';
  }
}

/** Appends to the journal; a failure becomes a JournalWriteError so callers can say what it left undone. */
export async function journalAppend(journal: JournalWriter, rec: JournalInput): Promise<JournalRecord> {
  try {
    return await journal.append(rec);
  } catch (err) {
    throw new JournalWriteError(err);
  }
}

/** The error for a rental the journal could not record: what was rented, and how to destroy it. */
export function unjournaledRental(instanceId: number, label: string, dph: number, err: unknown): ProvisionError {
  const why =
    err instanceof JournalWriteError
      ? err.message
      : `the journal could not be written (${(err as Error)?.message ?? String(err)})`;
  return new ProvisionError(
    'journal',
    `instance ${instanceId} (${label || 'no label'}, $${dph.toFixed(3)}/hr) was rented and is billing, but ${why}; ` +
      (`destroy it with \`vastdeck destroy ${instanceId}\` if you do not want it, and free space for the ` +
        `journal before renting again`),
  );
}

/** One listing for our nonce; null when listing failed (reported as a warning). */
async function look(deps: CreateDeps, nonce: string, opts: CreateOptions): Promise<{ found: Instance | null } | null> {
  try {
    return { found: withNonceTag(await deps.api.listInstances(), nonce)[0] ?? null };
  } catch (err) {
    opts.onWarning?.(`listing instances to reconcile failed: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Looks for our rental by nonce over a few lists and, while `until` (local epoch ms) is in the future, keeps
 * watching with growing pauses. Null only when a listing after `until` showed nothing; throws when no listing
 * could be made at all.
 */
export async function reconcile(
  deps: CreateDeps,
  nonce: string,
  opts: CreateOptions,
  until = 0,
): Promise<Instance | null> {
  const lists = Math.max(1, opts.reconcileLists ?? 3);
  const basePause = opts.reconcilePauseMs ?? 5000;
  let listedAfterDeadline = false;
  let pause = basePause;
  for (let i = 0; ; i++) {
    const at = deps.now();
    const r = await look(deps, nonce, opts);
    if (r?.found) return r.found;
    if (r && at >= until) listedAfterDeadline = true;
    if (i >= lists - 1 && listedAfterDeadline) break;
    // Past the deadline and the listings keep failing: give up, saying it is unknown.
    if (i >= lists + 2 && deps.now() >= until) break;
    if (i >= lists - 1) pause = Math.min(30_000, pause * 2);
    const left = until - deps.now();
    await deps.sleep(left > 0 ? Math.min(pause, left) : basePause);
  }
  if (!listedAfterDeadline) {
    throw new ProvisionError(
      'unconfirmed',
      `could not list instances to check whether the create went through; it is unknown whether anything was ` +
        `rented: look for nonce ${nonce} with \`vastdeck instances\` (or rerun provision, which finishes this ` +
        `check first)`,
    );
  }
  return null;
}

/** Nonces whose provision is running in this process (the TUI's keeper and offer browser share one journal). */
export const inFlight = new Set<string>();

/** Creates one instance on `offer` and returns its id; never leaves two rentals behind for one call. */
export async function createReconciled(
  deps: CreateDeps,
  offer: Offer,
  req: CreateRequest,
  masked: CreateRequest,
  nonce: string,
  opts: CreateOptions = {},
): Promise<{ instanceId: number; reconciled: boolean }> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const deadlineMs = opts.deadlineMs ?? CREATE_DEADLINE_MS;
  const ids = { offerId: offer.id, nonce, label: req.label ?? undefined };
  const dph = req.price ?? offer.dphTotal;
  // What the rental is and costs (the bid when interruptible): `vastdeck journal` prices each rental from it.
  const rate = { dph, gpu: `${offer.numGpus}× ${offer.gpuName}` };
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new Error(`stopped before renting: ${String(opts.signal.reason ?? 'stopped')}`);
    const sentAt = deps.now();
    const deadline = sentAt + deadlineMs;
    // Nothing is sent unless this record is on disk: a failure here rents nothing.
    await journalAppend(deps.journal, {
      op: 'provision.create',
      phase: 'before',
      ids,
      details: { ...opts.journalDetails, attempt, deadline, pid: process.pid, request: masked },
    });
    let failure: unknown;
    try {
      const { instanceId } = await deps.api.createInstance(offer.id, req);
      try {
        await journalAppend(deps.journal, {
          op: 'provision.create',
          phase: 'after',
          ids: { ...ids, instanceId },
          details: { attempt, ...rate },
        });
      } catch (err) {
        throw unjournaledRental(instanceId, req.label ?? '', dph, err);
      }
      return { instanceId, reconciled: false };
    } catch (err) {
      if (err instanceof ProvisionError) throw err;
      failure = err;
    }
    const kind = classifyCreateError(failure);
    const message = (failure as Error).message;
    const status = failure instanceof VastError ? failure.status : undefined;
    // A journal that cannot be written must not stop the reconcile: what was rented still has to be found.
    let journalError: unknown = null;
    await journalAppend(deps.journal, {
      op: 'provision.create',
      phase: 'error',
      ids,
      details: { attempt, kind, status, message },
    }).catch((e) => (journalError = e));
    opts.onFailed?.({ attempt, ambiguous: true, message });
    // No answer: the request may still be on its way. Watch until its deadline before saying anything.
    const until = kind === 'no-answer' ? deadline : 0;
    if (until > deps.now()) opts.onWatching?.({ attempt, until, nonce });
    const found = await reconcile(deps, nonce, opts, until);
    opts.onReconcile?.({ attempt, found: found?.id ?? null, final: true });
    if (found) {
      if (journalError)
        throw unjournaledRental(found.id, found.label ?? req.label ?? '', found.dphTotal || dph, journalError);
      try {
        await journalAppend(deps.journal, {
          op: 'provision.create',
          phase: 'after',
          ids: { ...ids, instanceId: found.id },
          details: { attempt, reconciled: true, ...rate },
        });
      } catch (err) {
        throw unjournaledRental(found.id, found.label ?? req.label ?? '', found.dphTotal || dph, err);
      }
      return { instanceId: found.id, reconciled: true };
    }
    // Proven: nothing was rented by this attempt. Close it in the journal.
    await journalAppend(deps.journal, {
      op: 'provision.create',
      phase: 'after',
      ids,
      details: { attempt, rented: false },
    }).catch((e) => (journalError ??= e));
    if (journalError)
      throw new ProvisionError(
        'journal',
        `${new JournalWriteError((journalError as JournalWriteError).cause ?? journalError).message}; nothing ` +
          `was rented (no instance carries nonce ${nonce}): free space for the journal before renting again`,
      );
    if (kind === 'taken' || kind === 'refused') throw refusal(kind, offer, message);
    if (attempt >= attempts) {
      throw new ProvisionError(
        'unconfirmed',
        `create on offer ${offer.id} failed ${attempt} times (last: ${message}); no instance with nonce ` +
          `${nonce} exists after the create's deadline, so nothing was rented`,
      );
    }
    await deps.sleep(opts.reconcilePauseMs ?? 5000);
  }
}

function refusal(kind: 'taken' | 'refused', offer: Offer, message: string): ProvisionError {
  if (kind === 'taken')
    return new ProvisionError(
      'offer_taken',
      `offer ${offer.id} is no longer available (someone else rented it); pick another offer or use --best`,
    );
  return new ProvisionError('refused', `Vast refused to rent offer ${offer.id}: ${message}`);
}
