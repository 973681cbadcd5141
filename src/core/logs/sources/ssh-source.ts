/**
 * A log source on SSH: follows `tail -F` of a file on the host (default /workspace/train.log) through the
 * pool's shared connection, pushing raw chunks into a LogRing tagged 'ssh' (the ring handles \r redraws and
 * strips control sequences). Reconnects are the pool's job; this keeps the state and a message for display.
 */
import type { FollowEnd, FollowState, LogFollow } from '../../ssh/follow.js';
import type { SshTarget } from '../../ssh/connect.js';
import type { FollowOptions } from '../../ssh/follow.js';
import { sanitizeLine } from '../../util/sanitize.js';
import type { LogRing } from '../ring.js';

/** The default training log path on Vast images used with vastdeck. */
export const DEFAULT_LOG_PATH = '/workspace/train.log';

/** What the source needs from an SshPool. */
export interface FollowingPool {
  follow(target: SshTarget, path: string, opts?: FollowOptions): LogFollow;
}

/** Options of an SshLogSource. */
export interface SshLogSourceOptions {
  pool: FollowingPool;
  target: SshTarget;
  ring: LogRing;
  /** Remote file; default DEFAULT_LOG_PATH. */
  path?: string;
  /** Backlog lines tail prints first. Default 200. */
  lines?: number;
  /** Called on new data and state changes. */
  onChange?: () => void;
}

/** State of the SSH source: the follow's, or idle before start. */
export type SshSourceState = FollowState | 'idle';

/** Follows one remote log file into a ring. */
export class SshLogSource {
  /** Current state. */
  state: SshSourceState = 'idle';
  /** Last noteworthy message (retrying, interrupted, why it ended), sanitized. */
  message: string | undefined;
  /** How it ended, once it has. */
  ended: FollowEnd | undefined;
  private follow: LogFollow | undefined;
  /** The followed path. */
  readonly path: string;

  constructor(private readonly opts: SshLogSourceOptions) {
    this.path = opts.path ?? DEFAULT_LOG_PATH;
  }

  /** Starts following (once). */
  start(): void {
    if (this.follow) return;
    const f = this.opts.pool.follow(this.opts.target, this.path, { lines: this.opts.lines ?? 200 });
    this.follow = f;
    const changed = () => this.opts.onChange?.();
    f.on('data', (chunk) => {
      this.opts.ring.push(chunk, 'ssh');
      changed();
    });
    f.on('state', (s) => {
      this.state = s;
      if (s === 'following') this.message = undefined;
      changed();
    });
    f.on('retry', (info) => {
      this.message = sanitizeLine(`${info.error.message}; retrying in ${Math.ceil(info.delayMs / 1000)} s`);
      changed();
    });
    f.on('interrupted', (m) => {
      this.message = sanitizeLine(m);
      changed();
    });
    f.on('end', (info) => {
      this.opts.ring.end('ssh');
      this.ended = info;
      this.state = 'ended';
      this.message = sanitizeLine(info.message);
      changed();
    });
    this.state = f.state;
  }

  /** Stops following. */
  stop(): void {
    this.follow?.stop();
  }
}
