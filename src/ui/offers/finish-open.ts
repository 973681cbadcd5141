/**
 * The TUI on start finishes what an interrupted provision left open in the journal (core's
 * finishOpenProvisions: found by nonce, or proven never rented after its deadline) and says what it found in the
 * footer. Loaded after the first frame; read-only mode rents nothing and leaves the journal alone.
 */
import { useEffect } from 'react';
import type { OffersDeps } from './deps.js';
import { sanitizeLine } from '../../core/util/sanitize.js';

/** Runs once per mount. */
export function useFinishOpen(
  deps: OffersDeps | undefined,
  readOnly: boolean,
  say: (m: { text: string; level: 'info' | 'error' }) => void,
): void {
  useEffect(() => {
    if (!deps || readOnly) return;
    let live = true;
    void import('../../core/ops/provision-recover.js')
      .then(({ finishOpenProvisions, describeFinished }) =>
        finishOpenProvisions(deps, {
          onWatching: (o) =>
            live &&
            say({
              text: sanitizeLine(
                `an interrupted provision (nonce ${o.nonce}): unknown — watching for it until ` +
                  `${new Date(o.deadline).toISOString().slice(11, 19)} UTC`,
              ),
              level: 'info',
            }),
        }).then((done) => {
          const lines = done.filter((f) => f.outcome !== 'busy').map(describeFinished);
          if (live && lines.length)
            say({
              text: sanitizeLine(lines.join('; ')),
              level: done.some((f) => f.outcome === 'found') ? 'error' : 'info',
            });
        }),
      )
      .catch(
        (err: unknown) =>
          live &&
          say({
            text: sanitizeLine(`could not finish an interrupted provision: ${(err as Error)?.message ?? String(err)}`),
            level: 'error',
          }),
      );
    return () => {
      live = false;
    };
  }, [deps, readOnly]);
}
