/**
 * The handlers behind every command id: what the dispatcher calls. Kept out of App so the screen component
 * stays about layout. Stop/start are dangerous: they always go through a confirmation, and they are absent
 * from a read-only keymap, so no handler can run them there.
 */
import type { Dispatch, SetStateAction } from 'react';
import type { Instance } from '../core/vast/types.js';
import type { VastApi } from '../core/vast/api.js';
import { offMessage, type Keymap } from './keymap/registry.js';
import { SORT_COLUMNS } from './keymap/tui-commands.js';
import type { FleetQuery, SortColumn } from '../core/fleet/row-filter.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import type { FleetSource } from './use-fleet.js';
import { completeLine, parseLine } from './line-command.js';
import { formatGpu } from '../core/present/gpu.js';

/** The open input line. */
export interface InputState {
  kind: 'command' | 'filter';
  text: string;
}

/** A pending dangerous action. */
export interface Confirm {
  /** quit: asked when q or Ctrl-C comes while an operation runs. */
  action: 'stop' | 'start' | 'quit';
  id: number;
  text: string;
}

/** A one-line message in the footer. */
export interface Message {
  text: string;
  level: 'info' | 'error';
}

type Set<T> = Dispatch<SetStateAction<T>>;

/** What the handlers need. */
export interface ActionDeps {
  store: FleetSource;
  keymap: Keymap;
  api?: Pick<VastApi, 'stopInstance' | 'startInstance'>;
  selected: Instance | undefined;
  setQuery: Set<FleetQuery>;
  setHelp: Set<boolean>;
  setInput: Set<InputState | null>;
  setConfirm: Set<Confirm | null>;
  setMessage: Set<Message | null>;
  onQuit: () => void;
  /** The question to ask before quitting while something runs (q and Ctrl-C ask first), or null. */
  busy?: () => string | null;
  /** Key handlers of the view that shows and of the overlays, so the `:` line reaches them too (read when it runs). */
  more?: () => Readonly<Record<string, () => void>>;
  /** Command-line handlers of the views by command id (they take the argument); checked first (read when it runs). */
  lineHandlers?: () => Record<string, (arg: string) => void>;
}

const SORT_IDS = new Set<string>(SORT_COLUMNS.map(([c]) => c));

/** Handler tables for each scope (the cursor keys are the fleet view's own: src/ui/fleet/view.tsx). */
export function useFleetActions(d: ActionDeps) {
  const sortBy = (col: SortColumn) => d.setQuery((q) => ({ ...q, sort: col, desc: q.sort === col ? !q.desc : false }));
  const describe = (inst: Instance) =>
    `${inst.id} ${inst.label ? sanitizeLine(inst.label) : ''} (${formatGpu(inst.numGpus, inst.gpuName)})`;

  const ask = (action: 'stop' | 'start') => {
    const inst = d.selected;
    if (!inst || !d.api || !d.keymap.get(`fleet.${action}`)) return;
    const text =
      action === 'stop'
        ? `Stop ${describe(inst)}? Its disk stays and still bills; the GPU may be taken by someone else.`
        : `Start ${describe(inst)}? GPU billing resumes.`;
    d.setConfirm({ action, id: inst.id, text });
  };

  const run = async (c: Confirm) => {
    if (c.action === 'quit') return d.onQuit();
    const api = d.api;
    if (!api) return;
    d.setMessage({ text: `${c.action === 'stop' ? 'stopping' : 'starting'} ${c.id}…`, level: 'info' });
    try {
      if (c.action === 'stop') await api.stopInstance(c.id);
      else await api.startInstance(c.id);
      d.setMessage({ text: `${c.action} requested for ${c.id}`, level: 'info' });
      await d.store.refresh();
    } catch (err) {
      d.setMessage({
        text: `${c.action} ${c.id} failed: ${sanitizeLine(String((err as Error).message ?? err))}`,
        level: 'error',
      });
    }
  };

  const runLine = (text: string) => {
    const { name, arg } = parseLine(text);
    if (!name) return;
    const cmd = d.keymap.byCmd(name) ?? d.keymap.get(name);
    const off = cmd ? undefined : d.keymap.removedCmd(name);
    if (off) return d.setMessage({ text: offMessage(off), level: 'error' });
    if (!cmd) return d.setMessage({ text: `unknown command: ${name.slice(0, 40)} (tab lists them)`, level: 'error' });
    const extra = d.lineHandlers?.()[cmd.id];
    if (extra) return extra(arg);
    switch (cmd.id) {
      case 'fleet.scope':
        return d.setQuery((q) => ({ ...q, fleet: arg || null }));
      case 'fleet.filter':
        return d.setQuery((q) => ({ ...q, filter: arg }));
      case 'fleet.sort':
        if (!SORT_IDS.has(arg))
          return d.setMessage({ text: `sort by one of: ${[...SORT_IDS].join(', ')}`, level: 'error' });
        return sortBy(arg as SortColumn);
      default: {
        const handler = fleetHandlers[cmd.id] ?? globalHandlers[cmd.id] ?? d.more?.()[cmd.id];
        if (handler) handler();
      }
    }
  };

  const fleetHandlers: Record<string, () => void> = {
    'fleet.filter': () => d.setInput({ kind: 'filter', text: '' }),
    'fleet.clear': () => d.setQuery((q) => ({ ...q, filter: '', fleet: null })),
    'fleet.stop': () => ask('stop'),
    'fleet.start': () => ask('start'),
  };
  for (const [col] of SORT_COLUMNS) fleetHandlers[`fleet.sort.${col}`] = () => sortBy(col);

  const globalHandlers: Record<string, () => void> = {
    'app.quit': () => {
      const question = d.busy?.();
      return question ? d.setConfirm({ action: 'quit', id: 0, text: question }) : d.onQuit();
    },
    'app.help': () => d.setHelp((v) => !v),
    'app.command': () => d.setInput({ kind: 'command', text: '' }),
    'app.refresh': () => void d.store.refresh(),
  };

  const inputHandlers = (input: InputState): Record<string, () => void> => ({
    'input.cancel': () => {
      d.setInput(null);
      if (input.kind === 'filter') d.setQuery((q) => ({ ...q, filter: '' }));
    },
    'input.erase': () => {
      const text = input.text.slice(0, -1);
      d.setInput({ ...input, text });
      if (input.kind === 'filter') d.setQuery((q) => ({ ...q, filter: text }));
    },
    'input.clear': () => {
      d.setInput({ ...input, text: '' });
      if (input.kind === 'filter') d.setQuery((q) => ({ ...q, filter: '' }));
    },
    'input.complete': () => {
      if (input.kind !== 'command') return;
      const res = completeLine(d.keymap, input.text);
      d.setInput({ ...input, text: res.text });
      d.setMessage(res.candidates.length ? { text: res.candidates.join('  '), level: 'info' } : null);
    },
    'input.submit': () => {
      d.setInput(null);
      d.setMessage(null);
      if (input.kind === 'filter') d.setQuery((q) => ({ ...q, filter: input.text }));
      else runLine(input.text);
    },
  });

  const confirmHandlers = (c: Confirm): Record<string, () => void> => ({
    'confirm.yes': () => {
      d.setConfirm(null);
      void run(c);
    },
    'confirm.no': () => d.setConfirm(null),
    'overlay.close': () => d.setConfirm(null),
  });

  return { fleetHandlers, globalHandlers, inputHandlers, confirmHandlers };
}
