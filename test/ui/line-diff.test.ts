// The cell-level line differ must leave the screen exactly as Ink's own output would. A small terminal model
// (cursor moves, erase, SGR per cell, LF with onlcr) replays both byte streams and the screens are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDiffer, toCells } from '../../src/ui/line-diff.js';

/** A tiny terminal: enough of VT100 for Ink's output. Cells hold "char|sgr". */
class Screen {
  rows: string[][];
  r = 0;
  c = 0;
  sgr = '';
  constructor(
    readonly h: number,
    readonly w: number,
  ) {
    this.rows = Array.from({ length: h }, () => Array(w).fill(' |'));
  }
  write(s: string): void {
    // eslint-disable-next-line no-control-regex
    const re = /\x1b\[\?2026[hl]|\x1b\[(\d*)([AEGK])|\x1b\[([0-9;]*)m|\n|\r|[^\x1b\n\r]/gu;
    for (const m of s.matchAll(re)) {
      const t = m[0];
      if (t.startsWith('\x1b[?')) continue;
      if (m[2]) {
        const n = m[1] === '' ? 1 : Number(m[1]);
        if (m[2] === 'A') this.r = Math.max(0, this.r - n);
        else if (m[2] === 'E') (this.r = Math.min(this.h - 1, this.r + n)), (this.c = 0);
        else if (m[2] === 'G') this.c = n - 1;
        else for (let k = this.c; k < this.w; k++) this.rows[this.r]![k] = ` |`;
      } else if (m[3] !== undefined) {
        // Canonical style through the same parser the differ uses: style of a one-char probe.
        const probe = toCells(`\x1b[${m[3]}mx`);
        this.sgr = mergeSgr(this.sgr, m[3]!, probe);
      } else if (t === '\n') (this.r = Math.min(this.h - 1, this.r + 1)), (this.c = 0);
      else if (t === '\r') this.c = 0;
      else {
        if (this.c < this.w) this.rows[this.r]![this.c] = `${t}|${this.sgr}`;
        this.c++;
      }
    }
  }
  text(): string {
    return this.rows.map((r) => r.join(',')).join('\n');
  }
}

/** Applies SGR params on top of a running state by replaying the whole history through toCells. */
const history = new Map<string, string>();
function mergeSgr(current: string, params: string, _probe: unknown): string {
  const key = `${current}\u0000${params}`;
  let v = history.get(key);
  if (v === undefined) {
    v = toCells(`${current}\x1b[${params}mx`)![0]!.sgr;
    history.set(key, v);
  }
  return v;
}

/** What Ink 6.8's incremental renderer writes for a change from prev to next (same height, trailing LF). */
function inkFrame(prev: string[], next: string[]): string {
  let out = `\x1b[?2026h\x1b[${prev.length}A`;
  for (let i = 0; i < next.length; i++) out += next[i] === prev[i] ? '\x1b[E' : `\x1b[1G${next[i]}\x1b[K\n`;
  return `${out}\x1b[?2026l`;
}

const SEL = '\x1b[48;2;38;79;120m\x1b[97m';
/** A fleet row as Ink draws it; the selection highlights the marker, ID and label (FleetTable). */
const row = (id: number, sel: boolean, status = 'running') =>
  `${sel ? SEL + '›' : ' '}${id}  zeb-large-w${id % 7}     ${sel ? '\x1b[39m\x1b[49m' : ''} 4× A100 SXM4   ` +
  `\x1b[32m${status}\x1b[39m  $4.82 ssh -p 4${id} root@127.0.0.1  20h  7196${id % 10} \x1b[32mtraining\x1b[39m`;
/** The same with the whole row highlighted: every cell changes style, so only correctness is checked. Like
 * every Ink line (chalk closes what it opens), it ends with the default style. */
const fullRow = (id: number, sel: boolean) =>
  `${sel ? SEL + '›' : ' '}${id}  zeb-large-w${id % 7}      4× A100 SXM4   ` +
  `${sel ? '' : '\x1b[32m'}running${sel ? '\x1b[97m' : '\x1b[39m'}  $4.82${sel ? '\x1b[39m\x1b[49m' : ''}`;

function frame(selected: number, n = 12, statusOf = (_i: number) => 'running'): string[] {
  return Array.from({ length: n }, (_, i) => row(100 + i, i === selected, statusOf(i)));
}

test('selection moves: the screen matches Ink’s own output, for a fraction of the bytes', () => {
  const a = new Screen(14, 120);
  const b = new Screen(14, 120);
  const differ = new LineDiffer();
  let prev = frame(0);
  const first = prev.join('\n') + '\n';
  a.write(first);
  b.write(differ.rewrite(first));
  let inkBytes = 0;
  let ourBytes = 0;
  const moves = [1, 2, 3, 2, 1, 0, 5, 11, 10, 4, 4, 7];
  for (const sel of moves) {
    const next = frame(sel);
    const ink = inkFrame(prev, next);
    const ours = differ.rewrite(ink);
    a.write(ink);
    b.write(ours);
    assert.equal(b.text(), a.text(), `after moving to ${sel}`);
    inkBytes += Buffer.byteLength(ink);
    ourBytes += Buffer.byteLength(ours);
    prev = next;
  }
  assert.ok(ourBytes < inkBytes / 2, `${ourBytes} vs ${inkBytes}`);
});

test('a whole-row highlight moving is drawn right too', () => {
  const a = new Screen(8, 80);
  const b = new Screen(8, 80);
  const differ = new LineDiffer();
  const fr = (sel: number) => Array.from({ length: 6 }, (_, i) => fullRow(100 + i, i === sel));
  let prev = fr(0);
  a.write(prev.join('\n') + '\n');
  b.write(differ.rewrite(prev.join('\n') + '\n'));
  for (const sel of [1, 2, 5, 0]) {
    const ink = inkFrame(prev, fr(sel));
    a.write(ink);
    b.write(differ.rewrite(ink));
    assert.equal(b.text(), a.text());
    prev = fr(sel);
  }
});

test('shorter lines, changed colours and unknown rows are drawn right', () => {
  const a = new Screen(14, 120);
  const b = new Screen(14, 120);
  const differ = new LineDiffer();
  let prev = frame(3);
  const first = prev.join('\n') + '\n';
  a.write(first);
  b.write(differ.rewrite(first));
  const steps: string[][] = [
    frame(3, 12, (i) => (i === 5 ? 'stopped' : 'running')),
    frame(4, 12, (i) => (i === 5 ? 'ok' : 'running')).map((l, i) => (i === 8 ? 'short' : l)),
    frame(4, 12).map((l, i) => (i === 8 ? '' : l)),
    frame(9, 12, () => 'exited'),
  ];
  for (const next of steps) {
    const ink = inkFrame(prev, next);
    a.write(ink);
    b.write(differ.rewrite(ink));
    assert.equal(b.text(), a.text());
    prev = next;
  }
});

test('wide characters pass through whole; writes of another shape reset what it knows', () => {
  const differ = new LineDiffer();
  differ.rewrite('abc\ndef\n');
  const wide = inkFrame(['abc', 'def'], ['abc', 'd界f']);
  assert.equal(differ.rewrite(wide), wide);
  const erase = '\x1b[2K\x1b[1A\x1b[2K\x1b[G';
  assert.equal(differ.rewrite(erase), erase);
  const after = inkFrame(['abc', 'd界f'], ['abX', 'd界f']);
  assert.equal(differ.rewrite(after), after, 'nothing known after a reset: the line goes whole');
});

test("check marks (✓ ✔ ✗ ✘, text presentation) are one cell: the offer browser's rows are diffed too", () => {
  for (const ch of ['✓', '✔', '✗', '✘']) assert.equal(toCells(`a${ch}b`)?.length, 3, ch);
  assert.equal(toCells('a✅b'), null, 'an emoji-presentation mark stays uncertain');
  const differ = new LineDiffer();
  differ.rewrite(' ✓   31000001 RTX 4090\n›✗   31000002 RTX 3060\n');
  const frame = inkFrame(
    [' ✓   31000001 RTX 4090', '›✗   31000002 RTX 3060'],
    ['›✓   31000001 RTX 4090', ' ✗   31000002 RTX 3060'],
  );
  assert.ok(differ.rewrite(frame).length < frame.length, 'only the marker cells are sent');
});

test('each cell carries the style in force where it is drawn, as the style changes and resets mid-line', () => {
  const body =
    'ab\x1b[31mcd\x1b[0mef\x1b[1;44mg›\x1b[22mh\x1b[49mi\x1b[38;5;200m\x1b[2mj\x1b[22;39mk\x1b[7m×\x1b[27ml\x1b[mm';
  const cells = toCells(body);
  assert.deepEqual(
    cells?.map((c) => [c.ch, c.sgr]),
    [
      ['a', ''],
      ['b', ''],
      ['c', '\x1b[31m'],
      ['d', '\x1b[31m'],
      ['e', ''],
      ['f', ''],
      ['g', '\x1b[1;44m'],
      ['›', '\x1b[1;44m'],
      ['h', '\x1b[44m'],
      ['i', ''],
      ['j', '\x1b[2;38;5;200m'],
      ['k', ''],
      ['×', '\x1b[7m'],
      ['l', ''],
      ['m', ''],
    ],
  );
  // The same text parsed again from a fresh state gives the same cells (no state survives between calls).
  assert.deepEqual(toCells(body), cells);
});
