// Replaces ink/build/output.js (Ink 6.8) in the bundle. Same frames, byte for byte (test/build/ink-output.test.ts
// compares it with Ink's own Output), built for less work per frame:
// - Ink builds a fresh width×height grid of cell objects every frame and re-encodes every line, so a 200×50 frame
//   costs 10,000 objects and 50 line encodings even when one line changed. Here each screen row is keyed by what
//   was written on it ((x, text) after clipping and transformers); a row seen before is one bounded-map lookup.
// - A changed row is built exactly as Ink builds it, only for that row, and encoded with a shortcut for the
//   common case of two neighbouring characters with identical styles (Ink diffs their style sets with three Sets).
// - Every cache is LRU-bounded (ink#986), and one set of caches serves every frame.
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import ansiStyles from 'ansi-styles';
import isFullwidthCodePoint from 'is-fullwidth-code-point';
import {
  styledCharsFromTokens,
  tokenize,
  diffAnsiCodes,
  ansiCodesToString,
  reduceAnsiCodesIncremental,
} from '@alcalzone/ansi-tokenize';
import { BoundedMap } from './lru.mjs';
import { isSimpleChar, sgrEnd } from './simple-char.mjs';

// A row is ~200 cell objects while it is cached as styled chars, and one string once it is built: few of the
// former, more of the latter.
const styledCharsCache = new BoundedMap(100);
const widthCache = new BoundedMap();
const blockWidthCache = new BoundedMap();
const rowCache = new BoundedMap(2000);

// An SGR sequence as @alcalzone/ansi-tokenize's tokenize() splits it (compound codes apart, 38/48 colours kept
// whole) with the end code its getEndCode() gives, without the grapheme segmenter tokenize() starts with.
const END_CODES = new Set();
const END_OF = new Map();
for (const [start, end] of ansiStyles.codes) {
  END_CODES.add(ansiStyles.color.ansi(end));
  END_OF.set(ansiStyles.color.ansi(start), ansiStyles.color.ansi(end));
}

function endCode(code) {
  if (END_CODES.has(code)) return code;
  const end = END_OF.get(code);
  if (end !== undefined) return end;
  const body = code.slice(2);
  if (body.startsWith('38')) return ansiStyles.color.close;
  if (body.startsWith('48')) return ansiStyles.bgColor.close;
  const reset = ansiStyles.codes.get(parseInt(body, 10));
  return reset ? ansiStyles.color.ansi(reset) : ansiStyles.reset.open;
}

/** The ansi tokens of one SGR sequence, as tokenize() gives them. */
export function sgrTokens(code) {
  const parts = [];
  if (!code.includes(';')) parts.push(code);
  else {
    const raw = code.slice(2, -1).split(';');
    for (let i = 0; i < raw.length; i++) {
      if ((raw[i] === '38' || raw[i] === '48') && i + 2 < raw.length && raw[i + 1] === '5') {
        parts.push(`\x1b[${raw.slice(i, i + 3).join(';')}m`);
        i += 2;
      } else if ((raw[i] === '38' || raw[i] === '48') && i + 4 < raw.length && raw[i + 1] === '2') {
        parts.push(`\x1b[${raw.slice(i, i + 5).join(';')}m`);
        i += 4;
      } else parts.push(`\x1b[${raw[i]}m`);
    }
  }
  return parts.map((c) => ({ type: 'ansi', code: c, endCode: endCode(c) }));
}

const sgrCache = new BoundedMap(500);

/**
 * What styledCharsFromTokens(tokenize(line)) gives, without the grapheme segmenter, for lines made of simple
 * characters and SGR sequences; null for anything else. Neighbouring characters share one styles array (never
 * mutated), which the encoder below recognises by reference.
 */
export function fastStyledChars(line) {
  const ret = [];
  const simple = eachStyledChar(line, (i, codes) => {
    const c = line.charCodeAt(i);
    ret.push({ type: 'char', value: line[i], fullWidth: c > 0x7e && isFullwidthCodePoint(c), styles: codes });
  });
  return simple ? ret : null;
}

/**
 * Reads a line of simple characters and SGR sequences, calling `onChar(i, styles)` for each character with the
 * styles then in force (an array shared by neighbours, never mutated); false, part-way, at anything else.
 */
function eachStyledChar(line, onChar) {
  let codes = [];
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x1b) {
      const j = sgrEnd(line, i);
      if (j < 0) return false;
      const code = line.slice(i, j + 1);
      let tokens = sgrCache.get(code);
      if (tokens === undefined) sgrCache.set(code, (tokens = sgrTokens(code)));
      codes = reduceAnsiCodesIncremental(codes, tokens);
      i = j;
    } else if (isSimpleChar(c)) onChar(i, codes);
    else return false;
  }
  return true;
}

function styledChars(line) {
  let cached = styledCharsCache.get(line);
  if (cached === undefined) {
    cached = fastStyledChars(line) ?? styledCharsFromTokens(tokenize(line));
    styledCharsCache.set(line, cached);
  }
  return cached;
}

function charWidth(value) {
  // Printable ASCII is one cell; string-width says the same, slower.
  if (value.length === 1) {
    const c = value.charCodeAt(0);
    if (c >= 0x20 && c <= 0x7e) return 1;
  }
  let cached = widthCache.get(value);
  if (cached === undefined) {
    cached = stringWidth(value);
    widthCache.set(value, cached);
  }
  return cached;
}

function widestLine(text) {
  let cached = blockWidthCache.get(text);
  if (cached === undefined) {
    cached = 0;
    for (const line of text.split('\n')) cached = Math.max(cached, charWidth(line));
    blockWidthCache.set(text, cached);
  }
  return cached;
}

function sameStyles(a, b) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].code !== b[i].code || a[i].endCode !== b[i].endCode) return false;
  return true;
}

/** @alcalzone/ansi-tokenize's styledCharsToString with a shortcut for equal neighbouring styles (diff is empty). */
export function encodeStyledChars(chars) {
  let ret = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (i === 0) ret += ansiCodesToString(char.styles);
    else {
      const prev = chars[i - 1].styles;
      if (!sameStyles(prev, char.styles)) ret += ansiCodesToString(diffAnsiCodes(prev, char.styles));
    }
    ret += char.value;
    if (i === chars.length - 1 && char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));
  }
  return ret;
}

const BLANK = { type: 'char', value: ' ', fullWidth: false, styles: [] };

/** One screen row from its writes, in order, exactly as Ink's Output.get draws a row. */
function buildRow(width, writes) {
  const row = new Array(width).fill(BLANK);
  for (let w = 0; w < writes.length; w += 2) {
    let offsetX = writes[w];
    for (const character of styledChars(writes[w + 1])) {
      row[offsetX] = character;
      const characterWidth = Math.max(1, charWidth(character.value));
      for (let i = 1; i < characterWidth; i++)
        row[offsetX + i] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      offsetX += characterWidth;
    }
  }
  return encodeStyledChars(row.filter((item) => item !== undefined)).trimEnd();
}

/**
 * buildRow(width, [x, line]) for a row with one write of simple characters and SGR sequences, encoded as the line is
 * read instead of through a cell object per character (a table row is ~200 of them, and a first frame with data
 * builds 40-odd rows); null for anything else. A wide character's second cell and the row's trailing blanks add no
 * text (the blanks are trimmed), so only the styles between characters are followed.
 */
export function fastRow(width, x, line) {
  if (!Number.isInteger(x) || x < 0 || x > width) return null;
  let ret = ' '.repeat(x);
  let prev = BLANK.styles;
  const simple = eachStyledChar(line, (i, codes) => {
    if (ret === '') ret = ansiCodesToString(codes);
    else if (!sameStyles(prev, codes)) ret += ansiCodesToString(diffAnsiCodes(prev, codes));
    ret += line[i];
    prev = codes;
  });
  if (!simple) return null;
  if (prev.length > 0) ret += ansiCodesToString(diffAnsiCodes(prev, []));
  return ret.trimEnd();
}

export default class Output {
  width;
  height;
  operations = [];

  constructor(options) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x, y, text, options) {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip) {
    this.operations.push({ type: 'clip', clip });
  }

  unclip() {
    this.operations.push({ type: 'unclip' });
  }

  get() {
    // writes[y] = [x0, line0, x1, line1, ...] in the order Ink would paint them.
    const writes = new Array(this.height);
    const clips = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let lines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip?.x1 === 'number' && typeof clip?.x2 === 'number';
        const clipVertically = typeof clip?.y1 === 'number' && typeof clip?.y2 === 'number';
        if (clipHorizontally) {
          const width = widestLine(text);
          if (x + width < clip.x1 || x > clip.x2) continue;
        }
        if (clipVertically) {
          const height = lines.length;
          if (y + height < clip.y1 || y > clip.y2) continue;
        }
        if (clipHorizontally) {
          lines = lines.map((line) => {
            const from = x < clip.x1 ? clip.x1 - x : 0;
            const width = charWidth(line);
            const to = x + width > clip.x2 ? clip.x2 - x : width;
            return sliceAnsi(line, from, to);
          });
          if (x < clip.x1) x = clip.x1;
        }
        if (clipVertically) {
          const from = y < clip.y1 ? clip.y1 - y : 0;
          const height = lines.length;
          const to = y + height > clip.y2 ? clip.y2 - y : height;
          lines = lines.slice(from, to);
          if (y < clip.y1) y = clip.y1;
        }
      }
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const row = y + offsetY;
        // Ink skips lines outside the grid (negative, fractional or past the bottom) without advancing offsetY.
        if (!(row >= 0 && row < this.height && Number.isInteger(row))) continue;
        for (const transformer of transformers) line = transformer(line, index);
        (writes[row] ??= []).push(x, line);
        offsetY++;
      }
    }
    const out = new Array(this.height);
    for (let y = 0; y < this.height; y++) {
      const w = writes[y];
      if (w === undefined) {
        out[y] = '';
        continue;
      }
      const key = `${this.width}\u0000${w.join('\u0000')}`;
      let line = rowCache.get(key);
      if (line === undefined) {
        line = (w.length === 2 ? fastRow(this.width, w[0], w[1]) : null) ?? buildRow(this.width, w);
        rowCache.set(key, line);
      }
      out[y] = line;
    }
    return { output: out.join('\n'), height: this.height };
  }
}
