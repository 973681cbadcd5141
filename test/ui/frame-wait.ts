/** Waiting on what a mounted App draws, for the frame tests (see test/helpers/wait.ts). */
import { waitFor } from '../helpers/wait.js';

/** A mounted App: its newest frame, and a settle that lets Ink and React finish a render. */
interface Mounted {
  frame(): string;
  settle(): Promise<void>;
}

/** Settles and looks again until the frame matches `re`; returns that frame, or throws with the last one. */
export function untilFrame(m: Mounted, re: RegExp, what: string, timeoutMs?: number): Promise<string> {
  return waitFor(async () => (await m.settle(), re.test(m.frame()) && m.frame()), { what, timeoutMs, detail: m.frame });
}

/** After `:profile NAME` Enter: waits until the offer browser has loaded the profiles file and applied NAME. */
export function profileApplied(m: Mounted, name = 'gpt2-4090'): Promise<string> {
  return untilFrame(m, new RegExp(`profile ${name}`), `profile ${name} applied`);
}
