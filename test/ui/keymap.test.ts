import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildKeymap, type CommandDef } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { dispatch } from '../../src/ui/keymap/dispatch.js';
import { keyName, splitChunk } from '../../src/ui/keymap/keys.js';
import { keysMarkdown, footerHints } from '../../src/ui/keymap/docs.js';
import { completeLine } from '../../src/ui/line-command.js';

describe('keymap', () => {
  test('docs/keys.md is fresh (regenerate: npx tsx scripts/gen-keys-doc.ts)', () => {
    const onDisk = readFileSync(new URL('../../docs/keys.md', import.meta.url), 'utf8');
    assert.equal(onDisk, keysMarkdown(buildKeymap(COMMANDS, { readOnly: false })));
  });

  test('read-only removes every dangerous command', () => {
    const full = buildKeymap(COMMANDS, { readOnly: false });
    const ro = buildKeymap(COMMANDS, { readOnly: true });
    assert.ok(full.commands.some((c) => c.dangerous));
    assert.ok(!ro.commands.some((c) => c.dangerous));
    assert.equal(ro.lookup('fleet', 'shift+x'), undefined);
    assert.equal(ro.byCmd('stop'), undefined);
    assert.ok(!ro.complete('st').includes('stop'));
  });

  test('destroy (D) and migrate (M) are dangerous: read-only mode removes them', () => {
    const full = buildKeymap(COMMANDS, { readOnly: false });
    const ro = buildKeymap(COMMANDS, { readOnly: true });
    assert.equal(full.lookup('fleet', 'shift+d')?.id, 'fleet.destroy');
    assert.equal(full.lookup('fleet', 'shift+m')?.id, 'fleet.migrate');
    for (const id of ['fleet.destroy', 'fleet.migrate']) {
      assert.equal(full.get(id)?.dangerous, true);
      assert.equal(ro.get(id), undefined);
    }
  });

  test('a key bound twice in one scope is refused', () => {
    const defs: CommandDef[] = [
      { id: 'a.one', scope: 'fleet', keys: ['x'], description: '' },
      { id: 'a.two', scope: 'fleet', keys: ['x'], description: '' },
    ];
    assert.throws(() => buildKeymap(defs, { readOnly: false }), /x bound to both/);
  });

  test('key names', () => {
    assert.equal(keyName('L', { shift: true }), 'shift+l');
    assert.equal(keyName('c', { ctrl: true }), 'ctrl+c');
    assert.equal(keyName('', { downArrow: true }), 'down');
    assert.equal(keyName('', { delete: true }), 'backspace');
    assert.equal(keyName('j', {}), 'j');
    assert.equal(keyName('paste', {}), null);
  });

  test('a burst "zeb-large\\r" splits into the text and an Enter', () => {
    assert.deepEqual(splitChunk('zeb-large\r'), [
      { text: 'zeb-large', key: {} },
      { text: '', key: { return: true } },
    ]);
    assert.deepEqual(splitChunk('ab\x7fc\t'), [
      { text: 'ab', key: {} },
      { text: '', key: { backspace: true } },
      { text: 'c', key: {} },
      { text: '', key: { tab: true } },
    ]);
  });

  test('dispatch priority: overlay > input > view > global; input takes text; quit passes modal layers', () => {
    const km = buildKeymap(COMMANDS, { readOnly: false });
    const ran: string[] = [];
    const h = (id: string) => ({ [id]: () => ran.push(id) });
    const fleet = { scope: 'fleet' as const, handlers: { ...h('fleet.down'), ...h('fleet.clear') } };
    const global = { scope: 'global' as const, handlers: { ...h('app.quit'), ...h('app.help') } };
    const typed: string[] = [];
    const input = {
      scope: 'input' as const,
      handlers: h('input.cancel'),
      onText: (t: string) => (typed.push(t), true),
    };
    const help = { scope: 'overlay' as const, modal: true, handlers: h('overlay.close') };

    assert.equal(dispatch(km, [global, fleet], 'j', 'j'), 'fleet.down');
    assert.equal(dispatch(km, [global, fleet, input], 'j', 'j'), 'text');
    assert.deepEqual(typed, ['j']);
    assert.equal(dispatch(km, [global, fleet, input], 'escape', ''), 'input.cancel');
    assert.equal(dispatch(km, [fleet, global, help], 'j', 'j'), null, 'modal swallows');
    assert.equal(dispatch(km, [fleet, global, help], 'escape', ''), 'overlay.close');
    assert.equal(dispatch(km, [fleet, global, help], 'ctrl+c', ''), 'app.quit');
    // Ctrl-C in a prompt (the command line, a y/n question) cancels the prompt, not the app.
    assert.equal(dispatch(km, [global, fleet, input], 'ctrl+c', ''), 'input.cancel');
    const ask = { scope: 'overlay' as const, modal: true, handlers: { ...h('confirm.no'), ...h('confirm.yes') } };
    assert.equal(dispatch(km, [fleet, global, ask], 'ctrl+c', ''), 'confirm.no');
    assert.equal(dispatch(km, [fleet, global], 'escape', ''), 'fleet.clear');
  });

  test('footer hints come from the registry', () => {
    const hints = footerHints(buildKeymap(COMMANDS, { readOnly: false }), ['fleet', 'global']);
    assert.match(hints, /\/ filter/);
    assert.match(hints, /q quit/);
    assert.match(hints, /\? help/);
  });

  test('command-line completion', () => {
    const km = buildKeymap(COMMANDS, { readOnly: false });
    assert.deepEqual(completeLine(km, 'fl'), { text: 'fleet ', candidates: [] });
    const s = completeLine(km, 's');
    assert.deepEqual(s.candidates, ['sort', 'ssh', 'start', 'stop']);
    assert.equal(s.text, 's');
    assert.equal(completeLine(km, 'st').text, 'st');
  });
});
