/**
 * The ONE way tests run the vastdeck CLI in a child process. runCli runs the current source bundled once per test
 * process (bundleCli(), esbuild, ~0.5 s; then ~0.2 s of CPU a start instead of tsx's ~1 s), or the shipped bundle
 * (`bin/vastdeck.js`, what a user runs; fresh under `npm test`, which builds first). Tests that manage the child
 * themselves use cliArgv(): `node --import tsx src/cli/entry.ts ARGS…` unless given a script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { testEnv } from '../../scripts/test-env.mjs';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** What a CLI run produced. */
export interface CliRun {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** How to run it. */
export interface RunCliOptions {
  /**
   * Variables over the environment (see `clean`; the user's VASTDECK_*, XDG_*, VAST_*, HF_* never pass); a value of
   * undefined removes the variable.
   */
  env?: NodeJS.ProcessEnv;
  /** Start from PATH alone instead of this process's environment. */
  clean?: boolean;
  /** Text on stdin (default: an empty, closed stdin); null: no stdin at all. */
  stdin?: string | null;
  /** The shipped bundle (bin/vastdeck.js) instead of the source through tsx. */
  bundle?: boolean;
  /** A JS file from bundleCli() to run instead. */
  script?: string;
  /** Sends SIGINT (as Ctrl-C) `afterMs` after start, or after `when(stderr so far)` first holds. */
  interrupt?: { afterMs: number; when?: (err: string) => boolean };
  /** Called once the child is spawned. */
  onSpawn?: (child: ChildProcess) => void;
}

/** The node arguments that start the CLI (for tests that manage the child themselves). */
export function cliArgv(o: Pick<RunCliOptions, 'bundle' | 'script'> = {}): string[] {
  if (o.script) return [o.script];
  return o.bundle
    ? [path.join(ROOT, 'bin', 'vastdeck.js')]
    : ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'entry.ts')];
}

/** An isolated home for a CLI run: HOME, state and config under `dir`, no API key or ssh-agent from the machine. */
export function homeEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    VASTDECK_STATE_DIR: undefined,
    VAST_API_KEY: '',
    SSH_AUTH_SOCK: undefined,
  };
}

let shared: Promise<string> | undefined;
/** The source bundled once for this test process (removed when it exits): what runCli runs by default. */
function sharedBundle(): Promise<string> {
  shared ??= bundleCli(undefined, `cli-shared-${process.pid}`).then((file) => {
    process.once('exit', () => rmSync(file, { force: true }));
    return file;
  });
  return shared;
}

/** Runs `vastdeck ARGS…` to completion (the source, bundled once per process, unless `bundle` or `script`). */
export async function runCli(args: string[], o: RunCliOptions = {}): Promise<CliRun> {
  const script = o.script ?? (o.bundle ? undefined : await sharedBundle());
  return runScript(args, { ...o, script });
}

function runScript(args: string[], o: RunCliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...(o.clean ? { PATH: process.env.PATH ?? '' } : testEnv(process.env)) };
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgv(o), ...args], {
      cwd: ROOT,
      env,
      stdio: [o.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    o.onSpawn?.(child);
    let out = '';
    let err = '';
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      setTimeout(() => child.kill('SIGINT'), o.interrupt!.afterMs);
    };
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => {
      err += d;
      if (o.interrupt?.when?.(err)) interrupt();
    });
    if (o.interrupt && !o.interrupt.when) interrupt();
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
    if (o.stdin !== null) child.stdin!.end(o.stdin ?? '');
  });
}

/** The test-only entry that runs the CLI with fault hooks installed (test/helpers/cli-hooks.ts). */
export const CLI_HOOKS_ENTRY = path.join(ROOT, 'test', 'helpers', 'cli-hooks.ts');

/**
 * Bundles src/cli/entry.ts (or another entry, e.g. CLI_HOOKS_ENTRY) once (esbuild, ~1 s) under
 * node_modules/.cache so ssh2 still resolves from the repo; run it with `runCli(args, { script })`. For tests
 * that start the CLI many times.
 */
export async function bundleCli(
  entry = path.join(ROOT, 'src', 'cli', 'entry.ts'),
  name = `${path.basename(entry, '.ts')}-${process.pid}`,
): Promise<string> {
  const out = path.join(ROOT, 'node_modules', '.cache', 'vastdeck-test', `${name}.mjs`);
  mkdirSync(path.dirname(out), { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['ssh2', 'cpu-features'],
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Ink imports react-devtools-core only in development; the bundle is production, so a stub is enough.
    plugins: [
      {
        name: 'no-devtools',
        setup(b) {
          b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
        },
      },
    ],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return out;
}
