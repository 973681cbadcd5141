// What the bundle's fast paths (output.mjs, string-width.mjs) may handle without a grapheme segmenter: simple
// characters and SGR sequences.

/**
 * True for a character that is always a grapheme of its own next to another such character or an SGR sequence:
 * printable ASCII, Latin-1 and Latin Extended (no combining marks), punctuation, arrows, maths, box drawing,
 * shapes and symbols — without the zero-width, joiner, format and combining characters of those blocks.
 */
export function isSimpleChar(c) {
  if (c >= 0x20 && c <= 0x7e) return true;
  if (c >= 0xa1 && c <= 0x2ff) return c !== 0xad;
  if (c >= 0x2010 && c <= 0x2027) return true;
  if (c >= 0x2030 && c <= 0x205e) return true;
  if (c >= 0x2070 && c <= 0x20cf) return true;
  return c >= 0x2100 && c <= 0x2bff;
}

/**
 * Index of the `m` ending the SGR sequence (ESC [ digits/semicolons m) that starts at `i`, or -1 when there is none.
 */
export function sgrEnd(s, i) {
  if (s.charCodeAt(i) !== 0x1b || s.charCodeAt(i + 1) !== 0x5b) return -1;
  let j = i + 2;
  for (let d = s.charCodeAt(j); (d >= 0x30 && d <= 0x39) || d === 0x3b; d = s.charCodeAt(++j));
  return s.charCodeAt(j) === 0x6d ? j : -1;
}

/**
 * True when `s` has no C1 control and every escape in it is an SGR sequence sgrEnd reads: Ink's sanitizeAnsi (which
 * keeps text, SGR and OSC, and drops every other control sequence) gives such a string back unchanged.
 */
export function onlySgr(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x1b) {
      i = sgrEnd(s, i);
      if (i < 0) return false;
    } else if (c >= 0x80 && c <= 0x9f) return false;
  }
  return true;
}
