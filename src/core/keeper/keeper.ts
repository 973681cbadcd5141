/**
 * The fleet keeper: observe the fleet (one listing, the user, health of running workers), ask the pure policy
 * (policy.ts) what to do, do it, and journal every decision with its reason before and after. Launching and
 * retiring are injected (launch.ts, retire.ts build the real ones) so tests run hours of a scenario in
 * milliseconds with a fake clock. Dry-run decides and reports but calls neither.
 */
import type { Health } from '../fleet/health.js';
import { fleetBurn } from '../fleet/burn.js';
import { instanceView } from '../fleet/status.js';
import type { JournalWriter } from '../journal/journal.js';
import type { NotifyEvent } from '../notify/message.js';
import type { NotifyResult } from '../notify/notify.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import type { HealthSource } from '../watch/api-health.js';
import {
  decide,
  initialState,
  nextCheckMs,
  recordHeld,
  recordLaunch,
  type KeeperAction,
  type KeeperRules,
  type KeeperState,
  type WorkerObs,
} from './policy.js';
import { serverClock } from '../vast/server-clock.js';

/** What a launch of `count` workers achieved. */
export interface LaunchOutcome {
  /** Instances created. */
  ids: number[];
  /** One line per launch that failed. */
  errors: string[];
}

/** How retiring (destroying) a worker ended; `refused` means an unverified checkpoint kept it alive. */
export interface RetireOutcome {
  outcome: 'destroyed' | 'refused' | 'failed';
  message: string;
}

/** Collaborators of the keeper. */
export interface KeeperDeps {
  api: Pick<VastApi, 'listInstances' | 'currentUser' | 'clockOffsetMs'>;
  health: HealthSource | ((inst: Instance) => Promise<Health>);
  journal: JournalWriter;
  clock: { now(): number; sleep(ms: number): Promise<void> };
  notifier?: { notify(ev: NotifyEvent): Promise<NotifyResult[]> };
  launch(count: number, opts: { blacklist: readonly number[] }): Promise<LaunchOutcome>;
  retire(inst: Instance, action: Extract<KeeperAction, { type: 'replace' }>): Promise<RetireOutcome>;
}

/** Settings of a keeper. */
export interface KeeperOptions {
  /** Label prefix of the fleet. */
  prefix: string;
  rules: KeeperRules;
  /** Decide and report, but launch and destroy nothing (the journal passed in should be a memory one). */
  dryRun?: boolean;
  onEvent?: (e: KeeperEvent) => void;
}

/** What the keeper reports. */
export type KeeperEvent =
  | { type: 'pass'; at: number; workers: Array<{ id: number; status: string; health: string }>; credit: number | null }
  | { type: 'decision'; at: number; action: KeeperAction; result: string; dryRun: boolean }
  | { type: 'error'; at: number; message: string }
  /** Sleeping until the next check (its countdown). */
  | { type: 'wait'; at: number; nextAt: number };

/** One pass's outcome. */
export interface PassResult {
  at: number;
  actions: KeeperAction[];
  /** Milliseconds until the next pass should run. */
  nextInMs: number;
}

/** Keeps N workers of one fleet healthy. */
export class FleetKeeper {
  private state: KeeperState;
  private stopped = false;

  constructor(
    private readonly deps: KeeperDeps,
    private readonly opts: KeeperOptions,
  ) {
    this.state = initialState(deps.clock.now());
  }

  /** The policy's memory (blacklist, held workers, …), for display and tests. */
  get snapshot(): Readonly<KeeperState> {
    return this.state;
  }

  /** Asks a running `run()` to end after its current pass or sleep. */
  stop(): void {
    this.stopped = true;
  }

  /** Passes until stop(); a failed observation is reported and retried at the next check. */
  async run(): Promise<void> {
    while (!this.stopped) {
      let wait: number;
      try {
        wait = (await this.pass()).nextInMs;
      } catch (err) {
        const now = this.deps.clock.now();
        this.emit({
          type: 'error',
          at: now,
          message: `pass failed, will retry: ${(err as Error).message ?? String(err)}`,
        });
        wait = nextCheckMs(this.state, now);
      }
      if (this.stopped) break;
      const at = this.deps.clock.now();
      this.emit({ type: 'wait', at, nextAt: at + wait });
      await this.deps.clock.sleep(wait);
    }
  }

  /** Display status, measured on the API's clock (startedAt is on it; the keeper's own times are local). */
  private statusOf(inst: Instance, now: number) {
    const offset = serverClock(this.deps.api, () => 0)();
    const since = this.sinceOf(inst);
    return instanceView(inst, now + offset, since === undefined ? undefined : since + offset).status;
  }

  /** When the keeper saw the instance enter its current status (undefined: not seen so; its start time counts). */
  private sinceOf(inst: Instance): number | undefined {
    const st = this.state.status[inst.id];
    return st && st.status === inst.status ? st.since : undefined;
  }

  /** One pass: observe, decide, act. Throws only when the fleet cannot be listed. */
  async pass(): Promise<PassResult> {
    const all = await this.deps.api.listInstances();
    const user = await this.deps.api.currentUser().catch(() => null);
    const mine = all.filter((i) => (i.label ?? '').startsWith(this.opts.prefix)).sort((a, b) => a.id - b.id);
    const workers: WorkerObs[] = [];
    for (const inst of mine) workers.push({ inst, health: await this.healthOf(inst) });
    const now = this.deps.clock.now();
    const credit = user?.credit ?? null;
    this.emit({
      type: 'pass',
      at: now,
      credit,
      workers: workers.map((w) => ({
        id: w.inst.id,
        status: this.statusOf(w.inst, now),
        health: w.health?.state ?? '-',
      })),
    });
    const clockOffsetMs = this.deps.api.clockOffsetMs?.() ?? null;
    const { state, actions } = decide(
      this.state,
      { now, workers, credit, accountBurnPerHour: fleetBurn(all, credit).perHour, clockOffsetMs },
      this.opts.rules,
    );
    this.state = state;
    const byId = new Map(mine.map((i) => [i.id, i]));
    for (const a of actions) await this.act(a, byId);
    return { at: now, actions, nextInMs: nextCheckMs(this.state, this.deps.clock.now()) };
  }

  private async healthOf(inst: Instance): Promise<Health | null> {
    // Only running workers have a log worth reading; the rest are judged by their status.
    if (inst.status !== 'running' || this.state.replaced.includes(inst.id) || this.state.held.includes(inst.id))
      return null;
    try {
      const h = this.deps.health;
      return typeof h === 'function' ? await h(inst) : await h.healthOf(inst);
    } catch {
      return null; // log not readable this pass: no health-based trigger fires on a guess
    }
  }

  private async act(a: KeeperAction, byId: Map<number, Instance>): Promise<void> {
    const dry = !!this.opts.dryRun;
    const j = this.deps.journal;
    const fleet = this.opts.prefix;
    const op = `keeper.${a.type}`;
    const ids = a.type === 'replace' ? { instanceId: a.instanceId, ...(a.label ? { label: a.label } : {}) } : {};
    const details: Record<string, unknown> = { fleet, reason: a.reason, dryRun: dry };
    if (a.type === 'replace') details.trigger = a.trigger;
    if (a.type === 'launch') Object.assign(details, { count: a.count, blacklist: [...this.state.blacklist] });
    if (a.type === 'blacklist') Object.assign(details, { machineId: a.machineId, failures: a.failures });
    await j.append({ op, phase: 'before', ids, details });
    let result = dry ? 'dry run: nothing done' : 'done';
    if (!dry && a.type === 'replace') {
      const inst = byId.get(a.instanceId)!;
      const r = await this.deps
        .retire(inst, a)
        .catch((err): RetireOutcome => ({ outcome: 'failed', message: (err as Error).message }));
      // Refused or failed: the worker stays, is never retried (no double replacement) and no longer counts.
      if (r.outcome !== 'destroyed') this.state = recordHeld(this.state, a.instanceId);
      result =
        r.outcome === 'destroyed' ? `destroyed ${a.instanceId}` : `kept ${a.instanceId} (${r.outcome}): ${r.message}`;
      await j.append({
        op,
        phase: r.outcome === 'failed' ? 'error' : 'after',
        ids,
        details: { ...details, outcome: r.outcome, message: r.message },
      });
      await this.notify({
        kind: 'replacement',
        title: `replacing: ${a.trigger} — ${a.reason}`,
        instanceId: a.instanceId,
        label: a.label,
        detail: result,
      });
    } else if (!dry && a.type === 'launch') {
      const r = await this.deps
        .launch(a.count, { blacklist: this.state.blacklist })
        .catch((err): LaunchOutcome => ({ ids: [], errors: [(err as Error).message] }));
      this.state = recordLaunch(this.state, r.ids, this.deps.clock.now());
      result =
        `launched ${r.ids.length} of ` +
        `${a.count}${r.ids.length ? `: ${r.ids.join(', ')}` : ''}${r.errors.length ? `; ${r.errors.join('; ')}` : ''}`;
      await j.append({
        op,
        phase: r.errors.length && !r.ids.length ? 'error' : 'after',
        ids,
        details: { ...details, launched: r.ids, errors: r.errors },
      });
    } else {
      await j.append({ op, phase: 'after', ids, details });
      if (!dry && a.type === 'pause-launches') await this.notify({ kind: 'budget', title: a.reason });
    }
    this.emit({ type: 'decision', at: this.deps.clock.now(), action: a, result, dryRun: dry });
  }

  private async notify(ev: Omit<NotifyEvent, 'at'>): Promise<void> {
    if (!this.deps.notifier) return;
    const results = await this.deps.notifier.notify({ ...ev, at: this.deps.clock.now() });
    for (const r of results)
      if (!r.ok)
        this.emit({
          type: 'error',
          at: this.deps.clock.now(),
          message: `${r.channel} notification failed: ${r.error}`,
        });
  }

  private emit(e: KeeperEvent): void {
    this.opts.onEvent?.(e);
  }
}
