/**
 * Finishing what the journal left open. A provision killed (kill -9, a crash, a closed laptop) during its create,
 * its reconcile or its boot wait leaves a `provision.create` record with no `provision.end`: the rental may
 * exist. Before renting anything, a rerun (and the TUI on start) looks for each open one by its nonce — watching
 * until the create's deadline when it is not there yet — and closes it in the journal: found (and reported, or
 * adopted by a rerun of the same profile) or proven never rented. A destroy left half-done is finished too.
 */
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import type { JournalWriter } from '../journal/journal.js';
import type { JournalRecord } from '../journal/record.js';
import { inFlight, journalAppend, reconcile, withNonceTag, type CreateOptions } from './provision-create.js';

/** A provision the journal shows as unfinished. */
export interface OpenProvision {
  nonce: string;
  offerId: number | null;
  label: string;
  profile: string | null;
  /** When the last create was sent, and until when it may land (local epoch ms). */
  sentAt: number;
  deadline: number;
  /** The rental, when a create answered (or a reconcile found it) before the kill. */
  instanceId: number | null;
  /** The process that wrote it. */
  pid: number | null;
}

/** A destroy that was asked for and never confirmed. */
export interface OpenDestroy {
  instanceId: number;
  nonce: string | null;
  reason: string;
}

/** Records older than this are never reopened (a journal from another era of the account). */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

/** The unfinished provisions and destroys in journal records (oldest first). */
export function openProvisions(
  records: readonly JournalRecord[],
  now: number,
): { provisions: OpenProvision[]; destroys: OpenDestroy[] } {
  const open = new Map<string, OpenProvision>();
  const destroys = new Map<number, OpenDestroy>();
  for (const r of records) {
    if (!r.op.startsWith('provision.') || now - r.ts > MAX_AGE_MS) continue;
    const nonce = r.ids.nonce;
    if (r.op === 'provision.destroy' && r.ids.instanceId !== undefined) {
      if (r.phase === 'before')
        destroys.set(r.ids.instanceId, {
          instanceId: r.ids.instanceId,
          nonce: nonce ?? null,
          reason: String(r.details.reason ?? ''),
        });
      else destroys.delete(r.ids.instanceId);
      continue;
    }
    if (!nonce) continue;
    if (r.op === 'provision.create' && r.phase === 'before') {
      // Only records that carry a deadline are of this format; older journals have no end records.
      if (typeof r.details.deadline !== 'number') continue;
      const prev = open.get(nonce);
      open.set(nonce, {
        nonce,
        offerId: r.ids.offerId ?? null,
        label: r.ids.label ?? '',
        profile: typeof r.details.profile === 'string' ? r.details.profile : null,
        sentAt: r.ts,
        deadline: r.details.deadline,
        instanceId: prev?.instanceId ?? null,
        pid: typeof r.details.pid === 'number' ? r.details.pid : null,
      });
    } else if (r.op === 'provision.create' && r.phase === 'after' && r.ids.instanceId !== undefined) {
      const o = open.get(nonce);
      if (o) o.instanceId = r.ids.instanceId;
    } else if (r.op === 'provision.create' && r.phase === 'after' && r.details.rented === false) {
      // Proven: this attempt rented nothing (a later attempt reopens it).
      if (open.get(nonce)?.instanceId === null) open.delete(nonce);
    } else if (r.op === 'provision.end') {
      open.delete(nonce);
    }
  }
  return { provisions: [...open.values()], destroys: [...destroys.values()] };
}

/** What finishing found for one open provision. */
export type Finished =
  | { open: OpenProvision; outcome: 'found'; instance: Instance }
  | { open: OpenProvision; outcome: 'nothing-rented' }
  | { open: OpenProvision; outcome: 'gone' }
  | { open: OpenProvision; outcome: 'busy' };

/** Collaborators of finishing. */
export interface FinishDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** The journal's records (FileJournal.read()); none: nothing to finish. */
  read?: () => Promise<readonly JournalRecord[]>;
  /** Whether a process id is alive (default: signal 0); a live writer's provision is its own business. */
  alive?: (pid: number) => boolean;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes every open provision of the journal: found by nonce (the journal gets a `provision.end` naming the
 * instance), proven never rented after its deadline, or gone. Half-done destroys of this module are completed.
 * Throws (leaving the journal open) when the account cannot be listed.
 */
export async function finishOpenProvisions(
  deps: FinishDeps,
  opts: Pick<CreateOptions, 'reconcilePauseMs' | 'onWarning'> & { onWatching?: (o: OpenProvision) => void } = {},
): Promise<Finished[]> {
  const read = deps.read ?? deps.journal.read?.bind(deps.journal);
  if (!read) return [];
  const { provisions, destroys } = openProvisions(await read(), deps.now());
  if (provisions.length === 0 && destroys.length === 0) return [];
  const alive = deps.alive ?? processAlive;
  const out: Finished[] = [];
  const list = await deps.api.listInstances();
  for (const d of destroys) {
    if (!list.some((i) => i.id === d.instanceId)) {
      await journalAppend(deps.journal, {
        op: 'provision.destroy',
        phase: 'after',
        ids: { instanceId: d.instanceId, ...(d.nonce ? { nonce: d.nonce } : {}) },
        details: { reason: d.reason, recovered: true },
      });
      continue;
    }
    await deps.api.destroyInstance(d.instanceId);
    await journalAppend(deps.journal, {
      op: 'provision.destroy',
      phase: 'after',
      ids: { instanceId: d.instanceId, ...(d.nonce ? { nonce: d.nonce } : {}) },
      details: { reason: d.reason, recovered: true },
    });
  }
  for (const o of provisions) {
    if ((o.pid !== null && alive(o.pid)) || inFlight.has(o.nonce)) {
      out.push({ open: o, outcome: 'busy' });
      continue;
    }
    let found: Instance | null = withNonceTag(list, o.nonce)[0] ?? null;
    if (!found) {
      const until = o.instanceId === null ? o.deadline : 0;
      if (until > deps.now()) opts.onWatching?.(o);
      found = await reconcile(
        deps,
        o.nonce,
        { reconcileLists: 1, reconcilePauseMs: opts.reconcilePauseMs, onWarning: opts.onWarning },
        until,
      );
    }
    const ids = { nonce: o.nonce, label: o.label, ...(o.offerId !== null ? { offerId: o.offerId } : {}) };
    if (found) {
      await journalAppend(deps.journal, {
        op: 'provision.end',
        phase: 'after',
        ids: { ...ids, instanceId: found.id },
        details: { outcome: 'found', recovered: true },
      });
      out.push({ open: o, outcome: 'found', instance: found });
    } else {
      const outcome = o.instanceId === null ? 'nothing-rented' : 'gone';
      await journalAppend(deps.journal, {
        op: 'provision.end',
        phase: 'after',
        ids: { ...ids, ...(o.instanceId !== null ? { instanceId: o.instanceId } : {}) },
        details: { outcome, recovered: true },
      });
      out.push({ open: o, outcome });
    }
  }
  return out;
}

/** One line about a finished open provision, for the CLI and the TUI. */
export function describeFinished(f: Finished): string {
  const what = `an interrupted provision${f.open.profile ? ` of ${f.open.profile}` : ''} (nonce ${f.open.nonce})`;
  switch (f.outcome) {
    case 'found':
      return (
        `${what} did rent: instance ${f.instance.id} ${f.instance.label ?? ''} (${f.instance.status}, ` +
        `$${f.instance.dphTotal.toFixed(3)}/hr)`
      );
    case 'nothing-rented':
      return `${what}: nothing was rented (no instance carries its nonce after the create's deadline)`;
    case 'gone':
      return `${what}: its instance ${f.open.instanceId} no longer exists`;
    case 'busy':
      return `${what} is still running in process ${f.open.pid}; left to it`;
  }
}
