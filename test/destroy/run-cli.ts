/** Runs `destroy` or `down` in a child process, the way main.ts would: `tsx run-cli.ts destroy|down ARGS…`. */
import { destroyCommand, downCommand } from '../../src/cli/commands/destroy.js';
import { reportError } from '../../src/cli/output.js';

const [name, ...argv] = process.argv.slice(2);
(name === 'down' ? downCommand : destroyCommand)(argv).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
