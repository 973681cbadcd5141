// Every document a comment cites (`vast-api.md §3`, `ENGINEERING.md rule 5`, `SAFETY.md`) is in the repository:
// docs/ first, then the repository root or the citing file's own folder. No comment may point at a file a
// newcomer cannot open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx|js|mjs|md)$/.test(name) ? [full] : [];
  });
}

const CITED = /\b([A-Za-z][\w-]*\.md)\b/g;
/** Comment lines only: code and tests also name files they write. */
const COMMENT = /^\s*(\/\/|\*|\/\*)/;
/** Files vastdeck writes for the operator, not documents it cites. */
const NOT_DOCS = new Set(['CONTINUATION_CONTEXT.md']);

test('every .md file cited in src/, scripts/, test/ and bench/ exists in the repository', () => {
  const missing: string[] = [];
  for (const file of ['src', 'scripts', 'test', 'bench'].flatMap(files)) {
    const text = file.endsWith('.md')
      ? readFileSync(file, 'utf8')
      : readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => COMMENT.test(l))
          .join('\n');
    for (const m of text.matchAll(CITED)) {
      const name = m[1]!;
      if (NOT_DOCS.has(name)) continue;
      const found = [path.join('docs', name), name, path.join(path.dirname(file), name)].some((p) => existsSync(p));
      if (!found) missing.push(`${file} cites ${name}`);
    }
  }
  assert.deepEqual([...new Set(missing)], []);
});
