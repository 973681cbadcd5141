/**
 * The simulated host's interactive side (what `vastdeck attach` / `vastdeck ssh` reach in the demo): pty + shell, pty +
 * exec.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import { startSimHost, generateKeyPair, type SimHost } from '../../src/sim/hosts/server.js';
import { isTmuxAttach } from '../../src/sim/hosts/pty.js';
import { waitFor } from '../helpers/wait.js';

const key = generateKeyPair();
const hosts: SimHost[] = [];
after(async () => {
  for (const h of hosts) await h.close();
});

function connect(port: number): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('ready', () => resolve(c)).on('error', reject);
    c.connect({ host: '127.0.0.1', port, username: 'root', privateKey: key.private, hostVerifier: () => true });
  });
}

/** Collects a channel's output; until() waits for a pattern. */
function reader(ch: ssh2.ClientChannel) {
  let buf = '';
  ch.on('data', (d: Buffer) => (buf += d.toString()));
  return {
    text: () => buf,
    async until(re: RegExp, ms = 5000) {
      const end = Date.now() + ms;
      while (!re.test(buf)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; got:\n${buf.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('simulated host: interactive sessions', () => {
  test('which command lines open the training session', () => {
    assert.ok(isTmuxAttach("tmux attach -t 'train' || tmux new -s 'train'"));
    assert.ok(isTmuxAttach('tmux a'));
    assert.ok(!isTmuxAttach('tmux has-session -t train'));
    assert.ok(!isTmuxAttach('echo tmux attach'));
  });

  test('pty + exec of the attach command: the live log under a status bar; ctrl+b d detaches and exits 0', async () => {
    const host = await startSimHost({ speed: 50, scenario: { stepsPerSecond: 5 } });
    hosts.push(host);
    const c = await connect(host.port);
    const ch = await new Promise<ssh2.ClientChannel>((res, rej) =>
      c.exec("tmux attach -t 'train' || tmux new -s 'train'", { pty: { rows: 20, cols: 80, term: 'xterm' } }, (e, s) =>
        e ? rej(e) : res(s),
      ),
    );
    const r = reader(ch);
    await r.until(/\[train\] 0:python\*/);
    const at = r.text().length;
    await r.until(/it\/s/);
    await waitFor(() => r.text().length > at, {
      what: 'new log text streaming while attached',
      detail: () => r.text().slice(-500),
    });
    const exit = new Promise<number>((res) => ch.on('exit', (code: number) => res(code)));
    ch.write('\x02d');
    assert.equal(await exit, 0);
    assert.match(r.text(), /\[detached \(from session train\)\]/);
    c.end();
  });

  test('pty + shell: prompt, echo, a command, tmux attach and exit inside it, exit', async () => {
    const host = await startSimHost();
    hosts.push(host);
    const c = await connect(host.port);
    const ch = await new Promise<ssh2.ClientChannel>((res, rej) =>
      c.shell({ rows: 24, cols: 100, term: 'xterm' }, (e, s) => (e ? rej(e) : res(s))),
    );
    const r = reader(ch);
    await r.until(/root@vastdeck-sim:\/workspace# $/);
    ch.write('echo hi\r');
    await r.until(/echo hi\r\nhi\r\n/);
    ch.write('nosuch\r');
    await r.until(/nosuch: command not found/);
    ch.write('tmux attach -t train\r');
    await r.until(/\[train\] 0:python\*/);
    ch.write('exit\r'); // typed in the session: leaves it, back at the prompt
    await r.until(/\[detached[^\n]*\n.*# $/s);
    const closed = new Promise<number>((res) => ch.on('exit', (code: number) => res(code)));
    ch.write('exit\r');
    assert.equal(await closed, 0);
    c.end();
  });

  test('without a pty, shells are still refused and exec answers as before', async () => {
    const host = await startSimHost();
    hosts.push(host);
    const c = await connect(host.port);
    await assert.rejects(new Promise((res, rej) => c.shell(false as never, (e, s) => (e ? rej(e) : res(s)))));
    const out = await new Promise<string>((res, rej) =>
      c.exec('echo plain', (e, s) => {
        if (e) return rej(e);
        let b = '';
        s.on('data', (d: Buffer) => (b += d)).on('close', () => res(b));
      }),
    );
    assert.equal(out, 'plain\n');
    c.end();
  });
});
