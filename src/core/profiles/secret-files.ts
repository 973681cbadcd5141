/**
 * Secrets from the files operators keep them in: a dotenv file (`~/.env`: `KEY=value`, `export KEY=value`,
 * quotes, comments) and `~/.netrc` (`machine HOST login USER password SECRET`). A profile references them
 * (`{ fromFile: ~/.env, key: HF_TOKEN }`, `{ fromFile: ~/.netrc, machine: huggingface.co }`); the value is read
 * at provision time and never printed: errors name the file and the key, never a value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { homeDir } from '../config/paths.js';

/** A reference to a secret in a file (the profile's `fromFile` env value). */
export interface FileSecretRef {
  fromFile: string;
  /** dotenv: the variable; default the env entry's own name. */
  key?: string;
  /** netrc: the machine whose password (or login) is wanted. */
  machine?: string;
  /** netrc: which token of the machine entry (default password). */
  field?: 'password' | 'login';
}

/** A secret file that cannot be read or does not hold the key; the message names file and key only. */
export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFileError';
  }
}

/** `~/x` → $HOME/x; a relative path is taken from $HOME too (profiles are not tied to a working directory). */
export function expandHome(file: string, env: NodeJS.ProcessEnv = process.env): string {
  if (file === '~') return homeDir(env);
  if (file.startsWith('~/')) return path.join(homeDir(env), file.slice(2));
  return path.isAbsolute(file) ? file : path.join(homeDir(env), file);
}

/** Values of a dotenv text: last assignment wins; `export`, quotes, inline ` #` comments and escapes in "…" handled. */
export function parseDotenv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2]!.trim();
    if (v.startsWith('"')) {
      const end = v.indexOf('"', 1);
      v = (end > 0 ? v.slice(1, end) : v.slice(1)).replace(/\\n/g, '\n').replace(/\\(["\\$`])/g, '$1');
    } else if (v.startsWith("'")) {
      const end = v.indexOf("'", 1);
      v = end > 0 ? v.slice(1, end) : v.slice(1);
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(m[1]!, v);
  }
  return out;
}

/** Entries of a netrc text: machine → {login, password}; `default` is kept under "default". Comments (#) ignored. */
export function parseNetrc(text: string): Map<string, { login?: string; password?: string }> {
  const tokens = text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n')
    .split(/\s+/)
    .filter(Boolean);
  const out = new Map<string, { login?: string; password?: string }>();
  let cur: { login?: string; password?: string } | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === 'machine') out.set(tokens[++i] ?? '', (cur = {}));
    else if (t === 'default') out.set('default', (cur = {}));
    else if (t === 'macdef') cur = null;
    else if (cur && (t === 'login' || t === 'password')) cur[t] = tokens[++i];
    else if (cur && t === 'account') i++;
  }
  return out;
}

/** Reads one secret; `name` is the profile's env entry (the dotenv key by default). */
export function readFileSecret(ref: FileSecretRef, name: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = expandHome(ref.fromFile, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecretFileError(
      `env ${name}: ${ref.fromFile} ` +
        `${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}; create it or change ` +
        `the profile's fromFile`,
    );
  }
  if (ref.machine !== undefined) {
    const entry = parseNetrc(text).get(ref.machine);
    const field = ref.field ?? 'password';
    const v = entry?.[field];
    if (!v) throw new SecretFileError(`env ${name}: ${ref.fromFile} has no ${field} for machine ${ref.machine}`);
    return v;
  }
  const key = ref.key ?? name;
  const v = parseDotenv(text).get(key);
  if (v === undefined || v === '') throw new SecretFileError(`env ${name}: ${ref.fromFile} does not set ${key}`);
  return v;
}

/** The values of a profile's fromFile secrets that can be read now (for redaction before anything prints). */
export function fileSecretValues(envRefs: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const [name, ref] of Object.entries(envRefs)) {
    if (typeof ref !== 'object' || ref === null || !('fromFile' in ref)) continue;
    try {
      out.push(readFileSecret(ref as FileSecretRef, name, env));
    } catch {
      // Reported by the provision itself, with the file and key named.
    }
  }
  return out;
}
