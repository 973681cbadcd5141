/** Runs `cost` or `wait` in a child process the way main.ts would: `tsx run-cli.ts cost|wait ARGS…`. */
import { costCommand } from '../../src/cli/commands/cost.js';
import { waitCommand } from '../../src/cli/commands/wait.js';
import { reportError } from '../../src/cli/output.js';

const [name, ...argv] = process.argv.slice(2);
const fn = name === 'cost' ? costCommand : waitCommand;
fn(argv).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
