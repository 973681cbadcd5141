/**
 * Handing the terminal to the system ssh and taking it back (lazydocker's "background refresh paused while a
 * subprocess owns the terminal"). Ink 6.8 reads stdin through a 'readable' listener in raw mode
 * (ink/build/components/App.js handleSetRawMode): its own setRawMode(false) removes that listener and leaves
 * cooked mode; stdin.pause() then stops Node reading the tty (the 'pause' handler in Node's stdin bootstrap calls
 * readStop once nothing listens), so every keystroke goes to ssh. Ink's frames are dropped while ssh runs (an
 * OutputGate), and the app is hidden (display none) so that, back on a fresh alternate screen, Ink's next frame
 * is drawn whole instead of as a diff against a screen that no longer exists.
 */
import type { AttachCommand } from '../../core/ssh/attach.js';

/** Enter the alternate screen, cursor home (ink#450: Ink 6 has no alternate-screen option). */
export const ENTER_ALT = '\x1b[?1049h\x1b[H';
/** Show the cursor and leave the alternate screen. */
export const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

/** A view of a stream whose writes can be suspended (dropped) while another program owns the terminal. */
export interface OutputGate {
  stream: NodeJS.WriteStream;
  suspend(): void;
  resume(): void;
  readonly suspended: boolean;
  /**
   * Runs `fn` once, in its own task, after the next write that reaches the terminal (the frame being drawn now),
   * or after `fallbackMs` when nothing is written.
   */
  afterNextWrite(fn: () => void, fallbackMs: number): void;
}

/** Wraps `stream` in a gate; everything but write() is the real stream. */
export function outputGate(stream: NodeJS.WriteStream): OutputGate {
  let off = false;
  let waiting: Array<() => void> = [];
  const write = (...args: unknown[]): boolean => {
    if (off) {
      const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }
    const ok = (stream.write as (...a: unknown[]) => boolean)(...args);
    if (waiting.length > 0) {
      const run = waiting;
      waiting = [];
      for (const fn of run) setImmediate(fn);
    }
    return ok;
  };
  const proxy = new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    stream: proxy,
    suspend: () => void (off = true),
    resume: () => void (off = false),
    get suspended() {
      return off;
    },
    afterNextWrite(fn, fallbackMs) {
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(once, fallbackMs);
      timer.unref?.();
      waiting.push(once);
    },
  };
}

/** Something polled in the background. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** What a hand-over needs. */
export interface HandoverDeps {
  /** The real terminal streams. */
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Ink's output gate. */
  gate: OutputGate;
  /** Ink's own raw-mode switch (useStdin().setRawMode), so its listener and ref count stay consistent. */
  setRawMode: (on: boolean) => void;
  /** Hides or shows the app (display none) — see the file comment. */
  setHidden: (hidden: boolean) => Promise<void>;
  /** Fleet store, health monitor: paused while ssh runs. */
  pausables: readonly Pausable[];
  /** Runs the command with the terminal inherited; resolves to its exit code (undefined: could not start). */
  spawn?: (cmd: AttachCommand) => Promise<{ code?: number; error?: string }>;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Default spawn: the system ssh with stdio inherited, no local shell. */
export async function spawnInherit(cmd: AttachCommand): Promise<{ code?: number; error?: string }> {
  const { execa } = await import('execa'); // loaded on first use, off the TUI's start-up path
  const r = await execa(cmd.file, cmd.args, { stdio: 'inherit', reject: false });
  if (r.failed && r.exitCode === undefined)
    return { error: `cannot run ssh: ${r.shortMessage ?? 'not found'} (install OpenSSH's client)` };
  return { code: r.exitCode };
}

/** Suspends the TUI, runs `cmd` in the terminal, and restores the TUI as it was. */
export async function handOver(d: HandoverDeps, cmd: AttachCommand): Promise<{ code?: number; error?: string }> {
  for (const p of d.pausables) p.pause();
  await d.setHidden(true); // Ink's last frame becomes empty (written before the gate closes: it only erases)
  d.gate.suspend();
  d.setRawMode(false);
  await tick(); // Node drops the 'readable' listener on the next tick; only then does pause() stop the reads
  d.stdin.pause();
  d.stdout.write(LEAVE_ALT);
  try {
    return await (d.spawn ?? spawnInherit)(cmd);
  } finally {
    d.stdout.write(ENTER_ALT);
    d.gate.resume();
    d.setRawMode(true);
    await d.setHidden(false); // a full frame on the fresh alternate screen
    for (const p of d.pausables) p.resume();
  }
}
