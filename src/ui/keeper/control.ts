/**
 * What the TUI's keeper panel drives: start a keeper (`:keep N PREFIX PROFILE`) and stop it. The panel only sees
 * this interface; tests pass a fake, runTui passes lazyKeeper (the real one, loaded on first use).
 */
import type { KeeperEvent } from '../../core/keeper/keeper.js';

/** The arguments of `:keep`. */
export interface KeepArgs {
  target: number;
  prefix: string;
  profile: string;
}

/** A running keeper. */
export interface KeeperHandle {
  /** Asks it to end after its current pass (cuts a sleep short). */
  stop(): void;
  /** Settles when the keeper has ended. */
  done: Promise<void>;
}

/** Starts keepers; `start` rejects with a one-line reason (bad profile, no bootstrap weights). */
export interface KeeperControl {
  start(args: KeepArgs, onEvent: (e: KeeperEvent) => void, onInfo: (line: string) => void): Promise<KeeperHandle>;
}

/** Parses "3 mosaic-gpt2 mosaic-gpt2" or "off"; a string is the usage error. */
export function parseKeep(arg: string): KeepArgs | 'off' | string {
  const words = arg.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1 && words[0] === 'off') return 'off';
  const usage = 'usage: :keep N LABEL-PREFIX PROFILE  (or :keep off)';
  if (words.length !== 3) return usage;
  const target = Number(words[0]);
  if (!Number.isInteger(target) || target < 0 || target > 1000) return `N must be a whole number 0–1000; ${usage}`;
  return { target, prefix: words[1]!, profile: words[2]! };
}
