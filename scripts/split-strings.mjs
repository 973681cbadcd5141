// Splits string and template literals on lines over the limit (120) into a concatenation of pieces, so that the
// formatter can break the line: `f('a long message …')` becomes `f('a long ' + 'message …')`, which
// `biome format` then lays out one piece a line. For the one-off pass that brings the tree under
// scripts/check-lines.mjs (npm run fix). Usage: node scripts/split-strings.mjs [--limit N] [--check] [paths …].
//
// Safe by construction, and checked:
// - Literals are found by TypeScript's parser. Only a literal that starts and ends on the long line is split, and
//   only where a `+` of two strings means the same: never an import path, a type, a property name, a JSX attribute
//   string, a tagged template or a directive. Parentheses are added unless the literal already stands where a
//   `+` expression needs none (an argument, an initializer, a return value …); the formatter drops any it does
//   not need.
// - A literal breaks only after a space that is not escaped and not inside `${…}`, so the pieces joined are the
//   literal's text, character for character (checked for every split), and each piece is a literal of the same
//   quote. The file must parse without errors afterwards, or it is left unchanged and reported.
// - Regex literals and lines with nothing to split are left for a person; check-lines lists them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { rewriteMain } from './rewrite-main.mjs';
import { LIMIT, allowed } from './check-lines.mjs';

const K = ts.SyntaxKind;
const TEST_CALL = /^(test|it|describe|suite)(\.\w+)?$/;
const width = (s) => [...s].length;

function scriptKind(file) {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.(m|c)?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Whether a `+` of strings may stand in for this literal where it is. */
function splittable(node) {
  const p = node.parent;
  if (!p) return false;
  switch (p.kind) {
    case K.ImportDeclaration:
    case K.ExportDeclaration:
    case K.ExternalModuleReference:
    case K.ImportType:
    case K.LiteralType:
    case K.ModuleDeclaration:
    case K.JsxAttribute:
    case K.TaggedTemplateExpression:
    case K.ExpressionStatement:
    case K.ImportAttribute:
      return false;
    case K.PropertyAssignment:
    case K.PropertyDeclaration:
    case K.PropertySignature:
    case K.MethodDeclaration:
    case K.EnumMember:
      return p.name !== node;
    case K.CallExpression:
      // require('x') and import('x') name modules; a test's title is its name (check-lines allows it whole).
      return !(
        p.expression.kind === K.ImportKeyword ||
        (ts.isIdentifier(p.expression) && p.expression.text === 'require') ||
        (p.arguments[0] === node && TEST_CALL.test(p.expression.getText()))
      );
    default:
      return true;
  }
}

/** Whether `a + b` can replace the literal without parentheses. */
function bareOk(node) {
  const p = node.parent;
  switch (p.kind) {
    case K.CallExpression:
    case K.NewExpression:
      return p.expression !== node;
    case K.VariableDeclaration:
    case K.PropertyAssignment:
    case K.PropertyDeclaration:
    case K.Parameter:
    case K.ReturnStatement:
    case K.ThrowStatement:
    case K.ArrayLiteralExpression:
    case K.JsxExpression:
    case K.ParenthesizedExpression:
    case K.TemplateSpan:
    case K.SpreadElement:
    case K.ArrowFunction:
      return true;
    case K.ConditionalExpression:
      return p.condition !== node;
    case K.BinaryExpression: {
      const op = p.operatorToken.kind;
      if (op === K.PlusToken) return p.left === node;
      // Operators that bind more loosely than +.
      return [
        K.EqualsToken,
        K.PlusEqualsToken,
        K.QuestionQuestionToken,
        K.BarBarToken,
        K.AmpersandAmpersandToken,
        K.CommaToken,
        K.EqualsEqualsEqualsToken,
        K.ExclamationEqualsEqualsToken,
        K.EqualsEqualsToken,
        K.ExclamationEqualsToken,
        K.LessThanToken,
        K.GreaterThanToken,
        K.LessThanEqualsToken,
        K.GreaterThanEqualsToken,
      ].includes(op);
    }
    default:
      return false;
  }
}

/** Index just after the `}` that closes a `${` whose body starts at `i`; -1 when it cannot tell. */
function skipExpr(raw, i) {
  let depth = 1;
  while (i < raw.length) {
    const c = raw[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < raw.length && raw[i] !== c) i += raw[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      i = skipTemplate(raw, i + 1);
      if (i < 0) return -1;
    } else {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i + 1;
      i++;
    }
  }
  return -1;
}

/** Index just after the backtick that closes a template whose body starts at `i`; -1 when it cannot tell. */
function skipTemplate(raw, i) {
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && raw[i + 1] === '{') {
      i = skipExpr(raw, i + 2);
      if (i < 0) return -1;
    } else i++;
  }
  return -1;
}

/**
 * Break points in a literal's source text `raw` (quotes included): indexes just after a space that is not escaped
 * and, in a template, not inside `${…}` (nested strings and templates skipped whole).
 */
function breakPoints(raw, template) {
  const out = [];
  for (let i = 1; i < raw.length - 1; ) {
    const c = raw[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (template && c === '$' && raw[i + 1] === '{') {
      i = skipExpr(raw, i + 2);
      if (i < 0) return [];
      continue;
    }
    if (c === ' ' && raw[i + 1] !== ' ' && i + 1 < raw.length - 1) out.push(i + 1);
    i++;
  }
  return out;
}

/** The literal's source text split into pieces of at most `room` columns (greedy), each re-quoted. */
export function splitLiteral(raw, room) {
  const q = raw[0];
  const points = breakPoints(raw, q === '`');
  if (points.length === 0) return null;
  const cuts = [];
  let start = 1;
  let last = -1;
  for (const p of points) {
    if (width(raw.slice(start, p)) + 2 > room && last > start) {
      cuts.push(last);
      start = last;
    }
    last = p;
  }
  if (width(raw.slice(start, raw.length - 1)) + 2 > room && last > start) cuts.push(last);
  // The literal fits alone but its line does not (the formatter keeps a literal where it starts): two halves.
  if (cuts.length === 0)
    cuts.push(points.reduce((a, b) => (Math.abs(b - raw.length / 2) < Math.abs(a - raw.length / 2) ? b : a)));
  const bodies = [];
  let from = 1;
  for (const c of [...cuts, raw.length - 1]) {
    bodies.push(raw.slice(from, c));
    from = c;
  }
  if (bodies.join('') !== raw.slice(1, -1)) throw new Error('split-strings: pieces do not join to the literal');
  return bodies.map((b) => q + b + q);
}

/** The file's text with literals on over-long lines split, or the same string. */
export function splitSource(text, file = 'x.ts', limit = LIMIT) {
  const lines = text.split('\n');
  const long = new Set();
  lines.forEach((l, i) => {
    if (width(l) > limit && !allowed(l, limit)) long.add(i);
  });
  if (long.size === 0) return text;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const best = new Map(); // line → node
  const visit = (node) => {
    if (
      node.kind === K.StringLiteral ||
      node.kind === K.NoSubstitutionTemplateLiteral ||
      node.kind === K.TemplateExpression
    ) {
      const start = node.getStart(sf);
      const a = sf.getLineAndCharacterOfPosition(start).line;
      const b = sf.getLineAndCharacterOfPosition(node.end).line;
      if (a === b && long.has(a) && splittable(node)) {
        const cur = best.get(a);
        if (!cur || node.end - start > cur.end - cur.getStart(sf)) best.set(a, node);
      }
      if (node.kind === K.TemplateExpression) return; // literals inside ${…} are not split
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const edits = [];
  for (const [line, node] of best) {
    const start = node.getStart(sf);
    const raw = text.slice(start, node.end);
    const indent = width(lines[line].match(/^\s*/)[0]);
    const pieces = splitLiteral(raw, Math.max(20, limit - indent - 8));
    if (!pieces) continue;
    const joined = pieces.join(' + ');
    edits.push([start, node.end, bareOk(node) ? joined : `(${joined})`]);
  }
  if (edits.length === 0) return text;
  edits.sort((x, y) => y[0] - x[0]);
  let out = text;
  for (const [s, e, r] of edits) out = out.slice(0, s) + r + out.slice(e);
  const after = ts.createSourceFile(file, out, ts.ScriptTarget.Latest, true, scriptKind(file));
  if (after.parseDiagnostics.length > 0) throw new Error(`${file}: splitting would not parse; left unchanged`);
  return out;
}

function main(argv) {
  return rewriteMain(argv, {
    name: 'split-strings',
    transform: splitSource,
    would: 'literals would be split',
    checkVerb: 'to split',
    doneVerb: 'split',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
