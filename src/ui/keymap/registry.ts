/**
 * The ONE keymap registry: commands with namespaced ids, bindings as data, a description, a `dangerous`
 * flag and a scope. Behaviour, footer hints, the `?` overlay and docs/keys.md all read from it, so they
 * cannot drift (the k9s and lazydocker approach).
 */

/** Where a binding is live. Priority order is in dispatch.ts. */
export type Scope = 'overlay' | 'input' | 'cost' | 'logs' | 'fleet' | 'offers' | 'env' | 'global';

/** One command. */
export interface CommandDef {
  /** Namespaced id, e.g. "fleet.sort.label". */
  id: string;
  scope: Scope;
  /** Canonical key names (see keys.ts); empty when the command is only reachable from the command line. */
  keys: string[];
  description: string;
  /** Changes or costs something on Vast; removed in --read-only mode and always confirmed. */
  dangerous?: boolean;
  /** Short label for the footer; commands without one are listed only in help. */
  hint?: string;
  /** Name on the `:` command line, e.g. "fleet". */
  cmd?: string;
  /** Also reachable through modal layers (quit must always work). */
  always?: boolean;
  /** Argument synopsis for the command line, e.g. "<label-prefix>". */
  args?: string;
}

/** The registry as the app sees it (read-only mode already applied). */
export interface Keymap {
  readonly commands: readonly CommandDef[];
  readonly readOnly: boolean;
  /** Command bound to `key` in `scope`, if any. */
  lookup(scope: Scope, key: string): CommandDef | undefined;
  /** Command with this `:` name, if any. */
  byCmd(name: string): CommandDef | undefined;
  /** Command by id, if present (absent when removed by read-only mode). */
  get(id: string): CommandDef | undefined;
  /** Command-line names starting with `prefix`, sorted. */
  complete(prefix: string): string[];
  /** A dangerous command read-only mode removed, by key in a scope or by `:` name (to say it is off). */
  removed(scope: Scope, key: string): CommandDef | undefined;
  removedCmd(name: string): CommandDef | undefined;
}

/** How a read-only refusal names a command: its `:` name, else its id. */
export function offMessage(cmd: CommandDef): string {
  return `read-only: ${cmd.cmd ?? cmd.id.replace('.', ' ')} is off (--read-only or readOnly: true in config.yaml)`;
}

/** Builds the registry; throws on a duplicate id or a key bound twice in one scope (a programming error). */
export function buildKeymap(defs: readonly CommandDef[], opts: { readOnly: boolean }): Keymap {
  const commands = Object.freeze(defs.filter((d) => !(opts.readOnly && d.dangerous)));
  const byKey = new Map<string, CommandDef>();
  const byId = new Map<string, CommandDef>();
  const byName = new Map<string, CommandDef>();
  for (const d of commands) {
    if (byId.has(d.id)) throw new Error(`keymap: duplicate command id ${d.id}`);
    byId.set(d.id, d);
    for (const k of d.keys) {
      const slot = `${d.scope}\u0000${k}`;
      const other = byKey.get(slot);
      if (other) throw new Error(`keymap: ${k} bound to both ${other.id} and ${d.id} in ${d.scope}`);
      byKey.set(slot, d);
    }
    if (d.cmd) byName.set(d.cmd, d);
  }
  const names = [...byName.keys()].sort();
  const off = defs.filter((d) => opts.readOnly && d.dangerous);
  return {
    commands,
    readOnly: opts.readOnly,
    lookup: (scope, key) => byKey.get(`${scope}\u0000${key}`),
    byCmd: (name) => byName.get(name),
    get: (id) => byId.get(id),
    complete: (prefix) => names.filter((n) => n.startsWith(prefix)),
    removed: (scope, key) => off.find((d) => d.scope === scope && d.keys.includes(key)),
    removedCmd: (name) => off.find((d) => d.cmd === name || d.id === name),
  };
}
