/**
 * Cutting one top-level member out of a JSON object before it is decoded and parsed. The instance listing sends
 * `label_counts` with every page: a count for every label on the account, so at 10,000 uniquely labelled instances
 * each 25-row page carries ~190 KB of it, and JSON.parse building a 10,000-key object cost ~4 ms a page, more than
 * everything else the page needs. Nothing reads it, and it is never decoded as UTF-8.
 * The scan reads the body's bytes as a latin1 string (one character per byte, so an index is a byte offset): every
 * byte that JSON structure uses is ASCII, and no byte of a multi-byte UTF-8 character is. Strings, scalars and a
 * container holding no container (label_counts) are each skipped by one sticky regular expression, which V8 runs
 * as compiled code from the first call: ~1 ms for label_counts in a fresh process, where a loop over its bytes took
 * ~4 ms until V8 had optimized it (the TUI's first screen reads two such pages). A nested container is walked.
 * The scan knows strings (escapes included) and nesting; on anything it does not expect it keeps the whole body,
 * so the result is always what JSON.parse would give, less that member.
 */

// Each alternative consumes one character or one whole string, so a failing match backtracks in linear time.
const STRING = /"(?:[^"\\]|\\.)*"/sy;
const FLAT_OBJECT = /\{(?:[^"{}[\]]|"(?:[^"\\]|\\.)*")*\}/sy;
const FLAT_ARRAY = /\[(?:[^"{}[\]]|"(?:[^"\\]|\\.)*")*\]/sy;
/** A number, true, false or null: up to , } ] or space. */
const SCALAR = /[^,}\] \n\r\t]+/y;
const SPACE = /[ \n\r\t]*/y;
/** The next quote or bracket, inside a nested container. */
const STRUCTURE = /["{}[\]]/g;

/** Index just past the match of sticky `re` at `i`, or -1. */
function skip(re: RegExp, t: string, i: number): number {
  re.lastIndex = i;
  return re.test(t) ? re.lastIndex : -1;
}

const skipSpace = (t: string, i: number): number => skip(SPACE, t, i);

/** Index just past the container that opens at `i` (its nested containers included), or -1. */
function containerEnd(t: string, i: number): number {
  const flat = skip(t[i] === '{' ? FLAT_OBJECT : FLAT_ARRAY, t, i);
  if (flat >= 0) return flat;
  let depth = 0;
  STRUCTURE.lastIndex = i;
  for (let m = STRUCTURE.exec(t); m; m = STRUCTURE.exec(t)) {
    const c = m[0];
    if (c === '"') {
      const e = skip(STRING, t, m.index);
      if (e < 0) return -1;
      STRUCTURE.lastIndex = e;
    } else if (c === '{' || c === '[') depth++;
    else if (--depth === 0) return m.index + 1;
  }
  return -1;
}

/** Index just past the value that starts at `i`, or -1 when the text ends first. */
function valueEnd(t: string, i: number): number {
  const c = t[i];
  if (c === '"') return skip(STRING, t, i);
  if (c === '{' || c === '[') return containerEnd(t, i);
  return skip(SCALAR, t, i);
}

/** The range [from, to) that drops the top-level member `key` (its first occurrence) with one comma, or null. */
function memberSpan(t: string, key: string): readonly [number, number] | null {
  let i = skipSpace(t, 0);
  if (t[i] !== '{') return null;
  const quoted = Buffer.from(JSON.stringify(key)).toString('latin1');
  i = skipSpace(t, i + 1);
  let prevEnd = -1; // end of the previous member's value (where its comma starts)
  while (t[i] === '"') {
    const start = i;
    const keyEnd = skip(STRING, t, i);
    if (keyEnd < 0) return null;
    const colon = skipSpace(t, keyEnd);
    if (t[colon] !== ':') return null;
    const vEnd = valueEnd(t, skipSpace(t, colon + 1));
    if (vEnd < 0) return null;
    const after = skipSpace(t, vEnd);
    const next = t[after];
    if (next !== ',' && next !== '}') return null;
    if (keyEnd - start === quoted.length && t.startsWith(quoted, start)) {
      // Its own comma when a member follows, else the previous member's.
      if (next === ',') return [start, skipSpace(t, after + 1)];
      return prevEnd < 0 ? [start, after] : [prevEnd, after];
    }
    if (next === '}') return null;
    prevEnd = vEnd;
    i = skipSpace(t, after + 1);
  }
  return null;
}

/** The text of `b` less the byte range `span`, or null without one. */
function cut(b: Buffer, span: readonly [number, number] | null): string | null {
  return span && b.toString('utf8', 0, span[0]) + b.toString('utf8', span[1]);
}

/** `b` less its top-level member `key`, decoded; null when it has none or looks odd. */
function bytesWithout(b: Buffer, key: string): string | null {
  return cut(b, memberSpan(b.toString('latin1'), key));
}

/**
 * A JSON body as text (UTF-8, a leading byte-order mark dropped, as fetch's text() does) without its top-level
 * member `key`; the whole body's text when it has none or looks odd. Only the bytes kept are decoded.
 */
export function textWithout(bytes: Uint8Array, key: string): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const body = bom ? b.subarray(bom) : b;
  return bytesWithout(body, key) ?? body.toString('utf8');
}

/** `text` without the top-level member `key` (its first occurrence), or `text` itself when it has none or looks odd. */
export function withoutMember(text: string, key: string): string {
  return bytesWithout(Buffer.from(text, 'utf8'), key) ?? text;
}
