/** The bundle's entry: runs main() with the process arguments and exits with its code once output has drained. */
import { main } from './main.js';
import { reportError } from './output.js';

/**
 * Resolves once everything written to `stream` so far has reached the OS. Writes to a pipe are asynchronous:
 * exiting before they drain cuts the output at the pipe buffer (64 KiB) when the reader is slow. A reader that
 * went away (EPIPE, e.g. `| head`) ends the wait too.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

// Exit explicitly once output has drained: a command's timers or open handles (a pool, a watcher) must not hold it open.
async function finish(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => finish(code),
  (err) => finish(reportError(err)),
);
