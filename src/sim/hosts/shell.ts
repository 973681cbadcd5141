/**
 * The simulated host's shell: parses an exec request the way a POSIX shell would split it (quotes,
 * `;`, `&&`, `||`) and answers the commands vastdeck sends to a GPU host and the ones the runbooks type at its
 * prompt (pwd, ls, cat, tail, ps, df, free, nvidia-smi with the instance's GPUs, tmux ls). Everything else is
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

/** The working directory of the simulated shell (Vast's images start in /workspace). */
export const WORKDIR = '/workspace';

function gpus(host: ShellHost): GpuInfo[] {
  return Array.from({ length: host.trainer.scenario.gpuCount }, (_, i) => gpu(host, i));
}

function gpu(host: ShellHost, index = 0): GpuInfo {
  const t = host.trainer;
  const sc = t.scenario;
  const busy = t.status === 'running' || t.status === 'stalled';
  return {
    index,
    name: sc.gpuName,
    uuid:
      index === 0
        ? 'GPU-5cea8753-abae-f3de-c396-89d69c4dc74a'
        : `GPU-5cea8753-abae-f3de-c396-89d69c4dc7${String(index).padStart(2, '0')}`,
    driverVersion: sc.driverVersion,
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

/** Plain `nvidia-smi`: the summary table, one block per GPU, and the training processes. */
function nvidiaSmiTable(gs: GpuInfo[], host: ShellHost): string {
  const line = '+-----------------------------------------------------------------------------------------+';
  const out = [
    line,
    `| NVIDIA-SMI ${gs[0]!.driverVersion}             Driver Version: ${gs[0]!.driverVersion}     CUDA ` +
      `Version: 13.0     |`,
    '|-----------------------------------------+------------------------+----------------------+',
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|=========================================+========================+======================|',
  ];
  for (const g of gs) {
    const name = g.name
      .replace(/^NVIDIA /, '')
      .slice(0, 20)
      .padEnd(20);
    out.push(
      `| ${String(g.index).padStart(3)}  ${name}           On | ` +
        `00000000:${(0x18 + g.index * 0x10).toString(16).toUpperCase().padStart(2, '0')}:00.0 Off ` +
        `|                    0 |`,
    );
    const pwr = `${Math.round(g.powerDrawW)}W / ${g.powerLimitW}W`.padStart(14);
    const mem = `${g.memoryUsedMiB}MiB / ${g.memoryTotalMiB}MiB`.padStart(22);
    out.push(
      `| N/A   ${String(g.temperature).padStart(2)}C    P0          ${pwr} | ${mem} | ` +
        `${String(g.utilGpu).padStart(7)}%      Default |`,
    );
    out.push('+-----------------------------------------+------------------------+----------------------+');
  }
  out.push(
    '',
    line,
    '| Processes:                                                                              |',
    '|  GPU   GI   CI              PID   Type   Process name                        GPU Memory |',
    '|=========================================================================================|',
  );
  const busy = host.trainer.status === 'running' || host.trainer.status === 'stalled';
  if (!busy) out.push('|  No running processes found                                                             |');
  else
    for (const g of gs)
      out.push(
        `|  ${String(g.index).padStart(4)}   N/A  N/A            ${String(4211 + g.index).padStart(5)}      ` +
          `C   python                              ${String(g.memoryUsedMiB).padStart(7)}MiB |`,
      );
  out.push(line);
  return out.join('\n') + '\n';
}

function nvidiaSmi(args: string[], host: ShellHost): Result {
  if (host.trainer.scenario.noCuda) {
    // nvidia-smi prints this on stdout and exits 9 when the driver is missing.
    const msg =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest " +
      'NVIDIA driver is installed and running.\n\n';
    return { stdout: msg, stderr: '', code: 9 };
  }
  const gs = gpus(host);
  if (args[0] === '-L') return ok(gs.map((g) => `GPU ${g.index}: ${g.name} (UUID: ${g.uuid})\n`).join(''));
  if (args.length === 0) return ok(nvidiaSmiTable(gs, host));
  let fields: string[] | undefined;
  let format = 'csv';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--query-gpu=')) fields = a.slice(12).split(',');
    else if (a === '--query-gpu') fields = (args[++i] ?? '').split(',');
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a === '--format') format = args[++i] ?? '';
  }
  if (!fields) return fail('nvidia-smi: only plain nvidia-smi, -L and --query-gpu are simulated\n', 127);
  return formatGpuQuery(gs, fields, format);
}

function free(args: string[], host: ShellHost): Result {
  const busy = host.trainer.status === 'running' || host.trainer.status === 'stalled';
  const total = 135148564480;
  const used = busy ? 24_318_640_128 : 508481536;
  const buffCache = busy ? 8_511_029_248 : 993251328;
  const mem = {
    total,
    used,
    free: total - used - buffCache,
    shared: 7544832,
    buffCache,
    available: total - used,
    swapTotal: 0,
    swapUsed: 0,
    swapFree: 0,
  };
  if (args.includes('-b')) return ok(formatFree(mem));
  // free -h (and plain free, in KiB) as people type it at the prompt.
  const human = args.includes('-h');
  const f = (b: number) =>
    human
      ? b >= 2 ** 30
        ? `${(b / 2 ** 30).toFixed(1)}Gi`
        : `${Math.round(b / 2 ** 20)}Mi`
      : String(Math.round(b / 1024));
  const row = (label: string, cells: number[]) => label.padEnd(8) + cells.map((c) => f(c).padStart(12)).join('');
  return ok(
    ' '.repeat(8) +
      ['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map((h) => h.padStart(12)).join('') +
      '\n' +
      row('Mem:', [mem.total, mem.used, mem.free, mem.shared, mem.buffCache, mem.available]) +
      '\n' +
      row('Swap:', [0, 0, 0]) +
      '\n',
  );
}

function df(args: string[], host: ShellHost): Result {
  const paths = args.filter((a) => !a.startsWith('-'));
  const size = 270553174016;
  const full = host.trainer.scenario.diskFull;
  // ext4 keeps ~5% for root; a full disk shows 0 available and 100%.
  const used = full ? size - 13_527_658_700 : 17286488064 + host.trainer.checkpoints.length * 45_000_000;
  const avail = full ? 0 : 68702449664 - host.trainer.checkpoints.length * 45_000_000;
  const lie = host.trainer.scenario.diskGb;
  if (lie !== undefined && !full) {
    // A host whose disk is not what was paid for: smaller than the offer said.
    const total = Math.round(lie * 1e9);
    const u = Math.min(17286488064, Math.round(total * 0.3));
    return ok(
      formatDf(
        (paths.length ? paths : ['/']).map(() => ({
          source: '/dev/vda',
          size: total,
          used: u,
          avail: total - u,
          target: '/',
        })),
      ),
    );
  }
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
  for (const typed of args.filter((a) => a !== '--')) {
    const p = abs(typed);
    const n = checkpointOf(p, host);
    const file = n !== undefined ? host.trainer.checkpointFiles(n)?.get(p.slice(p.lastIndexOf('/') + 1)) : undefined;
    if (p === host.trainer.scenario.logPath) stdout += host.trainer.log;
    else if (p === `${WORKDIR}/requirements.txt`)
      stdout += 'torch==2.5.1\ntransformers==4.46.3\naccelerate==1.1.1\ndatasets==3.1.0\n';
    else if (p === '/root/onstart.sh')
      stdout +=
        `#!/bin/bash\ncd ${WORKDIR}\ntmux new-session -d -s train "python train.py --output_dir ` +
        `${host.trainer.scenario.outputDir} 2>&1 | tee ${host.trainer.scenario.logPath}"\n`;
    else if (file && 'bytes' in file) stdout += file.bytes.toString('utf8');
    else if (n !== undefined && p.endsWith('/trainer_state.json')) stdout += host.trainer.trainerState(n);
    else return { stdout, stderr: `cat: ${typed}: No such file or directory\n`, code: 1 };
  }
  return ok(stdout);
}

/** `stat -c %Y [--] LOG`: the log's modification time in epoch seconds. */
function stat(args: string[], host: ShellHost): Result {
  const paths = args.filter((a, i) => a !== '--' && a !== '-c' && args[i - 1] !== '-c');
  const fmt = args[args.indexOf('-c') + 1];
  if (fmt !== '%Y' || paths.length !== 1) return fail('stat: only -c %Y on one file is simulated\n', 1);
  if (paths[0] !== host.trainer.scenario.logPath)
    return fail(`stat: cannot statx '${paths[0]}': No such file or directory\n`, 1);
  host.trainer.tick();
  return ok(`${Math.floor(host.trainer.logMtime() / 1000)}\n`);
}

/** An absolute path for `p` as typed at the /workspace prompt. */
function abs(p: string): string {
  const full = p.startsWith('/') ? p : `${WORKDIR}/${p}`;
  const parts: string[] = [];
  for (const seg of full.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** What the simulated file system holds outside the run's output dir. */
function dirEntries(p: string, host: ShellHost): string[] | undefined {
  const sc = host.trainer.scenario;
  const files = new Map<string, Set<string>>();
  const add = (file: string) => {
    const parts = file.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      if (!files.has(dir)) files.set(dir, new Set());
      files.get(dir)!.add(parts[i]!);
    }
  };
  for (const f of [
    sc.logPath,
    `${WORKDIR}/train.py`,
    `${WORKDIR}/requirements.txt`,
    `${sc.outputDir}/.keep`,
    '/root/.bashrc',
    '/root/onstart.sh',
    '/opt/conda/bin/python',
  ])
    add(f);
  const got = files.get(p === '/' ? '/' : p);
  return got ? [...got].filter((e) => !e.startsWith('.')).sort() : undefined;
}

function ls(args: string[], host: ShellHost): Result {
  const paths = args.filter((a) => !a.startsWith('-'));
  const p = abs((paths[0] ?? WORKDIR).replace(/\/+$/, '') || '/');
  const t = host.trainer;
  if (p === abs(t.scenario.outputDir)) {
    return ok(
      t.checkpoints
        .map((n) => `checkpoint-${n}`)
        .sort()
        .map((s) => s + '\n')
        .join(''),
    );
  }
  const n = checkpointOf(p, host);
  if (n !== undefined && /\/checkpoint-\d+$/.test(p))
    return ok(
      [...t.checkpointFiles(n)!.keys()]
        .sort()
        .map((f) => f + '\n')
        .join(''),
    );
  const entries = dirEntries(p, host);
  if (entries) return ok(entries.map((e) => e + '\n').join(''));
  if (p === abs(t.scenario.logPath)) return ok(`${paths[0]}\n`);
  return fail(`ls: cannot access '${paths[0] ?? p}': No such file or directory\n`, 2);
}

/** `ps` / `ps aux`: the shell, tmux and the training process (while it runs). */
function ps(args: string[], host: ShellHost): Result {
  const busy = host.trainer.status === 'running' || host.trainer.status === 'stalled';
  const long = args.some((a) => /a|u|x|-e|-ef/.test(a));
  if (!long) {
    const rows = ['    PID TTY          TIME CMD', '    201 pts/0    00:00:00 bash', '    388 pts/0    00:00:00 ps'];
    return ok(rows.join('\n') + '\n');
  }
  const rows = [
    'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    'root           1  0.0  0.0   4364  3200 ?        Ss   10:02   0:00 /bin/bash /root/onstart.sh',
    'root          57  0.0  0.0  10632  4408 ?        Ss   10:02   0:00 tmux new-session -d -s train',
    ...(busy
      ? [
          `root        4211 ${host.trainer.status === 'stalled' ? ' 0.3' : '98.7'}  4.1 31544112 5532840 pts/1 ` +
            `Rl+ 10:02 ${host.trainer.status === 'stalled' ? '  2:11' : '812:44'} python ${WORKDIR}/train.py ` +
            `--output_dir ${host.trainer.scenario.outputDir}`,
        ]
      : []),
    'root         201  0.0  0.0   5048  4096 pts/0    Ss   10:40   0:00 bash',
    'root         388  0.0  0.0   7064  1588 pts/0    R+   10:41   0:00 ps aux',
  ];
  return ok(rows.join('\n') + '\n');
}

function tmux(args: string[], host: ShellHost): Result {
  if (args[0] === 'ls' || args[0] === 'list-sessions') {
    return host.trainer.scenario.tmuxSession
      ? ok('train: 1 windows (created Tue Dec  1 10:02:11 2026)\n')
      : fail('no server running on /tmp/tmux-0/default\n', 1);
  }
  if (args[0] !== 'has-session') return fail('tmux: only ls, has-session and attach are simulated\n', 1);
  const ti = args.indexOf('-t');
  const name = ti >= 0 ? args[ti + 1] : undefined;
  if (name === 'train' && host.trainer.scenario.tmuxSession) return ok('');
  return fail(`can't find session: ${name ?? ''}\n`, 1);
}

/**
 * `python3 -c SCRIPT`: only vastdeck's CUDA smoke test (src/core/ops/postboot.ts) is simulated. It prints
 * `vastdeck-cuda: ok N` on a good host; a host without a driver or with a failing GPU dies like torch does.
 */
function python(args: string[], host: ShellHost): Result {
  if (args[0] !== '-c' || !(args[1] ?? '').includes('vastdeck-cuda'))
    return fail("python3: the simulator only runs vastdeck's CUDA smoke test\n", 2);
  const sc = host.trainer.scenario;
  const trace = 'Traceback (most recent call last):\n  File "<string>", line 8, in <module>\n';
  if (sc.noCuda)
    return fail(
      `${trace}RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU ` +
        `and installed a driver from http://www.nvidia.com/Download/index.aspx\n`,
      1,
    );
  if (sc.cudaFails)
    return fail(
      `${trace}torch.AcceleratorError: CUDA error: unspecified launch failure\nCUDA kernel errors might be ` +
        `asynchronously reported at some other API call, so the stacktrace below might be incorrect.\n`,
      1,
    );
  return ok(`vastdeck-cuda: ok ${sc.gpuCount}\n`);
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
    case 'pwd':
      return ok(`${WORKDIR}\n`);
    case 'cd': {
      const to = abs(args[0] ?? '/root');
      return dirEntries(to, host) || to === abs(host.trainer.scenario.outputDir)
        ? ok('')
        : fail(`bash: cd: ${args[0]}: No such file or directory\n`, 1);
    }
    case 'ps':
      return ps(args, host);
    case 'whoami':
      return ok('root\n');
    case 'hostname':
      return ok('vastdeck-sim\n');
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
    case 'python3':
    case 'python':
      return python(args, host);
    case 'date':
      return args[0] === '+%s'
        ? ok(`${Math.floor(host.trainer.clock() / 1000)}\n`)
        : fail('date: only +%s is simulated\n', 1);
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
  if (path === undefined || abs(path) !== t.scenario.logPath)
    return fail(`tail: cannot open '${path ?? ''}' for reading: No such file or directory\n`, 1);
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
    const r = words.includes('|')
      ? pipeline(words, host)
      : words[0] === 'tail'
        ? tailOnce(words.slice(1), host)
        : simple(words, host);
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
