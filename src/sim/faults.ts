/**
 * Fault injection: 5xx answers, slow answers, dropped connections (socket destroyed, no response),
 * malformed JSON and forced 429s — from options, the scenario file, or at run time (injectFault, /_sim/faults).
 */
import type { Rng } from './prng.js';

/** One fault rule (the public FaultSpec). */
export interface FaultSpec {
  /** Substring of the path; absent = every route. */
  route?: string;
  /** HTTP method; absent = any. */
  method?: string;
  kind: 'status' | 'drop' | 'malformed' | 'slow' | 'ratelimit';
  /** For 'status' (e.g. 500, 502, 503). */
  status?: number;
  /** For 'slow' (then answers normally). */
  delayMs?: number;
  /** How many matching requests it hits; absent = all. */
  count?: number;
  /** Probability 0..1; absent = 1. */
  rate?: number;
  /**
   * Do the real work first, then fail: 'status', 'drop' and 'ratelimit' answer with the failure (a create that DID
   * create); 'slow' holds the answer for delayMs after acting.
   */
  afterHandling?: boolean;
  /**
   * For 'slow' (before handling): the request was held by the network, and the server still acts on it after the
   * delay even when the client gave up waiting (a create that lands late).
   */
  landsLate?: boolean;
}

/** What applies to one request: delay before handling, delay of the answer after it, and at most one failure. */
export interface FaultPlan {
  delayMs: number;
  /** Delay of the answer after the server acted ('slow' with afterHandling). */
  afterDelayMs?: number;
  /** The request's body is read first and it is acted on after the delay even if the client went away. */
  landsLate?: boolean;
  fail: FaultSpec | null;
}

/** The active fault rules. */
export class Faults {
  private rules: Array<{ spec: FaultSpec; hits: number }> = [];

  constructor(private readonly rng: Rng, initial: FaultSpec[] = []) {
    for (const f of initial) this.add(f);
  }

  /** Add a rule. */
  add(spec: FaultSpec): void {
    this.rules.push({ spec: { ...spec }, hits: 0 });
  }

  /** Remove every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Rules still active (for tests and the admin route). */
  list(): FaultSpec[] {
    return this.rules.map((r) => r.spec);
  }

  /** Decide the faults for a request; consumes `count` of each rule that fires. */
  plan(method: string, path: string): FaultPlan {
    const out: FaultPlan = { delayMs: 0, fail: null };
    for (const r of this.rules) {
      const s = r.spec;
      if (s.route !== undefined && !path.includes(s.route)) continue;
      if (s.method !== undefined && s.method.toUpperCase() !== method) continue;
      if (s.kind !== 'slow' && out.fail) continue;
      if (s.rate !== undefined && this.rng() >= s.rate) continue;
      r.hits++;
      if (s.kind === 'slow' && s.afterHandling) out.afterDelayMs = (out.afterDelayMs ?? 0) + (s.delayMs ?? 1000);
      else if (s.kind === 'slow') {
        out.delayMs += s.delayMs ?? 1000;
        if (s.landsLate) out.landsLate = true;
      } else out.fail = s;
    }
    this.rules = this.rules.filter((r) => r.spec.count === undefined || r.hits < r.spec.count);
    return out;
  }
}
