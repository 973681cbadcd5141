#!/usr/bin/env node
// Regenerates the README screenshots from real captures of the demo: runs `vastdeck --demo` (the built bundle)
// in tmux at 200×50 and 80×24, drives it with send-keys, captures each view with `tmux capture-pane -e -p`
// (text with its colours) and converts the capture to SVG. Usage: npm run build && node scripts/screenshots.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outDir = path.join(root, 'docs', 'screenshots');
// A tmux server per session: a new session on a socket whose server is still shutting down fails with
// "server exited unexpectedly".
let socket = `vd-shots-${process.pid}-0`;
let sessions = 0;
const state = mkdtempSync(path.join(os.tmpdir(), 'vd-shots-'));
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(text, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (tmux('capture-pane', '-p').includes(text)) return;
    await sleep(100);
  }
  throw new Error(`screenshots: "${text}" never showed:\n${tmux('capture-pane', '-p')}`);
}

async function keys(...ks) {
  for (const k of ks) {
    tmux('send-keys', k);
    await sleep(250);
  }
}

// ---- ANSI (SGR) → SVG ----
const BASE = ['#1e1e1e', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5'];
const BRIGHT = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
const FG = '#d4d4d4';
const BG = '#1e1e1e';

function color256(n) {
  if (n < 8) return BASE[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const v = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return `rgb(${v[Math.floor(i / 36)]},${v[Math.floor(i / 6) % 6]},${v[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

/** Splits a captured line into cells with their style. */
function parseLine(line) {
  const cells = [];
  let st = { fg: null, bg: null, bold: false, inverse: false };
  const re = /\x1b\[([0-9;:]*)m|([^\x1b])/gu;
  for (const m of line.matchAll(re)) {
    if (m[2] !== undefined) {
      cells.push({ ch: m[2], ...st });
      continue;
    }
    const ps = (m[1] || '0').split(/[;:]/).map(Number);
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      if (p === 0) st = { fg: null, bg: null, bold: false, inverse: false };
      else if (p === 1) st = { ...st, bold: true };
      else if (p === 22) st = { ...st, bold: false };
      else if (p === 7) st = { ...st, inverse: true };
      else if (p === 27) st = { ...st, inverse: false };
      else if (p >= 30 && p <= 37) st = { ...st, fg: BASE[p - 30] };
      else if (p >= 90 && p <= 97) st = { ...st, fg: BRIGHT[p - 90] };
      else if (p >= 40 && p <= 47) st = { ...st, bg: BASE[p - 40] };
      else if (p >= 100 && p <= 107) st = { ...st, bg: BRIGHT[p - 100] };
      else if (p === 39) st = { ...st, fg: null };
      else if (p === 49) st = { ...st, bg: null };
      else if ((p === 38 || p === 48) && ps[i + 1] === 5) {
        st = { ...st, [p === 38 ? 'fg' : 'bg']: color256(ps[i + 2]) };
        i += 2;
      } else if ((p === 38 || p === 48) && ps[i + 1] === 2) {
        st = { ...st, [p === 38 ? 'fg' : 'bg']: `rgb(${ps[i + 2]},${ps[i + 3]},${ps[i + 4]})` };
        i += 4;
      }
    }
  }
  return cells;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function toSvg(capture, cols, rows) {
  const cw = 8.4;
  const lh = 17;
  const parts = [];
  capture
    .split('\n')
    .slice(0, rows)
    .forEach((line, y) => {
      const cells = parseLine(line);
      let x = 0;
      // Runs of cells with the same style become one rect + one text element.
      for (let i = 0; i < cells.length; ) {
        const c = cells[i];
        let j = i;
        let text = '';
        while (
          j < cells.length &&
          cells[j].fg === c.fg &&
          cells[j].bg === c.bg &&
          cells[j].bold === c.bold &&
          cells[j].inverse === c.inverse
        )
          text += cells[j++].ch;
        const fg = c.inverse ? (c.bg ?? BG) : (c.fg ?? FG);
        const bg = c.inverse ? (c.fg ?? FG) : c.bg;
        const px = (x * cw).toFixed(1);
        if (bg)
          parts.push(
            `<rect x="${px}" y="${y * lh}" width="${(text.length * cw).toFixed(1)}" height="${lh}" fill="${bg}"/>`,
          );
        if (text.trim())
          parts.push(
            `<text x="${px}" y="${y * lh + 13}" fill="${fg}"${c.bold ? ' font-weight="bold"' : ''}>${esc(text)}</text>`,
          );
        x += text.length;
        i = j;
      }
    });
  const w = Math.ceil(cols * cw);
  const h = rows * lh;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">\n<rect ` +
    `width="100%" height="100%" fill="${BG}"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

async function shoot(name, cols, rows) {
  const capture = tmux('capture-pane', '-e', '-p');
  writeFileSync(path.join(outDir, `${name}.svg`), toSvg(capture, cols, rows));
  console.log(`docs/screenshots/${name}.svg`);
}

async function session(cols, rows, run) {
  socket = `vd-shots-${process.pid}-${++sessions}`;
  tmux(
    'new-session',
    '-d',
    '-x',
    String(cols),
    '-y',
    String(rows),
    `env VASTDECK_STATE_DIR=${state} TERM=xterm-256color node ${path.join(root, 'bin', 'vastdeck.js')} --demo`,
  );
  try {
    await waitFor('9100001');
    await sleep(4000); // the health monitor's first pass (steps, health words)
    await run();
  } finally {
    try {
      tmux('kill-server');
    } catch {
      /* already gone */
    }
  }
}

mkdirSync(outDir, { recursive: true });
try {
  await session(200, 50, async () => {
    await keys('j', 'j', 'Enter');
    await sleep(500);
    await shoot('fleet-detail', 200, 50);
    await keys('Enter', 'l');
    await sleep(2500);
    await shoot('fleet-log', 200, 50);
    await keys('l', '$');
    await waitFor('SPEND PER INSTANCE');
    await sleep(2000);
    await shoot('cost', 200, 50);
    await keys('Escape', 'o');
    await waitFor('searched');
    await shoot('offers', 200, 50);
  });
  await session(80, 24, async () => {
    await shoot('fleet-80x24', 80, 24);
  });
} finally {
  rmSync(state, { recursive: true, force: true });
}
