/** The TUI's lifecycle driver: journaled rental rules applied to the store's fleet with the monitor's health. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLifecycle } from '../../src/ui/lifecycle/driver.js';
import { FileJournal, readJournal } from '../../src/core/journal/journal.js';
import { recordRules } from '../../src/core/lifecycle/journal.js';
import { KEEP_ALL } from '../../src/core/lifecycle/rules.js';
import type { FleetSnapshot } from '../../src/core/fleet/store.js';
import type { Message } from '../../src/ui/use-fleet-actions.js';
import { FakeVast } from '../ops/fake-api.js';
import { makeServices } from '../../src/core/services/services.js';
import { makeInstance } from '../ui/fake-api.js';

test('a finished run with onFinish: stop is stopped while the TUI is open; the footer hears why; others untouched', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-tui-life-'));
  try {
    const journalFile = path.join(dir, 'journal.jsonl');
    await recordRules(new FileJournal({ file: journalFile }), {
      instanceId: 1,
      label: 'a',
      runId: 'p-x',
      profile: 'p',
      rules: { ...KEEP_ALL, onFinish: 'stop' },
    });
    const api = new FakeVast([]);
    const stopped: number[] = [];
    (api as { stopInstance: (id: number) => Promise<void> }).stopInstance = async (id) => void stopped.push(id);
    const instances = [
      makeInstance(0, { id: 1, label: 'a', status: 'running', isBid: false }),
      makeInstance(1, { id: 2, label: 'b', status: 'running', isBid: false }),
    ];
    const snap = { loaded: true, error: null, instances } as unknown as FleetSnapshot;
    const driver = startLifecycle({
      services: await makeServices({ api, stateDir: dir }).load(['ssh', 'journal']),
      store: { getSnapshot: () => snap },
      profilesFile: path.join(dir, 'none.yaml'),
      everyMs: 3_600_000,
      health: () => ({ health: { state: 'finished', step: 300 }, polledAt: 1 }),
    });
    const msgs: Message[] = [];
    driver.subscribe((m) => msgs.push(m));
    const done = await driver.pass();
    assert.deepEqual(
      done.map((d) => [d.action.instanceId, d.outcome]),
      [[1, 'stopped']],
    );
    assert.deepEqual(stopped, [1]);
    assert.match(msgs[0]!.text, /lifecycle: 1 a finished: stopped 1/);
    assert.deepEqual(await driver.pass(), [], 'not twice');
    const j = await readJournal(journalFile);
    assert.deepEqual(
      j.records.filter((r) => r.op === 'lifecycle.stop').map((r) => r.phase),
      ['before', 'after'],
    );
    await driver.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('while the TUI is open, each pass touches the host watchdog heartbeat of running instances whose rules have one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-tui-hb-'));
  try {
    const journalFile = path.join(dir, 'journal.jsonl');
    const watchdog = { heartbeatStaleMs: 1_800_000, checkEveryMs: 60_000 };
    const j = new FileJournal({ file: journalFile });
    await recordRules(j, { instanceId: 1, label: 'a', runId: 'vd-a', profile: 'p', rules: { ...KEEP_ALL, watchdog } });
    await recordRules(j, { instanceId: 2, label: 'b', runId: 'vd-b', profile: 'p', rules: { ...KEEP_ALL } });
    await recordRules(j, { instanceId: 3, label: 'c', runId: 'vd-c', profile: 'p', rules: { ...KEEP_ALL, watchdog } });
    const instances = [
      makeInstance(0, { id: 1, label: 'a', status: 'running', isBid: false }),
      makeInstance(1, { id: 2, label: 'b', status: 'running', isBid: false }),
      makeInstance(2, { id: 3, label: 'c', status: 'stopped', isBid: false }),
    ];
    const snap = { loaded: true, error: null, instances } as unknown as FleetSnapshot;
    const touched: Array<[number, string]> = [];
    const driver = startLifecycle({
      services: await makeServices({ api: new FakeVast([]), stateDir: dir }).load(['ssh', 'journal']),
      store: { getSnapshot: () => snap },
      profilesFile: path.join(dir, 'none.yaml'),
      everyMs: 3_600_000,
      health: () => undefined,
      hostExec: (inst) => async (cmd) => (touched.push([inst.id, cmd]), { stdout: '', stderr: '', code: 0 }),
    });
    await driver.pass();
    assert.deepEqual(
      touched.map(([id]) => id),
      [1],
      'only the running instance with a watchdog',
    );
    assert.match(touched[0]![1], /date \+%s > .*heartbeat/);
    await driver.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
