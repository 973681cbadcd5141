// The composition root (src/core/services): services made on first use and shared; one pool per row of the SSH
// settings table; secrets learnt late still kept out of the journal; and no other place in src builds a pool or a
// journal, or reads a test-only switch from the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeServices, type Services } from '../../src/core/services/services.js';
import { SSH_SETTINGS } from '../../src/core/ssh/settings.js';
import type { SshIdentity } from '../../src/core/ssh/identity.js';
import { FakeVast } from '../ops/fake-api.js';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'vd-services-'));
}

const fakeIdentity = (dir: string): SshIdentity => ({
  auth: { agentSocket: null, keyPaths: [] },
  knownHostsFile: path.join(dir, 'known_hosts'),
  identityFiles: [],
  generated: false,
});

test('nothing is made until used; then each service is made once and shared', async () => {
  const dir = tempDir();
  try {
    let identities = 0;
    const base = makeServices({
      api: new FakeVast([]),
      stateDir: dir,
      identity: () => (identities++, fakeIdentity(dir)),
    });
    const s = await base.load(['ssh', 'journal']);
    assert.equal(s, base, 'load fills in the same object');
    assert.equal(identities, 0, 'no identity (no key generated) before SSH is used');
    assert.deepEqual(readdirSync(dir), [], 'nothing written to the state dir');
    const pool = s.ssh();
    assert.equal(s.ssh('default'), pool, 'one default pool');
    assert.notEqual(s.ssh('interactive'), pool, 'one pool per settings row');
    assert.equal(s.ssh('interactive'), s.ssh('interactive'));
    assert.equal(identities, 1, 'one identity for every pool');
    assert.equal(s.journal(), s.journal());
    assert.deepEqual(s.paths, {
      state: dir,
      journal: path.join(dir, 'journal.jsonl'),
      knownHosts: path.join(dir, 'known_hosts'),
      blacklist: path.join(dir, 'blacklist.json'),
      crashLog: path.join(dir, 'crash.log'),
    });
    await s.close();
    await assert.rejects(pool.connection({ host: '127.0.0.1', port: 1 }), /pool closed/, 'close() closes the pools');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a secret learnt after the journal was opened is still scrubbed from it, and reported once', async () => {
  const dir = tempDir();
  try {
    const heard: string[] = [];
    const s = await makeServices({
      api: new FakeVast([]),
      stateDir: dir,
      secrets: ['api-key-1234'],
      onSecret: (x) => heard.push(x),
    }).load(['journal']);
    const journal = s.journal();
    s.addSecret('hf_token_5678');
    s.addSecret('hf_token_5678');
    s.addSecret(undefined);
    await journal.append({
      op: 'test',
      phase: 'before',
      ids: {},
      details: { a: 'api-key-1234', b: 'uses hf_token_5678 here' },
    });
    const text = readFileSync(s.paths.journal, 'utf8');
    assert.doesNotMatch(text, /api-key-1234|hf_token_5678/);
    assert.deepEqual(heard, ['hf_token_5678']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the clock is the API's unless one is given; offline services have no API", async () => {
  const api = new FakeVast([]);
  (api as { clockOffsetMs: () => number | null }).clockOffsetMs = () => 60_000;
  const t = Date.now();
  const now = makeServices({ api, stateDir: '/nonexistent' }).now();
  assert.ok(now >= t + 60_000 && now < t + 61_000, "serverClock: local time plus the API's offset");
  assert.equal(makeServices({ api, stateDir: '/nonexistent', now: () => 42 }).now(), 42);
  const offline = await makeServices({ stateDir: '/nonexistent' }).load(['journal']);
  assert.throws(() => offline.api, /without the Vast API/);
  assert.equal(offline.journal().file, '/nonexistent/journal.jsonl');
});

test('a part used without being loaded is a programming error naming the part and where to declare it', async () => {
  const dir = tempDir();
  try {
    const base = makeServices({ api: new FakeVast([]), stateDir: dir, identity: () => fakeIdentity(dir) });
    // The accessors are on the object (the TUI's Services type has them); the types hide them until loaded.
    const s = base as unknown as Services;
    assert.throws(() => s.ssh(), /services\.ssh\(\) needs the "ssh" part.*makeContext\(flags, \['ssh'\]\)/);
    assert.throws(() => s.identity(), /services\.identity\(\) needs the "ssh" part/);
    assert.throws(() => s.journal(), /services\.journal\(\) needs the "journal" part/);
    await base.load(['journal']);
    assert.equal(s.journal().file, path.join(dir, 'journal.jsonl'), 'a loaded part works');
    assert.throws(() => s.ssh(), /needs the "ssh" part/, 'the other part is still not loaded');
    await base.load(['ssh']);
    assert.equal(s.ssh('default'), s.ssh());
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// What makes a command's declaration cover what it uses: tsc fails on these lines if a context typed without a part
// offered its accessors (every command's `makeContext(flags, parts)` is checked the same way by `tsc --noEmit`).
export function undeclaredPartsDoNotTypeCheck(c: Services<FakeVast, 'journal'>, d: Services<FakeVast, never>): void {
  // @ts-expect-error the 'ssh' part was not declared
  c.ssh();
  // @ts-expect-error the 'ssh' part was not declared
  c.identity();
  c.journal();
  // @ts-expect-error the 'journal' part was not declared
  d.journal();
}

test('the SSH settings table: every row sets every knob; only the named exceptions differ from the default', () => {
  for (const [name, row] of Object.entries(SSH_SETTINGS)) {
    for (const k of ['readyTimeoutMs', 'keepaliveIntervalMs', 'keepaliveCountMax', 'backoff'] as const)
      assert.ok(row[k] !== undefined, `${name}.${k}`);
  }
  assert.deepEqual(SSH_SETTINGS.headless.backoff, { maxAttempts: 1 });
  assert.deepEqual(SSH_SETTINGS.provisionBoot.backoff, { maxAttempts: 6 });
  assert.equal(
    (SSH_SETTINGS.interactive.backoff as { maxAttempts?: number }).maxAttempts,
    undefined,
    'a log pane reconnects until closed',
  );
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

test('only the composition root builds SSH pools and journals; no test-only switch is read in src', () => {
  const found: string[] = [];
  for (const file of files('src').filter((f) => !f.startsWith(path.join('src', 'sim')))) {
    const text = readFileSync(file, 'utf8');
    const root = file === path.join('src', 'core', 'services', 'services.ts');
    if (!root && /new SshPool\(/.test(text)) found.push(`${file}: new SshPool`);
    if (!root && /new FileJournal\(/.test(text)) found.push(`${file}: new FileJournal`);
    if (/VASTDECK_TEST/.test(text)) found.push(`${file}: reads a VASTDECK_TEST* variable`);
  }
  assert.deepEqual(found, []);
});
