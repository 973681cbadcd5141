/**
 * The operations running in the TUI that quitting would cut short (a migration, a rental, a destroy): q and
 * Ctrl-C ask first while one runs, and the exit (q confirmed, SIGTERM) stops each cleanly — a migration pauses,
 * journaled — and waits for it, at most a few seconds. One registry per app (runTui makes it, App uses it).
 */

/** One running operation: what the quit question says, and how to stop it (resolves when stopped). */
export interface RunningOp {
  what: string;
  /** What quitting does to it, for the question. */
  onQuit: string;
  stop: (reason: string) => Promise<void>;
}

/** The registry. */
export interface Running {
  /** Registers a running operation; call the returned function when it ended. */
  add(op: RunningOp): () => void;
  /** The first running operation, or null. */
  current(): RunningOp | null;
  readonly count: number;
  /** Stops every running operation; resolves when all stopped, or after `ms`. */
  stopAll(reason: string, ms?: number): Promise<void>;
}

/** A new, empty registry. */
export function createRunning(): Running {
  const ops = new Set<RunningOp>();
  return {
    add(op) {
      ops.add(op);
      return () => void ops.delete(op);
    },
    current: () => ops.values().next().value ?? null,
    get count() {
      return ops.size;
    },
    async stopAll(reason, ms = 5000) {
      if (ops.size === 0) return;
      await Promise.race([
        Promise.allSettled([...ops].map((o) => o.stop(reason))),
        new Promise((r) => setTimeout(r, ms).unref()),
      ]);
    },
  };
}
