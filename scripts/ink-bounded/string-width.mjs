// A fast path in front of string-width (patched into the bundle by plugin.mjs). string-width runs a grapheme
// segmenter and several Unicode regexes over any string that is not pure printable ASCII, and a table row with
// one '›' or '·' in it is not. When every character is simple (simple-char.mjs: each is a grapheme of its own)
// and every escape is an SGR sequence, the width is the sum of the widths string-width
// gives for each of them alone: its East Asian Width, ambiguous as narrow (test/build/ink-output.test.ts checks
// every simple character against string-width). Anything else goes to string-width unchanged. The fast path never
// calls string-width, so a frame of simple text costs no Intl.Segmenter and no \p{RGI_Emoji} regex (~25 ms to
// set up on first use, right when the first frame is drawn).
import { eastAsianWidth } from 'get-east-asian-width';
import { isSimpleChar, sgrEnd } from './simple-char.mjs';

const NARROW = { ambiguousAsWide: false };

/** Wraps `slow` (string-width's own function) with the fast path; the result is what `slow` returns. */
export function withFastPath(slow) {
  return function stringWidth(input, options = {}) {
    if (typeof input !== 'string' || input.length === 0) return 0;
    if (options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes) return slow(input, options);
    let width = 0;
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c >= 0x20 && c <= 0x7e) width++;
      else if (c === 0x1b) {
        const j = sgrEnd(input, i);
        if (j < 0) return slow(input, options);
        i = j;
      } else if (isSimpleChar(c)) {
        width += eastAsianWidth(c, NARROW);
      } else return slow(input, options);
    }
    return width;
  };
}
