/**
 * docs/keys.md and the help overlay are generated from the registry, never written by hand
 * (lazydocker checks its keybinding docs fresh in CI; test/ui/keys-doc.test.ts does the same here).
 */
import { displayKey } from './keys.js';
import type { CommandDef, Keymap, Scope } from './registry.js';

/** Section titles, in the order they are shown. */
export const SCOPE_TITLES: readonly [Scope, string][] = [
  ['global', 'Everywhere'],
  ['fleet', 'Fleet view'],
  ['logs', 'Log pane (when it has focus)'],
  ['cost', 'Cost panel'],
  ['offers', 'Offer browser'],
  ['env', 'Account env vars'],
  ['input', 'Command line and filter line'],
  ['overlay', 'Help overlay and confirmations'],
];

/** The keys of a command as shown to people, e.g. "j, down". */
export function keysLabel(cmd: CommandDef): string {
  return cmd.keys.map(displayKey).join(', ');
}

/** Hints kept to the last when the footer is too narrow: the keys to quit and to get help. */
const LAST_TO_GO = new Set(['app.quit', 'app.help']);

/**
 * Footer hints ("? help  / filter …") for the given scopes, from commands that carry a hint. A key that an
 * earlier scope binds (`$` sorts by price in the offer browser) is not hinted with a later scope's meaning.
 * With `width`, hints are dropped from the end of the list until the line fits, quit and help last of all.
 */
export function footerHints(keymap: Keymap, scopes: readonly Scope[], width = Infinity): string {
  const parts: { id: string; text: string }[] = [];
  const taken = new Set<string>();
  for (const scope of scopes) {
    const mine = keymap.commands.filter((c) => c.scope === scope);
    for (const c of mine) {
      if (!c.hint) continue;
      if (c.keys.length && taken.has(c.keys[0]!)) continue;
      const key = c.keys.length ? displayKey(c.keys[0]!) : `:${c.cmd}`;
      parts.push({ id: c.id, text: `${key} ${c.hint}` });
    }
    for (const c of mine) for (const k of c.keys) taken.add(k);
  }
  const line = () => parts.map((p) => p.text).join('  ');
  while (line().length > width) {
    let drop = -1;
    for (let i = parts.length - 1; i >= 0; i--)
      if (!LAST_TO_GO.has(parts[i]!.id)) {
        drop = i;
        break;
      }
    if (drop < 0) break;
    parts.splice(drop, 1);
  }
  return line();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Markdown for docs/keys.md. */
export function keysMarkdown(keymap: Keymap): string {
  const out: string[] = [
    '# vastdeck keys',
    '',
    '<!-- Generated from src/ui/keymap/tui-commands.ts by `npx tsx scripts/gen-keys-doc.ts`; do not edit. -->',
    '',
    'Shift+letter is written as the capital letter (`L` = shift+l). Commands marked **dangerous** ask for',
    'confirmation and are absent in `--read-only` mode.',
    '',
  ];
  for (const [scope, title] of SCOPE_TITLES) {
    const cmds = keymap.commands.filter((c) => c.scope === scope);
    if (cmds.length === 0) continue;
    out.push(`## ${title}`, '', '| keys | command line | command | what it does |', '| --- | --- | --- | --- |');
    for (const c of cmds) {
      const keys = c.keys.length ? c.keys.map((k) => `\`${escapeCell(displayKey(k))}\``).join(', ') : '';
      const line = c.cmd ? `\`:${c.cmd}${c.args ? ' ' + c.args : ''}\`` : '';
      const what = (c.dangerous ? '**dangerous** — ' : '') + escapeCell(c.description);
      out.push(`| ${keys} | ${line} | \`${c.id}\` | ${what} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
