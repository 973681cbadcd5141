/**
 * Interactive sessions on a simulated host, so `vastdeck attach` / `ssh -t` work against the demo: a tiny
 * line-editing shell (prompt, echo, backspace, ctrl+c, ctrl+d) that runs the same commands as exec requests,
 * and a stand-in for `tmux attach -t train` that shows the live training log under a tmux-like status bar and
 * returns on ctrl+b d (detach) or a typed `exit`. Real tmux behaviour is covered by the real-sshd tests.
 */
import type { ServerChannel } from 'ssh2';
import { runCommand, tokenize, type ShellHost } from './shell.js';
import { lastLines } from './trainer.js';

/** Terminal size from the pty request. */
export interface PtySize {
  cols: number;
  rows: number;
}

/** A pty turns \n into \r\n (onlcr); the simulated programs write plain \n. */
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const PROMPT = 'root@vastdeck-sim:/workspace# ';

/** True for the ways people (and attachCommand) open the training session. */
export function isTmuxAttach(line: string): boolean {
  const w = tokenize(line);
  if (w[0] !== 'tmux') return false;
  return ['attach', 'a', 'attach-session', 'new', 'new-session'].includes(w[1] ?? '');
}

/**
 * Serves one interactive channel: `command` set = an exec with a pty (ssh -t host CMD), else a login shell.
 * Resolves nothing; the channel is ended when the session ends.
 */
export function servePty(ch: ServerChannel, host: ShellHost, size: PtySize, command?: string): void {
  let open = true;
  let line = '';
  let cleanup: (() => void) | null = null;
  let mode: 'shell' | 'tmux' | 'busy' = 'shell';
  const write = (s: string) => open && s && ch.write(crlf(s));
  const finish = (code: number) => {
    if (!open) return;
    cleanup?.();
    open = false;
    ch.exit(code);
    ch.end();
  };
  ch.on('close', () => {
    open = false;
    cleanup?.();
  });
  ch.on('error', () => {});

  const afterCommand = (code: number) => {
    cleanup = null;
    if (command !== undefined) return finish(code);
    mode = 'shell';
    write(PROMPT);
  };

  const enterTmux = () => {
    mode = 'tmux';
    host.trainer.tick();
    const rows = Math.max(3, size.rows);
    // Scroll region above a reverse-video status bar, like tmux's default layout.
    ch.write(`\x1b[?1049h\x1b[H\x1b[2J\x1b[1;${rows - 1}r`);
    ch.write(`\x1b[${rows};1H\x1b[7m${'[train] 0:python*'.padEnd(Math.max(1, size.cols))}\x1b[0m\x1b[1;1H`);
    write(lastLines(host.trainer.log, rows - 1));
    const off = host.trainer.onAppend((s) => write(s));
    cleanup = off;
  };
  const leaveTmux = () => {
    cleanup?.();
    cleanup = null;
    ch.write('\x1b[r\x1b[?1049l');
    write('[detached (from session train)]\n');
    afterCommand(0);
  };

  const run = (text: string) => {
    const cmd = text.trim();
    if (!cmd) return afterCommand(0);
    if (cmd === 'exit' || cmd === 'logout') return finish(0);
    if (isTmuxAttach(cmd)) return enterTmux();
    mode = 'busy';
    runCommand(cmd, host, {
      out: write,
      err: write,
      exit: (code) => afterCommand(code),
      onClose: (f) => (cleanup = f),
    });
  };

  ch.on('data', (buf: Buffer) => {
    for (const c of buf.toString('utf8')) {
      if (!open) return;
      if (mode === 'tmux') {
        // ctrl+b d detaches; "exit" + enter ends the session view too.
        if (c === '\x02') line = '\x02';
        else if (line === '\x02' && c === 'd') (line = ''), leaveTmux();
        else if (c === '\r') line.trim() === 'exit' ? leaveTmux() : undefined, (line = '');
        else line = line === '\x02' ? c : line + c;
      } else if (mode === 'busy') {
        if (c === '\x03') {
          // ctrl+c ends a streaming command (tail -F) like SIGINT would.
          cleanup?.();
          write('^C\n');
          afterCommand(130);
        }
      } else if (c === '\r' || c === '\n') {
        write('\n');
        const text = line;
        line = '';
        run(text);
      } else if (c === '\x7f' || c === '\b') {
        if (line) (line = line.slice(0, -1)), ch.write('\b \b');
      } else if (c === '\x03') {
        line = '';
        write('^C\n' + PROMPT);
      } else if (c === '\x04') {
        if (!line) finish(0);
      } else if (c >= ' ') {
        line += c;
        ch.write(c);
      }
    }
  });

  if (command !== undefined) {
    // attachCommand sends "tmux attach -t train || tmux new -s train": the first that is a tmux open wins.
    return run(command);
  }
  write('Welcome to the vastdeck simulated GPU host. Type `tmux attach -t train` for the training session.\n' + PROMPT);
}
