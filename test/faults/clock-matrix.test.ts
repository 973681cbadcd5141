/**
 * The clock-skew matrix (issue 12, "Time from the API, not the local clock"): the simulator's clock (and its
 * HTTP Date header) runs hours off this machine's, which is what a local clock skewed the other way looks like
 * to vastdeck. Every place that compares "now" with an API timestamp must measure on the API's clock:
 * `vastdeck instances` (stuck, AGE), `cost`, the keeper's pass view, `autopilot --once` (maxRuntime) and the TUI's
 * fleet row. A control in each
 * cell (a truly stuck instance, a truly over-time one) shows the measure is still taken, not just skipped.
 * A summary table of the cells is printed at the end.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetKeeper, type KeeperEvent } from '../../src/core/keeper/keeper.js';
import { defaultRules } from '../../src/core/keeper/policy.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { bundleCli, homeEnv, runCli } from '../helpers/run-cli.js';
import { stripAnsi } from '../helpers/terminal.js';

const HOUR = 3_600_000;
const rows: Array<{ cell: string; expected: string; got: string; ok: boolean }> = [];
const dirs: string[] = [];
let script: Promise<string> | undefined;

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [`${pad('cell', 48)}${pad('expected', 30)}${pad('got', 30)}ok`];
  for (const r of rows) lines.push(`${pad(r.cell, 48)}${pad(r.expected, 30)}${pad(r.got, 30)}${r.ok ? 'yes' : 'NO'}`);
  lines.push(`${rows.length} cells, ${rows.filter((r) => !r.ok).length} wrong`);
  console.log(`\nclock-skew matrix\n${lines.join('\n')}`);
});

function record(cell: string, expected: string, got: string): void {
  rows.push({ cell, expected, got, ok: expected === got });
  assert.equal(got, expected, cell);
}

/** A simulator whose clock is `skewH` hours behind this machine's (this machine's clock skewH hours ahead). */
function skewedSim(skewH: number, fleet: unknown[]): Promise<SimHandle> {
  return startSimulator({
    seed: 41,
    rateLimit: false,
    hosts: false,
    now: () => Date.now() - skewH * HOUR,
    scenario: { market: { size: 200, traps: false }, fleet } as never,
  });
}

function home(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'vd-clock-'));
  dirs.push(d);
  return d;
}

const sign = (h: number) => `${h > 0 ? '+' : ''}${h} h`;
// A fresh instance pulling its image (2.5 min old by the API's clock) and one loading for 25.5 min (truly stuck).
// Half a minute off the minute: the API's clock is read from Date headers to ±0.5 s, and the rows were 2m0.2s old
// when the TUI drew them, so an exact 2m showed 1m now and then.
const LOADING = [
  { label: 'clk-new', gpu: 'RTX 4090', status: 'loading', age: '150s' },
  { label: 'clk-old', gpu: 'RTX 4090', status: 'loading', age: '25.5m', stuck: true },
];

for (const skewH of [1, -1]) {
  test(`local clock ${sign(skewH)}: vastdeck instances and the TUI fleet row`, async () => {
    const sim = await skewedSim(skewH, LOADING);
    try {
      const dir = home();
      const r = await runCli(['instances', '--api-url', sim.url, '--api-key', sim.apiKey], {
        env: homeEnv(dir),
        script: await (script ??= bundleCli()),
      });
      assert.equal(r.code, 0, r.err);
      const line = (label: string) => r.out.split('\n').find((l) => l.includes(label)) ?? '';
      const statusOf = (label: string) => /\b(stuck|loading)\b/.exec(line(label))?.[1] ?? `? ${line(label)}`;
      record(`instances, local ${sign(skewH)}, loading 2 min`, 'loading', statusOf('clk-new'));
      record(`instances, local ${sign(skewH)}, loading 25 min`, 'stuck', statusOf('clk-old'));
      record(
        `instances, local ${sign(skewH)}, AGE of the 2 min one`,
        'minutes',
        /\b\d+m\b/.test(line('clk-new')) && !/\d+h/.test(line('clk-new')) ? 'minutes' : line('clk-new'),
      );

      // `vastdeck cost`: each source's status comes from the same instanceView.
      const c = await runCli(
        ['cost', '--json', '--quick', '--since', '1d', '--api-url', sim.url, '--api-key', sim.apiKey],
        { env: homeEnv(dir), script: await (script ??= bundleCli()) },
      );
      assert.equal(c.code, 0, c.err);
      const spent = (JSON.parse(c.out) as { spent: { bySource: Array<{ label: string | null; status: string }> } })
        .spent.bySource;
      const costStatus = (label: string) =>
        spent.find((x) => x.label === label)?.status ?? `? not in ${spent.map((x) => x.label).join(',')}`;
      record(`cost, local ${sign(skewH)}, loading 2 min`, 'loading', costStatus('clk-new'));
      record(`cost, local ${sign(skewH)}, loading 25 min`, 'stuck', costStatus('clk-old'));

      // The keeper's view of its workers (the pass event the TUI panel and \`monitor\` print), on the local clock.
      const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
      const events: KeeperEvent[] = [];
      const acted: string[] = [];
      const keeper = new FleetKeeper(
        {
          api: client,
          journal: new MemoryJournal([]),
          health: async () => ({ state: 'setup' }),
          clock: { now: Date.now, sleep: async () => {} },
          launch: async (n) => (acted.push(`launch ${n}`), { ids: [], failures: [] } as never),
          retire: async (inst) => (acted.push(`retire ${inst.id}`), { outcome: 'destroyed', message: '' } as never),
        },
        { prefix: 'clk-', rules: defaultRules(2), onEvent: (e) => events.push(e), dryRun: true },
      );
      await keeper.pass();
      const pass = events.find((e) => e.type === 'pass') as Extract<KeeperEvent, { type: 'pass' }> | undefined;
      const ids = new Map((await client.listInstances()).map((i) => [i.label, i.id]));
      const keeperStatus = (label: string) =>
        pass?.workers.find((w) => w.id === ids.get(label))?.status ?? '? no pass event';
      record(`keeper pass view, local ${sign(skewH)}, loading 2 min`, 'loading', keeperStatus('clk-new'));

      // The TUI: the real App over a FleetStore reading the same API, with no clock given (as runTui wires it).
      const store = new FleetStore({ api: client, pollMs: 60_000 });
      await store.refresh();
      const keymap = buildKeymap(COMMANDS, { readOnly: true });
      const ui = render(
        createElement(
          ThemeContext.Provider,
          { value: DARK },
          createElement(App, { store, keymap, api: client, onQuit: () => {}, tickMs: 0 }),
        ),
      );
      try {
        for (let i = 0; i < 6; i++) await new Promise<void>((res) => setImmediate(res));
        const frame = stripAnsi(ui.lastFrame() ?? '').split('\n');
        const row = (label: string) => frame.find((l) => l.includes(label)) ?? '';
        const tuiStatus = (label: string) => /\b(stuck|loading)\b/.exec(row(label))?.[1] ?? `? ${row(label)}`;
        record(`TUI fleet row, local ${sign(skewH)}, loading 2 min`, 'loading', tuiStatus('clk-new'));
        record(`TUI fleet row, local ${sign(skewH)}, loading 25 min`, 'stuck', tuiStatus('clk-old'));
        const ageCol = (label: string) => /\s(\d+[smhd])\s+\S+\s+\S+\s*$/.exec(row(label))?.[1] ?? `? ${row(label)}`;
        // The minute may turn while the test runs: 2-3 min and 25-26 min are right, an hour off is not.
        const near = (got: string, mins: number) => (got === `${mins}m` || got === `${mins + 1}m` ? `${mins}m` : got);
        record(
          `TUI AGE column, local ${sign(skewH)}, 2 min / 25 min`,
          '2m / 25m',
          `${near(ageCol('clk-new'), 2)} / ${near(ageCol('clk-old'), 25)}`,
        );
        record(
          `TUI footer, local ${sign(skewH)}`,
          '1 loading 1 stuck',
          frame
            .find((l) => l.includes('burn'))
            ?.split('│')[0]
            ?.trim() ?? '? no footer',
        );
      } finally {
        ui.unmount();
        store.stop();
      }
    } finally {
      await sim.close();
    }
  });
}

const PROFILES = [
  'profiles:',
  '  capped:',
  '    model: gpt2',
  '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
  '    diskGb: 40',
  '    lifecycle: { maxRuntime: 2h }',
  '',
].join('\n');

for (const skewH of [3, -3]) {
  test(`local clock ${sign(skewH)}: autopilot --once with maxRuntime 2h`, async () => {
    const sim = await skewedSim(skewH, [
      { label: 'ap-young', gpu: 'RTX 4090', status: 'running', age: '10m' },
      { label: 'ap-old', gpu: 'RTX 4090', status: 'running', age: '150m' },
    ]);
    try {
      const dir = home();
      const profiles = path.join(dir, 'profiles.yaml');
      writeFileSync(profiles, PROFILES);
      const r = await runCli(
        [
          'autopilot',
          '--fleet',
          'ap-',
          '--profile',
          'capped',
          '--once',
          '--json',
          '--profiles',
          profiles,
          '--api-url',
          sim.url,
          '--api-key',
          sim.apiKey,
        ],
        { env: homeEnv(dir), script: await (script ??= bundleCli()) },
      );
      assert.equal(r.code, 0, r.err);
      const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
      const status = async (label: string) =>
        String((await client.listInstances()).find((i) => i.label === label)?.status);
      record(`autopilot, local ${sign(skewH)}, running 10 min`, 'running', await status('ap-young'));
      record(`autopilot, local ${sign(skewH)}, running 150 min`, 'stopped', await status('ap-old'));
    } finally {
      await sim.close();
    }
  });
}
