/**
 * Fault injection — from options, the scenario file, or at run time (injectFault, /_sim/faults). FAULTS is THE
 * table of fault kinds: each row says what the fault does and carries how it ends the request, so the scenario
 * schema, the admin route and the server all read it. A new fault is one row here (and its test).
 */
import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import { errorReply, send, wireBody, type Reply } from './http.js';
import { endpointOf, tooFrequent } from './ratelimit.js';
import type { Rng } from './prng.js';

/** What a failing fault gets to end one request with. */
export interface FaultEnd {
  spec: FaultSpec;
  method: string;
  path: string;
  res: ServerResponse;
  /** The server's real answer when the fault fires after the route acted (afterHandling, or a `spoils` kind). */
  reply: Reply | null;
}

/** One row of FAULTS. */
export type FaultKindInfo =
  /** Adds time (before the route acts, or after it with afterHandling); the request is answered normally. */
  | { readonly description: string; readonly delays: true }
  | {
      readonly description: string;
      readonly delays: false;
      /** Needs the real answer to spoil it, so it always fires after the route acted. */
      readonly spoils: boolean;
      /** Ends the request: answers, or breaks the connection. */
      end(e: FaultEnd): void;
    };

const simulatedError = (e: FaultEnd) => {
  const status = e.spec.status ?? 500;
  send(e.res, errorReply(status, 'server_error', `Simulated ${status} error.`));
};

/** THE fault kinds. `FaultKind` is its keys; the YAML/JSON schema and the server read the rows. */
export const FAULTS = {
  status: {
    description: "answers with an HTTP error (`status`, default 500) in the API's error body",
    delays: false,
    spoils: false,
    end: simulatedError,
  },
  drop: {
    description: 'destroys the connection without any answer',
    delays: false,
    spoils: false,
    end: (e) => void e.res.socket?.destroy(),
  },
  malformed: {
    description: 'the real status with a JSON body cut in half and ended with garbage',
    delays: false,
    spoils: true,
    end: (e) => send(e.res, e.reply!, true),
  },
  slow: {
    description:
      'holds the request `delayMs` (default 1000) before the route acts, or its answer after (afterHandling)',
    delays: true,
  },
  ratelimit: {
    description: 'a 429 in plain text, as Vast answers a call that came too frequently',
    delays: false,
    spoils: false,
    end: (e) => send(e.res, { status: 429, text: tooFrequent(endpointOf(e.method, e.path)) }),
  },
  truncated: {
    description:
      'the real status and Content-Length, then half the body and the connection closed (a proxy that died mid-answer)',
    delays: false,
    spoils: true,
    end: (e) => {
      const { body, type } = wireBody(e.reply!);
      const bytes = Buffer.from(body);
      e.res.writeHead(e.reply!.status, { 'Content-Type': type, 'Content-Length': bytes.length });
      e.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => e.res.socket?.destroy());
    },
  },
} as const satisfies Record<string, FaultKindInfo>;

/** A fault kind: a row of FAULTS. */
export type FaultKind = keyof typeof FAULTS;

/** Every fault kind, in table order. */
export const FAULT_KINDS = Object.keys(FAULTS) as [FaultKind, ...FaultKind[]];

/** A fault rule as JSON (scenario files, POST /_sim/faults, SimOptions.faults): the one schema of FaultSpec. */
export const FaultSchema = z.strictObject({
  /** Substring of the path; absent = every route. */
  route: z.string().optional(),
  /** HTTP method; absent = any. */
  method: z.string().optional(),
  kind: z.enum(FAULT_KINDS, { error: () => `expected a fault kind: ${FAULT_KINDS.join(', ')}` }),
  /** For 'status' (e.g. 500, 502, 503). */
  status: z.number().int().min(100).max(599).optional(),
  /** For 'slow' (then answers normally). */
  delayMs: z.number().nonnegative().optional(),
  /** How many matching requests it hits; absent = all. */
  count: z.number().int().positive().optional(),
  /** Probability 0..1; absent = 1. */
  rate: z.number().min(0).max(1).optional(),
  /**
   * Do the real work first, then fail: a failing kind answers with the failure (a create that DID create);
   * 'slow' holds the answer for delayMs after acting.
   */
  afterHandling: z.boolean().optional(),
  /**
   * For 'slow' (before handling): the request was held by the network, and the server still acts on it after the
   * delay even when the client gave up waiting (a create that lands late).
   */
  landsLate: z.boolean().optional(),
});

/** One fault rule (the public FaultSpec). */
export type FaultSpec = z.infer<typeof FaultSchema>;

/** What applies to one request: delay before handling, delay of the answer after it, and at most one failure. */
export interface FaultPlan {
  delayMs: number;
  /** Delay of the answer after the server acted ('slow' with afterHandling). */
  afterDelayMs?: number;
  /** The request's body is read first and it is acted on after the delay even if the client went away. */
  landsLate?: boolean;
  fail: FaultSpec | null;
}

/** The row of a failing fault, or null for a delay. */
export function failing(spec: FaultSpec): Extract<FaultKindInfo, { delays: false }> | null {
  const info: FaultKindInfo = FAULTS[spec.kind];
  return info.delays ? null : info;
}

/** True when the failure fires after the route acted (afterHandling, or a kind that spoils the real answer). */
export function firesAfter(spec: FaultSpec): boolean {
  return spec.afterHandling === true || failing(spec)?.spoils === true;
}

/** The active fault rules. */
export class Faults {
  private rules: Array<{ spec: FaultSpec; hits: number }> = [];

  constructor(
    private readonly rng: Rng,
    initial: FaultSpec[] = [],
  ) {
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
      const delays = FAULTS[s.kind].delays;
      if (s.route !== undefined && !path.includes(s.route)) continue;
      if (s.method !== undefined && s.method.toUpperCase() !== method) continue;
      if (!delays && out.fail) continue;
      if (s.rate !== undefined && this.rng() >= s.rate) continue;
      r.hits++;
      if (delays && s.afterHandling) out.afterDelayMs = (out.afterDelayMs ?? 0) + (s.delayMs ?? 1000);
      else if (delays) {
        out.delayMs += s.delayMs ?? 1000;
        if (s.landsLate) out.landsLate = true;
      } else out.fail = s;
    }
    this.rules = this.rules.filter((r) => r.spec.count === undefined || r.hits < r.spec.count);
    return out;
  }
}
