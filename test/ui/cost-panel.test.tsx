/** Cost panel frames: `$` opens it over the real App, data from a CostSource; the footer's BUDGET mark rings once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { buildCostReport, type CostReport } from '../../src/core/cost/report.js';
import type { BudgetRules } from '../../src/core/cost/budget.js';
import { costLines } from '../../src/ui/cost/cost-lines.js';
import type { CostSource } from '../../src/ui/cost/cost-source.js';
import { ValueHistory } from '../../src/ui/cost/value-history.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { settle } from './harness.js';
import { waitFor } from '../helpers/wait.js';
import { charge } from '../cost/fixtures.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

const HOUR = 3_600_000;

function report(api: FakeApi, full: boolean, budget?: BudgetRules, rates = [2, 2.4]): CostReport {
  const instances = api.instances;
  const charges = [
    charge(1001, 12.5, FAKE_NOW - 30 * HOUR, FAKE_NOW - 6 * HOUR, 'zeb-large-000'),
    charge(1002, 3.25, FAKE_NOW - 5 * HOUR, FAKE_NOW, 'zeb-small-001'),
  ];
  return buildCostReport({
    instances,
    charges,
    credit: 240,
    now: FAKE_NOW,
    window: { from: FAKE_NOW - 7 * 24 * HOUR, to: FAKE_NOW },
    budget,
    runs: full
      ? [
          {
            instanceId: 1002,
            label: 'zeb-small-001',
            gpuName: 'RTX 4090',
            numGpus: 2,
            dph: 0.51,
            step: 4000,
            targetStep: 10000,
            rates,
          },
        ]
      : [],
  });
}

async function mount(
  budget?: BudgetRules,
  opts: { cols?: number; history?: ValueHistory; rates?: (n: number) => number[] } = {},
) {
  const api = new FakeApi(makeFleet(6));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const loads: Array<[string | null, boolean]> = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const hist = opts.history;
  const source: CostSource = {
    budget,
    load: async (fleet, full) => {
      loads.push([fleet, full]);
      if (full) await gate; // projections arrive later than the quick report
      const r = report(api, full, budget, opts.rates?.(loads.length));
      // As makeCostSource does: a full load is one sample of the value history.
      if (full) hist?.record(r.value);
      return r;
    },
    ...(hist ? { valueHistory: () => hist.snapshot() } : {}),
  };
  const bells: string[] = [];
  const cols = opts.cols ?? 110;
  const stdout = new Out(cols, 30);
  const stdin = new In();
  const inst = inkRender(
    <ThemeContext.Provider value={DARK}>
      <App
        store={store}
        keymap={buildKeymap(COMMANDS, { readOnly: false })}
        api={api}
        onQuit={() => {}}
        now={() => FAKE_NOW}
        tickMs={0}
        cost={source}
        bell={{ write: (s: string) => bells.push(s) }}
      />
    </ThemeContext.Provider>,
    {
      stdout: stdout as never,
      stdin: stdin as never,
      stderr: new Out(cols, 30) as never,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await settle();
  return {
    api,
    store,
    loads,
    bells,
    release,
    frame: () => strip(stdout.frames.at(-1) ?? ''),
    press: async (...keys: string[]) => {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    unmount: () => inst.unmount(),
  };
}

test('$ opens the cost panel: burn, credit and runway, spend per instance, then projections and value', async () => {
  const m = await mount();
  await m.press('$');
  let f = m.frame();
  assert.match(f, /COST account · window 7d/);
  assert.match(f, /burn now {2}\$\d+\.\d+\/hr {2}\$[\d,]+\.\d\d\/day/);
  assert.match(f, /credit {4}\$240\.00 {2}runway /);
  assert.match(f, /spent {5}\$15\.75 in the window/);
  assert.match(f, /1001 +zeb-large-000 +running +\$12\.50/);
  assert.match(f, /total +\$15\.75/);
  assert.match(f, /reading run logs…/);
  assert.match(f, /escape back {2}r reload/);
  assert.doesNotMatch(f, /ID +LABEL +GPU/, 'the fleet table is replaced');
  m.release();
  await waitFor(async () => (await settle(), !/reading run logs…/.test(m.frame())), {
    what: 'the projections after the full load',
    detail: m.frame,
  });
  await m.press('k');
  f = m.frame();
  assert.match(f, /1002 +zeb-small-001 +step 4000\/10000 +eta 45m \(41m–50m\) +cost \$0\.39 \(\$0\.35–\$0\.43\)/);
  assert.match(f, /RTX 4090 +1 inst +2\.20 steps\/s/);
  assert.deepEqual(m.loads, [
    [null, false],
    [null, true],
  ]);
  await m.press('\x1b');
  assert.match(m.frame(), /ID +LABEL/);
  m.unmount();
});

test('r reloads; j/k do not move the hidden fleet cursor; :cost opens it too', async () => {
  const m = await mount();
  await m.press(':', 'c', 'o', 's', 't', '\r');
  assert.match(m.frame(), /COST account/);
  m.release();
  await m.press('r');
  assert.equal(m.loads.length, 4);
  await m.press('j', 'j', '$');
  assert.match(m.frame(), /ID +LABEL/);
  assert.match(m.frame(), /^.?›?\s*1001|›/m); // back on the fleet view, first row still selected
  m.unmount();
});

test('a budget breach shows BUDGET in the footer and rings the bell once', async () => {
  const m = await mount({ maxCardDph: 0.25 });
  const f = m.frame();
  assert.match(f, /BUDGET \d+ \(\$ for details\)/);
  assert.equal(m.bells.join(''), '\x07');
  await m.store.refresh();
  await m.press('$');
  assert.match(m.frame(), /BUDGET {2}instance \d+ \(.+\) costs \$\d\.\d{3}\/hr per GPU, over the \$0\.250 limit/);
  m.release();
  await m.store.refresh();
  await settle();
  assert.equal(m.bells.join(''), '\x07', 'still once');
  m.unmount();
});

test('value per GPU type: a sparkline column of the last refreshes next to each type, readable at 80 columns', async () => {
  // Each refresh (r) is one sample; the rate rises with each load, so the trend climbs.
  const m = await mount(undefined, { cols: 80, history: new ValueHistory(), rates: (n) => [n, n] });
  await m.press('$');
  m.release();
  // The trend of the 4090 row, drawn once a full load's sample is in the history.
  const trend = () => /RTX 4090 +1 inst.*per \$\/hr ([▁▂▃▄▅▆▇█]*)/.exec(m.frame())?.[1]?.length ?? 0;
  const drawn = (n: number) =>
    waitFor(async () => (await settle(), trend() >= n), { what: `a trend of ${n} samples`, detail: m.frame });
  await drawn(1);
  for (let i = 0; i < 5; i++) {
    await m.press('r');
    await drawn(i + 2);
  }
  const f = m.frame();
  assert.match(f, /VALUE PER GPU TYPE \(steps\/s per \$\/hr; best first; trend: last 6 refreshes\)/);
  // 6 full loads (load numbers 2, 4, …, 12): a rising sparkline of six blocks right after the value, within 80 columns.
  const row = f.split('\n').find((l) => /RTX 4090 +1 inst/.test(l));
  assert.ok(row, f);
  assert.match(row!, /per \$\/hr ▁▂▄▅▇█/);
  assert.ok(row!.indexOf('█') < 80, row);
  m.unmount();
});

test('no budget rules: no mark, no bell', async () => {
  const m = await mount();
  assert.doesNotMatch(m.frame(), /BUDGET/);
  assert.deepEqual(m.bells, []);
  m.unmount();
});

test('cost lines: a spend mismatch is flagged, remote labels are sanitized', () => {
  const api = new FakeApi(makeFleet(2));
  const r = report(api, false);
  r.spent.bySource[0]!.label = 'evil\x1b[2Jlabel';
  r.spent.bySource[0]!.mismatch = true;
  r.spent.bySource[0]!.gap = 0.5;
  const lines = costLines(r, 100);
  const row = lines.find((l) => l.text.includes('evil'))!;
  assert.ok(!row.text.includes('\x1b'));
  assert.match(row.text, /off by 50%/);
  assert.equal(row.level, 'warn');
});

test('cost lines: spend per run with every instance it used and its projected total', () => {
  const api = new FakeApi(makeFleet(2));
  const r = report(api, false);
  r.runs = [
    {
      runId: 'gpt2-abcd1234',
      instances: [
        { instanceId: 10, label: null, status: 'gone', spent: 3 },
        { instanceId: 12, label: null, status: 'running', spent: 1 },
      ],
      spent: 4,
      burnPerHour: 0.5,
      toGo: { low: 1, mid: 2, high: 3 },
      projectedTotal: { low: 5, mid: 6, high: 7 },
    },
  ];
  const text = costLines(r, 120)
    .map((l) => l.text)
    .join('\n');
  assert.match(text, /SPEND PER RUN/);
  assert.match(text, /gpt2-abcd1234\s+\$4\.00\s+\$0\.50\d*\/hr {2}10 12 {2}→ \$6\.00 \(\$5\.00–\$7\.00\)/);
  delete r.runs;
  assert.doesNotMatch(
    costLines(r, 120)
      .map((l) => l.text)
      .join('\n'),
    /SPEND PER RUN/,
  );
});
