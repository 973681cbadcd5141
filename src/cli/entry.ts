/** The bundle's entry: runs main() with the process arguments and exits with its code. */
import { main } from './main.js';
import { reportError } from './output.js';

// Exit explicitly: undici keeps idle sockets alive for a few seconds, which would hold a finished command open.
// On Linux, writes to pipes, files and terminals are synchronous, so nothing printed is lost by exiting.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
