/**
 * The run id binds a checkpoint to the run that made it. Provisioning gives every rental one, derived from its
 * nonce ("vd-k3f9a2c1"), in the instance env as VASTDECK_RUN_ID; the run's uploads name it (the Hub commit
 * message "… vastdeck-run=ID", or a .vastdeck-run file for rsync and command stores). Being derived from the
 * nonce, it is found again from the instance's nonce (listed back by the API) or from the journal's provision
 * records (ids.nonce), also for a rental made on another machine.
 */
import { instanceNonce } from '../profiles/label.js';
import type { JournalRecord } from '../journal/record.js';
import type { Instance } from '../vast/types.js';

/** The env var that carries the run id on the instance. */
export const RUN_ID_ENV = 'VASTDECK_RUN_ID';

/** The run id of a rental with this nonce. */
export function runIdFromNonce(nonce: string): string {
  return `vd-${nonce}`;
}

/**
 * An instance's run id: from the journal's provision records, else from its nonce (VASTDECK_NONCE env entry, or an
 * older rental's label tag); null when none.
 */
export function runIdOfInstance(
  inst: Pick<Instance, 'id' | 'label'> & { nonce?: string | null },
  records: readonly JournalRecord[] = [],
): string | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.ids.instanceId !== inst.id || !r.op.startsWith('provision')) continue;
    if (typeof r.details.trainRunId === 'string') return r.details.trainRunId;
    if (r.ids.nonce) return runIdFromNonce(r.ids.nonce);
  }
  // The nonce travels in the instance env (VASTDECK_NONCE); rentals made before that carry it in the label.
  const nonce = instanceNonce(inst);
  return nonce ? runIdFromNonce(nonce) : null;
}
