/**
 * The M key: the migration wizard. Picks a profile, confirms, runs the journaled migration (core/ops/migrate)
 * in the background and shows its eight steps as they go. On start it offers to resume an interrupted
 * migration found in the journal. Hiding the wizard never stops a running migration.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Instance } from '../../core/vast/types.js';
import type { Keymap } from '../../core/keymap/registry.js';
import type { Layer } from '../../core/keymap/dispatch.js';
import { MIGRATE_STEPS, type MigrateEvent, type MigrateResult } from '../../core/ops/migrate.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Ops } from './ops.js';
import { MigrateWizard, type StepMark, type WizardStage } from './MigrateWizard.js';

type Say = (m: { text: string; level: 'info' | 'error' } | null) => void;
type Progress = Extract<WizardStage, { kind: 'progress' }>;

/** State and key handlers of the wizard. */
export function useMigrate(o: { ops?: Ops; keymap: Keymap; selected: Instance | undefined; say: Say; refresh: () => void; width: number; height: number }) {
  const [stage, setStage] = useState<WizardStage | null>(null);
  // The running migration's progress lives on while the wizard is hidden.
  const [progress, setProgress] = useState<Progress | null>(null);
  const running = useRef(false);
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
    };
    // Once, on start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed]);

  const start = (title: string, run: (onEvent: (e: MigrateEvent) => void) => Promise<MigrateResult>) => {
    if (running.current) return;
    running.current = true;
    let p: Progress = { kind: 'progress', title, marks: MIGRATE_STEPS.map(() => 'pending' as StepMark), details: MIGRATE_STEPS.map(() => ''), note: 'starting…', outcome: 'running', message: '' };
    const put = (next: Progress) => {
      p = next;
      setProgress(next);
      setStage((s) => (s?.kind === 'progress' ? next : s));
    };
    put(p);
    setStage(p);
    const onEvent = (e: MigrateEvent) => {
      if (e.type === 'info') return put({ ...p, note: e.message });
      const marks = [...p.marks];
      const details = [...p.details];
      const i = e.index - 1;
      if (e.type === 'failed') (marks[i] = 'failed'), (details[i] = e.message);
      else (marks[i] = e.phase === 'start' ? 'running' : e.phase), (details[i] = e.phase === 'done' ? e.detail ?? '' : '');
      put({ ...p, marks, details, note: e.type === 'step' && e.phase === 'start' ? 'working…' : p.note });
      if (e.type === 'step' && e.phase === 'done') o.refresh();
    };
    void run(onEvent).then(
      (r) => {
        running.current = false;
        put({ ...p, outcome: r.outcome, message: r.outcome === 'done' ? r.message : `${r.message} (M resumes it)` });
        o.say({ text: sanitizeLine(r.message), level: r.outcome === 'done' ? 'info' : 'error' });
        o.refresh();
      },
      (err) => {
        running.current = false;
        const message = sanitizeLine(String((err as Error)?.message ?? err));
        put({ ...p, outcome: 'failed', message });
        o.say({ text: `migration failed: ${message}`, level: 'error' });
      },
    );
  };

  const openWizard = () => {
    if (!allowed) return;
    if (progress && (progress.outcome === 'running' || running.current)) return setStage(progress);
    const inst = o.selected;
    if (!inst) return;
    const label = sanitizeLine(inst.label ?? '');
    setStage({ kind: 'loading', sourceId: inst.id });
    o.ops!.migrationProfiles().then(
      (names) => setStage((s) => (s?.kind === 'loading' ? { kind: 'profiles', sourceId: inst.id, label, names, cursor: 0 } : s)),
      (err) => {
        setStage(null);
        o.say({ text: `cannot read profiles: ${sanitizeLine(String((err as Error)?.message ?? err))}`, level: 'error' });
      },
    );
  };

  const close = () => setStage(null);
  const layers: Layer[] = [];
  if (stage) {
    let handlers: Record<string, () => void> = { 'overlay.close': close };
    if (stage.kind === 'profiles') {
      const move = (d: number) => setStage({ ...stage, cursor: Math.max(0, Math.min(stage.names.length - 1, stage.cursor + d)) });
      handlers = {
        ...handlers, 'overlay.up': () => move(-1), 'overlay.down': () => move(1),
        'wizard.select': () => stage.names[stage.cursor] && setStage({ kind: 'confirm', sourceId: stage.sourceId, label: stage.label, profile: stage.names[stage.cursor]! }),
      };
    } else if (stage.kind === 'confirm') {
      const inst = o.selected?.id === stage.sourceId ? o.selected : undefined;
      handlers = {
        ...handlers, 'confirm.no': close,
        'confirm.yes': () => inst && start(`Migrating ${stage.sourceId} ${stage.label} (profile ${stage.profile})`, (ev) => o.ops!.migrate(inst, stage.profile, ev)),
      };
    } else if (stage.kind === 'offer-resume') {
      const m = stage.m;
      handlers = {
        ...handlers, 'confirm.no': close,
        'confirm.yes': () => start(`Resuming migration ${m.spec.id} of ${m.spec.sourceId} (profile ${m.spec.profileName})`, (ev) => o.ops!.resume(m, ev)),
        'migrate.abort': () => {
          close();
          o.ops!.abort(m).then(
            (summary) => o.say({ text: summary, level: 'info' }),
            (err: unknown) => o.say({ text: `could not abort migration ${m.spec.id}: ${sanitizeLine(String((err as Error)?.message ?? err))}`, level: 'error' }),
          );
        },
      };
    }
    layers.push({ scope: 'overlay', modal: true, handlers });
  }
  const node: ReactNode = stage ? <MigrateWizard stage={stage} width={o.width} height={o.height} /> : null;
  return { open: stage !== null, layers, node, fleetHandlers: { 'fleet.migrate': openWizard } };
}
