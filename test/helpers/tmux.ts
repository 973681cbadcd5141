/**
 * Real-tmux end-to-end helpers: one tmux server per test file on its own socket (`tmux -L`), so parallel e2e
 * files never collide; screens are read with capture-pane and keys sent with send-keys.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { skipOutsideCi } from './require-tool.js';
import { ROOT } from './run-cli.js';

/** Why a real-tmux test on the bundle cannot run here, or false (under CI: always false, so a missing tool fails). */
export function tmuxSkip(): string | false {
  return skipOutsideCi((!hasTmux && 'tmux not installed') || (!hasBundle && 'dist/ not built (npm run build)'));
}
/** tmux is installed. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
/** dist/ is built (the e2e tests run the bundle, like a user). */
export const hasBundle = existsSync(path.join(ROOT, 'dist', 'vastdeck.js'));

/** A tmux server on socket `sock` with one session `name`. */
export function tmuxSession(sock: string, name: string) {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
  const capture = () => tmux('capture-pane', '-p', '-t', name);
  return {
    /** Starts `cmd` (a shell line, run from the repo root) in a cols×rows window (200×50 by default). */
    start: (cmd: string, cols = 200, rows = 50) =>
      tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), '-c', ROOT, cmd),
    capture,
    send: (...keys: string[]) => tmux('send-keys', '-t', name, ...keys),
    /** Polls the screen until `pred` holds; throws with the last screen otherwise, or at once when `failIf` holds. */
    async waitFor(
      pred: (screen: string) => boolean,
      what: string,
      ms = 20_000,
      failIf?: (screen: string) => boolean,
    ): Promise<string> {
      const end = Date.now() + ms;
      let screen = '';
      while (Date.now() < end) {
        screen = capture();
        if (pred(screen)) return screen;
        if (failIf?.(screen)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
    },
    kill: () => spawnSync('tmux', ['-L', sock, 'kill-server']),
  };
}
