/**
 * The operations running in the TUI that must be stopped cleanly before it exits (q, Ctrl-C, SIGTERM): each
 * registers a stop function that pauses it, journaled, and resolves when the pause is on disk.
 */
type Stop = (reason: string) => Promise<void>;

const stops = new Set<Stop>();

/** The registry run.tsx and App consult. */
export const running = {
  /** Registers a running operation; call the returned function when it ended. */
  add(stop: Stop): () => void {
    stops.add(stop);
    return () => void stops.delete(stop);
  },
  /** How many run now. */
  get count(): number {
    return stops.size;
  },
  /** Stops every running operation (each pauses, journaled); resolves when all are stopped, or after `ms`. */
  async stopAll(reason: string, ms = 5000): Promise<void> {
    if (stops.size === 0) return;
    await Promise.race([Promise.allSettled([...stops].map((s) => s(reason))), new Promise((r) => setTimeout(r, ms).unref())]);
  },
};
