// The TUI half of the hostile-text property test (test/cli/hostile-output.test.ts): random escape sequences,
// C1, bidi controls, NUL and huge strings in every field of an instance row, through the real VastClient and
// FleetStore into the fleet table's frames (and into the error line when the row is malformed). Only Ink's
// own colour sequences (SGR) may appear in a frame. Seeded: rerun a failure with VASTDECK_PROPERTY_SEED=N.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { VastClient } from '../../src/core/vast/client.js';
import { startSimulator } from '../../src/sim/index.js';
import { makeRng } from '../../src/sim/prng.js';
import { FakeStdin, FakeStdout } from '../helpers/terminal.js';
import { startHostileApi, type HostileApi } from '../helpers/hostile-api.js';
import { hostile, mutate } from '../helpers/hostile-text.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

let api: HostileApi;
let template: Record<string, unknown>;

before(async () => {
  const sim = await startSimulator({
    rateLimit: false,
    hosts: false,
    scenario: { market: { size: 200 }, fleet: [{ label: 'tpl', gpu: 'RTX 4090', status: 'running', replicas: 2 }] },
  });
  const rows = (
    (await (
      await fetch(`${sim.url}/api/v1/instances/?limit=2`, { headers: { authorization: `Bearer ${sim.apiKey}` } })
    ).json()) as { instances: Record<string, unknown>[] }
  ).instances;
  await sim.close();
  template = rows[0]!;
  api = await startHostileApi({ instances: rows, offers: [], log: '' });
});
after(async () => {
  await api?.close();
});

const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise<void>((r) => setImmediate(r));
};

test('fleet frames never carry control sequences from instance rows', async () => {
  const seed = Number(process.env.VASTDECK_PROPERTY_SEED ?? 20261202) + 10;
  const rng = makeRng(seed);
  for (let i = 0; i < 25; i++) {
    const { row, keys } = mutate(template, rng, 1 + Math.floor(rng() * 4));
    const others = api.world.instances.slice(1);
    api.world = { instances: [row, ...others], offers: [], log: '' };
    // Labels and status messages are what a fleet row shows first: make them hostile every time.
    api.world.instances[0] = { ...(api.world.instances[0] as object), label: hostile(rng), status_msg: hostile(rng) };
    const client = new VastClient({ apiKey: 'k-1234567', baseUrl: api.url });
    const store = new FleetStore({ api: client, pollMs: 60_000 });
    await store.refresh();
    const stdout = new FakeStdout(120, 30);
    const ink = inkRender(
      <ThemeContext.Provider value={DARK}>
        <App
          store={store}
          keymap={buildKeymap(COMMANDS, { readOnly: false })}
          api={client}
          notice={null}
          onQuit={() => {}}
          tickMs={0}
        />
      </ThemeContext.Provider>,
      {
        stdout: stdout as never,
        stdin: new FakeStdin() as never,
        stderr: new FakeStdout(120, 30) as never,
        debug: true,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
    await settle();
    ink.unmount();
    store.stop?.();
    const frame = (stdout.frames.at(-1) ?? '').replace(SGR, '');
    const m = UNSAFE.exec(frame);
    if (m)
      assert.fail(
        `seed ${seed} case ${i} (fields ${keys.join(', ')}): ` +
          `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} in a frame near ` +
          `${JSON.stringify(frame.slice(Math.max(0, m.index - 40), m.index + 20))}`,
      );
    assert.ok(frame.length > 0);
  }
});
