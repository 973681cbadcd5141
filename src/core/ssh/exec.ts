/** Runs one command on an open connection and collects its output, with a deadline and a size cap. */
import type { Client, ClientChannel } from 'ssh2';
import { SshClosedError, SshTimeoutError } from './errors.js';

/** Options for one remote command. */
export interface ExecOptions {
  /**
   * Deadline; on expiry the promise rejects, the channel is closed and TERM is requested. OpenSSH refuses
   * signal requests on root sessions ("session signalling requires privilege separation"), so a command
   * that must not outlive its deadline should carry its own, e.g. `timeout 10 cmd`. Default 30 s.
   */
  timeoutMs?: number;
  /** Cap per stream; output beyond it is dropped and `truncated` is set. Default 8 MiB. */
  maxBytes?: number;
}

/** What a remote command produced. `code` is null when it died from a signal. */
export interface ExecResult {
  /** Standard output (UTF-8). */
  stdout: string;
  /** Standard error (UTF-8). */
  stderr: string;
  /** Exit status, or null if the process was killed by a signal. */
  code: number | null;
  /** Signal name when killed by one. */
  signal?: string;
  /** True when output exceeded maxBytes and was cut. */
  truncated: boolean;
}

/** Collects chunks up to a byte cap. */
class Capped {
  private parts: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    const room = this.max - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part !== chunk) this.truncated = true;
    this.parts.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

/** Executes `cmd` (a shell command line, already quoted by the caller) and resolves with its output. */
export function execOn(client: Client, endpoint: string, cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const max = opts.maxBytes ?? 8 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const started = (err: Error | undefined, stream: ClientChannel) => {
      if (err) {
        reject(new SshClosedError(endpoint, `cannot start command: ${err.message}`));
        return;
      }
      const out = new Capped(max);
      const errOut = new Capped(max);
      let code: number | null = null;
      let signal: string | undefined;
      let sawExit = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        // Reject now: the server may hold the channel open until the process exits.
        reject(new SshTimeoutError(endpoint, 'command', timeoutMs));
        // Best effort: honoured by servers that allow it; closing the channel alone leaves e.g. `sleep` running.
        try {
          stream.signal('TERM');
        } catch {}
        stream.close();
      }, timeoutMs);
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => errOut.push(d));
      stream.on('exit', (c: number | null, sig?: string) => {
        sawExit = true;
        code = c ?? null;
        signal = sig ?? undefined;
      });
      stream.on('error', () => {});
      stream.on('close', () => {
        clearTimeout(timer);
        if (timedOut) return;
        if (!sawExit) return reject(new SshClosedError(endpoint, 'connection lost while the command ran'));
        resolve({
          stdout: out.text(),
          stderr: errOut.text(),
          code,
          signal,
          truncated: out.truncated || errOut.truncated,
        });
      });
    };
    try {
      client.exec(cmd, started);
    } catch (err) {
      // ssh2 throws synchronously when the connection is already gone.
      reject(new SshClosedError(endpoint, `cannot start command: ${(err as Error).message}`));
    }
  });
}
