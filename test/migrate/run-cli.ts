/** Runs `migrate` in a child process, the way main.ts will once it is wired: `tsx run-cli.ts ARGS…`. */
import { migrateCommand } from '../../src/cli/commands/migrate.js';
import { reportError } from '../../src/cli/output.js';

migrateCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
