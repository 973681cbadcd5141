// Regenerates docs/keys.md from the keymap registry (test/ui/keys-doc.test.ts fails when it is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/ui/keymap/tui-commands.js';
import { keysMarkdown } from '../src/ui/keymap/docs.js';
import { buildKeymap } from '../src/ui/keymap/registry.js';

const target = fileURLToPath(new URL('../docs/keys.md', import.meta.url));
writeFileSync(target, keysMarkdown(buildKeymap(COMMANDS, { readOnly: false })));
process.stdout.write(`wrote ${target}\n`);
