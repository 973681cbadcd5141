/**
 * The simulated host's checkpoint files as the shell sees them: `find DIR -type f -printf FMT`, `sha256sum` /
 * `sha1sum` of files or of stdin, `printf`, and `cat` in pipelines. Hashes are the REAL hashes of the bytes
 * the host holds (src/sim/content.ts), so content verification works against the simulator as against a host.
 */
import { createHash } from 'node:crypto';
import { contentBytes, contentSha256, contentSize, type SimContent } from '../content.js';
import type { SimTrainer } from './trainer.js';

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

/** The shell state the file commands read. */
interface FilesHost {
  trainer: SimTrainer;
}

/** A path inside the run dir: a checkpoint dir (name undefined) or one of its files. */
function resolve(p: string, host: FilesHost): { step: number; name?: string; content?: SimContent } | null {
  const t = host.trainer;
  const m = p.replace(/\/+$/, '').match(/^(.*)\/checkpoint-(\d+)(?:\/([^/]+))?$/);
  if (!m || m[1] !== t.scenario.outputDir) return null;
  const files = t.checkpointFiles(Number(m[2]));
  if (!files) return null;
  if (m[3] === undefined) return { step: Number(m[2]) };
  const content = files.get(m[3]);
  return content ? { step: Number(m[2]), name: m[3], content } : null;
}

/** Expands find's -printf escapes and the directives %s (size), %T@ (mtime, s), %P (path under DIR), %p. */
function printfFind(fmt: string, size: number, mtimeMs: number, rel: string, full: string): string {
  return fmt
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n')
    .replace(/\\0/g, '\0')
    .replace(/%(s|T@|P|p|%)/g, (_, d: string) =>
      d === 's' ? String(size) : d === 'T@' ? (mtimeMs / 1000).toFixed(10) : d === 'P' ? rel : d === 'p' ? full : '%',
    );
}

/** `find DIR -type f -printf FMT` over a checkpoint dir or the whole run dir. */
export function find(args: string[], host: FilesHost): Result {
  const dir = args[0]?.replace(/\/+$/, '') ?? '';
  const fi = args.indexOf('-printf');
  if (fi < 0 || args[args.indexOf('-type') + 1] !== 'f')
    return { stdout: '', stderr: 'find: only -type f -printf FMT is simulated\n', code: 1 };
  const fmt = args[fi + 1] ?? '';
  const t = host.trainer;
  const steps =
    dir === t.scenario.outputDir
      ? [...t.checkpoints]
      : [resolve(dir, host)].filter((r) => r && r.name === undefined).map((r) => r!.step);
  if (steps.length === 0 && dir !== t.scenario.outputDir)
    return { stdout: '', stderr: `find: '${dir}': No such file or directory\n`, code: 1 };
  let out = '';
  for (const step of steps.sort((a, b) => a - b)) {
    const mtime = t.checkpointMtime(step);
    for (const [name, c] of t.checkpointFiles(step)!) {
      const rel = dir === t.scenario.outputDir ? `checkpoint-${step}/${name}` : name;
      out += printfFind(fmt, contentSize(c), mtime, rel, `${dir}/${rel}`);
    }
  }
  return { stdout: out, stderr: '', code: 0 };
}

/** `sha256sum` / `sha1sum` of files (`HASH  PATH` lines) or of stdin (`HASH  -`). */
export function hashCommand(cmd: string, args: string[], stdin: Buffer | null, host: FilesHost): Result {
  const paths = args.filter((a) => a === '-' || (a !== '--' && !a.startsWith('-')));
  const alg = cmd === 'sha256sum' ? 'sha256' : 'sha1';
  if (paths.length === 0 || (paths.length === 1 && paths[0] === '-')) {
    return {
      stdout: `${createHash(alg)
        .update(stdin ?? Buffer.alloc(0))
        .digest('hex')}  -\n`,
      stderr: '',
      code: 0,
    };
  }
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const p of paths) {
    const r = resolve(p, host);
    if (!r?.content) {
      stderr += `${cmd}: ${p}: ${r ? 'Is a directory' : 'No such file or directory'}\n`;
      code = 1;
      continue;
    }
    const hex =
      alg === 'sha256' ? contentSha256(r.content) : createHash('sha1').update(contentBytes(r.content)).digest('hex');
    stdout += `${hex}  ${p}\n`;
  }
  return { stdout, stderr, code };
}

/** printf FORMAT [ARGS]: %s %d %%, and the escapes \n \t \\ \NNN (octal, so '\000' is a NUL byte). */
function printf(args: string[]): Buffer {
  const [fmt = '', ...rest] = args;
  let i = 0;
  const bytes: number[] = [];
  const text = fmt.replace(/%([sd%])/g, (_, d: string) =>
    d === '%' ? '%' : d === 'd' ? String(Number(rest[i++] ?? 0) | 0) : (rest[i++] ?? ''),
  );
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (c === '\\' && k + 1 < text.length) {
      const oct = /^[0-7]{1,3}/.exec(text.slice(k + 1));
      if (oct) {
        bytes.push(parseInt(oct[0], 8) & 255);
        k += oct[0].length;
        continue;
      }
      const e = text[++k]!;
      bytes.push(...Buffer.from(e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' ? '\\' : `\\${e}`));
      continue;
    }
    bytes.push(...Buffer.from(c));
  }
  return Buffer.from(bytes);
}

/** One stage of a pipeline, on bytes: printf, cat (files and `-`), sha256sum/sha1sum; anything else as text. */
export function pipeStage(
  words: string[],
  stdin: Buffer | null,
  host: FilesHost,
  other: (words: string[]) => Result,
): { out: Buffer; stderr: string; code: number } {
  const [cmd, ...args] = words;
  if (cmd === 'printf') return { out: printf(args), stderr: '', code: 0 };
  if (cmd === 'sha256sum' || cmd === 'sha1sum') {
    const r = hashCommand(cmd, args, stdin, host);
    return { out: Buffer.from(r.stdout), stderr: r.stderr, code: r.code };
  }
  if (cmd === 'cat') {
    const parts: Buffer[] = [];
    for (const p of args.filter((a) => a !== '--')) {
      if (p === '-') parts.push(stdin ?? Buffer.alloc(0));
      else {
        const r = resolve(p, host);
        if (!r?.content)
          return { out: Buffer.concat(parts), stderr: `cat: ${p}: No such file or directory\n`, code: 1 };
        parts.push(contentBytes(r.content));
      }
    }
    return { out: Buffer.concat(parts), stderr: '', code: 0 };
  }
  const r = other(words);
  return { out: Buffer.from(r.stdout), stderr: r.stderr, code: r.code };
}
