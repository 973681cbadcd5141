/**
 * Typed SSH errors. Each carries a `kind` callers can switch on and a message that is one clear line:
 * it names the host:port and what to do, and never contains key material or secrets.
 */

import { keyRefusedHint } from './account-keys.js';

/** What went wrong, coarsely: enough for a UI to pick a colour and for retry logic to decide. */
export type SshErrorKind = 'auth' | 'host-key-changed' | 'unreachable' | 'timeout' | 'closed' | 'config';

/** Base class of every error thrown by src/core/ssh. */
export class SshError extends Error {
  /** The coarse category; 'unreachable' and 'closed' are worth retrying, the others are not. */
  readonly kind: SshErrorKind;
  /** "host:port" the error is about. */
  readonly endpoint: string;
  constructor(kind: SshErrorKind, endpoint: string, message: string) {
    super(message);
    this.name = 'SshError';
    this.kind = kind;
    this.endpoint = endpoint;
  }
}

/** The server refused every key we offered, or we had no usable key at all. */
export class SshAuthError extends SshError {
  constructor(endpoint: string, detail: string) {
    super('auth', endpoint, `ssh ${endpoint}: authentication failed: ${detail}. ${keyRefusedHint()}`);
    this.name = 'SshAuthError';
  }
}

/** The host presented a key different from the one stored on first use: refuse, never overwrite. */
export class HostKeyChangedError extends SshError {
  /** SHA256 fingerprint of the key the host presented now. */
  readonly fingerprint: string;
  /** The vastdeck known-hosts file holding the old key. */
  readonly file: string;
  constructor(endpoint: string, fingerprint: string, file: string) {
    super(
      'host-key-changed',
      endpoint,
      `ssh ${endpoint}: HOST KEY CHANGED (now ${fingerprint}); refusing to connect. ` +
        `If the host was legitimately replaced, delete its line from ${file}`,
    );
    this.name = 'HostKeyChangedError';
    this.fingerprint = fingerprint;
    this.file = file;
  }
}

/** TCP connect or the SSH handshake failed: host down, port closed, network gone. */
export class SshUnreachableError extends SshError {
  constructor(endpoint: string, detail: string) {
    super('unreachable', endpoint, `ssh ${endpoint}: unreachable: ${detail}`);
    this.name = 'SshUnreachableError';
  }
}

/** A command or the handshake took longer than allowed. */
export class SshTimeoutError extends SshError {
  constructor(endpoint: string, what: string, ms: number) {
    super('timeout', endpoint, `ssh ${endpoint}: ${what} timed out after ${ms} ms`);
    this.name = 'SshTimeoutError';
  }
}

/** The connection went away while something was using it. */
export class SshClosedError extends SshError {
  constructor(endpoint: string, detail = 'connection closed') {
    super('closed', endpoint, `ssh ${endpoint}: ${detail}`);
    this.name = 'SshClosedError';
  }
}

/** The user's ~/.ssh/config asks for something vastdeck's ssh2 connections cannot do (e.g. a ProxyJump chain). */
export class SshConfigError extends SshError {
  constructor(endpoint: string, detail: string) {
    super('config', endpoint, `ssh ${endpoint}: ${detail}`);
    this.name = 'SshConfigError';
  }
}

/** True when retrying later might succeed (the host may come back); false for auth and host-key problems. */
export function isRetryable(err: unknown): boolean {
  return err instanceof SshError
    ? err.kind === 'unreachable' || err.kind === 'closed' || err.kind === 'timeout'
    : false;
}
