// src/core must never import ink, react or src/ui (ENGINEERING.md: the core is shared by the TUI and the
// headless commands, and must load without a terminal). This reads every import in src/core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx|js|mjs)$/.test(name) ? [full] : [];
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier a file imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

test('src/core imports neither ink, react nor src/ui', () => {
  const bad: string[] = [];
  for (const file of files('src/core')) {
    if (file.endsWith('.tsx')) bad.push(`${file}: a .tsx file in core`);
    for (const spec of importsOf(file)) {
      const banned = /^(ink|react|ink-[\w-]+|@alcalzone\/ink-table|react-dom)(\/|$)/.test(spec);
      const intoUi = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.resolve('src/ui'));
      if (banned || intoUi) bad.push(`${file} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the import scanner sees the import forms the check relies on', () => {
  const sample =
    'import { render } from \'ink\';\nimport React from "react";\nconst x = await ' +
    "import('../ui/app.js');\nexport { y } from './y.js';";
  const found = [...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
  assert.deepEqual(found, ['ink', 'react', '../ui/app.js', './y.js']);
});
