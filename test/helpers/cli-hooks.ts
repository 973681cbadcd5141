/**
 * A test-only CLI entry: `node cli-hooks.js [--kill-after-step K] ARGS…` runs vastdeck's main() with fault hooks
 * installed, in its own process, so a hook can end it the hard way (SIGKILL) and the test sees a real kill.
 * Without a hook flag it is the CLI itself (src/cli/entry.ts). Bundle it with bundleCli(CLI_HOOKS_ENTRY).
 */
import { exitWhenDrained } from '../../src/cli/exit.js';
import { main, type FaultHooks } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';

/** Splits the hook flags off the front of argv. */
function hooksFrom(argv: string[]): { hooks: FaultHooks; rest: string[] } {
  const hooks: FaultHooks = {};
  let rest = argv;
  if (rest[0] === '--kill-after-step') {
    const k = Number(rest[1]);
    if (!Number.isInteger(k) || k < 1) throw new Error(`--kill-after-step needs a step number (got ${rest[1]})`);
    // Die right after step K's after record is durable: what a crash at that point leaves behind.
    hooks.migrate = { afterStep: (index) => void (index === k && process.kill(process.pid, 'SIGKILL')) };
    rest = rest.slice(2);
  }
  return { hooks, rest };
}

const { hooks, rest } = hooksFrom(process.argv.slice(2));
main(rest, { hooks }).then(
  (code) => exitWhenDrained(code),
  (err) => exitWhenDrained(reportError(err)),
);
