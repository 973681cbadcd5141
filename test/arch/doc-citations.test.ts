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

test('every .md file cited in src/, scripts/, test/ and bench/ exists in the repository', () => {
  const missing: string[] = [];
  for (const file of ['src', 'scripts', 'test', 'bench'].flatMap(files)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(CITED)) {
      const name = m[1]!;
      const found = [path.join('docs', name), name, path.join(path.dirname(file), name)].some((p) => existsSync(p));
      if (!found) missing.push(`${file} cites ${name}`);
    }
  }
  assert.deepEqual([...new Set(missing)], []);
});
