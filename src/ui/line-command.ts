/** The `:` command line, pure: parsing and tab completion over the registry's command names. */
import type { Keymap } from './keymap/registry.js';

/** Splits "fleet zeb-large" into name and argument. */
export function parseLine(text: string): { name: string; arg: string } {
  const trimmed = text.trim();
  const sp = trimmed.indexOf(' ');
  return sp < 0 ? { name: trimmed, arg: '' } : { name: trimmed.slice(0, sp), arg: trimmed.slice(sp + 1).trim() };
}

/** Tab completion of the command name: unique match → "name ", several → their common prefix + candidates. */
export function completeLine(keymap: Keymap, text: string): { text: string; candidates: string[] } {
  if (text.includes(' ')) return { text, candidates: [] };
  const matches = keymap.complete(text);
  if (matches.length === 0) return { text, candidates: [] };
  if (matches.length === 1) return { text: `${matches[0]} `, candidates: [] };
  let common = matches[0]!;
  for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
  return { text: common.length > text.length ? common : text, candidates: matches };
}
