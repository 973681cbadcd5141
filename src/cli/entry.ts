/** The bundle's entry: runs main() with the process arguments and exits with its code once output has drained. */
import { exitWhenDrained } from './exit.js';
import { main } from './main.js';
import { reportError } from './output.js';

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (err) => exitWhenDrained(reportError(err)),
);
