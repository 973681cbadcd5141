import { parseCommand } from '../args.js';
import { printJson, printText, UsageError } from '../output.js';
import { renderTable, terminalWidth } from '../table.js';
import { formatMoney, formatRate } from '../../core/present/money.js';
import { defaultJournalPath, readJournal } from '../../core/journal/journal.js';
import { summarizeJournal, type JournalEvent } from '../../core/journal/summary.js';
import { parseDuration } from '../../core/present/durations.js';
import { demoStateDir } from '../../core/config/paths.js';
import path from 'node:path';

/** Help for `vastdeck journal`. */
export const journalHelp = `Usage: vastdeck journal [--since 1d] [--json] [--demo] [--file PATH]

What vastdeck rented, destroyed and migrated (from its journal, ~/.local/state/vastdeck/journal.jsonl), and what
each rental cost while it was held in the window: its $/hr at rental (the bid when interruptible) × the hours
between the rental and its destroy, or now. Reads only the journal, so it works offline; what Vast actually
charged is in \`vastdeck cost\`.

Options:
  --since DUR      window, e.g. 12h, 1d, 7d (default 1d)
  --json           JSON on stdout: {since, until, events, rentals, cost}
  --demo           read the --demo journal instead of the real account's
  --file PATH      read this journal file
  -h, --help       this help`;

const KIND_TEXT: Record<JournalEvent['kind'], string> = {
  rented: 'rented',
  destroyed: 'destroyed',
  migrated: 'migrated',
  'migration-aborted': 'migration aborted',
  'rent-failed': 'rent failed',
  'destroy-failed': 'destroy failed',
};

/** "2026-12-02 14:05" in UTC. */
function when(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

/** `vastdeck journal`. */
export async function journalCommand(argv: string[], now: () => number = Date.now): Promise<number> {
  const { values } = parseCommand(
    argv,
    { since: { type: 'string' }, json: { type: 'boolean' }, demo: { type: 'boolean' }, file: { type: 'string' } },
    'journal',
  );
  if (values.help) return (printText(journalHelp), 0);
  const sinceMs = parseDuration(values.since ?? '1d');
  if (sinceMs === null || sinceMs <= 0)
    throw new UsageError(`--since must be a duration like 12h or 7d (got "${values.since}")`);
  const file = values.file ?? (values.demo ? path.join(demoStateDir(), 'journal.jsonl') : defaultJournalPath());
  const read = await readJournal(file);
  const t = now();
  const s = summarizeJournal(read.records, t - sinceMs, t);
  const damaged = read.badLines.length + (read.tornTail ? 1 : 0);
  if (damaged)
    process.stderr.write(
      `vastdeck: ${file}: ${damaged} damaged line(s) ` +
        `skipped${read.badLines.length ? ` (line ${read.badLines.slice(0, 5).join(', ')})` : ''}\n`,
    );
  if (values.json) return (printJson({ file, ...s }), 0);
  const span = values.since ?? '1d';
  if (s.events.length === 0 && s.rentals.length === 0)
    return (printText(`nothing in the journal in the last ${span} (${file})`), 0);
  const width = terminalWidth();
  const lines: string[] = [];
  if (s.events.length) {
    lines.push(
      renderTable(
        s.events,
        [
          { header: 'WHEN (UTC)', render: (e) => when(e.ts) },
          { header: 'WHAT', render: (e) => KIND_TEXT[e.kind] },
          { header: 'ID', render: (e) => (e.instanceId === null ? '–' : String(e.instanceId)), align: 'right' },
          { header: 'LABEL', render: (e) => e.label ?? '', priority: 3, max: 32, grow: 1 },
          { header: 'DETAIL', render: (e) => e.detail },
        ],
        width,
      ),
    );
  } else lines.push(`no rentals, destroys or migrations in the last ${span}`);
  if (s.rentals.length) {
    lines.push('', `Rentals held in the last ${span}:`);
    lines.push(
      renderTable(
        s.rentals,
        [
          { header: 'ID', render: (r) => String(r.instanceId), align: 'right' },
          { header: 'LABEL', render: (r) => r.label ?? '', priority: 3, max: 32, grow: 1 },
          { header: 'GPU', render: (r) => r.gpu ?? '–', priority: 2 },
          { header: '$/HR', render: (r) => formatRate(r.dph), align: 'right' },
          { header: 'HELD', render: (r) => (r.destroyedAt === null ? 'still rented' : `until ${when(r.destroyedAt)}`) },
          { header: 'COST', render: (r) => formatMoney(r.cost), align: 'right' },
        ],
        width,
      ),
    );
  }
  lines.push(
    '',
    `cost in the last ${span}: ` +
      `${formatMoney(s.cost)}${s.unknownRate ? ` (+ ${s.unknownRate} rental(s) without a recorded rate)` : ''}; ` +
      `Vast's charges: vastdeck cost`,
  );
  printText(lines.join('\n'));
  return 0;
}
