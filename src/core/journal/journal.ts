/**
 * The append-only journal: one JSON record per line in $XDG_STATE_HOME/vastdeck/journal.jsonl. Each append
 * is written and fsynced before it resolves, so a record written "before" a rental survives a crash during
 * the rental. Appends are serialised so lines never interleave. The reader tolerates a torn last line
 * (a crash mid-write) and reports, rather than throws on, damaged lines.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../config/paths.js';
import { journalRecordSchema, scrub, type JournalInput, type JournalRecord } from './record.js';

/** What operations need from a journal; tests may pass an in-memory one. */
export interface JournalWriter {
  /** Appends one record (secrets scrubbed) and resolves once it is durable. */
  append(rec: JournalInput): Promise<JournalRecord>;
  /** Its records so far, when it can be read back (what a rerun finishes first: ops/provision-recover.ts). */
  read?(): Promise<JournalRecord[]>;
}

/** Default journal file. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'journal.jsonl');
}

/** Builds the stored record: timestamp, schema check, secrets scrubbed. */
export function makeRecord(rec: JournalInput, now: number, secrets: readonly string[] = []): JournalRecord {
  const parsed = journalRecordSchema.parse({ ...rec, ts: rec.ts ?? now });
  return {
    ...parsed,
    ids: scrub(parsed.ids, secrets) as JournalRecord['ids'],
    details: scrub(parsed.details, secrets) as JournalRecord['details'],
  };
}

/** The journal file on disk. */
export class FileJournal implements JournalWriter {
  /** Path of the JSONL file. */
  readonly file: string;
  private readonly secrets: string[];
  private readonly now: () => number;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: { file?: string; secrets?: string[]; now?: () => number } = {}) {
    this.file = opts.file ?? defaultJournalPath();
    this.secrets = [...(opts.secrets ?? [])];
    this.now = opts.now ?? Date.now;
  }

  /** Adds a string that must never be written (an env value, a token read at run time). */
  addSecret(value: string): void {
    if (value.length >= 4) this.secrets.push(value);
  }

  /** The records on disk (damaged lines skipped). */
  async read(): Promise<JournalRecord[]> {
    await this.tail;
    return (await readJournal(this.file)).records;
  }

  /** Appends and fsyncs one record. */
  append(rec: JournalInput): Promise<JournalRecord> {
    const record = makeRecord(rec, this.now(), this.secrets);
    const line = JSON.stringify(record) + '\n';
    const run = this.tail.then(() => this.write(line));
    // Keep the chain alive after a failure so the next append still runs; the caller sees this one's error.
    this.tail = run.catch(() => undefined);
    return run.then(() => record);
  }

  private async write(line: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const fh = await open(this.file, 'a', 0o600);
    try {
      await fh.write(line);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/** An in-memory journal (tests, --dry-run). */
export class MemoryJournal implements JournalWriter {
  /** Records in order. */
  readonly records: JournalRecord[] = [];
  constructor(
    private readonly secrets: string[] = [],
    private readonly now: () => number = Date.now,
  ) {}
  /** Appends one record. */
  async append(rec: JournalInput): Promise<JournalRecord> {
    const r = makeRecord(rec, this.now(), this.secrets);
    this.records.push(r);
    return r;
  }
  /** The records so far. */
  async read(): Promise<JournalRecord[]> {
    return [...this.records];
  }
}

/** What reading found: the good records, and how many lines were damaged (a torn last line included). */
export interface JournalRead {
  records: JournalRecord[];
  /** True when the last line was cut short by a crash mid-write. */
  tornTail: boolean;
  /** 1-based numbers of damaged lines other than a torn tail. */
  badLines: number[];
}

/** Reads a journal; a missing file is an empty journal. */
export async function readJournal(file = defaultJournalPath()): Promise<JournalRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornTail: false, badLines: [] };
    throw err;
  }
  return parseJournal(text);
}

/** Parses journal text (see readJournal). */
export function parseJournal(text: string): JournalRead {
  const lines = text.split('\n');
  // A complete journal ends with "\n", so the last element is "". Anything else there is a torn write.
  const last = lines.pop() ?? '';
  const out: JournalRead = { records: [], tornTail: last.length > 0, badLines: [] };
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const rec = parseLine(line);
    if (rec) out.records.push(rec);
    else out.badLines.push(i + 1);
  });
  if (last.length > 0) {
    // A torn line might still be whole JSON if only the newline was lost.
    const rec = parseLine(last);
    if (rec) {
      out.records.push(rec);
      out.tornTail = false;
    }
  }
  return out;
}

function parseLine(line: string): JournalRecord | null {
  try {
    const r = journalRecordSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
