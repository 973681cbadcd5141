/**
 * The simulated hosts behind the simulator's instances: every running instance gets a real SSH server
 * (ssh2) on 127.0.0.1 at its proxy port and, for direct runtypes, its direct 22/tcp port — the same job behind
 * both. Hosts start when an instance reaches running and are killed when it stops, exits or is destroyed.
 * The job's clock is the instance's uptime, so it pauses while the instance is stopped and resumes after a
 * start, moves with the simulator's speed and advance(), and picks up mid-run after a state-file restart.
 */
import { parseScenario, type HostScenarioInput } from './hosts/scenario.js';
import { seededHostKey } from './hosts/keys.js';
import { startSimHost, type SimHost } from './hosts/server.js';
import { SimTrainer } from './hosts/trainer.js';
import { isDirect, type InstanceRec } from './instances.js';
import type { World } from './world.js';

/** A host that failed to start (port taken) is retried after this long. */
const RETRY_MS = 2000;
/** Errors remembered for diagnostics. */
const MAX_ERRORS = 20;

interface Entry {
  hosts: SimHost[];
  /** False while the listeners are being opened. */
  up: boolean;
  /** Set when the start failed; retried after this real time. */
  retryAt?: number;
}

/** The ports an instance's host listens on: the proxy port (+1 for jupyter runtypes) and the direct port. */
export function hostPorts(rec: InstanceRec): number[] {
  const proxy = rec.sshPort + (/jupyter/.test(rec.runtype) ? 1 : 0);
  return isDirect(rec) ? [proxy, rec.sshPort + 2] : [proxy];
}

/** What an instance's job does: the scenario's `host` block over a healthy default run sized to the GPU. */
export function hostScenarioFor(rec: InstanceRec): HostScenarioInput {
  const gpuMiB = Number(rec.offer.gpu_ram) || 81559;
  return {
    totalSteps: 20_000,
    stepsPerSecond: 1,
    loggingSteps: 10,
    saveSteps: 500,
    logCheckpoints: true,
    gpuName: `NVIDIA ${rec.offer.gpu_name}`,
    gpuCount: Math.max(1, Number(rec.offer.num_gpus) || 1),
    gpuMemoryMiB: Math.round(gpuMiB),
    ...(typeof rec.offer.driver_version === 'string' && rec.offer.driver_version
      ? { driverVersion: rec.offer.driver_version }
      : {}),
    inetDownMbps: Number(rec.offer.inet_down) || undefined,
    ...(rec.host ?? {}),
  };
}

/** Ms the instance has been running in total (sim time). */
function uptime(rec: InstanceRec, now: number): number {
  return rec.uptimeMs + (rec.status === 'running' ? Math.max(0, now - rec.since) : 0);
}

/** Starts and kills the simulated hosts so they follow the instances' statuses. */
export class SimHostFleet {
  private readonly live = new Map<number, Entry>();
  private readonly trainers = new Map<number, SimTrainer>();
  private readonly unplugged = new Set<number>();
  private closed = false;
  private readonly opening = new Set<Promise<unknown>>();
  /** Recent start failures ("instance N: port P: EADDRINUSE"), newest last. */
  readonly errors: string[] = [];
  /** Called once for each new job, before its first tick (hub-link.ts: onstart, uploads, resume commands). */
  onTrainer?: (rec: InstanceRec, trainer: SimTrainer) => void;

  constructor(
    private readonly world: World,
    private readonly realNow: () => number = Date.now,
  ) {}

  /** The job of an instance (kept across stop/start while this simulator runs), if it ever ran. */
  trainer(id: number): SimTrainer | undefined {
    return this.trainers.get(id);
  }

  /** Ports currently listening for an instance (empty while starting, stopped or failed). */
  ports(id: number): number[] {
    const e = this.live.get(id);
    return e?.up ? e.hosts.map((h) => h.port) : [];
  }

  /**
   * Makes an instance's host stop answering (connections refused) while Vast still reports it running, as when
   * a host's network or sshd dies; `plugIn` lets it answer again. The job keeps its state.
   */
  unplug(id: number): void {
    this.unplugged.add(id);
    this.stop(id, false);
  }

  plugIn(id: number): void {
    this.unplugged.delete(id);
    this.sync();
  }

  /** Brings hosts in line with the world: start for running instances, kill for the rest. */
  sync(): void {
    if (this.closed) return;
    for (const rec of this.world.instances.values()) {
      const entry = this.live.get(rec.id);
      if (rec.status === 'running') {
        if (this.unplugged.has(rec.id)) continue;
        if (!entry || (entry.retryAt !== undefined && this.realNow() >= entry.retryAt)) this.start(rec);
      } else if (entry) {
        this.stop(rec.id);
      }
    }
    for (const id of [...this.live.keys()]) if (!this.world.instances.has(id)) this.stop(id);
    for (const [id, t] of this.trainers) {
      if (!this.world.instances.has(id)) {
        t.stop();
        this.trainers.delete(id);
      }
    }
  }

  private jobOf(rec: InstanceRec): SimTrainer {
    let t = this.trainers.get(rec.id);
    if (!t) {
      const id = rec.id;
      let last = 0;
      const clock = () => {
        const r = this.world.get(id);
        if (r) last = uptime(r, this.world.now());
        return last;
      };
      // startedAt 0 on the uptime clock: the job began when the instance first ran.
      t = new SimTrainer(parseScenario(hostScenarioFor(rec)), 1, clock, 0);
      t.lazyTimer = true;
      this.trainers.set(id, t);
      this.onTrainer?.(rec, t);
    }
    return t;
  }

  private start(rec: InstanceRec): void {
    const entry: Entry = { hosts: [], up: false };
    this.live.set(rec.id, entry);
    const trainer = this.jobOf(rec);
    // One key per instance (derived from its first port), shared by both endpoints like one container's sshd.
    const hostKey = seededHostKey(String(rec.sshPort));
    // Vast's rule: the keys the instance was created with (the account's then) plus keys attached to it since.
    const id = rec.id;
    const authorizedKeys = () => this.world.get(id)?.sshKeys.map((k) => k.key) ?? [];
    const opening = hostPorts(rec).map((port) => startSimHost({ port, hostKey, trainer, authorizedKeys }));
    const settle = Promise.allSettled(opening).then(async (results) => {
      const hosts = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (this.live.get(rec.id) !== entry || this.closed) {
        await Promise.all(hosts.map((h) => h.kill()));
        return;
      }
      entry.hosts = hosts;
      if (failed) {
        const code = (failed.reason as NodeJS.ErrnoException)?.code ?? String(failed.reason);
        this.note(`instance ${rec.id}: ports ${hostPorts(rec).join(',')}: ${code}`);
        await Promise.all(hosts.map((h) => h.kill()));
        entry.hosts = [];
        entry.retryAt = this.realNow() + RETRY_MS;
        return;
      }
      entry.up = true;
    });
    this.opening.add(settle);
    void settle.finally(() => this.opening.delete(settle));
  }

  private stop(id: number, stopJob = true): void {
    const entry = this.live.get(id);
    this.live.delete(id);
    if (stopJob) this.trainers.get(id)?.stop();
    if (entry) for (const h of entry.hosts) void h.kill();
  }

  private note(msg: string): void {
    this.errors.push(msg);
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  /** Kills every host and stops every job. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.live.values()].flatMap((e) => e.hosts);
    this.live.clear();
    for (const t of this.trainers.values()) t.stop();
    await Promise.all([...all.map((h) => h.kill()), ...this.opening]);
  }
}
