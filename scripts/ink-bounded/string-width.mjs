// A fast path in front of string-width (patched into the bundle by plugin.mjs). string-width runs a grapheme
// segmenter and several Unicode regexes over any string that is not pure printable ASCII, and a table row with
// one '›' or '·' in it is not. When every character is simple (simple-char.mjs: each is a grapheme of its own)
// and every escape is an SGR sequence, the width is the sum of the characters' own widths, which string-width
// itself gives once per character. Anything else goes to string-width unchanged.
import { isSimpleChar } from './simple-char.mjs';

/** Wraps `slow` (string-width's own function) with the fast path; the result is what `slow` returns. */
export function withFastPath(slow) {
  const charWidths = new Map();
  return function stringWidth(input, options = {}) {
    if (typeof input !== 'string' || input.length === 0) return 0;
    if (options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes) return slow(input, options);
    let width = 0;
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c >= 0x20 && c <= 0x7e) width++;
      else if (c === 0x1b) {
        if (input.charCodeAt(i + 1) !== 0x5b) return slow(input, options);
        let j = i + 2;
        for (let d = input.charCodeAt(j); (d >= 0x30 && d <= 0x39) || d === 0x3b; d = input.charCodeAt(++j));
        if (input.charCodeAt(j) !== 0x6d) return slow(input, options);
        i = j;
      } else if (isSimpleChar(c)) {
        let w = charWidths.get(c);
        if (w === undefined) charWidths.set(c, (w = slow(input[i])));
        width += w;
      } else return slow(input, options);
    }
    return width;
  };
}
