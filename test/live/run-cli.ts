/** Runs this area's CLI commands in a child process, as main.ts will once they are wired: `tsx run-cli.ts logs|triage|attach|ssh ARGS…`. */
import { attachInstanceCommand, sshInstanceCommand } from '../../src/cli/commands/attach.js';
import { logsCommand } from '../../src/cli/commands/logs.js';
import { triageCommand } from '../../src/cli/commands/triage.js';
import { reportError } from '../../src/cli/output.js';

const [name, ...argv] = process.argv.slice(2);
const fn = { logs: logsCommand, triage: triageCommand, attach: attachInstanceCommand, ssh: sshInstanceCommand }[name ?? ''];
if (!fn) process.exit(reportError(new Error(`unknown command ${name}`)));
fn!(argv).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
