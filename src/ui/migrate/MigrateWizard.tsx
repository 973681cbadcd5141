/**
 * The migration wizard's screen: pick a profile, confirm, then the eight steps with live progress (from the
 * operation's events), and on start an offer to continue a migration the journal shows as interrupted.
 */
import { Fragment } from 'react';
import { Box, Text } from 'ink';
import { MIGRATE_STEPS, STEP_TITLES, type JournaledMigration, type SourceUnreachable } from '../../core/ops/migrate.js';
import type { MigrationPlan } from './ops.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { useSpinner } from '../spinner.js';
import { useTheme } from '../theme-context.js';

/** How far one step is. */
export type StepMark = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** Where the wizard is. */
export type WizardStage =
  | { kind: 'loading'; sourceId: number }
  | { kind: 'profiles'; sourceId: number; label: string; names: string[]; cursor: number }
  | { kind: 'confirm'; sourceId: number; label: string; profile: string; plan: MigrationPlan | null; error: string | null }
  | { kind: 'offer-resume'; m: JournaledMigration }
  | {
      kind: 'progress'; title: string; marks: StepMark[]; details: string[]; note: string; outcome: 'running' | 'done' | 'failed' | 'stopped'; message: string;
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

const MARK: Record<StepMark, string> = { pending: '·', running: '…', done: '✓', skipped: '✓', failed: '✗' };

/** The wizard's lines. */
export function MigrateWizard({ stage, width, height }: { stage: WizardStage; width: number; height: number }) {
  const theme = useTheme();
  // The running step's mark turns while the migration works; a finished one stops the timer.
  const spin = useSpinner(stage.kind === 'progress' && stage.outcome === 'running');
  const mark: Record<StepMark, string> = { ...MARK };
  // Questions wrap (what would be rented, what to answer must read whole at 60 columns); the step list truncates.
  const wrapped = stage.kind !== 'progress';
  const line = (t: string, color?: string, bold = false) => (
    <Text wrap={wrapped ? 'wrap' : 'truncate'} color={color} bold={bold}>{t}</Text>
  );
  const warn = theme.colors['status.warn'];
  let body;
  switch (stage.kind) {
    case 'loading':
      body = [line(`Migrate ${stage.sourceId}: reading profiles…`)];
      break;
    case 'profiles':
      body = [
        line(`Migrate ${stage.sourceId} ${stage.label}: choose the profile of the new host (j/k, Enter; Esc cancels)`, undefined, true),
        ...(stage.names.length === 0 ? [line('no profile has both a checkpoint: store and a resume: command', theme.colors['status.error'])] : []),
        ...stage.names.slice(0, Math.max(1, height - 2)).map((n, i) => line(`${i === stage.cursor ? '>' : ' '} ${n}`, i === stage.cursor ? theme.colors['selection.text'] : undefined, i === stage.cursor)),
      ];
      break;
    case 'confirm':
      body = [
        line(`Migrate ${stage.sourceId} ${stage.label} with profile ${stage.profile}?`, undefined, true),
        stage.error
          ? line(`cannot find a target: ${sanitizeLine(stage.error)}`, theme.colors['status.error'])
          : line(stage.plan ? `Rents ${sanitizeLine(stage.plan.target)} (if it is gone by then: the next offer of the same GPU)` : 'finding the offer it would rent…'),
        line('Resumes there from the newest verified checkpoint, then destroys this one.'),
        line(stage.plan ? 'migrate? [y/n]' : 'Esc cancels', warn, true),
      ];
      break;
    case 'offer-resume': {
      const m = stage.m;
      body = [
        line(`Interrupted migration ${m.spec.id}: ${m.spec.sourceId} → ${m.state.targetId ?? '?'} (profile ${m.spec.profileName}), ${m.state.done.length} of 8 steps done`, warn, true),
        ...(m.lastError ? [line(`stopped at: ${sanitizeLine(m.lastError)}`)] : []),
        line('resume it now? [y/n]   x gives it up (the journal only; nothing on Vast changes)', warn, true),
      ];
      break;
    }
    case 'progress':
      mark.running = spin || '…';
      body = [
        line(stage.title, undefined, true),
        ...MIGRATE_STEPS.map((s, i) => {
          const m = stage.marks[i]!;
          const color = m === 'failed' ? theme.colors['status.error'] : m === 'done' || m === 'skipped' ? theme.colors['status.running'] : undefined;
          return line(`${mark[m]} ${i + 1}. ${STEP_TITLES[s]}${stage.details[i] ? `: ${sanitizeLine(stage.details[i]!)}` : ''}`, color);
        }),
        line(stage.outcome === 'running' ? sanitizeLine(stage.note) : sanitizeLine(stage.message), stage.outcome === 'failed' ? theme.colors['status.error'] : undefined, stage.outcome !== 'running'),
        ...(stage.outcome === 'running' && stage.wait ? [line(`waiting for ${sanitizeLine(stage.wait.what)}: ${timeLeft(stage.wait.leftMs)} left of ${timeLeft(stage.wait.totalMs)}`)] : []),
        ...(stage.outcome === 'running' && stage.question
          ? [
              line(`Source ${stage.question.sourceId} stopped answering: ${sanitizeLine(stage.question.message)}`, warn, true),
              line(`w wait on   x give up${stage.question.storeStep !== null ? `   r resume from checkpoint-${stage.question.storeStep} (newest in ${sanitizeLine(stage.question.where)})` : ''}`, warn, true),
            ]
          : []),
        line(
          stage.outcome === 'running' ? (stage.question ? 'Esc hides this' : 'x stops it now (journaled pause; M resumes it)   Esc hides this (it goes on; M on its row shows it)')
          : stage.outcome === 'done' ? 'Esc closes' : 'Esc closes; M on its row resumes it',
        ),
      ];
      break;
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {body.map((el, i) => (
        <Fragment key={i}>{el}</Fragment>
      ))}
    </Box>
  );
}
