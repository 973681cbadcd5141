/**
 * The M key: the migration wizard. Picks a profile, confirms (naming what it will rent), runs the journaled
 * migration (core/ops/migrate) in the background and shows its eight steps as they go, with a countdown for
 * every wait. `x` stops a running migration at once (a journaled pause that M or `migrate --resume` continues);
 * `:migrate --abort` stops and gives it up. A source host that stopped answering brings a question (wait,
 * resume from the newest checkpoint in the store, give up). On start it offers to resume an interrupted
 * migration found in the journal. Hiding the wizard never stops a running migration.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Instance } from '../../core/vast/types.js';
import type { Keymap } from '../keymap/registry.js';
import type { Layer } from '../keymap/dispatch.js';
import {
  MIGRATE_STEPS,
  type JournaledMigration,
  type MigrateEvent,
  type MigrateResult,
  type UnreachableChoice,
} from '../../core/ops/migrate.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Ops, RunControl } from './ops.js';
import { MigrateWizard, type StepMark, type WizardStage } from './MigrateWizard.js';
import type { Running } from '../running.js';
import { moveIndex } from '../list/windowed.js';

type Say = (m: { text: string; level: 'info' | 'error' } | null) => void;
type Progress = Extract<WizardStage, { kind: 'progress' }>;

/** The migration in flight: its ids, its stop switch, and the answer to a pending question. */
interface Flight {
  id: string;
  sourceId: number;
  targetId: number | null;
  stop: AbortController;
  giveUp: boolean;
  answer: ((c: UnreachableChoice) => void) | null;
}

const errText = (err: unknown) => sanitizeLine(String((err as Error)?.message ?? err));

/** State and key handlers of the wizard. */
export function useMigrate(o: {
  ops?: Ops;
  keymap: Keymap;
  selected: Instance | undefined;
  say: Say;
  refresh: () => void;
  width: number;
  height: number;
  running?: Running;
}) {
  const [stage, setStage] = useState<WizardStage | null>(null);
  // The running migration's progress lives on while the wizard is hidden.
  const [progress, setProgress] = useState<Progress | null>(null);
  const flight = useRef<Flight | null>(null);
  const allowed = !!o.ops && !!o.keymap.get('fleet.migrate');

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    o.ops!.interrupted().then(
      (list) => {
        const m = list.at(-1);
        if (live && m) setStage((s) => s ?? { kind: 'offer-resume', m });
      },
      () => {},
    );
    return () => {
      live = false;
      // Unmounting (quit) pauses a running migration, journaled, instead of leaving it half-done.
      flight.current?.stop.abort('the app closed');
    };
    // Once, on start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed]);

  const start = (
    title: string,
    ids: { id: string; sourceId: number; targetId: number | null },
    run: (onEvent: (e: MigrateEvent) => void, ctl: RunControl) => Promise<MigrateResult>,
  ) => {
    if (flight.current) return;
    const f: Flight = { ...ids, stop: new AbortController(), giveUp: false, answer: null };
    flight.current = f;
    let p: Progress = {
      kind: 'progress',
      title,
      marks: MIGRATE_STEPS.map(() => 'pending' as StepMark),
      details: MIGRATE_STEPS.map(() => ''),
      note: 'starting…',
      outcome: 'running',
      message: '',
      wait: null,
      question: null,
    };
    const put = (next: Progress) => {
      p = next;
      setProgress(next);
      setStage((s) => (s?.kind === 'progress' ? next : s));
    };
    put(p);
    setStage(p);
    const onEvent = (e: MigrateEvent) => {
      if (e.type === 'info') return put({ ...p, note: e.message });
      if (e.type === 'wait') return put({ ...p, wait: { what: e.what, leftMs: e.leftMs, totalMs: e.totalMs } });
      const marks = [...p.marks];
      const details = [...p.details];
      const i = e.index - 1;
      if (e.type === 'failed') (marks[i] = 'failed'), (details[i] = e.message);
      else
        (marks[i] = e.phase === 'start' ? 'running' : e.phase),
          (details[i] = e.phase === 'done' ? (e.detail ?? '') : '');
      put({ ...p, marks, details, wait: null, note: e.type === 'step' && e.phase === 'start' ? 'working…' : p.note });
      if (e.type === 'step' && e.phase === 'done') o.refresh();
    };
    const ctl: RunControl = {
      signal: f.stop.signal,
      choose: (q) =>
        new Promise<UnreachableChoice>((resolve) => {
          f.answer = (c) => {
            f.answer = null;
            put({ ...p, question: null });
            resolve(c);
          };
          put({ ...p, question: q });
          // The question must be seen: bring the wizard back if it was hidden.
          setStage(p);
        }),
    };
    const end =
      o.running?.add({
        what: 'a migration is running',
        onQuit: 'it pauses, journaled; M resumes it',
        stop: async (reason) => {
          f.stop.abort(reason);
          await done;
        },
      }) ?? (() => {});
    const finish = async (r: MigrateResult) => {
      if (r.outcome === 'paused' && f.giveUp) {
        const summary = await o.ops!.abort({
          spec: r.spec,
          state: r.state,
          finished: false,
          aborted: false,
          lastError: null,
          startedAt: 0,
        });
        return { ...r, outcome: 'aborted' as const, message: summary };
      }
      return r;
    };
    const done = run(onEvent, ctl)
      .then(finish)
      .then(
        (r) => {
          flight.current = null;
          end();
          put({
            ...p,
            outcome: r.outcome === 'done' ? 'done' : r.outcome === 'failed' ? 'failed' : 'stopped',
            message: r.message,
            wait: null,
            question: null,
          });
          o.say({
            text: sanitizeLine(r.message),
            level: r.outcome === 'done' || r.outcome === 'paused' || r.outcome === 'aborted' ? 'info' : 'error',
          });
          o.refresh();
        },
        (err) => {
          flight.current = null;
          end();
          put({ ...p, outcome: 'failed', message: errText(err), wait: null, question: null });
          o.say({ text: `migration failed: ${errText(err)}`, level: 'error' });
        },
      );
  };

  const running = () => flight.current;
  const stopRun = (giveUp: boolean) => {
    const f = flight.current;
    if (!f) return false;
    f.giveUp = f.giveUp || giveUp;
    f.answer?.('wait');
    f.stop.abort(giveUp ? 'given up with :migrate --abort' : 'stopped with x in the wizard');
    return true;
  };

  const openWizard = () => {
    if (!allowed) return;
    const inst = o.selected;
    const f = running();
    if (f && progress) {
      // The running migration shows on its own rows; on another row M says where it is instead of reopening it.
      if (!inst || inst.id === f.sourceId || inst.id === f.targetId) return setStage(progress);
      return o.say({
        text:
          `migration ${f.id} of ${f.sourceId} is running: M on its row shows it (x there stops it); :migrate ` +
          `--abort gives it up`,
        level: 'info',
      });
    }
    if (!inst) return;
    const label = sanitizeLine(inst.label ?? '');
    setStage({ kind: 'loading', sourceId: inst.id });
    // A paused or failed migration of this row is offered for resume first.
    o.ops!.interrupted()
      .then((list) => {
        const m = list.filter((x) => x.spec.sourceId === inst.id || x.state.targetId === inst.id).at(-1);
        if (m) return setStage((s) => (s?.kind === 'loading' ? { kind: 'offer-resume', m } : s));
        return o
          .ops!.migrationProfiles()
          .then((names) =>
            setStage((s) =>
              s?.kind === 'loading' ? { kind: 'profiles', sourceId: inst.id, label, names, cursor: 0 } : s,
            ),
          );
      })
      .catch((err: unknown) => {
        setStage(null);
        o.say({ text: `cannot read profiles: ${errText(err)}`, level: 'error' });
      });
  };

  /** `:migrate [--abort|--resume]`: without a flag as M; --abort stops and gives up the running or interrupted one. */
  const line = (arg: string) => {
    const a = arg.trim();
    if (a === '' || a === '--resume') return openWizard();
    if (a !== '--abort') return o.say({ text: 'usage: :migrate [--resume | --abort]', level: 'error' });
    if (stopRun(true)) return o.say({ text: 'stopping the migration to give it up…', level: 'info' });
    o.ops!.interrupted()
      .then((list) => {
        const m =
          list
            .filter((x) => !o.selected || x.spec.sourceId === o.selected.id || x.state.targetId === o.selected.id)
            .at(-1) ?? list.at(-1);
        if (!m) return o.say({ text: 'no running or interrupted migration to abort', level: 'info' });
        return o.ops!.abort(m).then((summary) => o.say({ text: summary, level: 'info' }));
      })
      .catch((err: unknown) => o.say({ text: `could not abort: ${errText(err)}`, level: 'error' }));
  };

  const close = () => setStage(null);
  const resumeIds = (m: JournaledMigration) => ({
    id: m.spec.id,
    sourceId: m.spec.sourceId,
    targetId: m.state.targetId,
  });
  const layers: Layer[] = [];
  if (stage) {
    let handlers: Record<string, () => void> = { 'overlay.close': close };
    if (stage.kind === 'profiles') {
      const move = (m: 'up' | 'down') =>
        setStage({ ...stage, cursor: moveIndex(stage.names.length, stage.cursor, m, 1) ?? 0 });
      const pick = (profile: string) => {
        setStage({ kind: 'confirm', sourceId: stage.sourceId, label: stage.label, profile, plan: null, error: null });
        const inst = o.selected?.id === stage.sourceId ? o.selected : undefined;
        if (!inst) return;
        o.ops!.planMigration(inst, profile).then(
          (plan) => setStage((s) => (s?.kind === 'confirm' && s.profile === profile ? { ...s, plan } : s)),
          (err: unknown) =>
            setStage((s) => (s?.kind === 'confirm' && s.profile === profile ? { ...s, error: errText(err) } : s)),
        );
      };
      handlers = {
        ...handlers,
        'overlay.up': () => move('up'),
        'overlay.down': () => move('down'),
        'wizard.select': () => stage.names[stage.cursor] && pick(stage.names[stage.cursor]!),
      };
    } else if (stage.kind === 'confirm') {
      const plan = stage.plan;
      handlers = {
        ...handlers,
        'confirm.no': close,
        'confirm.yes': () =>
          plan &&
          start(
            `Migrating ${stage.sourceId} ${stage.label} (profile ${stage.profile}, migration ${plan.spec.id})`,
            { id: plan.spec.id, sourceId: stage.sourceId, targetId: null },
            (ev, ctl) => o.ops!.migrate(plan, ev, ctl),
          ),
      };
    } else if (stage.kind === 'offer-resume') {
      const m = stage.m;
      handlers = {
        ...handlers,
        'confirm.no': close,
        'confirm.yes': () =>
          start(
            `Resuming migration ${m.spec.id} of ${m.spec.sourceId} (profile ${m.spec.profileName})`,
            resumeIds(m),
            (ev, ctl) => o.ops!.resume(m, ev, ctl),
          ),
        'migrate.abort': () => {
          close();
          o.ops!.abort(m).then(
            (summary) => o.say({ text: summary, level: 'info' }),
            (err: unknown) =>
              o.say({ text: `could not abort migration ${m.spec.id}: ${errText(err)}`, level: 'error' }),
          );
        },
      };
    } else if (stage.kind === 'progress' && stage.outcome === 'running') {
      const f = flight.current;
      if (stage.question && f?.answer) {
        const answer = f.answer;
        handlers = {
          ...handlers,
          'migrate.wait': () => answer('wait'),
          'migrate.abort': () => answer('abort'),
          ...(stage.question.storeStep !== null ? { 'migrate.behind': () => answer('behind') } : {}),
        };
      } else handlers = { ...handlers, 'migrate.abort': () => stopRun(false) };
    }
    layers.push({ scope: 'overlay', modal: true, handlers });
  }
  const node: ReactNode = stage ? <MigrateWizard stage={stage} width={o.width} height={o.height} /> : null;
  return {
    open: stage !== null,
    layers,
    node,
    fleetHandlers: { 'fleet.migrate': openWizard },
    lineHandlers: { 'fleet.migrate': line },
    running: () => flight.current !== null,
  };
}
