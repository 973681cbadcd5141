/** Every view at 200×50, 80×24 and 60×20: nothing wider or taller than the terminal; ID, quit and help survive. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { mountOffers } from './offers-harness.js';
import { KEY } from './harness.js';
import { waitFor } from '../helpers/wait.js';

const SIZES: [number, number][] = [
  [200, 50],
  [80, 24],
  [60, 20],
  [50, 16],
];

type Mounted = Awaited<ReturnType<typeof mountOffers>>;

function fits(m: Mounted, cols: number, rows: number, view: string): string[] {
  const lines = m.lines();
  assert.ok(lines.length <= rows, `${view} at ${cols}×${rows}: ${lines.length} lines`);
  for (const l of lines)
    assert.ok(stringWidth(l) <= cols, `${view} at ${cols}×${rows}: line wider than the terminal: ${l}`);
  return lines;
}

const VIEWS: [string, (m: Mounted) => Promise<void>][] = [
  ['fleet', async () => {}],
  ['detail', async (m) => m.press(KEY.enter)],
  ['log', async (m) => m.press('l')],
  ['help', async (m) => m.press('?')],
  ['cost', async (m) => m.press('$')],
  ['offers', async (m) => m.press('o')],
  ['offer detail', async (m) => m.press('o', KEY.enter)],
  ['env vars', async (m) => m.press('e')],
];

/** What a view loads after it opens, drawn (views not listed draw from what is already there). */
const READY: Record<string, (m: Mounted) => boolean> = {
  offers: (m) => m.searches.length > 0 && /\bID\b/.test(m.frame()),
  'offer detail': (m) => m.searches.length > 0,
  'env vars': (m) => /^\s*NAME\s+VALUE/m.test(m.frame()),
};

for (const [cols, rows] of SIZES) {
  describe(`${cols}×${rows}`, () => {
    for (const [view, open] of VIEWS) {
      test(view, async () => {
        const m = await mountOffers({ columns: cols, rows });
        try {
          await open(m);
          await waitFor(async () => (await m.settle(), (READY[view] ?? (() => true))(m)), {
            what: `the ${view} view's data`,
            detail: m.frame,
          });
          const lines = fits(m, cols, rows, view);
          const hints = lines.at(-1)!;
          if (view === 'fleet' || view === 'detail' || view === 'log') {
            assert.match(hints, /q quit/, `${view}: quit hint kept at ${cols} columns: ${hints}`);
            assert.match(hints, /\? help/, `${view}: help hint kept at ${cols} columns: ${hints}`);
            assert.ok(
              lines.some((l) => /^.?\s*ID\b/.test(l) || /\bID\b/.test(l)),
              `${view}: the ID column stays`,
            );
          }
          if (view === 'offers')
            assert.ok(
              lines.some((l) => /\bID\b/.test(l)),
              `offers keep the ID column at ${cols}: ${lines[2]}`,
            );
          if (view === 'env vars') {
            assert.ok(
              lines.some((l) => /^\s*NAME\s+VALUE/.test(l)),
              `env vars: the table shows at ${cols}×${rows}`,
            );
            assert.match(hints, /q quit/, `env vars: quit hint kept at ${cols} columns: ${hints}`);
          }
          // The money line never cuts "runway" into "runway 1…".
          for (const l of lines) assert.doesNotMatch(l, /runway \d*…/, `${view}: runway cut`);
        } finally {
          m.unmount();
        }
      });
    }
  });
}
