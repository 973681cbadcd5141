// Characters the bundle's fast paths (output.mjs, string-width.mjs) may handle without a grapheme segmenter.

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
