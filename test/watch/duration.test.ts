import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/core/present/durations.js';

test('durations as typed on a command line', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('8h'), 8 * 3_600_000);
  assert.equal(parseDuration('7d'), 7 * 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('90'), 90_000, 'a bare number is seconds');
  assert.equal(parseDuration(' 2H '), 7_200_000);
  for (const bad of ['', 'soon', '5x', 'h', '5m garbage', '-5m']) assert.equal(parseDuration(bad), null, bad);
});

test('coarse formatting', () => {
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(12 * 60_000), '12m');
  assert.equal(formatDuration(3 * 3_600_000 + 5 * 60_000), '3h05m');
  assert.equal(formatDuration(52 * 3_600_000), '2d04h');
  assert.equal(formatDuration(7 * 86_400_000), '7d');
  assert.equal(formatDuration(-5), '0s');
});
