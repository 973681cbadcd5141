// Tests run in their own environment: a developer's VASTDECK_STATE_DIR, XDG_*, VAST_API_KEY or HF_TOKEN
// never reaches a test or a CLI it starts (they pointed tests at a junk state dir and failed them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testEnv } from '../../scripts/test-env.mjs';
import { runCli } from '../helpers/run-cli.js';

const SHELL = {
  PATH: '/usr/bin',
  HOME: '/home/someone',
  VASTDECK_STATE_DIR: '/junk/state',
  XDG_STATE_HOME: '/junk/xdg-state',
  XDG_CONFIG_HOME: '/junk/xdg-config',
  VAST_API_KEY: 'real-key-123456',
  VAST_URL: 'https://console.vast.ai',
  HF_TOKEN: 'hf_realtoken',
  HF_ENDPOINT: 'https://huggingface.co',
  SSH_AUTH_SOCK: '/tmp/agent',
};

test("testEnv drops the shell's vastdeck, XDG, Vast, HF and agent variables and points XDG at a sandbox", () => {
  const env = testEnv(SHELL);
  for (const k of ['VASTDECK_STATE_DIR', 'VAST_API_KEY', 'VAST_URL', 'HF_TOKEN', 'HF_ENDPOINT', 'SSH_AUTH_SOCK'])
    assert.equal(env[k], undefined, k);
  assert.ok(!String(env.XDG_STATE_HOME).startsWith('/junk'), String(env.XDG_STATE_HOME));
  assert.ok(!String(env.XDG_CONFIG_HOME).startsWith('/junk'));
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.HOME, '/home/someone');
});

test('a CLI run from a test does not inherit VASTDECK_STATE_DIR or VAST_API_KEY from the test process', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vastdeck-envtest-'));
  const script = path.join(dir, 'print-env.mjs');
  writeFileSync(script, 'process.stdout.write(JSON.stringify(process.env));\n');
  const saved = { s: process.env.VASTDECK_STATE_DIR, k: process.env.VAST_API_KEY };
  process.env.VASTDECK_STATE_DIR = '/junk/state';
  process.env.VAST_API_KEY = 'real-key-123456';
  try {
    const r = await runCli([], { script });
    const env = JSON.parse(r.out) as Record<string, string>;
    assert.equal(env.VASTDECK_STATE_DIR, undefined);
    assert.equal(env.VAST_API_KEY, undefined);
    // A test's own variables still pass.
    const r2 = await runCli([], { script, env: { VASTDECK_STATE_DIR: path.join(dir, 's') } });
    assert.equal((JSON.parse(r2.out) as Record<string, string>).VASTDECK_STATE_DIR, path.join(dir, 's'));
  } finally {
    if (saved.s === undefined) delete process.env.VASTDECK_STATE_DIR;
    else process.env.VASTDECK_STATE_DIR = saved.s;
    if (saved.k === undefined) delete process.env.VAST_API_KEY;
    else process.env.VAST_API_KEY = saved.k;
    rmSync(dir, { recursive: true, force: true });
  }
});
