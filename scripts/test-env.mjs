// The environment tests run in: the user's shell must not reach them. vastdeck reads its state dir, config,
// API key, Hub token and SSH agent from the environment, so a developer's VASTDECK_STATE_DIR, XDG_*,
// VAST_API_KEY or HF_TOKEN would point tests at their real journal, account or keys.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Variables removed from the environment tests inherit. */
export const SCRUBBED = /^(VASTDECK_|VAST_|XDG_|HF_|HUGGING_FACE_|HUGGINGFACE_|SSH_AUTH_SOCK$)/;

/** Where the test runner's sandbox lives (one temp dir per `node scripts/test.mjs`). */
const SANDBOX = 'VASTDECK_TESTS_SANDBOX';

let ownSandbox;

/**
 * The environment for tests and the CLI runs they start: `env` without the variables that would let the user's
 * shell steer a test, with XDG state, config and cache in the runner's sandbox (or this process's own temp dir).
 */
export function testEnv(env = process.env) {
  const sandbox = env[SANDBOX] || (ownSandbox ??= mkdtempSync(path.join(tmpdir(), 'vastdeck-tests-')));
  const out = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !SCRUBBED.test(k)) out[k] = v;
  return {
    ...out,
    [SANDBOX]: sandbox,
    XDG_STATE_HOME: path.join(sandbox, 'state'),
    XDG_CONFIG_HOME: path.join(sandbox, 'config'),
    XDG_CACHE_HOME: path.join(sandbox, 'cache'),
    NODE_ENV: 'test',
  };
}
