/**
 * The continuation file (the runbook's step 8, e.g. CONTINUATION_CONTEXT.md) is the operator's notes. vastdeck
 * owns one block in it, between a `<!-- vastdeck -->` and a `<!-- /vastdeck -->` line, and leaves every other
 * line as it was. The file is written atomically (temp file in the same folder, fsync, rename) with its mode kept,
 * so a crash leaves the old file or the new one, never half of one.
 */
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { sanitizeLine } from '../util/sanitize.js';

/** What the continuation block records: where the run lives now. */
export interface Continuation {
  instanceId: number;
  label: string | null;
  ssh: { host: string; port: number } | null;
  step: number;
  /** ISO time of the update. */
  time: string;
  migrationId: string;
  previousInstanceId: number;
  profile: string;
}

export const BLOCK_START = '<!-- vastdeck -->';
export const BLOCK_END = '<!-- /vastdeck -->';

/** A value on one line that cannot open or close a block or an HTML comment. */
function clean(v: string): string {
  return sanitizeLine(v).replaceAll('<!--', '<!-').replaceAll('-->', '->');
}

/** The block's lines, markers included (no trailing newline). */
export function renderContinuation(c: Continuation): string {
  return [
    BLOCK_START,
    '## Where the run lives now (written by vastdeck; edits between these markers are replaced)',
    '',
    `- instance: ${c.instanceId}`,
    `- label: ${clean(c.label ?? '')}`,
    `- ssh: ${c.ssh ? `ssh -p ${c.ssh.port} root@${clean(c.ssh.host)}` : 'none yet'}`,
    `- step: ${c.step}`,
    `- updated: ${clean(c.time)}`,
    `- migration: ${clean(c.migrationId)}`,
    `- previous instance: ${c.previousInstanceId}`,
    `- profile: ${clean(c.profile)}`,
    BLOCK_END,
  ].join('\n');
}

/** Where the block is: the indexes of its start and end lines, or null when the text has no whole block. */
function findBlock(lines: string[]): { start: number; end: number } | null {
  const start = lines.findIndex((l) => l.trim() === BLOCK_START);
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && l.trim() === BLOCK_END);
  return end < 0 ? null : { start, end };
}

/** A file an older vastdeck wrote whole: the continuation as JSON. */
function isOldJson(text: string): boolean {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return !!v && typeof v === 'object' && 'migrationId' in v && 'instanceId' in v;
  } catch {
    return false;
  }
}

/** The file's text with the block put in: replacing the old block, or appended after the notes. */
export function mergeContinuation(existing: string, c: Continuation): string {
  const block = renderContinuation(c);
  if (existing.trim() === '' || isOldJson(existing)) return block + '\n';
  const lines = existing.split('\n');
  const at = findBlock(lines);
  if (at) return [...lines.slice(0, at.start), block, ...lines.slice(at.end + 1)].join('\n');
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${block}\n`;
}

/** The continuation the file's block records, or null when it has none. */
export function readContinuation(text: string): Continuation | null {
  const lines = text.split('\n');
  const at = findBlock(lines);
  if (!at) return null;
  const f = new Map<string, string>();
  for (const l of lines.slice(at.start + 1, at.end)) {
    const m = /^- ([a-z ]+): (.*)$/.exec(l);
    if (m) f.set(m[1]!, m[2]!);
  }
  const ssh = /^ssh -p (\d+) root@(.+)$/.exec(f.get('ssh') ?? '');
  const num = (k: string) => Number(f.get(k) ?? NaN);
  if (!Number.isInteger(num('instance'))) return null;
  return {
    instanceId: num('instance'),
    label: f.get('label') || null,
    ssh: ssh ? { host: ssh[2]!, port: Number(ssh[1]) } : null,
    step: num('step'),
    time: f.get('updated') ?? '',
    migrationId: f.get('migration') ?? '',
    previousInstanceId: num('previous instance'),
    profile: f.get('profile') ?? '',
  };
}

/** Puts the block into the continuation file atomically. `~/` expands to $HOME. Resolves to the path written. */
export async function writeContinuation(file: string, c: Continuation): Promise<string> {
  const target = file.startsWith('~/') ? path.join(process.env.HOME ?? '', file.slice(2)) : file;
  await mkdir(path.dirname(target), { recursive: true });
  const existing = await readFile(target, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.write(mergeContinuation(existing, c));
    await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  await rename(tmp, target);
  return target;
}
