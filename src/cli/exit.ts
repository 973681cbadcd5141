/** Process exit for the CLI's entry points: after stdout and stderr have drained. */

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

/**
 * Exits with `code` once output has drained (explicitly: a command's open handles, a pool or a watcher, must not hold
 * it open).
 */
export async function exitWhenDrained(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
