/**
 * Keeper mode in the TUI: `:keep N PREFIX PROFILE` starts the fleet keeper, `:keep off` or K stops it (the
 * workers keep running). Its passes and decisions are listed in a small panel under the table.
 */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { Box, Text } from 'ink';
import type { Keymap } from '../keymap/registry.js';
import { wrapLine } from '../wrap-line.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Message } from '../use-fleet-actions.js';
import { useTheme } from '../theme-context.js';
import type { Layer } from '../keymap/dispatch.js';
import { keepPlan, parseKeep, type KeepArgs, type KeeperControl, type KeeperHandle } from './control.js';
import { keeperLine, keeperTitle } from './lines.js';

/** Lines the panel takes (title + decisions). */
export const KEEPER_HEIGHT = 6;
const KEEP_LINES = 50;

/** What the hook needs. */
export interface KeeperUiDeps {
  control?: KeeperControl;
  keymap: Keymap;
  say: (m: Message) => void;
  /** Terminal width: the plan to confirm wraps to it (and the panel grows) instead of being cut. */
  width?: number;
}

/** The keeper panel's state, handlers and node. */
export function useKeeper(d: KeeperUiDeps) {
  const theme = useTheme();
  const [running, setRunning] = useState<KeepArgs | null>(null);
  const [lines, setLines] = useState<string[]>([]);
  const [shown, setShown] = useState(false);
  // A `:keep` waiting for y/n: it rents, so the plan is confirmed once before the keeper starts.
  const [pending, setPending] = useState<KeepArgs | null>(null);
  const [nextAt, setNextAt] = useState<number | null>(null);
  const handle = useRef<KeeperHandle | null>(null);
  const starting = useRef(false);
  const add = (line: string) => setLines((l) => [...l, line].slice(-KEEP_LINES));
  const usable = !!d.control && !!d.keymap.get('keeper.keep');

  // A TUI that quits stops its keeper: nothing keeps renting behind a closed screen.
  useEffect(() => () => handle.current?.stop(), []);

  const stop = () => {
    if (!handle.current) return d.say({ text: 'no keeper is running', level: 'info' });
    handle.current.stop();
    d.say({ text: 'stopping the keeper; the workers keep running', level: 'info' });
  };

  const start = async (args: KeepArgs) => {
    if (handle.current || starting.current)
      return d.say({ text: 'a keeper is already running: :keep off first', level: 'error' });
    starting.current = true;
    setShown(true);
    setLines([]);
    add(`starting: keep ${args.target} of ${args.prefix} (profile ${args.profile})`);
    try {
      const h = await d.control!.start(
        args,
        (e) => {
          if (e.type === 'wait') return setNextAt(e.nextAt);
          const l = keeperLine(e);
          if (l !== null) add(l);
        },
        (l) => add(sanitizeLine(l)),
      );
      handle.current = h;
      setRunning(args);
      void h.done
        .then(
          () => add('keeper stopped; the fleet is left running'),
          (err: unknown) => add(sanitizeLine(`keeper failed: ${(err as Error)?.message ?? String(err)}`)),
        )
        .finally(() => {
          handle.current = null;
          setRunning(null);
        });
    } catch (err) {
      const text = sanitizeLine(`keeper not started: ${(err as Error)?.message ?? String(err)}`);
      add(text);
      d.say({ text, level: 'error' });
    } finally {
      starting.current = false;
    }
  };

  const lineHandlers: Record<string, (arg: string) => void> = usable
    ? {
        'keeper.keep': (arg) => {
          const p = parseKeep(arg);
          if (p === 'off') return stop();
          if (typeof p === 'string') return d.say({ text: p, level: 'error' });
          if (handle.current || starting.current)
            return d.say({ text: 'a keeper is already running: :keep off first', level: 'error' });
          setShown(true);
          setPending(p);
        },
      }
    : {};
  const layers: Layer[] = pending
    ? [
        {
          scope: 'overlay',
          modal: true,
          handlers: {
            'confirm.yes': () => (setPending(null), void start(pending)),
            'confirm.no': () => (setPending(null), d.say({ text: 'keeper not started', level: 'info' })),
            'overlay.close': () => (setPending(null), d.say({ text: 'keeper not started', level: 'info' })),
          },
        },
      ]
    : [];
  const fleetHandlers: Record<string, () => void> = usable
    ? { 'keeper.stop': () => (handle.current ? stop() : setShown(false)) }
    : {};

  const title = pending ? 'keeper · confirm the plan' : keeperTitle(running, nextAt);
  // The plan being confirmed is read whole: each of its lines wraps, and the panel is as tall as they need.
  const plan = pending
    ? keepPlan(pending, d.control?.budget?.()).map((l) => wrapLine(sanitizeLine(l), Math.max(10, d.width ?? 200), 2))
    : null;
  const height = plan ? Math.max(KEEPER_HEIGHT, 1 + plan.flat().length) : KEEPER_HEIGHT;
  const panel = (width: number): ReactElement => (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold color={theme.colors[running ? 'status.running' : 'status.warn']}>
        {sanitizeLine(title)}
      </Text>
      {plan
        ? plan.flatMap((ls, i) =>
            ls.map((l, j) => (
              <Text key={`${i}.${j}`} wrap="wrap" bold={i === 2}>
                {l}
              </Text>
            )),
          )
        : lines.slice(-(KEEPER_HEIGHT - 1)).map((l, i) => (
            <Text key={i} wrap="truncate">
              {sanitizeLine(l)}
            </Text>
          ))}
    </Box>
  );
  return {
    open: shown && usable,
    confirming: pending !== null,
    running: running !== null,
    lineHandlers,
    fleetHandlers,
    layers,
    panel,
    rows: shown && usable ? height : 0,
  };
}
