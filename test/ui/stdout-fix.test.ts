import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixFrameChunk } from '../../src/ui/stdout-fix.js';

const E = '\x1b[E';

test('the leading cursor-up of an incremental frame gains the row Ink 6.8 misses', () => {
  assert.equal(fixFrameChunk('\x1b[49A\x1b[1Gabc\x1b[K\r\n'), '\x1b[50A\x1b[1Gabc\x1b[K\r\n');
  assert.equal(fixFrameChunk('plain text'), 'plain text');
});

test('runs of cursor-next-line fold into one counted move; single ones stay', () => {
  const frame = `\x1b[49A${E}${E}\x1b[1Grow one\x1b[K\r\n\x1b[1Grow two\x1b[K\r\n${E.repeat(45)}`;
  assert.equal(fixFrameChunk(frame), `\x1b[50A\x1b[2E\x1b[1Grow one\x1b[K\r\n\x1b[1Grow two\x1b[K\r\n\x1b[45E`);
  assert.equal(fixFrameChunk(`x${E}y`), `x${E}y`);
});

test('a selection move at 50 rows costs two rewritten rows plus a few bytes of movement', () => {
  const row = (s: string) => `\x1b[1G${s}\x1b[K\r\n`;
  const ink = `\x1b[49A${E}${E}${row('a'.repeat(140))}${row('b'.repeat(140))}${E.repeat(45)}`;
  const out = fixFrameChunk(ink);
  assert.equal(out.length - 2 * (140 + 9), '\x1b[50A'.length + '\x1b[2E'.length + '\x1b[45E'.length);
});
