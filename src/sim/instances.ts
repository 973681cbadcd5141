/**
 * Instance records and their lifecycle: null → loading → running, with the fates a real fleet shows
 * (stuck in loading, container exited, interruptible outbid → stopped). Transitions are computed from
 * times stored on the record, so moving the clock (real time × speed, or advance()) replays them exactly.
 */
import type { HostScenarioInput } from './hosts/scenario.js';
import type { OfferRow } from './market-offers.js';
import { between, hashSeed, makeRng, round } from './prng.js';

/** `actual_status` values the simulator produces (null = provisioning). */
export type ActualStatus = null | 'created' | 'loading' | 'running' | 'stopped' | 'frozen' | 'exited' | 'rebooting';

/** How new instances behave; scenario `lifecycle` overrides these. */
export interface LifecycleConfig {
  /** Seconds in provisioning (actual_status null) before loading. */
  provisionSec: number;
  /** Seconds loading (image pull), drawn uniformly from [min, max]. */
  loadSec: [number, number];
  /** Share of new instances that never leave loading. */
  stuckRate: number;
  /** Share of new instances whose container exits after a while. */
  exitRate: number;
  /** When they exit: hours of running, drawn from [min, max]. */
  exitAfterHours: [number, number];
  /** Mean hours of running before an interruptible instance is outbid (exponential). */
  outbidMeanHours: number;
}

/** Defaults: predictable for tests (nothing stuck or exiting unless a scenario asks for it). */
export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  provisionSec: 5,
  loadSec: [40, 120],
  stuckRate: 0,
  exitRate: 0,
  exitAfterHours: [1, 12],
  outbidMeanHours: 6,
};

/** One rented instance as the simulator stores it (JSON-safe, for the state file). */
export interface InstanceRec {
  id: number;
  /** The offer as it was when rented (hardware, host fields). */
  offer: OfferRow;
  label: string | null;
  image: string;
  disk: number;
  env: Array<[string, string]>;
  onstart: string | null;
  runtype: string;
  args: string[] | null;
  isBid: boolean;
  /** GPU part $/hr (the bid price for interruptible). */
  dphBase: number;
  /** $/GB/month. */
  storageCost: number;
  status: ActualStatus;
  intended: 'running' | 'stopped';
  statusMsg: string;
  /** Sim epoch ms the current status began. */
  since: number;
  createdAt: number;
  /** Time spent running before the current status (ms), for uptime. */
  uptimeMs: number;
  loadMs: number;
  stuck: boolean;
  /** Running ms until the container exits, or null. */
  exitAfterMs: number | null;
  /** Running ms until outbid (interruptible only), or null. */
  outbidAfterMs: number | null;
  sshPort: number;
  sshKeys: Array<{ id: number; key: string }>;
  billedUntil: number;
  /** Restricted key shown as CONTAINER_API_KEY (not the account key). */
  instanceKey: string;
  /** What the simulated host's training job does (scenario `host` block); absent = a healthy default run. */
  host?: HostScenarioInput;
}

/** A pending status change. */
export interface Transition {
  at: number;
  to: ActualStatus;
  msg: string;
  intended?: 'running' | 'stopped';
}

/** Draw the fate of a new instance (stuck, exit, outbid) from the lifecycle config. */
export function drawFate(rec: Pick<InstanceRec, 'id' | 'isBid'>, cfg: LifecycleConfig, seed: number) {
  const rng = makeRng(hashSeed(seed, 'fate', rec.id));
  const loadMs = between(rng, cfg.loadSec[0], cfg.loadSec[1]) * 1000;
  const stuck = rng() < cfg.stuckRate;
  const exits = rng() < cfg.exitRate;
  const exitAfterMs = exits ? between(rng, cfg.exitAfterHours[0], cfg.exitAfterHours[1]) * 3_600_000 : null;
  const outbidAfterMs =
    rec.isBid && cfg.outbidMeanHours > 0 ? -Math.log(1 - rng()) * cfg.outbidMeanHours * 3_600_000 : null;
  return { loadMs, stuck, exitAfterMs, outbidAfterMs };
}

/** The next status change of an instance, or null if it stays as it is. */
export function nextTransition(rec: InstanceRec, cfg: LifecycleConfig): Transition | null {
  switch (rec.status) {
    case null:
    case 'created':
      return { at: rec.since + cfg.provisionSec * 1000, to: 'loading', msg: `Pulling image ${rec.image}` };
    case 'loading':
      if (rec.stuck) return null;
      return { at: rec.since + rec.loadMs, to: 'running', msg: `success, running ${rec.image}/ssh` };
    case 'rebooting':
      return { at: rec.since + 15_000, to: 'loading', msg: 'rebooting: starting container' };
    case 'running': {
      const exit = rec.exitAfterMs === null ? Infinity : rec.since + rec.exitAfterMs;
      const outbid = rec.outbidAfterMs === null ? Infinity : rec.since + rec.outbidAfterMs;
      if (exit === Infinity && outbid === Infinity) return null;
      if (exit <= outbid)
        return { at: exit, to: 'exited', msg: 'Error response from daemon: container exited with code 137' };
      return { at: outbid, to: 'stopped', msg: 'Instance stopped: outbid by a higher bid', intended: 'running' };
    }
    default:
      return null;
  }
}

/** Move an instance to a status at a time (bookkeeping shared by lifecycle and user actions). */
export function setStatus(rec: InstanceRec, to: ActualStatus, at: number, msg: string): void {
  if (rec.status === 'running') rec.uptimeMs += at - rec.since;
  rec.status = to;
  rec.since = at;
  rec.statusMsg = msg;
}

/** $/hr of storage for this instance: storage_cost × disk GB / 720. */
export function storageHourly(rec: InstanceRec): number {
  return (rec.storageCost * rec.disk) / 720;
}

/** True for the runtypes that publish direct ports (`ssh_direc`, `jupyter_direc`, `ssh_direct`...). */
export function isDirect(rec: InstanceRec): boolean {
  return /direc/.test(rec.runtype);
}

/**
 * Reserved port numbers for an instance's SSH endpoints. ssh_port is the proxy port (jupyter runtypes use
 * ssh_port + 1, as the CLI assumes); direct SSH is ssh_port + 2 and direct 8080 is ssh_port + 3.
 */
export function directPorts(rec: InstanceRec): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }>> = {
    '22/tcp': [{ HostIp: '0.0.0.0', HostPort: String(rec.sshPort + 2) }],
  };
  if (/jupyter/.test(rec.runtype)) ports['8080/tcp'] = [{ HostIp: '0.0.0.0', HostPort: String(rec.sshPort + 3) }];
  return ports;
}

/**
 * Deterministic pseudo-telemetry for a running instance at a time (changes once a minute). `busy` false = its
 * host job is not computing (finished, crashed, stalled, idle): the GPU sits near 0 %.
 */
export function telemetry(rec: InstanceRec, now: number, busy?: boolean) {
  if (rec.status !== 'running') return { gpuUtil: 0, gpuTemp: 30, cpuUtil: 0, memUsage: 0 };
  const rng = makeRng(hashSeed(rec.id, Math.floor(now / 60_000)));
  if (busy === false)
    return {
      gpuUtil: round(between(rng, 0, 2), 1),
      gpuTemp: Math.round(between(rng, 31, 38)),
      cpuUtil: round(between(rng, 0.01, 0.03), 3),
      memUsage: 1.2,
    };
  return {
    gpuUtil: round(between(rng, 72, 100), 1),
    gpuTemp: Math.round(between(rng, 55, 82)),
    cpuUtil: round(between(rng, 0.05, 0.6), 3),
    memUsage: round(between(rng, 4, Math.max(5, Number(rec.offer.cpu_ram) / 1024 / 2)), 2),
  };
}
