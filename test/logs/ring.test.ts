import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LogRing, DEFAULT_RING_CAPACITY } from '../../src/core/logs/ring.js';

const FIXTURE = readFileSync(new URL('../fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url));

describe('LogRing: \\r redraws', () => {
  test('a bar redrawn 300 times with \\r keeps only its last state', () => {
    const ring = new LogRing();
    let chunk = '';
    for (let i = 1; i <= 300; i++)
      chunk += `\r${String(Math.floor((i / 300) * 100)).padStart(3)}%|#| ${i}/300 [00:01<00:01, 5.00it/s]`;
    ring.push(chunk + '\n');
    assert.equal(ring.length, 1);
    assert.equal(ring.at(0)!.text, '100%|#| 300/300 [00:01<00:01, 5.00it/s]');
    assert.equal(ring.at(0)!.partial, false);
  });

  test('a partial line is visible as the last line and replaced in place, keeping its seq', () => {
    const ring = new LogRing();
    ring.push('starting\n');
    const v0 = ring.version;
    const [first] = ring.push('\r 10%|#         | 30/300');
    assert.equal(ring.length, 2);
    assert.equal(first!.partial, true);
    assert.equal(ring.at(1)!.text, ' 10%|#         | 30/300');
    assert.ok(ring.version > v0);
    const v1 = ring.version;
    ring.push('\r 20%|##        | 60/300');
    assert.equal(ring.length, 2, 'the redraw replaces, not appends');
    assert.equal(ring.at(1)!.text, ' 20%|##        | 60/300');
    assert.equal(ring.at(1)!.seq, first!.seq);
    assert.ok(ring.version > v1);
    ring.push('\n');
    assert.equal(ring.at(1)!.partial, false);
    assert.equal(ring.at(1)!.text, ' 20%|##        | 60/300');
    assert.equal(ring.length, 2);
  });

  test('CRLF line endings keep the text (the \\r is not a redraw of nothing)', () => {
    const ring = new LogRing();
    ring.push('one\r\ntwo\r\n');
    assert.deepEqual(
      ring.lines().map((l) => l.text),
      ['one', 'two'],
    );
  });

  test('a \\r at the end of a chunk takes effect when the next chunk brings text', () => {
    const ring = new LogRing();
    ring.push('old state\r');
    assert.equal(ring.at(0)!.text, 'old state');
    ring.push('new\n');
    assert.deepEqual(
      ring.lines().map((l) => l.text),
      ['new'],
    );
  });

  test('an empty chunk changes nothing', () => {
    const ring = new LogRing();
    ring.push('a\n');
    const v = ring.version;
    assert.deepEqual(ring.push(''), []);
    assert.equal(ring.version, v);
  });
});

describe('LogRing: the real Trainer log', () => {
  const whole = new LogRing();
  whole.push(FIXTURE);
  whole.end();

  test('byte chunks of any size give the same lines as one chunk (UTF-8 blocks split across chunks)', () => {
    for (const size of [1, 7, 64, 4096]) {
      const ring = new LogRing();
      for (let i = 0; i < FIXTURE.length; i += size) ring.push(FIXTURE.subarray(i, i + size));
      ring.end();
      assert.equal(ring.toText(), whole.toText(), `chunk size ${size}`);
    }
  });

  test('one stored line per \\n in the file, no \\r, no ESC, no U+FFFD', () => {
    const newlines = FIXTURE.toString('utf8').split('\n').length - 1;
    assert.equal(whole.length, newlines);
    for (const l of whole.lines()) assert.doesNotMatch(l.text, /[\r\x1b\uFFFD]/);
  });

  test('the final bar state of the run is stored, with its Unicode blocks', () => {
    const text = whole.toText();
    assert.match(text, /100%\|██████████\| 300\/300 \[00:08<00:00, 33\.98it\/s\]\n/);
    // A bar line redrawn with \r shows one state, never several bars glued together.
    for (const l of whole.lines()) assert.ok((l.text.match(/\d+\/300 \[/g) ?? []).length <= 1, l.text);
  });

  test('the checkpoint bar with ESC [ A shows its last state only', () => {
    const shards = whole.lines().filter((l) => l.text.startsWith('Writing model shards'));
    assert.equal(shards.length, 3);
    for (const l of shards) assert.match(l.text, /^Writing model shards: 100%\|█+\| 1\/1 /);
  });
});

describe('LogRing: sanitizing', () => {
  test('OSC 52 and CSI never survive, even split across chunks', () => {
    const ring = new LogRing();
    ring.push('a\x1b[31mred\x1b[0m b\n');
    ring.push('x\x1b]52;c;');
    ring.push('ZWNobyBwd25lZA==\x07y\n');
    ring.push('t\x1b]0;title\x1b\\u\n');
    ring.push('z\x1b[');
    ring.push('2Jw\n');
    const texts = ring.lines().map((l) => l.text);
    assert.deepEqual(texts, ['ared b', 'xy', 'tu', 'zw']);
    for (const t of texts) assert.doesNotMatch(t, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  test('a partial line holding only the start of an escape sequence adds no empty line', () => {
    const ring = new LogRing();
    ring.push('\x1b]52;c;AAAA');
    assert.equal(ring.length, 0);
    ring.push('\x07done\n');
    assert.deepEqual(
      ring.lines().map((l) => l.text),
      ['done'],
    );
  });
});

describe('LogRing: sources, search, save', () => {
  test('each line is tagged with its source and an increasing seq; partials of two sources do not mix', () => {
    const ring = new LogRing();
    ring.push('ssh part', 'ssh');
    ring.push('api line\n', 'api');
    ring.push(' done\n', 'ssh');
    ring.push('daemon note\n', 'daemon');
    const lines = ring.lines();
    assert.deepEqual(
      lines.map((l) => [l.source, l.text]),
      [
        ['ssh', 'ssh part done'],
        ['api', 'api line'],
        ['daemon', 'daemon note'],
      ],
    );
    assert.deepEqual(
      lines.map((l) => l.seq),
      [0, 1, 2],
    );
  });

  test('search returns every matching index, case-insensitive', () => {
    const ring = new LogRing();
    ring.push('Loss went up\nnothing\nloss down\nLOSS flat\n');
    assert.deepEqual(ring.search('loss'), [0, 2, 3]);
    assert.deepEqual(ring.search('NOTHING'), [1]);
    assert.deepEqual(ring.search('absent'), []);
    assert.deepEqual(ring.search(''), []);
  });

  test('toText joins stored lines and ends with a newline; clear empties it', () => {
    const ring = new LogRing();
    ring.push('a\nb\n');
    assert.equal(ring.toText(), 'a\nb\n');
    ring.clear();
    assert.equal(ring.length, 0);
    assert.equal(ring.toText(), '');
    ring.push('c\n');
    assert.equal(ring.at(0)!.seq, 2, 'seq keeps increasing after clear');
  });
});

describe('LogRing: bounded memory', () => {
  test('1e6 lines leave exactly the newest 5,000', () => {
    const ring = new LogRing();
    assert.equal(ring.capacity, DEFAULT_RING_CAPACITY);
    const per = 1000;
    let n = 0;
    for (let c = 0; c < 1000; c++) {
      let chunk = '';
      for (let i = 0; i < per; i++) chunk += `line ${n++}\n`;
      ring.push(chunk);
    }
    assert.equal(ring.length, 5000);
    assert.equal(ring.at(0)!.text, 'line 995000');
    assert.equal(ring.at(4999)!.text, 'line 999999');
    assert.equal(ring.at(0)!.seq, 995000);
    assert.equal(ring.search('line 99999').length, 10);
  });

  test('a line that never ends is cut at maxLineLength', () => {
    const ring = new LogRing({ capacity: 10, maxLineLength: 100 });
    for (let i = 0; i < 25; i++) ring.push('x'.repeat(10));
    assert.equal(ring.length, 3);
    assert.deepEqual(
      ring.lines().map((l) => l.text.length),
      [100, 100, 50],
    );
    assert.equal(ring.at(2)!.partial, true);
  });

  test('a partial line evicted by other sources is not resurrected', () => {
    const ring = new LogRing({ capacity: 2 });
    ring.push('slow', 'ssh');
    ring.push('a\nb\nc\n', 'api');
    ring.push(' end\n', 'ssh');
    assert.deepEqual(
      ring.lines().map((l) => l.text),
      ['b', 'c'],
    );
  });
});
