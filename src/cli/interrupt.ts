/**
 * Ctrl-C and SIGTERM for long-running commands: the first one stops the work through an AbortSignal (the command
 * then ends with its journal consistent), a second one exits at once. The exit codes are the table's 130 / 143.
 */

/** The exit code for a command stopped by this signal (130 Ctrl-C, 143 SIGTERM), or 0 when none came. */
export function signalExit(sig: NodeJS.Signals | null): number {
  return sig === 'SIGTERM' ? 143 : sig === 'SIGINT' ? 130 : 0;
}

/** One line naming a signal for stderr. */
export function signalName(sig: NodeJS.Signals): string {
  return sig === 'SIGINT' ? 'Ctrl-C' : sig;
}

/** What `interruptible` hands back: the signal to pass down, which signal came, and the cleanup. */
export interface Interrupt {
  signal: AbortSignal;
  /** The signal that arrived first, or null. */
  readonly received: NodeJS.Signals | null;
  /** Removes the handlers (call in a finally). */
  dispose(): void;
}

/**
 * Listens for Ctrl-C / SIGTERM: the first writes `${Ctrl-C|SIGTERM}: ${what} (again to exit at once)` to stderr and
 * aborts `signal` with `reason(sig)`; a second exits the process with 130 / 143.
 */
export function interruptible(what: string, reason: (sig: NodeJS.Signals) => string): Interrupt {
  const stop = new AbortController();
  let received: NodeJS.Signals | null = null;
  const on = (sig: NodeJS.Signals) => {
    if (received) process.exit(signalExit(sig));
    received = sig;
    process.stderr.write(`\n${signalName(sig)}: ${what} (again to exit at once)\n`);
    stop.abort(reason(sig));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: stop.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
