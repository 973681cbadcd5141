/** The keeper control for runTui, imported on first `:keep` (it pulls in the checkpoint stores and provisioning). */
import { budgetText, type KeeperControl } from './control.js';
import type { KeeperWiring } from './real.js';

/** A KeeperControl whose real implementation loads the first time a keeper starts. */
export function lazyKeeper(o: KeeperWiring): KeeperControl {
  let real: Promise<KeeperControl> | undefined;
  const get = () => (real ??= import('./real.js').then((m) => m.makeKeeperControl(o)));
  return {
    start: (args, onEvent, onInfo) => get().then((c) => c.start(args, onEvent, onInfo)),
    budget: () => budgetText(o.budgetMinBalance),
  };
}
