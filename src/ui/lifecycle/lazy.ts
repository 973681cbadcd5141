/**
 * The TUI's lifecycle driver, loaded after the first period (its code pulls in the checkpoint stores and SSH,
 * which the TUI must not load before its first paint). Messages are forwarded to whoever subscribed meanwhile.
 */
import type { Message } from '../use-fleet-actions.js';
import type { LifecycleDriver, LifecycleWiring } from './driver.js';

/** What the App sees. */
export interface LifecycleUi {
  subscribe(fn: (m: Message) => void): () => void;
  stop(): Promise<void>;
}

/** Starts the driver one period from now. */
export function lazyLifecycle(o: LifecycleWiring): LifecycleUi {
  const listeners = new Set<(m: Message) => void>();
  let driver: LifecycleDriver | null = null;
  let stopped = false;
  const t = setTimeout(() => {
    void import('./driver.js').then((m) => {
      if (stopped) return;
      driver = m.startLifecycle(o);
      driver.subscribe((msg) => listeners.forEach((fn) => fn(msg)));
      void driver.pass().catch(() => undefined);
    });
  }, o.everyMs ?? 60_000);
  t.unref?.();
  return {
    subscribe: (fn) => (listeners.add(fn), () => void listeners.delete(fn)),
    stop: async () => {
      stopped = true;
      clearTimeout(t);
      await driver?.stop();
    },
  };
}
