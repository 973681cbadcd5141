/**
 * Cutting one top-level member out of a JSON object's text before it is parsed. The instance listing sends
 * `label_counts` with every page: a count for every label on the account, so at 10,000 uniquely labelled instances
 * each 25-row page carries ~190 KB of it, and JSON.parse building a 10,000-key object cost ~4 ms a page, more than
 * everything else the page needs. Nothing reads it. The scan knows strings (escapes included) and nesting; on
 * anything it does not expect it returns the text unchanged, so the result is always what JSON.parse would give,
 * less that member.
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
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k > i && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the value that starts at `i`, or -1 when the text ends first. Scalars end at , } ] or space. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    let j = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
      j++;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) {
      const e = stringEnd(text, j);
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

/** `text` without the top-level member `key` (its first occurrence), or `text` itself when it has none or looks odd. */
export function withoutMember(text: string, key: string): string {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return text;
  const quoted = JSON.stringify(key);
  i = skipSpace(text, i + 1);
  let prevEnd = -1; // end of the previous member's value (where its comma starts)
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const start = i;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return text;
    const colon = skipSpace(text, keyEnd);
    if (text.charCodeAt(colon) !== COLON) return text;
    const vStart = skipSpace(text, colon + 1);
    const vEnd = valueEnd(text, vStart);
    if (vEnd < 0) return text;
    const after = skipSpace(text, vEnd);
    const next = text.charCodeAt(after);
    if (next !== COMMA && next !== CLOSE_BRACE) return text;
    if (keyEnd - start === quoted.length && text.startsWith(quoted, start)) {
      // Drop the member with one comma: its own (when a member follows), else the previous member's.
      if (next === COMMA) return text.slice(0, start) + text.slice(skipSpace(text, after + 1));
      return prevEnd < 0 ? text.slice(0, start) + text.slice(after) : text.slice(0, prevEnd) + text.slice(after);
    }
    if (next === CLOSE_BRACE) return text;
    prevEnd = vEnd;
    i = skipSpace(text, after + 1);
  }
  return text;
}
