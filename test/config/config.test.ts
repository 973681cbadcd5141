import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, defaultConfig, loadConfig, parseConfig, ConfigError } from '../../src/core/config/config.js';
import { resolveApiKey, resolveApiUrl } from '../../src/core/config/apikey.js';
import { configDir, demoStateDir, stateDir } from '../../src/core/config/paths.js';

test('a missing config file gives the defaults', async () => {
  const cfg = await loadConfig(path.join(os.tmpdir(), 'no-such-dir-vastdeck', 'config.yaml'));
  assert.equal(cfg.pollSeconds, 5);
  assert.equal(cfg.theme, 'dark');
  assert.equal(cfg.readOnly, false);
});

test('the defaults written out are what the schema gives an empty config.yaml', () => {
  assert.deepEqual(defaultConfig(), configSchema.parse({}));
  assert.deepEqual(defaultConfig(), parseConfig('', 'config.yaml'));
  assert.notEqual(defaultConfig(), defaultConfig(), 'a fresh object each time');
});

test('a valid config is read', () => {
  const cfg = parseConfig('pollSeconds: 10\ntheme: light\nreadOnly: true\nfleet: zeb-large\n', 'c.yaml');
  assert.deepEqual(cfg, { pollSeconds: 10, theme: 'light', readOnly: true, fleet: 'zeb-large' });
});

test('a wrong type names the file, the field and what was expected', () => {
  assert.throws(
    () => parseConfig('pollSeconds: fast\n', '/home/u/.config/vastdeck/config.yaml'),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^\/home\/u\/\.config\/vastdeck\/config\.yaml: field "pollSeconds": .*number/);
      assert.equal(err.message.includes('\n'), false);
      return true;
    },
  );
});

test('a poll below the 2 s floor is refused', () => {
  assert.throws(() => parseConfig('pollSeconds: 1\n', 'c.yaml'), /field "pollSeconds".*2/);
});

test('an unknown key (a typo) is an error naming it', () => {
  assert.throws(() => parseConfig('pollSecond: 5\n', 'c.yaml'), /unknown key "pollSecond"/);
});

test('broken YAML is reported with the file and line', () => {
  assert.throws(() => parseConfig('theme: [dark\npollSeconds: 3\n', 'c.yaml'), /c\.yaml(:\d+)?: not valid YAML/);
});

test('API key order: flag, VAST_API_KEY, ~/.config/vastai/vast_api_key, ~/.vast_api_key', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vd-home-'));
  const env = { HOME: home } as NodeJS.ProcessEnv;
  assert.equal(await resolveApiKey(undefined, env), null);
  writeFileSync(path.join(home, '.vast_api_key'), 'legacy-key-123\n');
  assert.deepEqual(await resolveApiKey(undefined, env), {
    key: 'legacy-key-123',
    source: path.join(home, '.vast_api_key'),
  });
  mkdirSync(path.join(home, '.config', 'vastai'), { recursive: true });
  writeFileSync(path.join(home, '.config', 'vastai', 'vast_api_key'), 'file-key-456');
  assert.equal((await resolveApiKey(undefined, env))?.key, 'file-key-456');
  assert.equal((await resolveApiKey(undefined, { ...env, VAST_API_KEY: 'env-key-789' }))?.source, 'VAST_API_KEY');
  assert.equal((await resolveApiKey('flag-key-000', { ...env, VAST_API_KEY: 'env-key-789' }))?.key, 'flag-key-000');
});

test('API key from $XDG_CONFIG_HOME/vastai/vast_api_key, as the official CLI reads it, before ~/.config', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vd-home-'));
  const xdg = mkdtempSync(path.join(os.tmpdir(), 'vd-xdg-'));
  const env = { HOME: home, XDG_CONFIG_HOME: xdg } as NodeJS.ProcessEnv;
  mkdirSync(path.join(xdg, 'vastai'), { recursive: true });
  writeFileSync(path.join(xdg, 'vastai', 'vast_api_key'), 'xdg-key-321\n');
  assert.deepEqual(await resolveApiKey(undefined, env), {
    key: 'xdg-key-321',
    source: path.join(xdg, 'vastai', 'vast_api_key'),
  });
  mkdirSync(path.join(home, '.config', 'vastai'), { recursive: true });
  writeFileSync(path.join(home, '.config', 'vastai', 'vast_api_key'), 'file-key-456');
  assert.equal((await resolveApiKey(undefined, env))?.key, 'xdg-key-321');
  assert.equal((await resolveApiKey(undefined, { HOME: home }))?.key, 'file-key-456');
});

test('API URL order: flag, VAST_URL, config, default; trailing slash dropped', () => {
  assert.equal(resolveApiUrl(undefined, undefined, {}), 'https://console.vast.ai');
  assert.equal(resolveApiUrl(undefined, 'http://127.0.0.1:9/', {}), 'http://127.0.0.1:9');
  assert.equal(resolveApiUrl(undefined, 'http://c', { VAST_URL: 'http://e' }), 'http://e');
  assert.equal(resolveApiUrl('http://f', 'http://c', { VAST_URL: 'http://e' }), 'http://f');
});

test('XDG directories are honoured', () => {
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/h' }), '/x/cfg/vastdeck');
  assert.equal(configDir({ HOME: '/h' }), '/h/.config/vastdeck');
  assert.equal(stateDir({ HOME: '/h' }), '/h/.local/state/vastdeck');
  assert.equal(stateDir({ HOME: '/h', XDG_STATE_HOME: '/x/st', VASTDECK_STATE_DIR: '/v/s' }), '/v/s');
  assert.equal(demoStateDir({ HOME: '/h', XDG_STATE_HOME: '/x/st' }), '/x/st/vastdeck/demo');
});

test('budget and notify sections are read', () => {
  const cfg = parseConfig(
    'budget:\n  maxCardDph: 0.5\n  maxFleetDph: 6\n  dailyBudget: 120\n  minBalance: 20\nnotify:\n  webhook: https://hooks.example.test/services/T0/B0/xyz\n',
    'c.yaml',
  );
  assert.deepEqual(cfg.budget, { maxCardDph: 0.5, maxFleetDph: 6, dailyBudget: 120, minBalance: 20 });
  assert.deepEqual(cfg.notify, {
    webhook: 'https://hooks.example.test/services/T0/B0/xyz',
    bell: true,
    timeoutSeconds: 10,
  });
  assert.equal(parseConfig('pollSeconds: 5\n', 'c.yaml').budget, undefined);
});

test('budget and notify are strict: typos, negative limits and non-http webhooks are refused', () => {
  assert.throws(
    () => parseConfig('budget:\n  maxCardDPH: 0.5\n', 'c.yaml'),
    /field "budget": unknown key "maxCardDPH"/,
  );
  assert.throws(() => parseConfig('budget:\n  dailyBudget: -3\n', 'c.yaml'), /field "budget.dailyBudget"/);
  assert.throws(() => parseConfig('notify:\n  webhook: ftp://x.test/hook\n', 'c.yaml'), /field "notify.webhook"/);
  assert.throws(() => parseConfig('notify:\n  bell: loud\n', 'c.yaml'), /field "notify.bell"/);
});

test('a bad webhook URL is reported without echoing it (it embeds a token)', () => {
  assert.throws(
    () => parseConfig('notify:\n  webhook: not a url SECRETPART123\n', 'c.yaml'),
    (err: Error) => {
      assert.match(err.message, /notify.webhook/);
      assert.equal(err.message.includes('SECRETPART123'), false);
      return true;
    },
  );
});
