/**
 * Where each rental's lifecycle rules are kept: `provision` appends a `lifecycle.rules` record (instance id,
 * label, run id, profile name, the effective rules after flags); enforcers read them back by instance id, so a
 * rule set at rental time (e.g. --auto-shutdown) is honoured by an autopilot started days later elsewhere.
 */
import type { JournalRecord } from '../journal/record.js';
import type { JournalWriter } from '../journal/journal.js';
import { rulesFromRecord, type LifecycleRules } from './rules.js';

/** What the journal says about one rental. */
export interface RentalRules {
  instanceId: number;
  label: string | null;
  runId: string | null;
  profile: string | null;
  rules: LifecycleRules;
}

/** Appends the rules of a new rental. */
export async function recordRules(journal: JournalWriter, r: RentalRules): Promise<void> {
  await journal.append({
    op: 'lifecycle.rules',
    phase: 'after',
    ids: { instanceId: r.instanceId, ...(r.label ? { label: r.label } : {}), ...(r.runId ? { runId: r.runId } : {}) },
    details: { profile: r.profile, rules: r.rules },
  });
}

/** The newest rules recorded per instance id (later records win: a re-rented run or edited rules). */
export function rulesByInstance(records: readonly JournalRecord[]): Map<number, RentalRules> {
  const out = new Map<number, RentalRules>();
  for (const rec of records) {
    if (rec.op !== 'lifecycle.rules' || rec.ids.instanceId === undefined) continue;
    const rules = rulesFromRecord(rec.details.rules);
    if (!rules) continue;
    const profile = typeof rec.details.profile === 'string' ? rec.details.profile : null;
    out.set(rec.ids.instanceId, {
      instanceId: rec.ids.instanceId,
      label: rec.ids.label ?? null,
      runId: rec.ids.runId ?? null,
      profile,
      rules,
    });
  }
  return out;
}
