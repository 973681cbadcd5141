// vastdeck's SSH identity: ~/.ssh or the agent when present, else its own key generated once (0600).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sshIdentity } from '../../src/core/ssh/identity.js';
import { generateKeyPair } from '../../src/sim/hosts/index.js';

describe('sshIdentity', () => {
  test('fresh machine: generates state/id_ed25519 once, 0600, and points known_hosts at the state dir', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'vd-id-'));
    try {
      const env = { HOME: home, XDG_STATE_HOME: path.join(home, 'st') };
      const a = sshIdentity({ env });
      const key = path.join(home, 'st', 'vastdeck', 'id_ed25519');
      assert.equal(a.generated, true);
      assert.equal(a.ownKeyFile, key);
      assert.deepEqual(a.auth.keyPaths, [key]);
      assert.equal(a.auth.agentSocket, null);
      assert.equal(a.knownHostsFile, path.join(home, 'st', 'vastdeck', 'known_hosts'));
      assert.equal(statSync(key).mode & 0o777, 0o600);
      assert.match(readFileSync(`${key}.pub`, 'utf8'), /^ssh-ed25519 AAAA/);
      const first = readFileSync(key, 'utf8');
      const b = sshIdentity({ env });
      assert.equal(b.generated, false);
      assert.equal(readFileSync(key, 'utf8'), first, 'never regenerated');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a usable ~/.ssh key or an agent: nothing generated', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'vd-id-'));
    try {
      mkdirSync(path.join(home, '.ssh'));
      const user = path.join(home, '.ssh', 'id_ed25519');
      writeFileSync(user, generateKeyPair().private, { mode: 0o600 });
      const a = sshIdentity({ env: { HOME: home, XDG_STATE_HOME: path.join(home, 'st') } });
      assert.equal(a.generated, false);
      assert.deepEqual(a.auth.keyPaths, [user]);
      assert.deepEqual(a.identityFiles, []);
      rmSync(user);
      const b = sshIdentity({
        env: { HOME: home, XDG_STATE_HOME: path.join(home, 'st'), SSH_AUTH_SOCK: '/tmp/agent.sock' },
      });
      assert.equal(b.generated, false);
      assert.equal(b.auth.agentSocket, '/tmp/agent.sock');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
