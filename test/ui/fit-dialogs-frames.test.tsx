/**
 * Dialogs at 80×24 and 60×20: destroy (unverified), migrate confirmation, the :keep plan, offer detail and the
 * provision confirmation wrap instead of cutting; the important words are all there, no line is wider than the
 * terminal and the frame is at most rows−1 tall.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReactElement } from 'react';
import stringWidth from 'string-width';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import type { KeeperControl } from '../../src/ui/keeper/control.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { KEY, settle } from './harness.js';
import { fakeOps, fakePlan } from './destroy-ops-fake.js';
import { mountOffers } from './offers-harness.js';
import { profileApplied, untilFrame } from './frame-wait.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

const SIZES: [number, number][] = [
  [80, 24],
  [60, 20],
];

/** Renders `el` (an App) into a cols×rows terminal: the App reads its size from stdout's columns and rows. */
function renderSized(el: ReactElement, cols: number, rows: number) {
  const stdout = new Out(cols, rows);
  const stdin = new In();
  const inst = inkRender(<ThemeContext.Provider value={DARK}>{el}</ThemeContext.Provider>, {
    stdout: stdout as never,
    stdin: stdin as never,
    stderr: new Out(cols, rows) as never,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    lines: () => strip(stdout.frames.at(-1) ?? '').split('\n'),
    async press(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    unmount: () => inst.unmount(),
  };
}

async function mountApp(
  cols: number,
  rows: number,
  extra: { ops?: ReturnType<typeof fakeOps>['ops']; keeper?: KeeperControl },
) {
  const api = new FakeApi(makeFleet(4));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const label = (await api.listInstances()).find((i) => i.id === 1001)!.label!;
  const app = renderSized(
    <App
      store={store}
      keymap={buildKeymap(COMMANDS, { readOnly: false })}
      api={api}
      onQuit={() => {}}
      now={() => FAKE_NOW}
      tickMs={0}
      ops={extra.ops}
      keeper={extra.keeper}
    />,
    cols,
    rows,
  );
  await settle();
  return { ...app, label };
}

/** The frame fits: no line wider than the terminal, at most rows−1 lines, and nothing ends cut with "…". */
function fits(lines: string[], cols: number, rows: number, what: string): string {
  assert.ok(lines.length <= rows - 1, `${what} at ${cols}×${rows}: ${lines.length} lines\n${lines.join('\n')}`);
  for (const l of lines)
    assert.ok(stringWidth(l) <= cols, `${what} at ${cols}×${rows}: line wider than the terminal: ${l}`);
  return lines.join('\n');
}

/** The words, as they would read in one line: wrapped lines joined by one space (continuation indents dropped). */
const joined = (lines: string[]) =>
  lines
    .map((l) => l.replace(/^[\s│╭╮╰╯─┌┐└┘]+|[\s│╭╮╰╯─┌┐└┘]+$/g, ''))
    .join(' ')
    .replace(/\s+/g, ' ');

const words = (s: string) => s.replace(/\s+/g, ' ');

for (const [cols, rows] of SIZES) {
  describe(`dialogs at ${cols}×${rows}`, () => {
    test('destroy, unverified: the refusal reason and the typed-confirmation line are whole', async () => {
      const { ops } = fakeOps((inst) => (inst.id === 1001 ? fakePlan(inst, 1500, 1000) : fakePlan(inst, 800, 800)));
      const app = await mountApp(cols, rows, { ops });
      try {
        await app.press('D');
        const lines = app.lines();
        fits(lines, cols, rows, 'destroy');
        const text = joined(lines);
        assert.ok(text.includes('NOT VERIFIED: would lose steps 1001–1500: behind in hf:me/run@main'), text);
        assert.ok(text.includes(`Type the label "${app.label}" and Enter to destroy anyway; Esc keeps it`), text);
        assert.ok(text.includes('newest checkpoint on the host: step 1500 newest verified off it: step 1000'), text);
        assert.ok(
          lines.some((l) => /^> ?$/.test(l.trim()) || l.trim() === '>'),
          'the typed-confirmation prompt shows',
        );
      } finally {
        app.unmount();
      }
    });

    test('migrate confirmation: what it rents is whole', async () => {
      const { ops } = fakeOps((inst) => fakePlan(inst, 1, 1));
      const app = await mountApp(cols, rows, { ops });
      try {
        await app.press('M');
        await settle();
        await app.press(KEY.enter);
        await settle();
        const lines = app.lines();
        fits(lines, cols, rows, 'migrate');
        const text = joined(lines);
        assert.ok(
          text.includes('Rents 1× RTX 4090 at $0.412/hr in Texas, US (offer 3), labelled gpt2-a-1x4090 '),
          text,
        );
        assert.match(text, /with profile gpt2-a\?/);
        assert.match(text, /\[y\/n\]/);
      } finally {
        app.unmount();
      }
    });

    test(':keep plan confirmation is whole', async () => {
      const keeper: KeeperControl = { start: async () => ({ stop: () => {}, done: new Promise<void>(() => {}) }) };
      const app = await mountApp(cols, rows, { keeper });
      try {
        await app.press(':', ...'keep 3 zeb-large zeb-8xh100 1.5', KEY.enter);
        const lines = app.lines();
        fits(lines, cols, rows, ':keep');
        const text = joined(lines);
        assert.ok(text.includes('keep 3 workers labelled zeb-large* from profile zeb-8xh100'), text);
        assert.match(text, /rents up to 3 now/);
        assert.match(text, /max \$1\.500\/hr per worker/);
        assert.match(text, /budget:/);
        assert.match(text, /start it\? \[y\/n\]/);
      } finally {
        app.unmount();
      }
    });

    test('offer detail: every field whole, wrapped', async () => {
      const m = await mountOffers({ columns: cols, rows });
      try {
        await m.press('o');
        await untilFrame(m, /\d+ offers/, 'the offers listed');
        await m.press(KEY.enter);
        await untilFrame(m, /offer +\d+ +machine +\d+/, 'the offer detail');
        const lines = m.lines();
        fits(lines, cols, rows, 'offer detail');
        const text = joined(lines);
        const o = m.offers.find((x) => text.includes(`offer ${x.id} machine ${x.machineId}`));
        assert.ok(o, `the offer line is whole: ${text}`);
        // Every field is shown whole, or (too short a pane) named as hidden; at 80×24 all of them show.
        const hidden =
          /hidden for height: ([\w, ]+) \(a taller terminal shows them\)/.exec(text)?.[1]?.split(', ') ?? [];
        if (cols >= 80) assert.deepEqual(hidden, [], 'nothing hidden at 80×24');
        assert.ok(hidden.length < 8, `the most important fields stay: ${hidden}`);
        const FIELD_WORDS: [string, string[]][] = [
          ['GPU', ['GB each']],
          ['compute', ['CUDA', 'driver']],
          ['perf', ['TFLOPS', 'PCIe']],
          ['CPU', ['cores']],
          ['disk', ['MB/s']],
          ['inet', ['direct ports']],
          ['price', ['min bid', 'storage']],
          ['host', ['reliability', 'score']],
        ];
        for (const [field, ws] of FIELD_WORDS) {
          for (const w of ws)
            assert.ok(
              hidden.includes(field) !== text.includes(w),
              `offer detail: "${w}" (${field}) shown xor hidden at ${cols}×${rows}:\n${lines.join('\n')}`,
            );
        }
        for (const must of ['GPU', 'price']) assert.ok(!hidden.includes(must), `${must} is never the first to go`);
        if (o!.geolocation) assert.ok(text.includes(words(o!.geolocation)), `location ${o!.geolocation}`);
        // The table keeps a few rows above the detail, and the hints line stays.
        assert.ok(lines.filter((l) => /^.[✓!✗ ]\s*\d+/.test(l)).length >= 1, `table rows kept:\n${lines.join('\n')}`);
      } finally {
        m.unmount();
      }
    });

    for (const withDetail of [false, true]) {
      const title = `provision confirmation${withDetail ? ' (detail pane open)' : ''}: every line of the request whole`;
      test(title, async () => {
        const m = await mountOffers({ columns: cols, rows });
        try {
          await m.press('o', ':', ...'profile gpt2-4090', KEY.enter);
          await profileApplied(m);
          await m.press('x');
          if (withDetail) await m.press(KEY.enter);
          await m.press('P');
          const lines = m.lines();
          fits(lines, cols, rows, 'provision');
          const text = joined(lines);
          assert.match(text, /Rent offer \d+: 1× RTX \w+ in [^?]+ for profile gpt2-4090\?/);
          assert.match(text, /image pytorch\/pytorch:2\.4\.0-cuda12\.4-cudnn9-devel/);
          assert.match(text, /disk 60 GB price on-demand \$[\d.]+\/hr/);
          assert.match(text, /label demo-gpt2-1x\w+ \(its nonce goes in the env as VASTDECK_NONCE\)/);
          assert.match(
            text,
            /env WANDB_MODE=\*\*\*\*\* HF_HUB_ENABLE_HF_TRANSFER \(account HF_HUB_ENABLE_HF_TRANSFER\)/,
          );
          assert.match(text, /onstart (yes \(from the profile\)|none)/);
          assert.match(text, /This rents and bills\. Confirm\? \[y\/n\]/);
        } finally {
          m.unmount();
        }
      });
    }
  });
}

test('fleet detail at 80 and 60 columns: a long crash reason wraps whole; fields make room by priority', async () => {
  const { DetailPane, DETAIL_HEIGHT } = await import('../../src/ui/DetailPane.js');
  const reason =
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB';
  for (const cols of [80, 60]) {
    const stdout = new Out(cols, 24);
    const inst = inkRender(
      <ThemeContext.Provider value={DARK}>
        <DetailPane
          inst={makeFleet(1)[0]!}
          width={cols}
          health={{ step: 58710, text: 'crashed', level: 'error', reason, error: reason, steps: [56500, 58710] }}
        />
      </ThemeContext.Provider>,
      {
        stdout: stdout as never,
        stdin: new In() as never,
        stderr: new Out(cols, 24) as never,
        debug: true,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
    await settle();
    const lines = strip(stdout.frames.at(-1) ?? '').split('\n');
    inst.unmount();
    assert.equal(lines.length, DETAIL_HEIGHT, `the pane keeps its height at ${cols}:\n${lines.join('\n')}`);
    for (const l of lines) assert.ok(stringWidth(l) <= cols, `line wider than ${cols}: ${l}`);
    const text = joined(lines);
    assert.ok(text.includes(`health crashed — ${reason}`), `the reason reads whole at ${cols}:\n${lines.join('\n')}`);
    assert.match(
      text,
      /ssh ssh -p 40000 root@203\.0\.113\.1\b/,
      `the ssh command reads whole at ${cols}:\n${lines.join('\n')}`,
    );
  }
});

test('help at 80×24 and 60×20: the scroll line says how to scroll, whole (docs and counts only when they fit)', async () => {
  const { mount } = await import('./harness.js');
  for (const [cols, rows] of SIZES) {
    const app = await mount({ columns: cols, rows });
    try {
      await app.press('?');
      const lines = app.lines();
      fits(lines, cols, rows, 'help');
      const scroll = lines.find((l) => /lines 1–\d+ of \d+/.test(l));
      assert.ok(scroll, lines.join('\n'));
      assert.match(scroll!, /j\/k, pgup\/pgdn scroll/);
      assert.doesNotMatch(scroll!, /…/, `not cut at ${cols}: ${scroll}`);
    } finally {
      app.unmount();
    }
  }
});
