/**
 * What the journal says happened, for `vastdeck journal`: rentals, destroys and migrations in time order, and what
 * each rental cost while it was held (the $/hr at rental × the hours between its rental and its destroy, or now).
 * It reads only the journal, so it works offline; Vast's own charges are what `vastdeck cost` reads.
 */
import type { JournalRecord } from './record.js';

/** One thing that happened. */
export interface JournalEvent {
  ts: number;
  kind: 'rented' | 'destroyed' | 'migrated' | 'migration-aborted' | 'rent-failed' | 'destroy-failed';
  instanceId: number | null;
  label: string | null;
  /** Plain text: the reason, the offer, the other instance of a migration. */
  detail: string;
}

/** One rental as the journal knows it. */
export interface JournalRental {
  instanceId: number;
  label: string | null;
  gpu: string | null;
  offerId: number | null;
  rentedAt: number;
  destroyedAt: number | null;
  /** $/hr at rental (null for records written before vastdeck recorded it). */
  dph: number | null;
  /** Cost inside the window asked for; null when the rate is unknown. */
  cost: number | null;
}

/** The summary. */
export interface JournalSummary {
  since: number;
  until: number;
  events: JournalEvent[];
  rentals: JournalRental[];
  /** Sum of the known rental costs in the window. */
  cost: number;
  /** Rentals in the window whose rate the journal does not have. */
  unknownRate: number;
}

const DESTROY_OPS = new Set(['destroy', 'provision.destroy', 'migrate.replace', 'migrate.duplicate']);

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Summarises `records` for the window [since, now]. */
export function summarizeJournal(records: readonly JournalRecord[], since: number, now: number): JournalSummary {
  const sorted = [...records].sort((a, b) => a.ts - b.ts);
  const events: JournalEvent[] = [];
  const rentals = new Map<number, JournalRental>();
  const labels = new Map<number, string>();
  const migrationSource = new Map<string, number>();
  for (const r of sorted) {
    const id = r.ids.instanceId ?? null;
    if (id !== null && r.ids.label) labels.set(id, r.ids.label);
    const label = id !== null ? (labels.get(id) ?? null) : (r.ids.label ?? null);
    const push = (kind: JournalEvent['kind'], detail: string, instanceId = id, lbl = label) =>
      events.push({ ts: r.ts, kind, instanceId, label: lbl, detail });
    if (r.op === 'provision.create' && r.phase === 'after' && id !== null && !rentals.has(id)) {
      const dph = numOrNull(r.details.dph);
      const gpu = str(r.details.gpu);
      rentals.set(id, {
        instanceId: id,
        label,
        gpu,
        offerId: r.ids.offerId ?? null,
        rentedAt: r.ts,
        destroyedAt: null,
        dph,
        cost: null,
      });
      const parts = [
        gpu,
        dph !== null ? `$${dph.toFixed(3)}/hr` : null,
        r.ids.offerId ? `offer ${r.ids.offerId}` : null,
        r.details.reconciled ? 'found again after a lost answer' : null,
      ];
      push('rented', parts.filter(Boolean).join(', '));
    } else if (r.op === 'provision.create' && r.phase === 'error') {
      push('rent-failed', `offer ${r.ids.offerId ?? '?'}: ${str(r.details.message) ?? 'failed'}`);
    } else if (DESTROY_OPS.has(r.op) && r.phase === 'after' && id !== null) {
      if (r.op === 'destroy' && r.details.confirmedGone === false) continue;
      const rental = rentals.get(id);
      if (rental && rental.destroyedAt === null) rental.destroyedAt = r.ts;
      const why =
        r.op === 'destroy'
          ? r.details.forced
            ? 'forced'
            : ''
          : r.op === 'provision.destroy'
            ? (str(r.details.reason) ?? 'provision')
            : r.op === 'migrate.replace'
              ? `migration target ${str(r.details.outcome) ?? 'replaced'}`
              : 'duplicate rental';
      const held = rental ? `held ${heldFor(rental.rentedAt, r.ts)}` : '';
      push('destroyed', [why, held].filter(Boolean).join(', '));
    } else if (r.op === 'destroy' && r.phase === 'error') {
      push('destroy-failed', str(r.details.message) ?? 'failed');
    } else if (r.op === 'migrate' && r.phase === 'before' && r.ids.runId && id !== null) {
      migrationSource.set(r.ids.runId, id);
    } else if (r.op === 'migrate' && r.phase === 'after') {
      const state = (r.details.state ?? {}) as Record<string, unknown>;
      const source = r.ids.runId ? (migrationSource.get(r.ids.runId) ?? null) : null;
      const target = numOrNull(state.targetId);
      if (r.details.aborted)
        push(
          'migration-aborted',
          `run ${r.ids.runId ?? '?'}${target !== null ? `; target ${target} left rented` : ''}`,
          source,
          source !== null ? (labels.get(source) ?? null) : null,
        );
      else {
        const step = numOrNull(state.verifiedStep);
        push(
          'migrated',
          `${source ?? '?'} → ${target ?? '?'}${step !== null ? `, resumed at step ${step}` : ''} (run ` +
            `${r.ids.runId ?? '?'})`,
          source,
          source !== null ? (labels.get(source) ?? null) : null,
        );
      }
    }
  }
  let cost = 0;
  let unknownRate = 0;
  const inWindow: JournalRental[] = [];
  for (const rental of rentals.values()) {
    const label = labels.get(rental.instanceId) ?? rental.label;
    const from = Math.max(rental.rentedAt, since);
    const to = Math.min(rental.destroyedAt ?? now, now);
    if (to < from) continue;
    const c = rental.dph !== null ? (rental.dph * (to - from)) / 3_600_000 : null;
    if (c === null) unknownRate++;
    else cost += c;
    inWindow.push({ ...rental, label, cost: c });
  }
  return {
    since,
    until: now,
    events: events.filter((e) => e.ts >= since && e.ts <= now),
    rentals: inWindow,
    cost,
    unknownRate,
  };
}

function heldFor(from: number, to: number): string {
  const min = Math.max(0, Math.round((to - from) / 60_000));
  const h = Math.floor(min / 60);
  return h > 0 ? `${h}h${String(min % 60).padStart(2, '0')}m` : `${min}m`;
}
