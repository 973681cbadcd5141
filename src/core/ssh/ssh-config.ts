/**
 * `vastdeck ssh-config`: a managed block of `Host` entries in ~/.ssh/config, one per instance (label → host, port,
 * user, key, vastdeck's known_hosts), between two marker lines, so `ssh zeb-large-main` works as the runbooks
 * advise. Only the block is rewritten; everything outside it is kept byte for byte. The file is replaced
 * atomically (temp file + rename) and keeps its mode (0600 when new).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sshEndpoint } from '../vast/units.js';
import type { Instance } from '../vast/types.js';

export const BLOCK_START = '# >>> vastdeck managed block (vastdeck ssh-config rewrites it; edits inside are lost) >>>';
export const BLOCK_END = '# <<< vastdeck managed block <<<';

/** One Host entry. */
export interface HostEntry {
  alias: string;
  host: string;
  port: number;
  instanceId: number;
}

/** A value for ssh_config: double quotes when it has spaces; characters ssh_config cannot hold are refused. */
function value(v: string): string {
  if (/["\n\r]/.test(v)) throw new Error(`not usable in ~/.ssh/config: ${JSON.stringify(v)}`);
  return /\s/.test(v) ? `"${v}"` : v;
}

/** A Host alias from a label: ssh_config pattern characters and spaces become "-"; unlabelled → vast-ID. */
export function aliasFor(inst: Pick<Instance, 'id' | 'label'>): string {
  const a = (inst.label ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return a || `vast-${inst.id}`;
}

/** Entries for the instances that have an SSH endpoint, aliases made unique (a repeated label gets -ID). */
export function hostEntries(instances: readonly Instance[]): HostEntry[] {
  const withEp = instances.flatMap((i) => {
    const ep = i.status === 'running' ? sshEndpoint(i) : null;
    return ep ? [{ inst: i, ep }] : [];
  });
  const count = new Map<string, number>();
  for (const { inst } of withEp) count.set(aliasFor(inst), (count.get(aliasFor(inst)) ?? 0) + 1);
  return withEp
    .map(({ inst, ep }) => {
      const base = aliasFor(inst);
      return {
        alias: count.get(base)! > 1 ? `${base}-${inst.id}` : base,
        host: ep.host,
        port: ep.port,
        instanceId: inst.id,
      };
    })
    .sort((a, b) => a.alias.localeCompare(b.alias));
}

/** The block's text (markers included, newline-terminated). */
export function renderBlock(
  entries: readonly HostEntry[],
  o: { knownHostsFile: string; identityFiles: readonly string[]; user?: string },
): string {
  const lines = [BLOCK_START];
  for (const e of entries) {
    lines.push(
      `Host ${e.alias}`,
      `  # Vast instance ${e.instanceId}`,
      `  HostName ${e.host}`,
      `  Port ${e.port}`,
      `  User ${o.user ?? 'root'}`,
    );
    for (const f of o.identityFiles) lines.push(`  IdentityFile ${value(f)}`);
    lines.push(
      `  UserKnownHostsFile ${value(o.knownHostsFile)}`,
      '  StrictHostKeyChecking accept-new',
      '  ServerAliveInterval 15',
    );
  }
  lines.push(BLOCK_END);
  return lines.join('\n') + '\n';
}

/**
 * The config text with the block replaced (or, when absent, put first: ssh uses the first value it finds, so the
 * entries must come before a user's `Host *`). Throws when the markers are broken (a start without an end).
 */
export function withBlock(text: string, block: string, file = '~/.ssh/config'): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === BLOCK_START);
  const end = lines.findIndex((l, i) => i > start && l.trim() === BLOCK_END);
  if (start >= 0 && end < 0)
    throw new Error(
      `${file}: line ${start + 1} starts vastdeck's block but no end marker follows; fix or delete the block ` +
        `and run again`,
    );
  if (start < 0 && lines.some((l) => l.trim() === BLOCK_END))
    throw new Error(`${file}: an end marker of vastdeck's block without its start; fix or delete it and run again`);
  if (start < 0) return text.trim() === '' ? block : `${block}\n${text}`;
  const before = lines.slice(0, start).join('\n');
  const after = lines.slice(end + 1).join('\n');
  return `${before ? `${before}\n` : ''}${block}${after}`;
}

/** Writes the block into `file` atomically; creates the file (0600) and its dir (0700) when missing. */
export function writeSshConfig(file: string, block: string): { created: boolean } {
  const created = !existsSync(file);
  const old = created ? '' : readFileSync(file, 'utf8');
  const next = withBlock(old, block, file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const mode = created ? 0o600 : statSync(file).mode & 0o777;
  const tmp = `${file}.vastdeck-${process.pid}.tmp`;
  writeFileSync(tmp, next, { mode });
  renameSync(tmp, file);
  return { created };
}
