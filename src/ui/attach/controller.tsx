/**
 * The TUI side of attach/shell: builds the ssh argv for the selected instance (core/ssh/attach.ts) and runs the
 * hand-over (handover.ts). <TerminalOwner> sits at the root of the Ink tree: it lends the controller Ink's
 * setRawMode and hides the app while ssh owns the terminal, without unmounting it (selection, scroll and
 * every other bit of state survive).
 */
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useStdin } from 'ink';
import { attachCommand, type AttachCommand } from '../../core/ssh/attach.js';
import { sshEndpoint } from '../../core/vast/units.js';
import type { Instance } from '../../core/vast/types.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { handOver, type HandoverDeps, type OutputGate, type Pausable } from './handover.js';

/** What the controller needs from runTui. */
export interface AttachOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  gate: OutputGate;
  pausables: readonly Pausable[];
  /** vastdeck's known_hosts and key files (sshIdentity()), resolved when first needed. */
  identity: () => { knownHostsFile: string; identityFiles: string[] };
  spawn?: HandoverDeps['spawn'];
  /** How long Ink needs to flush a frame (its render throttle). Default 60 ms. */
  flushMs?: number;
}

/** Owns the terminal hand-over for the whole app. */
export class AttachController {
  private hidden = false;
  private readonly listeners = new Set<() => void>();
  private setRawMode: ((on: boolean) => void) | null = null;
  private busy = false;

  constructor(private readonly o: AttachOptions) {}

  /** useSyncExternalStore subscribe. */
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Whether the app is hidden (ssh owns the terminal). */
  isHidden = () => this.hidden;

  /** Called by TerminalOwner with Ink's raw-mode switch. */
  register(setRawMode: (on: boolean) => void): void {
    this.setRawMode = setRawMode;
  }

  private async setHidden(h: boolean): Promise<void> {
    this.hidden = h;
    for (const l of [...this.listeners]) l();
    await new Promise((r) => setTimeout(r, this.o.flushMs ?? 60));
  }

  /** Attach (tmux) or open a shell on the instance; resolves to a footer message. */
  run = async (inst: Instance, mode: 'tmux' | 'shell'): Promise<{ text: string; level: 'info' | 'error' }> => {
    const ep = inst.status === 'running' ? sshEndpoint(inst) : null;
    if (!ep) return { text: `instance ${inst.id} has no SSH endpoint`, level: 'error' };
    if (this.busy || !this.setRawMode) return { text: 'the terminal is busy', level: 'error' };
    let cmd: AttachCommand;
    try {
      const id = this.o.identity();
      cmd = attachCommand({
        host: ep.host,
        port: ep.port,
        mode,
        knownHostsFile: id.knownHostsFile,
        identityFiles: id.identityFiles,
      });
    } catch (err) {
      return { text: sanitizeLine(String((err as Error).message ?? err)), level: 'error' };
    }
    this.busy = true;
    try {
      const setRawMode = this.setRawMode;
      const r = await handOver({ ...this.o, setRawMode, setHidden: (h) => this.setHidden(h) }, cmd);
      const what = mode === 'tmux' ? `tmux session on ${inst.id}` : `shell on ${inst.id}`;
      if (r.error) return { text: sanitizeLine(r.error), level: 'error' };
      // ssh exits 255 for its own failures (refused, host key changed); the remote's status otherwise.
      if (r.code === 255)
        return {
          text: `ssh to ${inst.id} failed (exit 255: connection or host key; try \`vastdeck attach ${inst.id}\`)`,
          level: 'error',
        };
      return { text: `back from the ${what} (exit ${r.code ?? '?'})`, level: 'info' };
    } finally {
      this.busy = false;
    }
  };
}

/** Root wrapper: registers Ink's setRawMode and hides (not unmounts) the app during a hand-over. */
export function TerminalOwner({ controller, children }: { controller: AttachController; children: ReactNode }) {
  const { setRawMode } = useStdin();
  useEffect(() => controller.register(setRawMode), [controller, setRawMode]);
  const hidden = useSyncExternalStore(controller.subscribe, controller.isHidden, controller.isHidden);
  return (
    <Box display={hidden ? 'none' : 'flex'} flexDirection="column">
      {children}
    </Box>
  );
}
