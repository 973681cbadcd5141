import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('src/core/fleet never imports ink, react or src/ui (the keymap lives in src/ui/keymap)', () => {
  for (const dir of ['src/core/fleet']) {
    for (const f of readdirSync(path.join(root, dir))) {
      const text = readFileSync(path.join(root, dir, f), 'utf8');
      assert.doesNotMatch(text, /from ['"](ink|react)(\/[^'"]*)?['"]/, `${dir}/${f}`);
      assert.doesNotMatch(text, /from ['"][./]*\/ui\//, `${dir}/${f}`);
    }
  }
});
