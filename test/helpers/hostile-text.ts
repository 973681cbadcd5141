/** Hostile text for the property tests: escape sequences, C1, bidi controls, NUL, \r, odd Unicode, huge strings. */
import type { Rng } from '../../src/sim/prng.js';

const PIECES = [
  '\x1b]52;c;cHduZWQ=\x07',
  '\x1b]2;pwned title\x1b\\',
  '\x1b[2J\x1b[H',
  '\x1b[31m',
  '\x1bP1$r\x1b\\',
  '\x1b_apc\x1b\\',
  '\x1b',
  '\x07',
  '\x00',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x7f',
  '\x9b31m',
  '\x9d0;t\x9c',
  '\x85',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200f',
  '\u061c',
  'plain',
  ' ',
  '"',
  '\\',
  '{}',
  'é',
  '漢',
  '🙂',
  '\ud800',
  '%1b',
  '\\u001b',
  '12',
];

/** A random hostile string (about 1 in 20 is ~300 KB). */
export function hostile(rng: Rng): string {
  if (rng() < 0.05) return 'A\x1b]52;c;QQ==\x07\u202e'.repeat(20_000); // ~ 300 KB
  const n = 1 + Math.floor(rng() * 8);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (rng() < 0.2) s += String.fromCharCode(Math.floor(rng() * 0x300));
    else s += PIECES[Math.floor(rng() * PIECES.length)]!;
  }
  return s;
}

/**
 * A copy of a wire row with 1..n fields made hostile (strings stay strings; others may turn into strings: a malformed
 * row).
 */
export function mutate(
  template: Record<string, unknown>,
  rng: Rng,
  fields: number,
): { row: Record<string, unknown>; keys: string[] } {
  const row = { ...template };
  const names = Object.keys(template);
  const keys: string[] = [];
  for (let k = 0; k < fields; k++) {
    const key = names[Math.floor(rng() * names.length)]!;
    keys.push(key);
    // Strings stay strings (so the row decodes and reaches the table); other fields may turn into hostile strings (a
    // malformed row: the error path).
    if (typeof template[key] === 'string' || template[key] === null || rng() < 0.3) row[key] = hostile(rng);
  }
  return { row, keys };
}
