/**
 * Cutting one top-level member out of a JSON object before it is decoded and parsed. The instance listing sends
 * `label_counts` with every page: a count for every label on the account, so at 10,000 uniquely labelled instances
 * each 25-row page carries ~190 KB of it, and JSON.parse building a 10,000-key object cost ~4 ms a page, more than
 * everything else the page needs. Nothing reads it. The scan works on the body's bytes, so the member is never
 * decoded either (a 190 KB string a page is a large-object allocation, and old-generation garbage every second).
 * Every byte that JSON structure uses is ASCII, and no byte of a multi-byte UTF-8 character is, so scanning
 * bytes is scanning characters. The scan knows strings (escapes included) and nesting; on anything it does not
 * expect it keeps the whole body, so the result is always what JSON.parse would give, less that member.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Index just past the string that opens at `i` (a quote), or -1 when it never closes. */
function stringEnd(b: Buffer, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, j);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k > i && b[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** Index just past the value that starts at `i`, or -1 when the body ends first. Scalars end at , } ] or space. */
function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    let j = i;
    while (j < b.length) {
      const d = b[j];
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
      j++;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const d = b[j];
    if (d === QUOTE) {
      const e = stringEnd(b, j);
      if (e < 0) return -1;
      j = e - 1;
    } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** The byte range [from, to) that drops the top-level member `key` (its first occurrence) with one comma, or null. */
function memberSpan(b: Buffer, key: string): readonly [number, number] | null {
  let i = skipSpace(b, 0);
  if (b[i] !== OPEN_BRACE) return null;
  const quoted = Buffer.from(JSON.stringify(key));
  i = skipSpace(b, i + 1);
  let prevEnd = -1; // end of the previous member's value (where its comma starts)
  while (i < b.length && b[i] === QUOTE) {
    const start = i;
    const keyEnd = stringEnd(b, i);
    if (keyEnd < 0) return null;
    const colon = skipSpace(b, keyEnd);
    if (b[colon] !== COLON) return null;
    const vEnd = valueEnd(b, skipSpace(b, colon + 1));
    if (vEnd < 0) return null;
    const after = skipSpace(b, vEnd);
    const next = b[after];
    if (next !== COMMA && next !== CLOSE_BRACE) return null;
    if (keyEnd - start === quoted.length && b.compare(quoted, 0, quoted.length, start, keyEnd) === 0) {
      // Its own comma when a member follows, else the previous member's.
      if (next === COMMA) return [start, skipSpace(b, after + 1)];
      return prevEnd < 0 ? [start, after] : [prevEnd, after];
    }
    if (next === CLOSE_BRACE) return null;
    prevEnd = vEnd;
    i = skipSpace(b, after + 1);
  }
  return null;
}

/**
 * A JSON body as text (UTF-8, a leading byte-order mark dropped, as fetch's text() does) without its top-level
 * member `key`; the whole body's text when it has none or looks odd. Only the bytes kept are decoded.
 */
export function textWithout(bytes: Uint8Array, key: string): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const body = bom ? b.subarray(bom) : b;
  return cut(body, memberSpan(body, key)) ?? body.toString('utf8');
}

/** The text of `b` less the byte range `span`, or null without one. */
function cut(b: Buffer, span: readonly [number, number] | null): string | null {
  return span && b.toString('utf8', 0, span[0]) + b.toString('utf8', span[1]);
}

/** `text` without the top-level member `key` (its first occurrence), or `text` itself when it has none or looks odd. */
export function withoutMember(text: string, key: string): string {
  const b = Buffer.from(text, 'utf8');
  return cut(b, memberSpan(b, key)) ?? text;
}
