/**
 * A live follow of one remote log file: runs `tail -n 200 -F <path>` over the pool's connection and
 * emits raw chunks. When the host goes away it reconnects through the pool (jittered backoff), restarts
 * tail, and drops the lines it already delivered. It never emits 'error': every ending is an 'end' event
 * carrying a reason, so a dying host can never crash the app.
 */
import { EventEmitter } from 'node:events';
import type { Client, ClientChannel } from 'ssh2';
import { endpointOf, type SshTarget } from './connect.js';
import { SshError } from './errors.js';
import type { RetryListener, SshPool } from './pool.js';
import { shellQuote } from './quote.js';
import { ResumeFilter } from './resume.js';

/** Options for a follow. */
export interface FollowOptions {
  /** Lines of backlog tail prints first. Default 200. */
  lines?: number;
  /** Reconnect and resume when the connection drops. Default true; false ends with reason 'disconnected'. */
  reconnect?: boolean;
  /** After a resume, how long the backlog must be quiet before giving up on finding the overlap. Default 300 ms. */
  resumeQuietMs?: number;
}

/** Why a follow ended. */
export type FollowEndReason = 'stopped' | 'exited' | 'disconnected' | 'error';

/** Payload of the 'end' event. */
export interface FollowEnd {
  /** What ended it. */
  reason: FollowEndReason;
  /** One line for the user. */
  message: string;
  /** tail's exit status when reason is 'exited'. */
  code?: number | null;
  /** The typed error when reason is 'error' (auth, host key changed, gave up reconnecting). */
  error?: SshError | Error;
}

/** Lifecycle state, for a status line. */
export type FollowState = 'connecting' | 'following' | 'reconnecting' | 'ended';

/** Events a LogFollow emits. */
export interface FollowEvents {
  data: [chunk: Buffer];
  stderr: [chunk: Buffer];
  state: [state: FollowState];
  interrupted: [message: string];
  retry: [info: { attempt: number; delayMs: number; error: Error }];
  gap: [];
  end: [info: FollowEnd];
}

/** The remote command: tail with the path quoted for the remote shell. */
export function tailCommand(path: string, lines = 200): string {
  return `tail -n ${Math.max(0, Math.floor(lines))} -F -- ${shellQuote(path)}`;
}

type TailOutcome = { kind: 'exited'; code: number | null } | { kind: 'lost' } | { kind: 'refused'; message: string };

/** A follow of one remote file; create it with SshPool.follow. */
export class LogFollow extends EventEmitter<FollowEvents> {
  /** Current lifecycle state. */
  state: FollowState = 'connecting';
  private stopped = false;
  private readonly abort = new AbortController();
  private channel: ClientChannel | undefined;
  private readonly filter: ResumeFilter;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: SshPool,
    /** The host followed. */
    readonly target: SshTarget,
    /** The remote file path. */
    readonly path: string,
    private readonly opts: FollowOptions = {},
  ) {
    super();
    this.filter = new ResumeFilter(
      (chunk) => this.emit('data', chunk),
      () => this.emit('gap'),
    );
  }

  /** Begins following (SshPool.follow calls it). */
  start(): void {
    void this.run();
  }

  /** Stops following; emits 'end' with reason 'stopped' (once). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.channel?.close();
  }

  private setState(s: FollowState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  private finish(info: FollowEnd): void {
    clearTimeout(this.quietTimer);
    this.setState('ended');
    this.emit('end', info);
  }

  private async run(): Promise<void> {
    const endpoint = endpointOf(this.target);
    const reconnect = this.opts.reconnect ?? true;
    const onRetry: RetryListener = (info) => this.emit('retry', info);
    let resumed = false;
    while (!this.stopped) {
      this.setState(resumed ? 'reconnecting' : 'connecting');
      let client: Client;
      try {
        client = reconnect
          ? await this.pool.reconnect(this.target, this.abort.signal, onRetry)
          : await this.pool.connection(this.target);
      } catch (err) {
        if (this.stopped) break;
        return this.finish({ reason: 'error', message: (err as Error).message, error: err as Error });
      }
      if (this.stopped) break;
      const outcome = await this.tailOnce(client);
      if (this.stopped) break;
      if (outcome.kind === 'exited') {
        return this.finish({
          reason: 'exited',
          code: outcome.code,
          message: `ssh ${endpoint}: tail exited (code ${outcome.code})`,
        });
      }
      if (outcome.kind === 'refused') {
        const message = `ssh ${endpoint}: cannot run tail: ${outcome.message}`;
        return this.finish({ reason: 'error', message, error: new SshError('closed', endpoint, message) });
      }
      const message = `ssh ${endpoint}: connection lost while following ${this.path}`;
      if (!reconnect) return this.finish({ reason: 'disconnected', message });
      this.emit('interrupted', message);
      this.filter.resume();
      resumed = true;
    }
    this.finish({ reason: 'stopped', message: `stopped following ${this.path} on ${endpoint}` });
  }

  /**
   * Runs tail once; resolves when its channel closes: 'exited' (tail ended, connection alive), 'lost'
   * (the connection died) or 'refused' (the host would not open a channel on a live connection).
   */
  private tailOnce(client: Client): Promise<TailOutcome> {
    return new Promise((resolve) => {
      let lost = false;
      // ssh2 emits the client's 'close' before it closes that connection's channels, so this is set in time.
      const onClose = () => (lost = true);
      client.once('close', onClose);
      const done = (r: TailOutcome) => {
        client.removeListener('close', onClose);
        this.channel = undefined;
        clearTimeout(this.quietTimer);
        if (this.filter.matching) this.filter.giveUp();
        resolve(r);
      };
      const started = (err: Error | undefined, ch: ClientChannel) => {
        if (err) return done(lost ? { kind: 'lost' } : { kind: 'refused', message: err.message });
        this.channel = ch;
        if (this.stopped) ch.close();
        this.setState('following');
        let code: number | null | undefined;
        ch.on('data', (d: Buffer) => this.onChunk(d));
        ch.stderr.on('data', (d: Buffer) => this.emit('stderr', d));
        ch.on('exit', (c: number | null) => (code = c ?? null));
        ch.on('error', () => {});
        ch.on('close', () => done(lost || code === undefined ? { kind: 'lost' } : { kind: 'exited', code }));
      };
      try {
        client.exec(tailCommand(this.path, this.opts.lines), started);
      } catch {
        // ssh2 throws when the connection died between the pool handing it out and now.
        done({ kind: 'lost' });
      }
    });
  }

  private onChunk(d: Buffer): void {
    this.filter.push(d);
    if (!this.filter.matching) return;
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.filter.giveUp(), this.opts.resumeQuietMs ?? 300);
  }
}
