/**
 * Key names: one canonical string per keypress ("j", "shift+g", "ctrl+c", "pagedown", "enter"), so bindings
 * are plain data. The shape of `KeyInfo` matches Ink's useInput key object without importing Ink (src/core
 * never imports ink or react).
 */

/** The flags of a keypress, as Ink's useInput reports them. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

const NAMED: [keyof KeyInfo, string][] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'enter'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
  ['backspace', 'backspace'],
  ['delete', 'backspace'],
];

/** Canonical name of a keypress, or null for pasted text and keys we do not bind. */
export function keyName(input: string, key: KeyInfo): string | null {
  for (const [flag, name] of NAMED) {
    if (key[flag]) return flag === 'tab' && key.shift ? 'shift+tab' : name;
  }
  if (input.length !== 1) return null;
  if (key.ctrl) return `ctrl+${input.toLowerCase()}`;
  if (key.meta) return `alt+${input.toLowerCase()}`;
  if (input >= 'A' && input <= 'Z') return `shift+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/** How a key name is shown to people: "shift+l" → "L", others unchanged. */
export function displayKey(name: string): string {
  const m = /^shift\+([a-z])$/.exec(name);
  return m ? m[1]!.toUpperCase() : name;
}

/** True when the keypress is printable text for an input line. */
export function isText(input: string, key: KeyInfo): boolean {
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete) return false;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return false;
  // eslint-disable-next-line no-control-regex
  return input.length > 0 && !/[\x00-\x1f\x7f]/.test(input);
}

const CONTROL_KEYS: Record<string, KeyInfo> = {
  '\r': { return: true },
  '\n': { return: true },
  '\t': { tab: true },
  '\x7f': { backspace: true },
  '\b': { backspace: true },
};

/** Ctrl+letter as the byte a terminal sends for it (\x01 ctrl+a … \x1a ctrl+z), as Ink reports it: the letter, ctrl. */
function ctrlLetter(ch: string): { text: string; key: KeyInfo } | null {
  const code = ch.charCodeAt(0);
  return code >= 1 && code <= 26 ? { text: String.fromCharCode(96 + code), key: { ctrl: true } } : null;
}

/**
 * Splits a multi-character chunk the way a person typed it: Ink hands a fast burst ("zeb-large\r" from a script
 * or a quick typist, "/" and ctrl+u from tmux send-keys) to useInput as one string, so the Enter at its end or
 * the ctrl+u after the "/" would be lost. Printable runs stay together; Enter, Tab, Backspace and ctrl+letter
 * become their own keys; other control bytes are dropped.
 */
export function splitChunk(text: string): { text: string; key: KeyInfo }[] {
  const out: { text: string; key: KeyInfo }[] = [];
  let run = '';
  for (const ch of text) {
    const key = CONTROL_KEYS[ch];
    // eslint-disable-next-line no-control-regex
    if (key || /[\x00-\x1f]/.test(ch)) {
      if (run) out.push({ text: run, key: {} });
      run = '';
      const ctrl = key ? null : ctrlLetter(ch);
      if (key) out.push({ text: '', key });
      else if (ctrl) out.push(ctrl);
    } else run += ch;
  }
  if (run) out.push({ text: run, key: {} });
  return out;
}
