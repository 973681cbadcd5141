/**
 * Strips terminal control sequences from text that came from a remote host or the API, before it is
 * stored or drawn: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, two-byte
 * ESC sequences, 8-bit C1 controls, and C0 controls other than tab. A remote label or log line must never
 * be able to move the cursor, retitle the terminal, or write to the clipboard (OSC 52).
 */
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]?|[\x80-\x9f]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f]/g;

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
