// Rewraps `//` and JSDoc ` * ` comment lines longer than the limit (120), for the one-off pass that brings the tree
// under scripts/check-lines.mjs. Usage: node scripts/rewrap-comments.mjs [--limit N] [--check] [file or folder …]
// (default: src test scripts bench; --check writes nothing and exits 1 when a file would change).
//
// Safe by construction, and checked:
// - Comments are found by TypeScript's parser, never by pattern, so text inside strings, templates, regexes and
//   JSX is never touched. Only comments that stand alone on their lines are rewrapped; a comment after code on
//   the same line is left for a person.
// - A long line breaks at its last space that fits; the overflow moves onto the next comment line when that line
//   continues the same paragraph (same prefix and hanging indent, not blank, not a list item, tag or fence), else
//   onto a new line with the same prefix. Indentation, the `// ` or ` * ` prefix and a list item's hanging indent
//   are kept. A single-line `/** … */` that is too long becomes a block. Lines with no space to break at (a long
//   URL), directives (`// @ts-…`, `// biome-ignore …`), tables, fenced or indented code are left as they are.
// - Before writing, the file is parsed again: its tokens (everything but comments) must be identical, and its
//   comments must hold the same words in the same order; otherwise the file is left unchanged and reported.
// - Idempotent: a second run changes nothing (the tests run it twice on fixtures).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { rewriteMain } from './rewrite-main.mjs';
import { LIMIT } from './check-lines.mjs';

const width = (s) => [...s].length;

const DIRECTIVE = /^(@ts-|eslint|biome-ignore|prettier-ignore|istanbul|c8 |#region|#endregion|tslint|global |jshint)/;
const LIST_ITEM = /^([-*•+]|\d+[.)]) /;

/** A JSDoc node: the parser's view of a comment, skipped (the comment itself is found as trivia). */
const isJsDoc = (node) => node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode;

/** The children of a node that are code. */
const codeChildren = (node, sf) => node.getChildren(sf).filter((k) => !isJsDoc(k));

function scriptKind(file) {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(m|c)?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Every comment of the file, as [pos, end) ranges, found through the parser's tokens. */
function comments(sf) {
  const text = sf.getFullText();
  const seen = new Map();
  const add = (ranges) => {
    for (const r of ranges ?? []) seen.set(r.pos, r);
  };
  const visit = (node) => {
    const kids = codeChildren(node, sf);
    if (kids.length === 0) {
      // JSX text is not trivia: scanning it for comments would find `//` in what the user sees.
      if (node.kind !== ts.SyntaxKind.JsxText) {
        add(ts.getLeadingCommentRanges(text, node.pos));
        add(ts.getTrailingCommentRanges(text, node.end));
      }
      return;
    }
    for (const k of kids) visit(k);
  };
  visit(sf);
  return [...seen.values()].sort((a, b) => a.pos - b.pos);
}

/** Token kinds and texts, comments excluded: what must not change. */
function tokens(sf) {
  const out = [];
  const visit = (node) => {
    const kids = codeChildren(node, sf);
    if (kids.length === 0) out.push(`${node.kind}:${node.getText(sf)}`);
    else for (const k of kids) visit(k);
  };
  visit(sf);
  return out.join('\n');
}

function commentWords(sf) {
  const text = sf.getFullText();
  return comments(sf)
    .map((r) => text.slice(r.pos, r.end).replace(/^\/\/|^\/\*\*?|\*\/$|^\s*\*(?!\/)/gm, ' '))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

/**
 * Rewraps a run of comment lines that share one prefix (`    // ` or `   * `). `texts` are the lines without the
 * prefix; returns the new texts (same array when nothing was too long).
 */
export function rewrapTexts(prefix, texts, limit) {
  const room = limit - width(prefix);
  const out = [...texts];
  let fence = false;
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    if (/^\s*```/.test(t)) fence = !fence;
    if (fence || width(t) <= room || !wrappable(t)) continue;
    const hang = t.match(/^ */)[0];
    const body = t.slice(hang.length);
    const item = body.match(LIST_ITEM) ?? body.match(/^@\w+ /);
    const bodyStart = item ? item[0].length : 0;
    const cut = breakAt(body, room - hang.length, bodyStart);
    if (cut < 0) continue;
    out[i] = hang + body.slice(0, cut).trimEnd();
    const rest = body.slice(cut).trimStart();
    const nextHang = hang + (item ? ' '.repeat(item[0].length) : '');
    const next = out[i + 1];
    if (next !== undefined && continues(next, nextHang))
      out[i + 1] = `${nextHang}${rest} ${next.slice(nextHang.length)}`;
    else out.splice(i + 1, 0, nextHang + rest);
  }
  return out;
}

/** A line that may be broken: plain prose, not a directive, table row or code (4+ spaces of hanging indent). */
function wrappable(t) {
  return !/^ {4}/.test(t) && !DIRECTIVE.test(t) && !/^\s*\|/.test(t) && !/^\s*```/.test(t);
}

/** Whether `line` continues the paragraph whose overflow has hanging indent `hang`. */
function continues(line, hang) {
  if (!line.startsWith(hang) || line.length === hang.length) return false;
  const body = line.slice(hang.length);
  return !/^\s/.test(body) && !LIST_ITEM.test(body) && !body.startsWith('@') && wrappable(line);
}

/** The index of the last space in `body` (after `from`) where the head fits in `room`; -1 if there is none. */
function breakAt(body, room, from) {
  let best = -1;
  let w = 0;
  let i = 0;
  for (const ch of body) {
    if (w > room) break;
    if (ch === ' ' && i > from && w <= room) best = i;
    w++;
    i += ch.length;
  }
  // No space fits: break at the first space after `from` (a long URL goes to a line of its own), if any.
  if (best < 0) {
    const j = body.indexOf(' ', from + 1);
    if (j > 0 && j < body.length - 1) best = j;
  }
  return best;
}

/** The rewrapped text of one file, or the same string when nothing changes. */
export function rewrapSource(text, file = 'x.ts', limit = LIMIT) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const lines = text.split('\n');
  const starts = [0];
  for (let i = 0; i < lines.length - 1; i++) starts.push(starts[i] + lines[i].length + 1);
  const lineOf = (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Replacement lines by first line index: [count, newLines].
  const edits = new Map();
  const ranges = comments(sf);
  let k = 0;
  while (k < ranges.length) {
    const r = ranges[k];
    const line = lineOf(r.pos);
    const before = lines[line].slice(0, r.pos - starts[line]);
    if (!/^\s*$/.test(before)) {
      k++;
      continue; // after code on the same line: left alone
    }
    if (r.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
      // A run of standalone `// ` lines with the same indentation.
      const indent = before;
      const run = [];
      let j = k;
      while (j < ranges.length) {
        const q = ranges[j];
        const l = lineOf(q.pos);
        if (q.kind !== ts.SyntaxKind.SingleLineCommentTrivia || l !== line + run.length) break;
        if (lines[l].slice(0, q.pos - starts[l]) !== indent || q.end !== starts[l] + lines[l].replace(/\r$/, '').length)
          break;
        run.push(lines[l].slice(indent.length).replace(/\r$/, ''));
        j++;
      }
      k = j;
      // Only `// text` lines take part; a run is split at any other form (`//`, `///`, `//#`).
      let a = 0;
      while (a < run.length) {
        if (!/^\/\/ /.test(run[a])) {
          a++;
          continue;
        }
        let b = a;
        while (b < run.length && /^\/\/ /.test(run[b])) b++;
        const texts = run.slice(a, b).map((s) => s.slice(3));
        const prefix = `${indent}// `;
        const wrapped = rewrapTexts(prefix, texts, limit);
        if (wrapped.length !== texts.length || wrapped.some((s, n) => s !== texts[n])) {
          edits.set(line + a, [b - a, wrapped.map((s) => prefix + s)]);
        }
        a = b;
      }
      continue;
    }
    k++;
    // A /* */ or /** */ comment standing alone at its start.
    const endLine = lineOf(r.end - 1);
    const after = lines[endLine].slice(r.end - starts[endLine]);
    if (!/^\s*$/.test(after)) continue;
    const indent = before;
    if (endLine === line) {
      const one = lines[line].replace(/\r$/, '');
      const m = one.slice(indent.length).match(/^\/\*\* (.*\S) \*\/$/);
      if (!m || width(one) <= limit) continue;
      const prefix = `${indent} * `;
      const wrapped = rewrapTexts(prefix, [m[1]], limit);
      edits.set(line, [1, [`${indent}/**`, ...wrapped.map((s) => prefix + s), `${indent} */`]]);
      continue;
    }
    // Inner lines ` * text` of a block (the first and last lines are left as they are).
    let a = line + 1;
    while (a < endLine) {
      const starPrefix = (l) => {
        const s = lines[l].replace(/\r$/, '');
        return s.startsWith(`${indent} * `) ? `${indent} * ` : null;
      };
      if (!starPrefix(a)) {
        a++;
        continue;
      }
      let b = a;
      while (b < endLine && starPrefix(b)) b++;
      const prefix = `${indent} * `;
      const texts = lines.slice(a, b).map((s) => s.replace(/\r$/, '').slice(prefix.length));
      const wrapped = rewrapTexts(prefix, texts, limit);
      if (wrapped.length !== texts.length || wrapped.some((s, n) => s !== texts[n])) {
        edits.set(a, [b - a, wrapped.map((s) => prefix + s)]);
      }
      a = b;
    }
  }
  if (edits.size === 0) return text;
  const out = [];
  for (let i = 0; i < lines.length; ) {
    const e = edits.get(i);
    if (e) {
      out.push(...e[1]);
      i += e[0];
    } else out.push(lines[i++]);
  }
  const result = out.join('\n');
  const after = ts.createSourceFile(file, result, ts.ScriptTarget.Latest, true, scriptKind(file));
  if (tokens(after) !== tokens(sf)) throw new Error(`${file}: rewrapping would change code; left unchanged`);
  if (commentWords(after) !== commentWords(sf))
    throw new Error(`${file}: rewrapping would change comment words; left unchanged`);
  return result;
}

function main(argv) {
  return rewriteMain(argv, {
    name: 'rewrap-comments',
    transform: rewrapSource,
    would: 'comments would be rewrapped',
    checkVerb: 'to rewrap',
    doneVerb: 'rewrapped',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
