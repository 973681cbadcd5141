/**
 * The migration wizard's screen: pick a profile, confirm, then the eight steps with live progress (from the
 * operation's events), and on start an offer to continue a migration the journal shows as interrupted.
 */
import { Fragment, type ReactElement } from 'react';
import { Box, Text } from 'ink';
import { MIGRATE_STEPS, STEP_TITLES, type JournaledMigration, type SourceUnreachable } from '../../core/ops/migrate.js';
import type { MigrationPlan } from './ops.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { useSpinner } from '../spinner.js';
import { useTheme } from '../theme-context.js';
import { wrapLine } from '../wrap-line.js';
import { listWindow } from '../list/windowed.js';

/** How far one step is. */
export type StepMark = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** Where the wizard is. */
export type WizardStage =
  | { kind: 'loading'; sourceId: number }
  | { kind: 'profiles'; sourceId: number; label: string; names: string[]; cursor: number }
  | {
      kind: 'confirm';
      sourceId: number;
      label: string;
      profile: string;
      plan: MigrationPlan | null;
      error: string | null;
    }
  | { kind: 'offer-resume'; m: JournaledMigration }
  | {
      kind: 'progress';
      title: string;
      marks: StepMark[];
      details: string[];
      note: string;
      outcome: 'running' | 'done' | 'failed' | 'stopped';
      message: string;
      /** The bounded wait in progress, for the countdown. */
      wait: { what: string; leftMs: number; totalMs: number } | null;
      /** The source stopped answering: what to do. */
      question: SourceUnreachable | null;
    };

/** "9:41" or "41 s". */
export function timeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

/** One line of the progress screen. */
export interface Row {
  text: string;
  color?: string;
  bold?: boolean;
  /** A line of key hints (three spaces apart). */
  keys?: boolean;
}

/** Continuation lines of a step line start under its title ("✓ 1. " is 5 columns). */
const STEP_INDENT = 5;

/**
 * The progress screen's lines within `width` × `height`: every line wrapped at words (a step's detail continues
 * under its title). When that is taller than `height`, the details of done steps go first, oldest first (their
 * mark and title stay), then those of the other steps; the title, the note and the keys stay whole.
 */
export function fitProgress(
  title: Row,
  steps: ReadonlyArray<{ mark: StepMark; color?: string; head: string; text: string }>,
  tail: readonly Row[],
  width: number,
  height: number,
): Row[] {
  const wrap = (r: Row, indent = 0): Row[] => wrapLine(r.text, width, indent).map((text) => ({ ...r, text }));
  // A key line breaks between its hints (three spaces apart) before it breaks inside one.
  const wrapKeys = (r: Row): Row[] => {
    const out: string[] = [];
    for (const hint of r.text.split('   ')) {
      const last = out.length ? out[out.length - 1]! : null;
      if (last !== null && Array.from(`${last}   ${hint}`).length <= width) out[out.length - 1] = `${last}   ${hint}`;
      else out.push(...wrapLine(hint, width));
    }
    return out.map((text) => ({ ...r, text }));
  };
  const full = steps.map((s) => wrap({ text: s.text, color: s.color }, STEP_INDENT));
  const short = steps.map((s) => wrap({ text: s.head, color: s.color }, STEP_INDENT));
  const top = wrap(title);
  const bottom = tail.flatMap((r) => (r.keys ? wrapKeys(r) : wrap(r)));
  const shown = [...full];
  const total = () => top.length + bottom.length + shown.reduce((n, l) => n + l.length, 0);
  const isDone = (m: StepMark) => m === 'done' || m === 'skipped';
  // Done steps oldest first, then the rest in order (a failed step's reason last of all).
  const order = [
    ...steps.map((s, i) => (isDone(s.mark) ? i : -1)),
    ...steps.map((s, i) => (!isDone(s.mark) && s.mark !== 'failed' ? i : -1)),
    ...steps.map((s, i) => (s.mark === 'failed' ? i : -1)),
  ].filter((i) => i >= 0);
  for (const i of order) {
    if (total() <= height) break;
    shown[i] = short[i]!;
  }
  return [...top, ...shown.flat(), ...bottom];
}

const MARK: Record<StepMark, string> = { pending: '·', running: '…', done: '✓', skipped: '✓', failed: '✗' };

/** The profile names that fit under the title, with their index: a window that keeps the cursor in view. */
export function profileWindow(names: readonly string[], cursor: number, height: number): [string, number][] {
  const rows = Math.max(1, height - 2);
  const { top } = listWindow(names, (n) => n, names[cursor] ?? null, 0, rows);
  return names.slice(top, top + rows).map((n, j) => [n, top + j]);
}

/** The wizard's lines. */
export function MigrateWizard({ stage, width, height }: { stage: WizardStage; width: number; height: number }) {
  const theme = useTheme();
  // The running step's mark turns while the migration works; a finished one stops the timer.
  const spin = useSpinner(stage.kind === 'progress' && stage.outcome === 'running');
  const mark: Record<StepMark, string> = { ...MARK };
  // Questions wrap in Ink (what would be rented, what to answer must read whole at 60 columns); the step list is
  // wrapped by fitProgress, which knows what to drop when it gets too tall, so Ink only truncates it.
  const wrapped = stage.kind !== 'progress';
  const line = (t: string, color?: string, bold = false) => (
    <Text wrap={wrapped ? 'wrap' : 'truncate'} color={color} bold={bold}>
      {t}
    </Text>
  );
  const warn = theme.colors['status.warn'];
  let body: ReactElement[];
  switch (stage.kind) {
    case 'loading':
      body = [line(`Migrate ${stage.sourceId}: reading profiles…`)];
      break;
    case 'profiles':
      body = [
        line(
          `Migrate ${stage.sourceId} ${stage.label}: choose the profile of the new host (j/k, Enter; Esc cancels)`,
          undefined,
          true,
        ),
        ...(stage.names.length === 0
          ? [line('no profile has both a checkpoint: store and a resume: command', theme.colors['status.error'])]
          : []),
        ...profileWindow(stage.names, stage.cursor, height).map(([n, i]) =>
          line(
            `${i === stage.cursor ? '>' : ' '} ${n}`,
            i === stage.cursor ? theme.colors['selection.text'] : undefined,
            i === stage.cursor,
          ),
        ),
      ];
      break;
    case 'confirm':
      body = [
        line(`Migrate ${stage.sourceId} ${stage.label} with profile ${stage.profile}?`, undefined, true),
        stage.error
          ? line(`cannot find a target: ${sanitizeLine(stage.error)}`, theme.colors['status.error'])
          : line(
              stage.plan
                ? `Rents ${sanitizeLine(stage.plan.target)} (if it is gone by then: the next offer of the same GPU)`
                : 'finding the offer it would rent…',
            ),
        line('Resumes there from the newest verified checkpoint, then destroys this one.'),
        line(stage.plan ? 'migrate? [y/n]' : 'Esc cancels', warn, true),
      ];
      break;
    case 'offer-resume': {
      const m = stage.m;
      body = [
        line(
          `Interrupted migration ${m.spec.id}: ${m.spec.sourceId} → ${m.state.targetId ?? '?'} (profile ` +
            `${m.spec.profileName}), ${m.state.done.length} of 8 steps done`,
          warn,
          true,
        ),
        ...(m.lastError ? [line(`stopped at: ${sanitizeLine(m.lastError)}`)] : []),
        line('resume it now? [y/n]   x gives it up (the journal only; nothing on Vast changes)', warn, true),
      ];
      break;
    }
    case 'progress': {
      mark.running = spin || '…';
      const done = (m: StepMark) => m === 'done' || m === 'skipped';
      const steps = MIGRATE_STEPS.map((s, i) => {
        const m = stage.marks[i]!;
        const color =
          m === 'failed' ? theme.colors['status.error'] : done(m) ? theme.colors['status.running'] : undefined;
        const head = `${mark[m]} ${i + 1}. ${STEP_TITLES[s]}`;
        return {
          mark: m,
          color,
          head,
          text: `${head}${stage.details[i] ? `: ${sanitizeLine(stage.details[i]!)}` : ''}`,
        };
      });
      const tail: Row[] = [
        {
          text: stage.outcome === 'running' ? sanitizeLine(stage.note) : sanitizeLine(stage.message),
          color: stage.outcome === 'failed' ? theme.colors['status.error'] : undefined,
          bold: stage.outcome !== 'running',
        },
        ...(stage.outcome === 'running' && stage.wait
          ? [
              {
                text:
                  `waiting for ${sanitizeLine(stage.wait.what)}: ${timeLeft(stage.wait.leftMs)} left of ` +
                  `${timeLeft(stage.wait.totalMs)}`,
              },
            ]
          : []),
        ...(stage.outcome === 'running' && stage.question
          ? [
              {
                text: `Source ${stage.question.sourceId} stopped answering: ${sanitizeLine(stage.question.message)}`,
                color: warn,
                bold: true,
              },
              {
                keys: true,
                text:
                  `w wait on   x give up` +
                  (stage.question.storeStep !== null
                    ? `   r resume from checkpoint-${stage.question.storeStep} ` +
                      `(newest in ${sanitizeLine(stage.question.where)})`
                    : ''),
                color: warn,
                bold: true,
              },
            ]
          : []),
        {
          keys: true,
          text:
            stage.outcome === 'running'
              ? stage.question
                ? 'Esc hides this'
                : 'x stops it now (journaled pause; M resumes it)   Esc hides this (it goes on; M on its row ' +
                  'shows it)'
              : stage.outcome === 'done'
                ? 'Esc closes'
                : 'Esc closes; M on its row resumes it',
        },
      ];
      body = fitProgress({ text: stage.title, bold: true }, steps, tail, width, height).map((r) =>
        line(r.text, r.color, r.bold),
      );
      break;
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {body.map((el, i) => (
        <Fragment key={i}>{el}</Fragment>
      ))}
    </Box>
  );
}
