/** Builds a Notifier from config.yaml's `notify:` section. */
import type { Config } from '../config/config.js';
import { Notifier, type BellTarget } from './notify.js';

/**
 * The notifier the config asks for. `bell` is where BEL goes (pass the terminal only when it is one: BEL in a
 * log file or a pipe is noise). With no `notify:` section the bell still rings: being woken is the point.
 */
export function notifierFromConfig(
  section: Config['notify'],
  opts: { bell?: BellTarget; secrets?: readonly string[] },
): Notifier {
  const ringBell = section?.bell ?? true;
  return new Notifier({
    ...(section?.webhook ? { webhook: section.webhook } : {}),
    ...(ringBell && opts.bell ? { bell: opts.bell } : {}),
    secrets: opts.secrets ?? [],
    timeoutMs: (section?.timeoutSeconds ?? 10) * 1000,
  });
}
