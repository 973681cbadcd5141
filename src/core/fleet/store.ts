/**
 * The fleet store: ONE poller for the whole app. It keeps the last good snapshot, emits at most once per poll
 * (and not at all when nothing changed), and hands React an immutable, row-stable snapshot through
 * subscribe()/getSnapshot() for useSyncExternalStore. The first listing is published page by page (the first 25
 * rows at once, then the rest with a count); later polls of a fleet bigger than the rate limit allows to list each
 * time fetch new rows, rows in transition and the next part of a rolling sweep (see `refreshPart`).
 */
import type { VastApi } from '../vast/api.js';
import type { Instance, User } from '../vast/types.js';
import { sanitizeLine } from '../util/sanitize.js';
import { Poller, type PollerClock } from './poller.js';
import { mergeRows, patchRows, sameData } from './rows.js';
import { serverClock } from '../vast/server-clock.js';
import type { HealthSeverity } from './health.js';
import type { InstancePage, InstanceRowCache, ListPagesOptions } from '../vast/client.js';
import { fleetFigures, type FleetFigures } from './figures.js';
import { nextStatusSince } from './since.js';

/** Per-instance training health, filled by the health classifier (health.ts); the table shows "–" without it. */
export interface InstanceHealth {
  /** Latest training step seen, when known. */
  step: number | null;
  /** Short word shown in the HEALTH column, e.g. "ok", "stalled", "oom". */
  text: string;
  /** Colour level. */
  level: HealthSeverity;
  /** Why: "no step advance for 8h35m", the OOM line, "instance stopped" (the detail pane leads with it). */
  reason?: string;
  /** The last error line in the log (a traceback's final line, an OOM, a NCCL error). */
  error?: string;
  /** Steps at the recent step advances, and the rate (it/s) and loss seen with them, oldest first. */
  steps?: number[];
  rates?: number[];
  losses?: number[];
}

/** Why the last poll failed. `message` is sanitized and never carries secrets (VastError guarantees it). */
export interface FleetError {
  kind: string;
  message: string;
  /** Epoch ms of the latest failure. */
  at: number;
  /** Consecutive failures so far. */
  failures: number;
}

/** What the UI draws. Immutable; unchanged instances keep their identity between snapshots. */
export interface FleetSnapshot {
  /** Instances ordered by id. */
  readonly instances: readonly Instance[];
  /** When each instance was first seen in its current status (epoch ms); drives "stuck". */
  readonly statusSince: ReadonlyMap<number, number>;
  readonly user: User | null;
  readonly health: ReadonlyMap<number, InstanceHealth>;
  /** False until the first successful instance list. */
  readonly loaded: boolean;
  /** Epoch ms of the last good poll as of this snapshot (exact whenever `error` is set). */
  readonly lastOkAt: number | null;
  /** Set while the API fails; the previous good data stays in `instances`. */
  readonly error: FleetError | null;
  /** While the first listing fills in: rows loaded so far and the account's total when the API says it. */
  readonly filling: { readonly loaded: number; readonly total: number | null } | null;
  /** Counts by display status, burn and runway, computed once per snapshot (read them with `figuresAt`). */
  readonly figures: FleetFigures;
}

/** Options of a FleetStore. */
export interface FleetStoreOptions {
  api: Pick<VastApi, 'listInstances' | 'currentUser' | 'clockOffsetMs'> & {
    /** The listing page by page (VastClient); without it each poll is one listInstances(). */
    listInstancePages?: (
      opts: ListPagesOptions,
      // biome-ignore lint/suspicious/noConfusingVoidType: the store passes a callback returning nothing.
      onPage: (page: InstancePage) => boolean | void | Promise<boolean | void>,
    ) => Promise<void>;
  };
  /** Poll interval; floored at 2 s by the poller. */
  pollMs: number;
  /** How often the account balance is refreshed (it changes slowly); 60 s by default. */
  userEveryMs?: number;
  clock?: PollerClock;
  /** The clock ages and "stuck" are measured on; the API's (serverClock) by default, as startedAt is on it. */
  now?: () => number;
  random?: () => number;
  /**
   * While the first listing fills in, pages are published at most this often (ms on `now`); 2 s by default. Page 1,
   * the newest page and the last page are published at once. Under Vast's rate limit a page comes every second, so
   * a 10,000-row fill draws half as many frames and the count still moves every 2 s.
   */
  fillEveryMs?: number;
}

const EMPTY: FleetSnapshot = Object.freeze({
  instances: Object.freeze([]) as readonly Instance[],
  statusSince: new Map<number, number>(),
  user: null,
  health: new Map<number, InstanceHealth>(),
  loaded: false,
  lastOkAt: null,
  error: null,
  filling: null,
  figures: fleetFigures({ instances: [], statusSince: new Map(), user: null }, 0),
});

/** Statuses an instance passes through on its way somewhere: later polls ask for these rows every time. */
const MOVING = new Set(['provisioning', 'created', 'loading', 'rebooting', 'unknown']);
/** The longest a held first listing waits for release() after its first screen. */
const HOLD_MAX_MS = 2000;
/** Rows per listing page (vast-api.md §4). */
const PAGE = 25;

/** Error kind and a one-line message, whatever was thrown. */
function describe(err: unknown): { kind: string; message: string } {
  const e = err as { kind?: unknown; message?: unknown } | null;
  const kind = typeof e?.kind === 'string' ? e.kind : 'error';
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  return { kind, message: sanitizeLine(raw).slice(0, 200) };
}

/** Owns the fleet poll and the current snapshot. */
export class FleetStore {
  private snap: FleetSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly poller: Poller;
  /** Now on the API's clock (or the one given): what views compare startedAt and statusSince with. */
  readonly now: () => number;
  private readonly userEveryMs: number;
  private userAt = -Infinity;
  /** Real time of the last good poll; copied into the snapshot only when an emit happens anyway. */
  private lastOk: number | null = null;
  /** Wire JSON of the rows seen, so an unchanged row is not validated again (listing by pages only). */
  private readonly cache: InstanceRowCache = new Map();
  /** The first full listing has ended. */
  private complete = false;
  /** Last id the first listing (while filling) or the rolling sweep (after) has reached; null = from the start. */
  private cursor: number | null = null;
  /** While set, the first listing waits for `done` after its first screen (start with holdFill; ended by release()). */
  private hold: { done: Promise<void>; end: () => void } | null = null;

  constructor(private readonly opts: FleetStoreOptions) {
    this.now = opts.now ?? serverClock(opts.api);
    this.userEveryMs = opts.userEveryMs ?? 60_000;
    this.poller = new Poller({
      task: () => this.poll(),
      intervalMs: opts.pollMs,
      clock: opts.clock,
      random: opts.random,
    });
  }

  /** useSyncExternalStore subscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** useSyncExternalStore getSnapshot: the same object until something changes. */
  getSnapshot = (): FleetSnapshot => this.snap;

  /**
   * Calls `fn` once, at the first snapshot with the fleet loaded: at once when it already is (a store started
   * before its view subscribed).
   */
  whenLoaded(fn: () => void): void {
    if (this.snap.loaded) return fn();
    const unsub = this.subscribe(() => {
      if (!this.snap.loaded) return;
      unsub();
      fn();
    });
  }

  /**
   * Starts polling; the first refresh runs at once. With `holdFill`, the first listing stops after its first screen
   * (page 1 and the newest page) until release(), 2 s at most: a view still loading draws that screen sooner when
   * the later pages' work does not compete with it.
   */
  start(opts: { holdFill?: boolean } = {}): void {
    if (opts.holdFill && !this.hold) {
      const clock = this.opts.clock ?? { setTimeout, clearTimeout };
      const timer = clock.setTimeout(() => this.release(), HOLD_MAX_MS);
      (timer as { unref?: () => void } | null)?.unref?.();
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.hold = { done, end: () => (clock.clearTimeout(timer), resolve()) };
    }
    this.poller.start();
  }

  /** Lets a held first listing go on (the view has drawn its first frame). */
  release(): void {
    this.hold?.end();
    this.hold = null;
  }

  /** Stops polling for good. */
  stop(): void {
    this.poller.stop();
  }

  /** Pauses polling while something else (ssh, tmux attach) owns the terminal. */
  pause(): void {
    this.poller.pause();
  }

  /** Resumes polling with an immediate refresh. */
  resume(): void {
    this.poller.resume();
  }

  /** Refreshes now, joining a poll already in flight. */
  refresh(): Promise<void> {
    return this.poller.refreshNow();
  }

  /** The poller's chosen delay before the next poll (backoff shows here). */
  get nextDelayMs(): number {
    return this.poller.nextDelayMs;
  }

  /** Sets (or clears, with null) the health of one instance; emits only when it changed. */
  setHealth(id: number, health: InstanceHealth | null): void {
    this.setHealthMany([[id, health]]);
  }

  /** Sets (or clears) the health of many instances with one emit, only when something changed. */
  setHealthMany(updates: Iterable<readonly [number, InstanceHealth | null]>): void {
    let next: Map<number, InstanceHealth> | null = null;
    for (const [id, health] of updates) {
      const old = (next ?? this.snap.health).get(id);
      if (health === null ? old === undefined : old !== undefined && sameData(old, health)) continue;
      next ??= new Map(this.snap.health);
      if (health === null) next.delete(id);
      else next.set(id, Object.freeze({ ...health }));
    }
    if (next) this.commit({ ...this.snap, health: next });
  }

  private async poll(): Promise<void> {
    const now = this.now();
    const wantUser = now - this.userAt >= this.userEveryMs;
    const userP = wantUser
      ? this.opts.api.currentUser().then(
          (u) => u,
          () => null,
        )
      : Promise.resolve(null);
    const take = async (): Promise<User | null> => {
      const user = await userP;
      if (user) this.userAt = now;
      return user;
    };
    try {
      if (!this.opts.api.listInstancePages) {
        const list = await this.opts.api.listInstances();
        this.complete = true;
        this.apply(mergeRows(this.snap.instances, list), await take(), this.now());
      } else if (!this.complete) {
        await this.fill(take);
      } else {
        await this.refreshPart(take);
      }
    } catch (err) {
      await userP;
      const { kind, message } = describe(err);
      const failures = (this.snap.error?.failures ?? 0) + 1;
      this.commit({ ...this.snap, lastOkAt: this.lastOk, error: { kind, message, at: this.now(), failures } });
      throw err;
    }
  }

  /** Keeps the row cache pointing at the snapshot's objects (so an unchanged row is the same object) and small. */
  private hooks = {
    kept: (fresh: Instance, kept: Instance) => {
      const e = this.cache.get(fresh.id);
      if (e && e.inst === fresh) e.inst = kept;
    },
    dropped: (id: number) => void this.cache.delete(id),
  };

  /**
   * The first listing, published page by page: page 1 as soon as it is validated, then each next page with the
   * count so far. A fresh listing also asks for the newest 25 rows (ids descending), so a screen fills at once (the
   * listing caps a page at 25 rows): drawn with page 1 when they came first, else as soon as they come. The newest
   * page's call goes on its own lane of the endpoint (one call beside the listing, within Vast's burst), so both are
   * in flight together and drawn in one frame one round trip in, at any fleet size (one after the other, the second
   * call waited a round trip plus the first answer's work: ~50 ms while the TUI's modules load).
   * Page 1 is always drawn first, so the table opens at its first row. The ascending pages
   * replace the newest rows when they get there. Pages after the first screen are published together, at most once
   * per `fillEveryMs`. A failure publishes and keeps what arrived; the next poll continues after the last id loaded.
   */
  private async fill(take: () => Promise<User | null>): Promise<void> {
    const before = this.snap.instances.length;
    const every = this.opts.fillEveryMs ?? 2000;
    // The rows so far, published or not (only this poll changes the list while it runs), when they last were, and
    // when pages held back since then arrived.
    let rows = this.snap.instances;
    let shownAt = -Infinity;
    let heldAt: number | null = null;
    const show = (filling: FleetSnapshot['filling'], now: number) => {
      heldAt = null;
      shownAt = now;
      this.publish(rows, this.snap.user, now, filling);
    };
    let total: number | null = null;
    let lo = this.cursor ?? -Infinity;
    let headDrawn = false;
    // The newest page: waiting (null), drawn or dropped (undefined), or here before page 1.
    let newest: InstancePage | null | undefined = null;
    const withNewest = (rows: readonly Instance[]): readonly Instance[] => {
      const page = newest;
      newest = undefined;
      if (!page || this.complete || page.rows.length === 0) return rows;
      const from = lo;
      const floor = page.rows.reduce((m, r) => Math.min(m, r.id), Infinity);
      const fresh = page.rows.filter((r) => r.id > from);
      // Ids are integers: from the page's lowest id up, past what the ascending pages reached.
      return patchRows(rows, fresh, { ranges: [[Math.max(floor - 1, from), Infinity]] }, this.hooks);
    };
    const tail =
      this.cursor === null
        ? this.newestPage().then((page) => {
            newest = page;
            if (!headDrawn) return; // page 1 draws it
            const instances = withNewest(rows);
            if (instances === rows) return;
            rows = instances;
            show({ loaded: rows.length, total: this.snap.filling?.total ?? total }, this.now()); // the first screen
          })
        : null;
    try {
      await this.opts.api.listInstancePages!(
        { filters: this.cursor === null ? {} : { id: { gt: this.cursor } }, cache: this.cache, narrow: true },
        (page) => {
          // Past the first page of a continued listing, total_instances counts the rows after the cursor.
          if (total === null && page.total !== null) total = this.cursor === null ? page.total : before + page.total;
          const hi = page.last ? Infinity : (page.rows[page.rows.length - 1]?.id ?? lo);
          const from = lo;
          rows = patchRows(rows, page.rows, { ranges: [[from, hi]] }, this.hooks);
          lo = hi;
          this.cursor = page.last ? null : hi;
          if (!headDrawn && newest) rows = withNewest(rows);
          const first = !headDrawn;
          headDrawn = true;
          const now = this.now();
          const filling = page.last ? null : { loaded: rows.length, total };
          this.lastOk = now;
          if (first || page.last || now - shownAt >= every) show(filling, now);
          else heldAt = now;
          if (page.last) this.complete = true; // after the publish: these rows were seen for the first time
          return first && !page.last ? this.hold?.done : undefined;
        },
      );
    } finally {
      headDrawn = true;
      await tail;
      // Pages held back for the next publish (the listing failed, or the newest page had nothing new).
      const held = heldAt as number | null;
      if (held !== null) show({ loaded: rows.length, total }, held);
    }
    const user = await take();
    if (user && !sameData(user, this.snap.user)) this.publish(this.snap.instances, user, this.now(), this.snap.filling);
  }

  /** The newest 25 rows (ids descending), or null when that call fails: the ascending listing asks for them too. */
  private async newestPage(): Promise<InstancePage | null> {
    let newest: InstancePage | null = null;
    try {
      await this.opts.api.listInstancePages!(
        { filters: {}, cache: this.cache, narrow: true, newestFirst: true, lane: 'newest' },
        (page) => {
          newest = page;
          return false;
        },
      );
    } catch {
      return null;
    }
    return newest;
  }

  /**
   * A later poll. A fleet the rate limit lets us list in one poll (one call a second over the interval) is listed
   * whole. A bigger one gets: rows with ids past the newest (new rentals), the rows in transition (loading, …)
   * by id, and the next pages of a rolling sweep from where the last poll stopped, so every row is seen again
   * within ⌈pages / budget⌉ polls. The API has no "changed since" filter; rows whose JSON did not change are
   * not validated again (the client's row cache). One emit, only when something changed.
   */
  private async refreshPart(take: () => Promise<User | null>): Promise<void> {
    const api = this.opts.api;
    const list: NonNullable<typeof api.listInstancePages> = (o, cb) => api.listInstancePages!(o, cb);
    const prev = this.snap.instances;
    const budget = Math.max(3, Math.floor(this.poller.intervalMs / 1000));
    const fresh: Instance[] = [];
    const ranges: Array<[after: number, upTo: number]> = [];
    let ids: Set<number> | undefined;
    const opts = (filters: Record<string, unknown>): ListPagesOptions => ({ filters, cache: this.cache, narrow: true });
    if (prev.length <= (budget - 1) * PAGE) {
      await list(opts({}), (page) => void fresh.push(...page.rows));
      ranges.push([-Infinity, Infinity]);
      this.cursor = null;
    } else {
      const newest = prev[prev.length - 1]!.id;
      await list(opts({ id: { gt: newest } }), (page) => {
        fresh.push(...page.rows);
        const hi = page.last ? Infinity : (page.rows[page.rows.length - 1]?.id ?? newest);
        ranges.push([newest, hi]);
        return false;
      });
      const moving = prev
        .filter((r) => MOVING.has(r.status))
        .slice(0, PAGE)
        .map((r) => r.id);
      if (moving.length > 0) {
        await list(opts({ id: { in: moving } }), (page) => void fresh.push(...page.rows));
        ids = new Set(moving);
      }
      const lo = this.cursor ?? -Infinity;
      let pages = 0;
      let hi = lo;
      await list(opts(this.cursor === null ? {} : { id: { gt: this.cursor } }), (page) => {
        fresh.push(...page.rows);
        pages += 1;
        hi = page.last ? Infinity : (page.rows[page.rows.length - 1]?.id ?? hi);
        return pages < budget - 2;
      });
      ranges.push([lo, hi]);
      this.cursor = hi === Infinity ? null : hi;
    }
    const user = await take();
    const instances = patchRows(prev, fresh, { ranges, ids }, this.hooks);
    this.apply(instances, user, this.now());
  }

  private apply(instances: readonly Instance[], user: User | null, now: number): void {
    const prev = this.snap;
    this.lastOk = now;
    const nextUser = user && !sameData(user, prev.user) ? Object.freeze({ ...user }) : prev.user;
    const changed = instances !== prev.instances || nextUser !== prev.user || prev.error !== null || !prev.loaded;
    if (!changed && this.nextSince(prev, instances, now) === prev.statusSince) return;
    this.publish(instances, nextUser, now, null);
  }

  /** Commits a new list (and user): status-since, figures, loaded, no error. */
  private publish(
    instances: readonly Instance[],
    user: User | null,
    now: number,
    filling: FleetSnapshot['filling'],
  ): void {
    const prev = this.snap;
    const statusSince = this.nextSince(prev, instances, now);
    const nextUser = user && user !== prev.user && !sameData(user, prev.user) ? Object.freeze({ ...user }) : prev.user;
    const same = instances === prev.instances && statusSince === prev.statusSince && nextUser === prev.user;
    const figures = same && prev.loaded ? prev.figures : fleetFigures({ instances, statusSince, user: nextUser }, now);
    this.commit({
      ...prev,
      instances,
      statusSince,
      user: nextUser,
      loaded: true,
      lastOkAt: now,
      error: null,
      filling,
      figures,
    });
  }

  /** When each row entered its status; the previous map is kept when no status moved (see since.ts). */
  private nextSince(prev: FleetSnapshot, rows: readonly Instance[], now: number): ReadonlyMap<number, number> {
    if (rows === prev.instances && prev.loaded) return prev.statusSince;
    // A row never seen before is dated from its startedAt on the first look and while the first listing fills in.
    return nextStatusSince(prev.instances, prev.statusSince, rows, { now, fromStart: !prev.loaded || !this.complete });
  }

  private commit(next: FleetSnapshot): void {
    this.snap = Object.freeze(next);
    for (const l of [...this.listeners]) l();
  }
}
