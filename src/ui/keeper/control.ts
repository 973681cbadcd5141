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
  /** Most $/hr per worker: dearer offers are not rented, dearer workers are replaced. */
  maxDph?: number;
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
  /** The budget rules launches obey, for the confirmation (e.g. "launches pause below $5.00 credit …"). */
  budget?: () => string;
}

/** Parses "3 mosaic-gpt2 mosaic-gpt2 [MAX-$/HR]" or "off"; a string is the usage error. */
export function parseKeep(arg: string): KeepArgs | 'off' | string {
  const words = arg.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1 && words[0] === 'off') return 'off';
  const usage = 'usage: :keep N LABEL-PREFIX PROFILE [MAX-$/HR]  (or :keep off)';
  if (words.length !== 3 && words.length !== 4) return usage;
  const target = Number(words[0]);
  if (!Number.isInteger(target) || target < 0 || target > 1000) return `N must be a whole number 0–1000; ${usage}`;
  const out: KeepArgs = { target, prefix: words[1]!, profile: words[2]! };
  if (words.length === 4) {
    const max = Number(words[3]!.replace(/^\$/, ''));
    if (!(max >= 0.001 && max <= 1000)) return `MAX-$/HR must be a price like 1.5 ($0.001–1000); ${usage}`;
    out.maxDph = max;
  }
  return out;
}

/** The budget line of the plan, from config.yaml's budget.minBalance. */
export function budgetText(minBalance: number | undefined): string {
  return (
    `launches pause ${minBalance !== undefined ? `below $${minBalance.toFixed(2)} credit or ` : ''}when the ` +
    `credit lasts under 1 h`
  );
}

/** The plan `:keep` asks the operator to confirm before anything is rented. */
export function keepPlan(args: KeepArgs, budget: string | undefined): string[] {
  return [
    `keep ${args.target} workers labelled ${args.prefix}* from profile ${args.profile}: rents up to ` +
      `${args.target} now (fewer when some are already training or booting), and replacements as workers fail`,
    `max ` +
      (args.maxDph === undefined
        ? "none (any price that passes the profile's checks)"
        : `$${args.maxDph.toFixed(3)}/hr per worker`) +
      `   budget: ${budget ?? 'launches pause when the credit lasts under 1 h'}`,
    'start it? [y/n]',
  ];
}
