/**
 * Strips terminal control sequences from text that came from a remote host or the API, before it is
 * stored or drawn: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, two-byte
 * ESC sequences, 8-bit C1 controls, C0 controls other than tab, and the Unicode bidi controls (overrides,
 * embeddings, isolates, marks: U+202E can make a line read backwards). A remote label or log line must never
 * be able to move the cursor, retitle the terminal, or write to the clipboard (OSC 52).
 * This is the one place that decides what is unsafe to print; every print path goes through it.
 */
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]?|[\x80-\x9f]/g;
/** Control characters (not tab) and bidi controls. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw but a terminal may act on: DEL, C1 and the bidi controls. */
// eslint-disable-next-line no-control-regex
const JSON_RAW = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of remote text made safe to draw: control sequences and control characters removed. */
export function sanitizeLine(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}

/** Multi-line remote text made safe: like sanitizeLine per line, newlines kept. */
export function sanitizeText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => sanitizeLine(line))
    .join('\n');
}

/**
 * JSON text made safe to print without changing its data: JSON.stringify already escapes C0 (ESC included);
 * DEL, C1 and the bidi controls are written as \uXXXX escapes too, so a parser reads the same values.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
