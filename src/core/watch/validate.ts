/**
 * The validation window after launch: before hours are spent on a run, check within a few minutes that it
 * trains — enough steps, and a loss that falls (runbook 002: "smoke test — 50 steps, confirm loss decreases",
 * "a 10-minute validation loop with contradiction thresholds"). `evaluateValidation` is pure; `waitValidation`
 * polls the logs API until the verdict is in (pass as soon as every check holds; fail on a crash, a NaN loss, a
 * rising loss, or the window ending first).
 */
import { healthInfo, type Health } from '../fleet/health.js';
import { ProgressParser, type ProgressCounter } from '../logs/progress.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import { VastError } from '../vast/errors.js';
import { formatDuration, parseDuration } from '../present/durations.js';
import type { ApiLogHealth } from './api-health.js';

/** A profile's `validate:` block. */
export interface ValidateSpec {
  within: string;
  minSteps?: number;
  loss?: 'decreasing';
}

/** One (step, loss) the log reported. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** One check's state. */
export interface ValidationCheck {
  name: 'steps' | 'loss' | 'alive';
  state: 'pending' | 'pass' | 'fail';
  detail: string;
}

/** The verdict so far. */
export interface Validation {
  state: 'pending' | 'pass' | 'fail';
  checks: ValidationCheck[];
  /** Epoch ms the window closes. */
  deadline: number;
  /** One line: "pass: 50 steps, loss 7.65 → 2.11" / "FAIL: loss rising 2.1 → 2.6". */
  summary: string;
}

/** Every (step, loss) in log order, read the way health reads progress (a profile counter replaces the step). */
export function lossPoints(lines: Iterable<string>, counter?: ProgressCounter): LossPoint[] {
  const parser = new ProgressParser({ counter });
  const out: LossPoint[] = [];
  for (const line of lines) {
    const before = parser.progress;
    parser.feed(line);
    const p = parser.progress;
    if (p === before || p.loss === undefined || p.loss === before.loss) continue;
    out.push({ step: p.step ?? 0, loss: p.loss });
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());

/** The loss check over the points: the mean of the last third below the mean of the first third. */
export function lossTrend(points: LossPoint[]): { state: 'pending' | 'pass' | 'fail'; detail: string } {
  const bad = points.find((p) => !Number.isFinite(p.loss));
  if (bad) return { state: 'fail', detail: `loss is ${bad.loss} at step ${bad.step}` };
  if (points.length < 3)
    return {
      state: 'pending',
      detail: `${points.length} loss value${points.length === 1 ? '' : 's'} logged, 3 needed`,
    };
  const k = Math.max(1, Math.floor(points.length / 3));
  const first = mean(points.slice(0, k).map((p) => p.loss));
  const last = mean(points.slice(-k).map((p) => p.loss));
  if (last < first) return { state: 'pass', detail: `loss ${fmt(first)} → ${fmt(last)}` };
  return {
    state: 'fail',
    detail:
      `loss not decreasing: ${fmt(first)} → ${fmt(last)} over steps ` +
      `${points[0]!.step}–${points[points.length - 1]!.step}`,
  };
}

/**
 * Judges the run so far. `startedAt` opens the window (the instance's start); `points` are the log's losses.
 * A loss trend is only final once the window closes or every other check passed, so a noisy start is not failed early.
 */
export function evaluateValidation(
  spec: ValidateSpec,
  o: { startedAt: number; now: number; health: Health; points: LossPoint[] },
): Validation {
  const deadline = o.startedAt + (parseDuration(spec.within) ?? 0);
  const over = o.now >= deadline;
  const checks: ValidationCheck[] = [];
  const h = o.health;
  // A run in a warning or error state (stalled, crashed) fails: the window wants it alive and advancing.
  const info = healthInfo(h.state);
  if (info.severity === 'error' || info.severity === 'warn') {
    checks.push({
      name: 'alive',
      state: 'fail',
      detail: info.ends ? `${info.label}: ${h.detail ?? ''}`.trim() : (h.detail ?? info.label),
    });
  }
  if (spec.minSteps !== undefined) {
    // A resumed run starts high: count from the first step its log shows, unless that is already within the goal.
    const first = o.points[0]?.step ?? 0;
    const base = first > spec.minSteps ? first : 0;
    const done = (h.step ?? 0) - base;
    const unit = h.unit && h.unit !== 'steps' ? h.unit : 'steps';
    checks.push(
      done >= spec.minSteps
        ? { name: 'steps', state: 'pass', detail: `${done} ${unit}` }
        : {
            name: 'steps',
            state: over ? 'fail' : 'pending',
            detail: `${Math.max(0, done)} of ${spec.minSteps} ${unit}${over ? ` after ${spec.within}` : ''}`,
          },
    );
  }
  if (spec.loss === 'decreasing') {
    const t = lossTrend(o.points);
    const othersDone = checks.every((c) => c.state === 'pass');
    const state =
      t.state === 'fail' && !over && !othersDone && Number.isFinite(o.points[o.points.length - 1]?.loss ?? 0)
        ? 'pending'
        : t.state === 'pending' && over
          ? 'fail'
          : t.state;
    checks.push({ name: 'loss', state, detail: t.detail });
  }
  const state = checks.some((c) => c.state === 'fail')
    ? 'fail'
    : checks.every((c) => c.state === 'pass')
      ? 'pass'
      : 'pending';
  const shown = state === 'fail' ? checks.filter((c) => c.state === 'fail') : checks;
  const left = state === 'pending' ? ` (${formatDuration(Math.max(0, deadline - o.now))} left)` : '';
  return {
    state,
    checks,
    deadline,
    summary: `${state === 'fail' ? 'FAIL' : state}: ${shown.map((c) => c.detail).join(', ') || 'no checks'}${left}`,
  };
}

/** Options of the watcher. */
export interface WaitValidationOptions {
  api: Pick<VastApi, 'showInstance'>;
  id: number;
  spec: ValidateSpec;
  health: ApiLogHealth;
  counter?: ProgressCounter;
  /** Between polls (default 1 min: a 10-minute window needs a few looks). */
  everyMs?: number;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  onPoll?: (v: Validation) => void;
}

/** Polls until the verdict is pass or fail; an instance that goes away fails it. */
export async function waitValidation(o: WaitValidationOptions): Promise<Validation> {
  const clock = o.clock ?? { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  const every = o.everyMs ?? 60_000;
  let startedAt: number | null = null;
  let firstPoll: number | null = null;
  for (;;) {
    let inst: Instance;
    try {
      inst = await o.api.showInstance(o.id);
    } catch (err) {
      if (err instanceof VastError && err.kind === 'not_found') {
        const now = clock.now();
        return {
          state: 'fail',
          checks: [{ name: 'alive', state: 'fail', detail: `instance ${o.id} is gone` }],
          deadline: now,
          summary: `FAIL: instance ${o.id} is gone`,
        };
      }
      throw err;
    }
    const now = clock.now();
    if (inst.status !== 'running') {
      if (['exited', 'stopped', 'offline', 'unknown'].includes(inst.status)) {
        return {
          state: 'fail',
          checks: [{ name: 'alive', state: 'fail', detail: `instance ${o.id} is ${inst.status}` }],
          deadline: now,
          summary: `FAIL: instance ${o.id} is ${inst.status}`,
        };
      }
      // Still booting: the window opens when it runs (an hour of booting fails it: the keeper would call it stuck).
      firstPoll ??= now;
      if (startedAt === null && now - firstPoll >= 60 * 60_000) {
        return {
          state: 'fail',
          checks: [{ name: 'alive', state: 'fail', detail: `instance ${o.id} did not start running within 1h` }],
          deadline: now,
          summary: `FAIL: instance ${o.id} did not start running within 1h`,
        };
      }
      if (startedAt === null) {
        await clock.sleep(every);
        continue;
      }
    }
    // The window opens when the instance started running (Vast's start_date), or when we first saw it running.
    startedAt ??= inst.startedAt !== null && inst.startedAt <= now ? inst.startedAt : now;
    const health = inst.status === 'running' ? await o.health.healthOf(inst) : ({ state: 'booting' } as Health);
    const v = evaluateValidation(o.spec, {
      startedAt,
      now,
      health,
      points: lossPoints(o.health.linesOf(inst.id), o.counter),
    });
    o.onPoll?.(v);
    if (v.state !== 'pending') return v;
    await clock.sleep(Math.max(1, Math.min(every, v.deadline - now + 1)));
  }
}
