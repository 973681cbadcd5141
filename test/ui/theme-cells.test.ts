import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILTIN_THEMES, DARK, LIGHT, MONO, loadTheme } from '../../src/ui/theme.js';
import { parseTheme } from '../../src/ui/theme-file.js';
import { layoutColumns } from '../../src/ui/cells.js';
import { FLEET_COLUMNS, fleetRow } from '../../src/core/present/fleet-columns.js';
import { rowSegments } from '../../src/core/present/columns.js';
import { sshCommand } from '../../src/core/present/ssh-command.js';
import { detailLines } from '../../src/ui/DetailPane.js';
import { formatAge } from '../../src/core/present/ages.js';
import { formatHours } from '../../src/core/present/durations.js';
import { selectRows, DEFAULT_QUERY } from '../../src/core/fleet/row-filter.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { FAKE_NOW, FakeApi, makeFleet, makeInstance } from './fake-api.js';

const themesDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'themes');

describe('themes', () => {
  test('shipped themes/*.yaml are exactly the compiled-in themes', async () => {
    for (const name of ['dark', 'light', 'mono'] as const) {
      const res = await loadTheme({ name, themesDir });
      assert.equal(res.warning, null, name);
      assert.deepEqual(res.theme, BUILTIN_THEMES[name], `themes/${name}.yaml and the built-in ${name} differ`);
      const parsed = parseTheme(readFileSync(path.join(themesDir, `${name}.yaml`), 'utf8'), `${name}.yaml`);
      assert.deepEqual('theme' in parsed ? parsed.theme : parsed, BUILTIN_THEMES[name], `themes/${name}.yaml parsed`);
    }
  });

  test('built-in names need no file; NO_COLOR forces mono', async () => {
    assert.equal((await loadTheme({})).theme, DARK);
    assert.equal((await loadTheme({ name: 'light' })).theme, LIGHT);
    assert.equal((await loadTheme({ name: 'light', themesDir, noColor: true })).theme, MONO);
  });

  test('a bad theme names file, field and expectation, and falls back to dark', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vd-theme-'));
    const bad = path.join(dir, 'broken.yaml');
    const darkText = readFileSync(path.join(themesDir, 'dark.yaml'), 'utf8');
    writeFileSync(bad, darkText.replace('status.running: green', 'status.running: 42'));
    const res = await loadTheme({ name: bad });
    assert.equal(res.theme, DARK);
    assert.match(res.warning!, /^broken\.yaml: tokens\.status\.running: expected .*colour.*; using dark$/);
    writeFileSync(
      bad,
      readFileSync(path.join(themesDir, 'dark.yaml'), 'utf8').replace('header: cyanBright', 'header: chartreuse'),
    );
    assert.match((await loadTheme({ name: bad })).warning!, /tokens\.header: expected .*got "chartreuse"/);
    writeFileSync(bad, readFileSync(path.join(themesDir, 'dark.yaml'), 'utf8') + '  status.bogus: red\n');
    assert.match((await loadTheme({ name: bad })).warning!, /tokens\.status\.bogus: unknown token/);
    // An unknown top-level field (a typo) is one line too, not silently ignored.
    writeFileSync(bad, readFileSync(path.join(themesDir, 'dark.yaml'), 'utf8') + 'colours:\n  header: red\n');
    assert.equal(
      (await loadTheme({ name: bad })).warning,
      'broken.yaml: colours: unknown field; known fields: name, mono, palette, tokens; using dark',
    );
    assert.match((await loadTheme({ name: 'nosuch', themesDir })).warning!, /theme "nosuch" not found/);
  });
});

describe('pure renderers', () => {
  test('cells: GPU, price, ssh direct vs proxy, age, dashes without health', () => {
    const row = fleetRow(makeInstance(0), FAKE_NOW, undefined, undefined);
    const text = (id: string) => FLEET_COLUMNS.find((c) => c.id === id)!.render(row);
    assert.equal(text('gpu'), '1× RTX 3090');
    assert.equal(text('price'), '$0.300');
    assert.equal(text('ssh'), 'ssh -p 40000 root@203.0.113.1');
    assert.equal(text('age'), '3m');
    assert.equal(text('step'), '–');
    assert.equal(text('health'), '–');
    assert.equal(sshCommand(makeInstance(1)), 'ssh -p 20001 root@ssh2.vast.ai');
    assert.equal(
      sshCommand(makeInstance(1, { runtype: ['jupyter_proxy', 'ssh_proxy'] })),
      'ssh -p 20002 root@ssh2.vast.ai',
    );
  });

  test('row segments fill the width until the growing columns reach their max, and colour status separately', () => {
    const capped = layoutColumns(1000).reduce((n, c) => n + c.width, 0) + layoutColumns(1000).length - 1;
    for (const w of [80, 120, 200, 250]) {
      const cols = layoutColumns(w);
      const segs = rowSegments(fleetRow(makeInstance(3), FAKE_NOW, undefined, undefined), cols, 1);
      assert.equal(segs.map((s) => s.text).join('').length, Math.min(w, capped));
      assert.ok(segs.some((s) => s.level === 'busy' || s.level === 'warn'));
    }
  });

  test('ages and runway format compactly (runway through the one duration formatter)', () => {
    assert.deepEqual(
      [formatAge(59_000), formatAge(180_000), formatAge(5 * 3_600_000), formatAge(3 * 86_400_000)],
      ['<1m', '3m', '5h', '3d'],
    );
    assert.deepEqual([formatHours(20.5), formatHours(76)], ['20h30m', '3d04h']);
  });

  test('detail lines mask env values', () => {
    const lines = detailLines(makeInstance(0, { envKeys: ['HF_TOKEN', 'TZ'] }));
    assert.deepEqual(
      lines.find(([k]) => k === 'env'),
      ['env', 'HF_TOKEN=***** TZ=*****'],
    );
  });

  test('sort is stable with id tie-break and missing values last', async () => {
    const api = new FakeApi(makeFleet(8));
    const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
    await store.refresh();
    store.setHealth(1005, { step: 10, text: 'ok', level: 'ok' });
    store.setHealth(1002, { step: 99, text: 'ok', level: 'ok' });
    const snap = store.getSnapshot();
    const asc = selectRows(snap, { ...DEFAULT_QUERY, sort: 'step' }, FAKE_NOW).map((i) => i.id);
    assert.deepEqual(asc.slice(0, 3), [1005, 1002, 1001]);
    const desc = selectRows(snap, { ...DEFAULT_QUERY, sort: 'step', desc: true }, FAKE_NOW).map((i) => i.id);
    assert.deepEqual(desc.slice(0, 3), [1002, 1005, 1001]);
    assert.deepEqual(
      selectRows(snap, { ...DEFAULT_QUERY, filter: 'stuck' }, FAKE_NOW).map((i) => i.id),
      [1004],
    );
    assert.deepEqual(
      selectRows(snap, { ...DEFAULT_QUERY, filter: '4x a100' }, FAKE_NOW).map((i) => i.id),
      [1003],
    );
  });
});
