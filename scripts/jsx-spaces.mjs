// Keeps runs of spaces in JSX text from being lost to the formatter. In Ink, `<Text>  filter </Text>` draws two
// spaces before "filter"; Biome's formatter (like Prettier's) treats JSX text as HTML-like prose and collapses the
// run to one space, which shifts what the terminal shows. This rewrites such text as a string expression, which
// the formatter leaves alone and which React receives as the very same child: `<Text>{'  filter '}</Text>`.
// Usage: node scripts/jsx-spaces.mjs [--check] [file or folder …] (default: src test scripts bench).
// --check writes nothing and fails with file:line for each such text: `npm run lint` runs it, `npm run fix` runs it
// before formatting. Text with an HTML entity (&amp; …) is reported for a person instead (its decoding is JSX's).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DEFAULT_ROOTS, sourceFiles } from './check-lines.mjs';

/** The string React receives for a JSX text (the JSX spec's whitespace rules, as Babel and TypeScript apply them). */
export function cookJsxText(text) {
  const lines = text.split(/\r\n|\n|\r/);
  let lastNonEmpty = 0; // as Babel and TypeScript start it
  lines.forEach((l, i) => {
    if (/[^ \t]/.test(l)) lastNonEmpty = i;
  });
  let out = '';
  lines.forEach((line, i) => {
    let t = line.replace(/\t/g, ' ');
    if (i !== 0) t = t.replace(/^ +/, '');
    if (i !== lines.length - 1) t = t.replace(/ +$/, '');
    if (t) out += i === lastNonEmpty ? t : `${t} `;
  });
  return out;
}

/** The file's text with JSX texts holding a run of spaces rewritten as string expressions, and what needs a person. */
export function protectJsxSpaces(text, file = 'x.tsx') {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const edits = [];
  const manual = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.JsxText && !node.containsOnlyTriviaWhiteSpaces) {
      const raw = text.slice(node.pos, node.end);
      const cooked = cookJsxText(raw);
      if (/ {2}/.test(cooked)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        if (raw.includes('&')) manual.push(line);
        else edits.push({ pos: node.pos, end: node.end, line, text: `{'${cooked.replace(/[\\']/g, '\\$&')}'}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let out = text;
  for (const e of [...edits].reverse()) out = out.slice(0, e.pos) + e.text + out.slice(e.end);
  if (edits.length > 0) {
    const after = ts.createSourceFile(file, out, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    if (after.parseDiagnostics.length > 0) throw new Error(`${file}: rewriting JSX text would not parse`);
  }
  return { text: out, lines: edits.map((e) => e.line), manual };
}

function main(argv) {
  const check = argv.includes('--check');
  const roots = argv.filter((a) => a !== '--check');
  let found = 0;
  let manual = 0;
  for (const file of sourceFiles(roots.length ? roots : DEFAULT_ROOTS)) {
    if (!/\.(tsx|jsx)$/.test(file)) continue;
    const src = readFileSync(file, 'utf8');
    const r = protectJsxSpaces(src, file);
    for (const line of r.manual) console.log(`${file}:${line}: JSX text with a run of spaces and an entity`);
    manual += r.manual.length;
    if (r.lines.length === 0) continue;
    found += r.lines.length;
    if (check) for (const line of r.lines) console.log(`${file}:${line}: a run of spaces in JSX text (write {'…'})`);
    else writeFileSync(file, r.text);
  }
  if (check && found + manual > 0) {
    console.error(`jsx-spaces: ${found + manual} JSX text(s) whose spaces the formatter would collapse`);
    return 1;
  }
  if (!check && found > 0) console.error(`jsx-spaces: ${found} JSX text(s) rewritten as string expressions`);
  return manual > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
