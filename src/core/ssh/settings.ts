/**
 * The one table of SSH pool settings. Every SshPool vastdeck opens is built from one of these names
 * (`services.ssh(name)`, src/core/services): the default, and a few named exceptions, each with its reason.
 * Backoff applies only to `SshPool.reconnect` (log follows and the post-boot check); a plain exec makes one
 * connection attempt whatever the table says.
 */
import type { SshPoolOptions } from './pool.js';

/** The tunable part of a pool: handshake deadline, keepalives, reconnect backoff. */
export type SshSettings = Required<
  Pick<SshPoolOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'backoff'>
>;

const DEFAULT: SshSettings = {
  readyTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  backoff: { maxAttempts: 3 },
};

/** Every pool's settings, by name. */
export const SSH_SETTINGS = {
  /**
   * Work on a host (checkpoint reads, migrate, keeper, lifecycle, destroy, heartbeats): 10 s handshake, a few
   * reconnects.
   */
  default: DEFAULT,
  /**
   * One-shot headless commands (logs, triage, provision's checks): one attempt, then the command falls back or says
   * why.
   */
  headless: { ...DEFAULT, backoff: { maxAttempts: 1 } },
  /**
   * The TUI's log panes and health monitor: hosts far away get 15 s, and a pane on screen reconnects until it is
   * closed.
   */
  interactive: { ...DEFAULT, readyTimeoutMs: 15_000, backoff: {} },
  /** The post-boot check right after a rental: a just-started sshd may refuse for a while, so 15 s and six attempts. */
  provisionBoot: { ...DEFAULT, readyTimeoutMs: 15_000, backoff: { maxAttempts: 6 } },
} as const satisfies Record<string, SshSettings>;

/** The name of one row of SSH_SETTINGS. */
export type SshSettingName = keyof typeof SSH_SETTINGS;
