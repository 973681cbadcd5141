/**
 * The key queue. Keys are handled one per commit, in an effect, so each sees the state the previous one produced
 * (a key that arrives before React re-rendered would otherwise run against stale layers). Ink delivers a run of
 * printable characters as ONE event (a held "j", or "/zeb" typed by a script): outside an input line it is split
 * into single keys; inside one it is pasted text.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useInput } from 'ink';
import { offMessage, type Keymap } from './keymap/registry.js';
import { dispatch, removedCommand, type Layer } from './keymap/dispatch.js';
import { isText, keyName, splitChunk, type KeyInfo } from './keymap/keys.js';
import type { Message } from './use-fleet-actions.js';

/** What the queue needs on each key: the layers now, whether an input line is open, the footer. */
export interface KeyQueueDeps {
  keymap: Keymap;
  layers: () => Layer[];
  inputOpen: boolean;
  /** A message shows until the next key (outside an input line). */
  message: Message | null;
  say: (m: Message | null) => void;
}

/** Routes every key through the dispatcher, one per commit. */
export function useKeyQueue(deps: KeyQueueDeps): void {
  // The deps of the last commit: a key that comes after a commit but before Ink re-subscribed its input handler
  // (a passive effect) must still meet the layers on screen, not the ones before (an Enter lost in a wizard).
  const latest = useRef(deps);
  useLayoutEffect(() => {
    latest.current = deps;
  });
  const queue = useRef<{ text: string; key: KeyInfo }[]>([]);
  // True from a dispatch until React has committed its result; keys arriving meanwhile wait in the queue.
  const pending = useRef(false);
  const [, bump] = useState(0);
  const runOne = () => {
    const next = queue.current.shift();
    if (!next) return;
    const { text, key } = next;
    const d = latest.current;
    if (d.message && !d.inputOpen) d.say(null);
    const printable = isText(text, key);
    const all = d.layers();
    if (printable && text.length > 1 && !d.inputOpen) {
      queue.current.unshift({ text: text.slice(1), key });
      dispatch(d.keymap, all, keyName(text[0]!, {}), text[0]!);
    } else {
      const name = keyName(text, key);
      const off =
        dispatch(d.keymap, all, name, printable ? text : '') === null ? removedCommand(d.keymap, all, name) : undefined;
      if (off) d.say({ text: offMessage(off), level: 'error' });
    }
    // Always schedule a commit (batched with the handler's own updates: one render per key), so the effect
    // below runs and releases the next key even when the key changed nothing.
    pending.current = true;
    bump((n) => n + 1);
  };
  useInput((text, key) => {
    if (text.length > 1 && !key.ctrl && !key.meta) queue.current.push(...splitChunk(text));
    else queue.current.push({ text, key });
    // The common case, one key with nothing pending, runs at once: no extra render before the frame that
    // matters (that extra render would also spend Ink's leading-edge throttle slot).
    if (!pending.current) runOne();
  });
  // The next queued key runs in a task of its own, not inside this effect: a key's update (a view store's, which
  // React renders synchronously) made from a passive effect nests in the commit that ran it, and 50 held keys in a
  // row hit React's nested-update limit ("Maximum update depth exceeded": holding j on a 100-row fleet crashed).
  useEffect(() => {
    if (!queue.current.length) {
      pending.current = false;
      return;
    }
    const next = setImmediate(runOne);
    return () => clearImmediate(next);
  });
}
