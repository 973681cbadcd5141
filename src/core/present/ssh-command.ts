/** The SSH command people copy from the fleet table, the detail pane and `vastdeck instances`. */
import type { Instance } from '../vast/types.js';
import { sshEndpoint } from '../vast/units.js';
import { sanitizeLine } from '../util/sanitize.js';

/** "ssh -p PORT root@HOST": the direct port when mapped, else the proxy; null while the instance has neither. */
export function sshCommand(inst: Instance): string | null {
  const ep = sshEndpoint(inst);
  return ep ? `ssh -p ${ep.port} root@${sanitizeLine(ep.host)}` : null;
}
