/**
 * The simulated host's shell: parses an exec request the way a POSIX shell would split it (quotes,
 * `;`, `&&`, `||`) and answers the handful of commands vastdeck sends to a GPU host. Everything else is
 * "command not found" with exit 127, as bash says it.
 */
import { formatDf, formatFree, formatGpuQuery, type GpuInfo } from './formats.js';
import { lastLines, type SimTrainer } from './trainer.js';
import { curl } from './curl.js';
import { hashCommand, pipeStage, find } from './files.js';

/** Output sink for one exec channel. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /** Ends the channel with an exit status. */
  exit(code: number): void;
  /** Registers cleanup for when the client closes the channel. */
  onClose(fn: () => void): void;
}

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

const ok = (stdout: string): Result => ({ stdout, stderr: '', code: 0 });
const fail = (stderr: string, code: number): Result => ({ stdout: '', stderr, code });

/** Splits a command line into words and the operators ; && || (quotes and backslashes honoured). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
      has = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        cur += line[i++];
      }
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c) || c === ';' || c === '|' || (c === '&' && line[i + 1] === c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      if (c === ';') out.push(';');
      else if (line[i + 1] === c) out.push(c + c), i++;
      else if (c === '|') out.push('|');
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Host-wide state the commands read. */
export interface ShellHost {
  trainer: SimTrainer;
}

function gpu(host: ShellHost): GpuInfo {
  const t = host.trainer;
  const sc = t.scenario;
  const busy = t.status === 'running' || t.status === 'stalled';
  return {
    index: 0,
    name: sc.gpuName,
    uuid: 'GPU-5cea8753-abae-f3de-c396-89d69c4dc74a',
    driverVersion: '580.159.04',
    memoryTotalMiB: sc.gpuMemoryMiB,
    memoryUsedMiB: busy ? Math.round(sc.gpuMemoryMiB * 0.76) : 0,
    // A hung NCCL collective keeps the GPU at 100% while the step stands still.
    utilGpu: t.status === 'stalled' ? 100 : busy ? 97 : 0,
    utilMemory: busy ? 41 : 0,
    temperature: busy ? 67 : 31,
    powerDrawW: busy ? 652.37 : 68.61,
    powerLimitW: 700,
    computeCap: '9.0',
  };
}

function nvidiaSmi(args: string[], host: ShellHost): Result {
  if (host.trainer.scenario.noCuda) {
    // nvidia-smi prints this on stdout and exits 9 when the driver is missing.
    const msg = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n";
    return { stdout: msg, stderr: '', code: 9 };
  }
  const g = gpu(host);
  if (args[0] === '-L') return ok(`GPU 0: ${g.name} (UUID: ${g.uuid})\n`);
  let fields: string[] | undefined;
  let format = 'csv';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--query-gpu=')) fields = a.slice(12).split(',');
    else if (a === '--query-gpu') fields = (args[++i] ?? '').split(',');
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a === '--format') format = args[++i] ?? '';
  }
  if (!fields) return fail('nvidia-smi: only --query-gpu and -L are simulated\n', 127);
  return formatGpuQuery([g], fields, format);
}

function free(args: string[], host: ShellHost): Result {
  if (!args.includes('-b')) return fail('free: the simulator only answers free -b\n', 1);
  const busy = host.trainer.status === 'running' || host.trainer.status === 'stalled';
  const total = 135148564480;
  const used = busy ? 24_318_640_128 : 508481536;
  const buffCache = busy ? 8_511_029_248 : 993251328;
  return ok(
    formatFree({ total, used, free: total - used - buffCache, shared: 7544832, buffCache, available: total - used, swapTotal: 0, swapUsed: 0, swapFree: 0 }),
  );
}

function df(args: string[], host: ShellHost): Result {
  const paths = args.filter((a) => !a.startsWith('-'));
  const size = 270553174016;
  const full = host.trainer.scenario.diskFull;
  // ext4 keeps ~5% for root; a full disk shows 0 available and 100%.
  const used = full ? size - 13_527_658_700 : 17286488064 + host.trainer.checkpoints.length * 45_000_000;
  const avail = full ? 0 : 68702449664 - host.trainer.checkpoints.length * 45_000_000;
  const rows = (paths.length ? paths : ['/']).map(() => ({ source: '/dev/vda', size, used, avail, target: '/' }));
  return ok(formatDf(rows));
}

function checkpointOf(p: string, host: ShellHost): number | undefined {
  const dir = host.trainer.scenario.outputDir;
  const m = p.replace(/\/+$/, '').match(/^(.*)\/checkpoint-(\d+)(\/.*)?$/);
  if (!m || m[1] !== dir) return undefined;
  const n = Number(m[2]);
  return host.trainer.checkpoints.includes(n) ? n : undefined;
}

function cat(args: string[], host: ShellHost): Result {
  let stdout = '';
  for (const p of args.filter((a) => a !== '--')) {
    const n = checkpointOf(p, host);
    const file = n !== undefined ? host.trainer.checkpointFiles(n)?.get(p.slice(p.lastIndexOf('/') + 1)) : undefined;
    if (p === host.trainer.scenario.logPath) stdout += host.trainer.log;
    else if (file && 'bytes' in file) stdout += file.bytes.toString('utf8');
    else return { stdout, stderr: `cat: ${p}: No such file or directory\n`, code: 1 };
  }
  return ok(stdout);
}

/** `stat -c %Y [--] LOG`: the log's modification time in epoch seconds. */
function stat(args: string[], host: ShellHost): Result {
  const paths = args.filter((a, i) => a !== '--' && a !== '-c' && args[i - 1] !== '-c');
  const fmt = args[args.indexOf('-c') + 1];
  if (fmt !== '%Y' || paths.length !== 1) return fail('stat: only -c %Y on one file is simulated\n', 1);
  if (paths[0] !== host.trainer.scenario.logPath) return fail(`stat: cannot statx '${paths[0]}': No such file or directory\n`, 1);
  host.trainer.tick();
  return ok(`${Math.floor(host.trainer.logMtime() / 1000)}\n`);
}

function ls(args: string[], host: ShellHost): Result {
  const paths = args.filter((a) => !a.startsWith('-'));
  const p = (paths[0] ?? '/root').replace(/\/+$/, '');
  const t = host.trainer;
  if (p === t.scenario.outputDir) {
    return ok(t.checkpoints.map((n) => `checkpoint-${n}`).sort().map((s) => s + '\n').join(''));
  }
  const n = checkpointOf(p, host);
  if (n !== undefined && /\/checkpoint-\d+$/.test(p)) return ok([...t.checkpointFiles(n)!.keys()].sort().map((f) => f + '\n').join(''));
  return fail(`ls: cannot access '${p}': No such file or directory\n`, 2);
}

function tmux(args: string[], host: ShellHost): Result {
  if (args[0] !== 'has-session') return fail('tmux: only has-session is simulated\n', 1);
  const ti = args.indexOf('-t');
  const name = ti >= 0 ? args[ti + 1] : undefined;
  if (name === 'train' && host.trainer.scenario.tmuxSession) return ok('');
  return fail(`can't find session: ${name ?? ''}\n`, 1);
}

/** Answers one simple (non-streaming) command; `2>&1` merges its stderr into stdout, `2>/dev/null` drops it. */
function simple(all: string[], host: ShellHost): Result {
  const words = all.filter((w) => w !== '2>&1' && w !== '2>/dev/null');
  const r = simpleWords(words, host);
  if (all.includes('2>&1')) return { stdout: r.stdout + r.stderr, stderr: '', code: r.code };
  if (all.includes('2>/dev/null')) return { ...r, stderr: '' };
  return r;
}

function simpleWords(words: string[], host: ShellHost): Result {
  const hooked = host.trainer.commandHook?.(words);
  if (hooked) return hooked;
  const [cmd, ...args] = words;
  switch (cmd) {
    case 'echo':
      return ok(args.join(' ') + '\n');
    case 'nproc':
      return ok('32\n');
    case 'nvidia-smi':
      return nvidiaSmi(args, host);
    case 'free':
      return free(args, host);
    case 'df':
      return df(args, host);
    case 'cat':
      return cat(args, host);
    case 'ls':
      return ls(args, host);
    case 'tmux':
      return tmux(args, host);
    case 'true':
      return ok('');
    case 'curl':
      return curl(args, host);
    case 'find':
      return find(args, host);
    case 'sha256sum':
    case 'sha1sum':
      return hashCommand(cmd, args, null, host);
    case 'stat':
      return stat(args, host);
    case 'date':
      return args[0] === '+%s' ? ok(`${Math.floor(host.trainer.clock() / 1000)}\n`) : fail('date: only +%s is simulated\n', 1);
    default:
      return fail(`bash: line 1: ${cmd}: command not found\n`, 127);
  }
}

/** Parsed `tail` arguments (`bytes` set by -c). */
function parseTail(args: string[]): { lines: number; bytes?: number; follow: boolean; path?: string } {
  let lines = 10;
  let bytes: number | undefined;
  let follow = false;
  let path: string | undefined;
  let opts = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (opts && a === '--') opts = false;
    else if (opts && a === '-n') lines = Number(args[++i]);
    else if (opts && /^-n\d+$/.test(a)) lines = Number(a.slice(2));
    else if (opts && a === '-c') bytes = Number(args[++i]);
    else if (opts && /^-c\d+$/.test(a)) bytes = Number(a.slice(2));
    else if (opts && (a === '-F' || a === '-f' || a.startsWith('--follow'))) follow = true;
    else if (opts && a === '--retry') continue;
    else path = a;
  }
  return { lines, bytes, follow, path };
}

/** A one-shot `tail -n N PATH` or `tail -c N PATH`. */
function tailOnce(args: string[], host: ShellHost): Result {
  const { lines, bytes, path } = parseTail(args);
  const t = host.trainer;
  if (path !== t.scenario.logPath) return fail(`tail: cannot open '${path ?? ''}' for reading: No such file or directory\n`, 1);
  t.tick();
  // tail -c counts bytes: slice the UTF-8 bytes (a cut tqdm block character decodes to U+FFFD, as a terminal shows).
  if (bytes !== undefined) return ok(bytes > 0 ? Buffer.from(t.log).subarray(-bytes).toString('utf8') : '');
  return ok(lastLines(t.log, Number.isFinite(lines) ? lines : 10));
}

/** Streams the log like `tail -n N -F PATH`, until the channel closes. */
function tailFollow(args: string[], host: ShellHost, io: CommandIO, prefix: Result): void {
  io.out(prefix.stdout);
  io.err(prefix.stderr);
  const t = host.trainer;
  const first = tailOnce(args, host);
  io.out(first.stdout);
  // tail -F keeps waiting for a missing file to appear, so a bad path only prints the error.
  io.err(first.stderr);
  if (first.code !== 0) return;
  const off = t.onAppend((s) => io.out(s));
  io.onClose(off);
}

/** `a | b | c`: each stage's stdout (bytes) is the next one's stdin; the last stage's exit status counts. */
function pipeline(words: string[], host: ShellHost): Result {
  const stages: string[][] = [[]];
  for (const w of words) w === '|' ? stages.push([]) : stages.at(-1)!.push(w);
  let input: Buffer | null = null;
  let stderr = '';
  let code = 0;
  for (const st of stages) {
    const r = pipeStage(st, input, host, (w) => simple(w, host));
    input = r.out;
    stderr += r.stderr;
    code = r.code;
  }
  return { stdout: (input ?? Buffer.alloc(0)).toString('utf8'), stderr, code };
}

/** Runs an exec request: simple commands joined by ; && ||, the last of which may be a streaming `tail -F`. */
export function runCommand(line: string, host: ShellHost, io: CommandIO): void {
  host.trainer.tick(); // status, GPU and disk answers all read the job as of now
  const tokens = tokenize(line);
  const acc: Result = { stdout: '', stderr: '', code: 0 };
  let words: string[] = [];
  let skip = false;
  const runWords = (): boolean => {
    if (words.length === 0 || skip) return false;
    if (words[0] === 'tail' && parseTail(words.slice(1)).follow) {
      tailFollow(words.slice(1), host, io, acc);
      return true;
    }
    const r = words.includes('|') ? pipeline(words, host) : words[0] === 'tail' ? tailOnce(words.slice(1), host) : simple(words, host);
    acc.stdout += r.stdout;
    acc.stderr += r.stderr;
    acc.code = r.code;
    return false;
  };
  for (const tok of tokens) {
    if (tok === ';' || tok === '&&' || tok === '||') {
      if (runWords()) return;
      words = [];
      skip = tok === '&&' ? acc.code !== 0 : tok === '||' ? acc.code === 0 : false;
    } else {
      words.push(tok);
    }
  }
  if (runWords()) return;
  io.out(acc.stdout);
  io.err(acc.stderr);
  io.exit(acc.code);
}
