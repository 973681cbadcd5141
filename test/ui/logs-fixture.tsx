/**
 * Log pane test fixture: the real App with a real LogPaneStore per instance, fed through a fake SSH follow
 * (what SshPool.follow returns: an emitter of raw chunks), so lines take the real ring → store → pane path.
 */
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { MONO } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { LogPaneStore } from '../../src/core/logs/sources/pane-store.js';
import type { FollowingPool } from '../../src/core/logs/sources/ssh-source.js';
import type { AttachRunner, LogPaneFactory } from '../../src/ui/logs/use-log-pane.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import type { Instance } from '../../src/core/vast/types.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

/** A fake LogFollow: tests call emitData to "write on the host". */
export class FakeFollow extends EventEmitter {
  state = 'connecting';
  stopped = false;
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super();
  }
  open() {
    this.state = 'following';
    this.emit('state', 'following');
  }
  stop() {
    this.stopped = true;
  }
}

/** A FollowingPool that records every follow it opened. */
export class FakePool implements FollowingPool {
  follows: FakeFollow[] = [];
  follow(target: { host: string; port: number }) {
    const f = new FakeFollow(target.host, target.port);
    this.follows.push(f);
    queueMicrotask(() => f.open());
    return f as never;
  }
  /** The newest follow. */
  get last(): FakeFollow {
    return this.follows.at(-1)!;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for Ink, React and the store's throttled emit (throttle 0 → one timer). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(2);
    for (let j = 0; j < 4; j++) await new Promise<void>((r) => setImmediate(r));
  }
}

/** Mounts the App with log panes. */
export async function mountLogs(
  o: {
    columns?: number;
    rows?: number;
    onAttach?: AttachRunner;
    saveDir?: string;
    n?: number;
    fleet?: Instance[];
    openLog?: LogPaneFactory;
  } = {},
) {
  const api = new FakeApi(o.fleet ?? makeFleet(o.n ?? 6));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const pool = new FakePool();
  const panes: LogPaneStore[] = [];
  const openLog: LogPaneFactory =
    o.openLog ??
    ((inst, { daemon }) => {
      const target =
        inst.status === 'running' && inst.sshHost && inst.sshPort ? { host: inst.sshHost, port: inst.sshPort } : null;
      const p = new LogPaneStore({
        instanceId: inst.id,
        target,
        pool,
        api,
        daemon,
        throttleMs: 0,
        apiIntervalMs: 60_000,
      });
      panes.push(p);
      return p;
    });
  const stdout = new Out(o.columns ?? 100, o.rows ?? 30);
  const stdin = new In();
  const ui = inkRender(
    <ThemeContext.Provider value={MONO}>
      <App
        store={store}
        keymap={buildKeymap(COMMANDS, { readOnly: false })}
        api={api}
        onQuit={() => {}}
        now={() => FAKE_NOW}
        tickMs={0}
        openLog={openLog}
        onAttach={o.onAttach}
        saveDir={o.saveDir ?? '.'}
      />
    </ThemeContext.Provider>,
    {
      stdout: stdout as never,
      stdin: stdin as never,
      stderr: new Out(100, 24) as never,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await settle();
  return {
    api,
    store,
    pool,
    panes,
    stdout,
    frame: () => strip(stdout.frames.at(-1) ?? ''),
    lines: () => strip(stdout.frames.at(-1) ?? '').split('\n'),
    async press(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    /** Writes text "on the host" of the newest follow and waits for the frame. */
    async host(text: string) {
      pool.last.emit('data', text);
      await settle();
    },
    unmount: () => ui.unmount(),
  };
}
