// numbers.ts writes what Intl.NumberFormat('en-US') writes, without loading it: checked here against Intl itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatUsd } from '../../src/core/present/numbers.js';

const intlUsd = (places: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: places,
    maximumFractionDigits: places,
  });

/** A deterministic generator (mulberry32), so a failure names a value that can be tried again. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('formatUsd writes what Intl writes: random amounts of every size, both signs, 2 and 3 places', () => {
  const intl = [2, 3].map(intlUsd);
  const r = rng(16);
  for (let i = 0; i < 20_000; i++) {
    const size = 10 ** Math.floor(r() * 16 - 4); // 0.0001 … 1e11
    const x = (r() < 0.2 ? -1 : 1) * r() * size;
    for (const places of [2, 3]) assert.equal(formatUsd(x, places), intl[places - 2]!.format(x), `${x}, ${places}`);
  }
});

test('formatUsd on the edges: ties, exact halves, negative zero, tiny negatives, powers of ten, huge', () => {
  const cases = [
    0,
    -0,
    0.005,
    0.015,
    0.125,
    0.135,
    2.5,
    1.005,
    1.0005,
    0.0005,
    -0.0004,
    -0.005,
    999.995,
    999.9995,
    1000,
    999_999.999,
    1e6,
    1e15,
    123_456_789.125,
    1e20,
    1e21,
    1.5e22,
    Number.MAX_SAFE_INTEGER,
  ];
  for (const places of [2, 3]) {
    const intl = intlUsd(places);
    for (const x of cases) assert.equal(formatUsd(x, places), intl.format(x), `${x}, ${places}`);
  }
});

test('formatCount writes what Intl writes for counts', () => {
  const intl = new Intl.NumberFormat('en-US');
  const r = rng(7);
  const cases = [0, 1, 12, 123, 1234, 12_345, 999_999, 1_000_000, -1, -1234, Number.MAX_SAFE_INTEGER, 1e21];
  for (let i = 0; i < 5000; i++) cases.push(Math.floor(r() * 10 ** Math.floor(r() * 12)));
  for (const n of cases) assert.equal(formatCount(n), intl.format(n), String(n));
});
