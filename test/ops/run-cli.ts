/** Runs one of this area's CLI commands in a child process, the way main.ts would: `tsx run-cli.ts provision|env ARGS…`. */
import { provisionCommand } from '../../src/cli/commands/provision.js';
import { envCommand } from '../../src/cli/commands/env.js';
import { reportError } from '../../src/cli/output.js';

const [name, ...argv] = process.argv.slice(2);
const fn = name === 'provision' ? provisionCommand : envCommand;
fn(argv).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
