/** Runs `monitor` or `replenish` in a child process, the way main.ts would: `tsx run-cli.ts monitor|replenish ARGS…`. */
import { monitorCommand, replenishCommand } from '../../src/cli/commands/monitor.js';
import { reportError } from '../../src/cli/output.js';

const [name, ...argv] = process.argv.slice(2);
(name === 'monitor' ? monitorCommand : replenishCommand)(argv).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
