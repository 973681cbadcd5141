// Fails with file:line for every source line longer than the limit (120 columns, biome.json's lineWidth). Biome's
// formatter wraps code but never comments or string literals, so this check covers what it leaves.
// Usage: node scripts/check-lines.mjs [--limit N] [file or folder …] (default: src test scripts bench).
//
// One narrow exception (docs/ENGINEERING.md, "Line length"): a line may run over when the overrun comes from one
// token that cannot be split without harm — a URL, a string, template or regex literal with no whitespace in it
// (an escape-sequence fixture, base64, a hash), or a test's title (`test('…', …`: the runner reports it and a
// search for it must find it whole). The line must fit once that token is counted as two columns.
// Width is counted in code points: the house style keeps wide characters out of code lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIMIT = 120;
export const DEFAULT_ROOTS = ['src', 'test', 'scripts', 'bench'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

const URL_TOKEN = /\bhttps?:\/\/[^\s'"`<>)\]]+/g;
// A quoted or template literal, or a regex literal, with no whitespace inside: one unbreakable token.
const UNBREAKABLE_LITERAL =
  /'(?:[^'\\\s]|\\\S)+'|"(?:[^"\\\s]|\\\S)+"|`(?:[^`\\\s$]|\\\S)+`|\/(?:[^/\\\s\n]|\\\S)+\/[dgimsuvy]*/g;

const width = (s) => [...s].length;

// The title literal of a test(…), it(…), describe(…) or suite(…) call (also .skip, .only, .todo) opening the line.
const TEST_TITLE =
  /^\s*(?:test|it|describe|suite)(?:\.\w+)?\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\$]|\\.)*`)[,)]/g;

/** Whether an over-long line is allowed by the one exception: a single unbreakable token carries the overrun. */
export function allowed(line, limit = LIMIT) {
  const w = width(line);
  for (const m of line.matchAll(TEST_TITLE)) if (w - width(m[1]) + 2 <= limit) return true;
  for (const re of [URL_TOKEN, UNBREAKABLE_LITERAL]) {
    for (const m of line.matchAll(re)) {
      if (w - width(m[0]) + 2 <= limit) return true;
    }
  }
  return false;
}

/** The over-long lines of one file's text: [{ line (1-based), width }]. */
export function longLines(text, limit = LIMIT) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.length <= limit) continue; // a code point never takes more than one UTF-16 unit less
    const w = width(line);
    if (w > limit && !allowed(line, limit)) out.push({ line: i + 1, width: w });
  }
  return out;
}

/** Every source file under the given files or folders (node_modules and dot-folders skipped). */
export function sourceFiles(roots) {
  const out = [];
  const visit = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(path.join(p, name));
      }
    } else if (SOURCE.test(p)) out.push(p);
  };
  for (const r of roots) visit(r);
  return out;
}

function main(argv) {
  let limit = LIMIT;
  const roots = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') limit = Number(argv[++i]);
    else roots.push(argv[i]);
  }
  if (!Number.isInteger(limit) || limit <= 0) {
    console.error('check-lines: --limit takes a positive whole number');
    return 2;
  }
  const files = sourceFiles(roots.length ? roots : DEFAULT_ROOTS);
  let count = 0;
  for (const file of files) {
    for (const { line, width: w } of longLines(readFileSync(file, 'utf8'), limit)) {
      console.log(`${file}:${line}: ${w} columns (limit ${limit})`);
      count++;
    }
  }
  if (count > 0) {
    console.error(`check-lines: ${count} line${count === 1 ? '' : 's'} over ${limit} columns in ${files.length} files`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
