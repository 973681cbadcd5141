// The first frame painted before React and Ink load (src/ui/first-frame.ts): the title bar only, one line, cursor
// back home; not painted when Ink would truncate it; and, through the bundle in a real pty, the same cells (text,
// colour, weight) as the title bar of Ink's first frame, which follows it without re-entering the alternate screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { firstFrameText } from '../../src/ui/first-frame.js';
import { DARK, MONO } from '../../src/ui/theme.js';
import { cliArgv, homeEnv } from '../helpers/run-cli.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

test('the first frame is the title bar alone, at the top of the alternate screen, cursor hidden and back home', () => {
  const text = firstFrameText({ theme: DARK, readOnly: false, demo: true, columns: 120 })!;
  assert.ok(text.startsWith(`${ENTER_ALT}\x1b[?25l`));
  assert.ok(text.endsWith('\x1b[H'));
  assert.ok(!/[\r\n]/.test(text), 'one line');
  assert.equal(plain(text), 'vastdeck DEMO  fleet all  sort id↑  0 instances');
  const ro = firstFrameText({ theme: MONO, readOnly: true, demo: false, columns: 80 })!;
  assert.equal(plain(ro), 'vastdeck READ-ONLY  fleet all  sort id↑  0 instances');
});

test('no first frame when the title bar is wider than the terminal (Ink truncates it)', () => {
  const width = 'vastdeck DEMO  fleet all  sort id↑  0 instances'.length;
  assert.equal(firstFrameText({ theme: DARK, readOnly: false, demo: true, columns: width - 1 }), null);
  assert.notEqual(firstFrameText({ theme: DARK, readOnly: false, demo: true, columns: width }), null);
});

/** The bundled `--demo` in a cols×rows pty until Ink's first frame has ended; then `q`. Raw output. */
async function startUp(cols: number, rows: number): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-first-frame-'));
  try {
    const child = spawn(
      'python3',
      ['bench/tui-pty.py', String(cols), String(rows), process.execPath, ...cliArgv({ bundle: true }), '--demo'],
      {
        env: { ...process.env, ...homeEnv(dir), FORCE_COLOR: '3', TERM: 'xterm-256color', CI: 'false' },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    const ended = new Promise<void>((resolve) =>
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('utf8');
        if (out.includes('\x1b[?2026l')) resolve();
      }),
    );
    const exited = new Promise((r) => child.on('exit', r));
    await Promise.race([ended, exited]);
    child.stdin.write('q');
    await exited;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each character with the SGR styles in effect on it. */
const cells = (s: string) =>
  styledCharsFromTokens(tokenize(s)).map(
    (c) =>
      `${c.value}[${c.styles
        .map((x) => x.code)
        .sort()
        .join('')}]`,
  );

test("bundled --demo at 120×40: the first frame is the title bar of Ink's first frame, cell for cell", async () => {
  const out = await startUp(120, 40);
  assert.equal(out.split('\x1b[?1049h').length, 2, 'the alternate screen is entered once');
  const inkStart = out.indexOf('\x1b[?2026h');
  assert.ok(inkStart > 0, "Ink's first frame");
  const first = out.slice(0, inkStart);
  assert.ok(first.startsWith(`${ENTER_ALT}\x1b[?25l`) && first.endsWith('\x1b[H'), JSON.stringify(first));
  const painted = first.slice(`${ENTER_ALT}\x1b[?25l`.length, -'\x1b[H'.length);
  const inkHeader = out
    .slice(inkStart)
    .replace(/^(\x1b\[\?2026h|\x1b\[\?25l)+/, '')
    .split('\r\n')[0]!;
  assert.match(painted, /\x1b\[96m/, 'coloured as Ink colours it');
  assert.deepEqual(cells(painted), cells(inkHeader));
});

test('bundled --demo at 30 columns: no first frame, Ink draws (and truncates) the title bar', async () => {
  const out = await startUp(30, 12);
  assert.ok(out.startsWith(`${ENTER_ALT}\x1b[?2026h`), JSON.stringify(out.slice(0, 40)));
});
