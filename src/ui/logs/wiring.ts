/**
 * The SSH side of the TUI, created lazily (no key is generated and no connection opened until something needs
 * one): the services' identity and `interactive` SshPool, shared by the log panes and the health monitor, and the
 * factory that opens a LogPaneStore for an instance (SSH follow with API fallback).
 */
import type { VastApi } from '../../core/vast/api.js';
import type { Instance } from '../../core/vast/types.js';
import { sshEndpoint } from '../../core/vast/units.js';
import type { SshIdentity } from '../../core/ssh/identity.js';
import type { SshPool } from '../../core/ssh/pool.js';
import type { Services } from '../../core/services/services.js';
import type { SshTarget } from '../../core/ssh/connect.js';
import { HealthMonitor, type HealthSink } from '../../core/fleet/health-monitor.js';
import { LogPaneStore } from '../../core/logs/sources/pane-store.js';
import type { LogPaneFactory } from './use-log-pane.js';

/** The instance's SSH target while it is running and has one. */
export function targetOf(inst: Instance): SshTarget | null {
  const ep = inst.status === 'running' ? sshEndpoint(inst) : null;
  return ep ? { host: ep.host, port: ep.port } : null;
}

/** What runTui gets. */
export interface SshWiring {
  identity: () => SshIdentity;
  monitor: HealthMonitor;
  openLog: LogPaneFactory;
  /** Stops the monitor (the pool is the services', closed with them). */
  close(): Promise<void>;
}

/** Builds the wiring over a fleet store and the services (the API for log fallback). */
export function sshWiring(
  services: { api: Pick<VastApi, 'getLogs'> } & Pick<Services, 'identity' | 'ssh'>,
  store: HealthSink,
  opts: { healthIntervalMs?: number; now?: () => number } = {},
): SshWiring {
  const api = services.api;
  const id = services.identity;
  // `interactive`: a pane on screen reconnects until it is closed.
  const getPool = () => services.ssh('interactive');
  const monitor = new HealthMonitor({
    store,
    ssh: { exec: (t, cmd, o) => getPool().exec(t, cmd, o) },
    intervalMs: opts.healthIntervalMs,
    // The store's clock (the API's): statusSince comes from the store, so ages are measured on the same clock.
    now: opts.now,
    // Stopped and exited instances have no SSH: their last step and error come from the logs API, once.
    apiLog: (id) => api.getLogs(id, { tail: 400 }),
  });
  const lazyPool = {
    follow: (t: SshTarget, p: string, o?: Parameters<SshPool['follow']>[2]) => getPool().follow(t, p, o),
  };
  const openLog: LogPaneFactory = (inst, { daemon }) =>
    new LogPaneStore({
      instanceId: inst.id,
      target: targetOf(inst),
      pool: lazyPool,
      api,
      daemon,
      exec: (t, cmd, o) => getPool().exec(t, cmd, o),
    });
  return {
    identity: id,
    monitor,
    openLog,
    close: async () => monitor.stop(),
  };
}
