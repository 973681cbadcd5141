/**
 * vastdeck's own host-key store: a file in OpenSSH known_hosts format (so the system `ssh` used for
 * attach can read and extend the same file), trust on first use, and a refusal when a host's key changes.
 * Messages carry SHA256 fingerprints only, never key material.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HostKeyChangedError } from './errors.js';

/** Result of comparing a presented key with the store. */
export type HostKeyStatus = 'known' | 'new' | 'changed';

/** SHA256 fingerprint of a raw SSH public-key blob, in the `SHA256:...` form `ssh-keygen -l` prints. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public-key blob (the blob's first length-prefixed string). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The host field OpenSSH writes: bare host on port 22, `[host]:port` otherwise. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface Entry {
  type: string;
  blob: Buffer;
}

/** True when one known_hosts host field (comma list, maybe hashed `|1|salt|hmac`) names `pattern`. */
function hostFieldMatches(field: string, pattern: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    // Hashed entries appear when the user's ssh_config has HashKnownHosts yes (Debian's default).
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(pattern).digest('base64');
    return mac === hash;
  }
  return field.split(',').some((h) => h === pattern);
}

/**
 * A known_hosts-format file with TOFU semantics. Every check looks at the file again, so edits apply at once; its
 * parsed lines are kept while its size and mtime stay the same (a connect to each of 200 hosts re-parsed it).
 */
export class HostKeyStore {
  /** Absolute path of the known_hosts file (shown in messages and passed to the system ssh). */
  readonly file: string;
  private parsed: { stamp: string; lines: Array<[field: string, type: string, b64: string]> } | null = null;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  /** The file's host lines as [host field, key type, base64 key]; none when it cannot be read. */
  private lines(): Array<[string, string, string]> {
    let stamp: string;
    try {
      const st = statSync(this.file);
      stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      return [];
    }
    if (this.parsed?.stamp === stamp) return this.parsed.lines;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const lines: Array<[string, string, string]> = [];
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      // Markers (@cert-authority, @revoked) and comments are not ours to interpret.
      if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
      const [field, type, b64] = line.split(/\s+/);
      if (field && type && b64) lines.push([field, type, b64]);
    }
    this.parsed = { stamp, lines };
    return lines;
  }

  /** Every stored key for host:port. */
  private entries(host: string, port: number): Entry[] {
    const pattern = hostPattern(host, port);
    const out: Entry[] = [];
    for (const [field, type, b64] of this.lines()) {
      if (hostFieldMatches(field, pattern)) out.push({ type, blob: Buffer.from(b64, 'base64') });
    }
    return out;
  }

  /** Key types already stored for host:port, so a client can ask the server for one of them first. */
  knownTypes(host: string, port: number): string[] {
    return [...new Set(this.entries(host, port).map((e) => e.type))];
  }

  /** Compares a presented key blob with the store without changing anything. */
  check(host: string, port: number, blob: Buffer): HostKeyStatus {
    const entries = this.entries(host, port);
    if (entries.length === 0) return 'new';
    // Any stored key for the host that is not this one means changed, even of another type:
    // accepting a different type would let an impostor sidestep the check.
    return entries.some((e) => e.blob.equals(blob)) ? 'known' : 'changed';
  }

  /** Appends host:port's key to the file (creating it with mode 0600). */
  trust(host: string, port: number, blob: Buffer): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const line = `${hostPattern(host, port)} ${keyType(blob)} ${blob.toString('base64')}\n`;
    appendFileSync(this.file, line, { mode: 0o600 });
  }

  /** Trust on first use: stores a new key, accepts a known one, throws HostKeyChangedError on a change. */
  verify(host: string, port: number, blob: Buffer): void {
    const status = this.check(host, port, blob);
    if (status === 'new') this.trust(host, port, blob);
    else if (status === 'changed') throw new HostKeyChangedError(`${host}:${port}`, fingerprint(blob), this.file);
  }
}
