/**
 * The simulated account: market, instances, credit, secrets and pending log uploads, all on the sim clock.
 * Every request first calls tick(), which replays lifecycle transitions and bills up to "now".
 */
import { Ledger, type ChargeBucket } from './billing.js';
import type { SimClock } from './clock.js';
import { DEFAULT_LIFECYCLE, nextTransition, setStatus, type InstanceRec, type LifecycleConfig } from './instances.js';
import { Market } from './market.js';
import type { MarketConfig } from './market-offers.js';
import { hashSeed, makeRng, type Rng } from './prng.js';
import type { HostRule, Scenario } from './scenario.js';
import type { ScopedKey } from './scoped-keys.js';

/** What the state file holds (the market itself is regenerated from its config). */
export interface SavedState {
  version: 1;
  simNow: number;
  market: MarketConfig;
  lifecycle: LifecycleConfig;
  seed: number;
  sshPortBase: number;
  user: { email: string; username: string };
  credit: number;
  buckets: ChargeBucket[];
  instances: InstanceRec[];
  secrets: Array<[string, string]>;
  rented: number[];
  nextId: number;
  nextSlot: number;
  nextKeyId: number;
  /** The account's SSH keys (older state files have none). */
  accountKeys?: AccountKey[];
}

/** An SSH public key registered on the account (`/api/v0/ssh/`). */
export interface AccountKey {
  id: number;
  key: string;
  /** Epoch seconds. */
  createdAt: number;
}

/** A log upload waiting to be fetched from its result_url. */
export interface PendingLog {
  text: string;
  polls: number;
}

/** Polls of a result_url answered 404 before the text is "uploaded" (the CLI polls 30 × 0.3 s). */
export const LOG_NOT_READY_POLLS = 2;
const MAX_PENDING_LOGS = 500;

/** All mutable simulator state. */
export class World {
  readonly market: Market;
  readonly ledger: Ledger;
  readonly instances = new Map<number, InstanceRec>();
  readonly secrets = new Map<string, string>();
  /** The account's SSH keys: a new instance starts with a copy of them (Vast's rule; keys added later need attach). */
  accountKeys: AccountKey[] = [];
  readonly logs = new Map<string, PendingLog>();
  /** Scoped API keys by their secret (not in the state file: a restart revokes them). */
  readonly scopedKeys = new Map<string, ScopedKey>();
  readonly lifecycle: LifecycleConfig;
  readonly seed: number;
  readonly sshPortBase: number;
  readonly user: { email: string; username: string };
  readonly rng: Rng;
  nextId = 9_100_001;
  nextSlot = 0;
  nextKeyId = 1;
  /** Rules for the hosts of new rentals (scenario hostRules, SimHandle.addHostRule); not kept in the state file. */
  readonly hostRules: Array<{ rule: HostRule; used: number }> = [];
  /** Set by anything the state file should capture. */
  dirty = false;
  /** The live log of an instance's simulated host, when it has one (set by the host fleet). */
  hostLog: (id: number) => string | undefined = () => undefined;
  /** Whether an instance's simulated training job is computing (undefined = no host job): drives gpu_util. */
  hostBusy: (id: number) => boolean | undefined = () => undefined;

  private readonly marketCfg: MarketConfig;

  constructor(
    readonly clock: SimClock,
    marketCfg: MarketConfig,
    sc: Scenario,
    saved?: SavedState,
  ) {
    this.marketCfg = saved?.market ?? marketCfg;
    this.seed = saved?.seed ?? sc.seed;
    this.lifecycle = saved?.lifecycle ?? { ...DEFAULT_LIFECYCLE, ...sc.lifecycle };
    this.sshPortBase = saved?.sshPortBase ?? sc.sshPortBase ?? 41000;
    this.user = saved?.user ?? {
      email: sc.user.email ?? 'demo@vastdeck.invalid',
      username: sc.user.username ?? 'demo',
    };
    this.market = new Market(this.marketCfg);
    this.ledger = new Ledger(saved?.credit ?? sc.balance, saved?.buckets);
    this.rng = makeRng(hashSeed(this.seed, 'world', saved?.simNow ?? 0));
    for (const rule of sc.hostRules ?? []) this.hostRules.push({ rule, used: 0 });
    if (saved) {
      for (const r of saved.instances) this.instances.set(r.id, r);
      for (const [k, v] of saved.secrets) this.secrets.set(k, v);
      for (const id of saved.rented) this.market.take(id);
      this.nextId = saved.nextId;
      this.nextSlot = saved.nextSlot;
      this.nextKeyId = saved.nextKeyId;
      this.accountKeys = saved.accountKeys ?? [];
    } else {
      for (const [k, v] of Object.entries(sc.secrets)) this.secrets.set(k.toUpperCase(), v);
      for (const key of sc.sshKeys) this.addAccountKey(key);
    }
  }

  /** Registers a public key on the account; returns it. */
  addAccountKey(key: string): AccountKey {
    const k = { id: this.nextKeyId++, key: key.trim(), createdAt: Math.floor(this.now() / 1000) };
    this.accountKeys.push(k);
    this.dirty = true;
    return k;
  }

  /** The keys a new instance starts with: the account's keys as they are now. */
  keysForNewInstance(): Array<{ id: number; key: string }> {
    return this.accountKeys.map((k) => ({ id: k.id, key: k.key }));
  }

  /** Current sim time, epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /** Replay transitions and billing of every instance up to now; stop everything when credit runs out. */
  tick(): void {
    const now = this.now();
    for (const rec of this.instances.values()) this.advanceInstance(rec, now);
    if (this.ledger.credit < 0) {
      for (const rec of this.instances.values()) {
        if (rec.intended === 'running' && rec.status !== 'stopped') {
          setStatus(rec, 'stopped', now, 'Instance stopped: insufficient credit');
          rec.intended = 'stopped';
          this.dirty = true;
        }
      }
    }
  }

  /** Bring one instance to time `to`: bill each stretch at the status it had, apply each transition. */
  advanceInstance(rec: InstanceRec, to: number): void {
    for (;;) {
      const t = nextTransition(rec, this.lifecycle);
      const until = t && t.at <= to ? t.at : to;
      this.ledger.bill(rec, rec.billedUntil, until);
      rec.billedUntil = Math.max(rec.billedUntil, until);
      if (!t || t.at > to) return;
      setStatus(rec, t.to, t.at, t.msg);
      if (t.intended) rec.intended = t.intended;
      // Outbid: the machine's price rose above this bid, so getting it back takes a higher one.
      if (t.to === 'stopped' && t.intended === 'running' && rec.isBid)
        rec.offer.min_bid = Math.max(rec.offer.min_bid, Math.round(rec.dphBase * 1.1 * 1000) / 1000);
      this.dirty = true;
    }
  }

  /** Instance by id, or undefined. */
  get(id: number): InstanceRec | undefined {
    return this.instances.get(id);
  }

  /** Allocate the next SSH port block (4 ports per instance; see directPorts). */
  allocSshPort(): number {
    return this.sshPortBase + 4 * this.nextSlot++;
  }

  /** Remember a log upload under a fresh token; old ones are forgotten past a bound. */
  addLog(text: string): string {
    const token = Math.floor(this.rng() * 2 ** 48)
      .toString(16)
      .padStart(12, '0');
    this.logs.set(token, { text, polls: 0 });
    if (this.logs.size > MAX_PENDING_LOGS) this.logs.delete(this.logs.keys().next().value as string);
    return token;
  }

  /** Everything the state file needs. */
  save(): SavedState {
    return {
      version: 1,
      simNow: this.now(),
      market: this.marketCfg,
      lifecycle: this.lifecycle,
      seed: this.seed,
      sshPortBase: this.sshPortBase,
      user: this.user,
      credit: this.ledger.credit,
      buckets: [...this.ledger.buckets.values()],
      instances: [...this.instances.values()],
      secrets: [...this.secrets],
      rented: this.market.rentedIds(),
      nextId: this.nextId,
      nextSlot: this.nextSlot,
      nextKeyId: this.nextKeyId,
      accountKeys: this.accountKeys,
    };
  }
}
