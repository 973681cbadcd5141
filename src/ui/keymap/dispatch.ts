/**
 * The root dispatcher (gemini-cli's shape): layers in priority order overlay > input line > view > global.
 * The first layer with a handler for the key's command wins; a modal layer swallows every key it does not
 * handle, and an input layer takes printable text before anything below sees it.
 */
import type { CommandDef, Keymap, Scope } from './registry.js';

/** One active layer of handlers. */
export interface Layer {
  scope: Scope;
  /** Handlers by command id; a command without a handler here falls through. */
  handlers: Readonly<Record<string, () => void>>;
  /** Swallows keys it does not handle (the help overlay, a confirmation). */
  modal?: boolean;
  /** Receives printable text; return true when consumed (the command line). */
  onText?: (text: string) => boolean;
}

// The log pane, when it has focus, sits above the fleet view: its keys win, the rest (attach, sort) fall through.
// The cost panel replaces the table, so its keys win over a focused log pane's.
const PRIORITY: Record<Scope, number> = {
  overlay: 0,
  input: 1,
  cost: 1.4,
  logs: 1.5,
  fleet: 2,
  offers: 2,
  env: 2,
  global: 3,
};

/**
 * Routes one keypress. `key` is the canonical name (null for pasted text), `text` the printable input or "".
 * Returns the id of the command that ran, "text" when an input layer took the text, or null.
 */
export function dispatch(keymap: Keymap, layers: readonly Layer[], key: string | null, text: string): string | null {
  const ordered = [...layers].sort((a, b) => PRIORITY[a.scope] - PRIORITY[b.scope]);
  for (const layer of ordered) {
    if (key !== null) {
      const cmd = keymap.lookup(layer.scope, key);
      const run = cmd ? layer.handlers[cmd.id] : undefined;
      if (cmd && run) {
        run();
        return cmd.id;
      }
    }
    if (text && layer.onText?.(text)) return 'text';
    if (layer.modal && !(key !== null && keymap.lookup('global', key)?.always)) return null;
  }
  return null;
}

/**
 * The dangerous command read-only mode removed that `key` would have run in the active layers (down to the first
 * modal one), so the app can say it is off instead of doing nothing.
 */
export function removedCommand(keymap: Keymap, layers: readonly Layer[], key: string | null): CommandDef | undefined {
  if (!keymap.readOnly || key === null) return undefined;
  for (const layer of [...layers].sort((a, b) => PRIORITY[a.scope] - PRIORITY[b.scope])) {
    const cmd = keymap.removed(layer.scope, key);
    if (cmd) return cmd;
    if (layer.modal) return undefined;
  }
  return undefined;
}
