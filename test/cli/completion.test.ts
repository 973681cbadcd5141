import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCompletion } from '../../src/cli/commands/completion.js';
import { commandTable } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-completion-'));

/** Sources the bash script in a fresh bash and prints what completing `line` offers. */
function bashComplete(script: string, words: string[]): string[] {
  const file = path.join(dir, 'vastdeck.bash');
  writeFileSync(file, script);
  const arr = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '--norc',
      '-c',
      `source '${file}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _vastdeck; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

test('the bash script parses (bash -n) and registers the completion (complete -p vastdeck)', async () => {
  const script = await buildCompletion('bash');
  const file = path.join(dir, 'syntax.bash');
  writeFileSync(file, script);
  execFileSync('bash', ['-n', file]);
  const registered = execFileSync('bash', ['--norc', '-c', `source '${file}' && complete -p vastdeck`], {
    encoding: 'utf8',
  });
  assert.match(registered, /complete -F _vastdeck vastdeck/);
});

test('bash completes every command of the command table, its sub-words and its flags', async () => {
  const script = await buildCompletion('bash');
  const top = bashComplete(script, ['vastdeck', '']);
  for (const name of Object.keys(commandTable())) assert.ok(top.includes(name), `${name} is completed`);
  assert.deepEqual(bashComplete(script, ['vastdeck', 'mig']), ['migrate']);
  assert.deepEqual(bashComplete(script, ['vastdeck', 'env', '']), ['list', 'set', 'rm']);
  assert.deepEqual(bashComplete(script, ['vastdeck', 'completion', '']), ['bash', 'zsh', 'fish']);
  assert.ok(bashComplete(script, ['vastdeck', 'instances', '--']).includes('--json'));
  assert.ok(bashComplete(script, ['vastdeck', 'offers', '--li']).includes('--limit'));
  // A global flag's value is not taken for the command.
  assert.deepEqual(bashComplete(script, ['vastdeck', '--theme', 'mono', 'env', 'l']), ['list']);
  assert.deepEqual(bashComplete(script, ['vastdeck', 'help', 'des']), ['destroy']);
});

test('zsh and fish scripts name every command and its flags', async () => {
  const zsh = await buildCompletion('zsh');
  const fish = await buildCompletion('fish');
  assert.match(zsh, /^#compdef vastdeck/);
  for (const name of Object.keys(commandTable())) {
    assert.ok(zsh.includes(`'${name}:`), `zsh: ${name}`);
    assert.ok(fish.includes(`-a '${name}'`), `fish: ${name}`);
  }
  assert.ok(fish.includes(`-n '__fish_seen_subcommand_from env' -a 'list set rm'`));
  assert.ok(fish.includes(`-n '__fish_seen_subcommand_from instances' -l json`));
});
