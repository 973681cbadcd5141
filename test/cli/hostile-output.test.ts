// Property test: random hostile text (escape sequences, C1, bidi controls, NUL, \r, huge strings) in every field
// of an instance row, an offer, a log line and an error body, through the real client into every output path of
// the headless commands (table, --json, stderr). No control sequence may leave the process. Seeded: a failure
// names its seed and case; rerun with VASTDECK_PROPERTY_SEED=N.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/sim/index.js';
import { makeRng } from '../../src/sim/prng.js';
import { hostile, mutate } from '../helpers/hostile-text.js';
import { main } from '../../src/cli/main.js';
import { startHostileApi, type HostileApi } from '../helpers/hostile-api.js';
import { bundleCli, runCli } from '../helpers/run-cli.js';

/** What must never be printed: C0 but tab and newline, DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const KEY = 'hostile-key-123456';

/**
 * Runs main() in this process, capturing what it writes to stdout and stderr. The CLI writes strings; the test
 * runner's own events on stdout are binary (Buffers), so those pass through untouched.
 */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  const tap = (orig: typeof o, add: (s: string) => void) =>
    ((c: string | Uint8Array, ...rest: unknown[]) =>
      typeof c === 'string' ? (add(c), true) : (orig as (...a: unknown[]) => boolean)(c, ...rest)) as typeof o;
  process.stdout.write = tap(o, (s) => (out += s));
  process.stderr.write = tap(e, (s) => (err += s));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

let api: HostileApi;
let instanceT: Record<string, unknown>;
let offerT: Record<string, unknown>;

before(async () => {
  const sim = await startSimulator({
    rateLimit: false,
    hosts: false,
    scenario: { market: { size: 200 }, fleet: [{ label: 'tpl', gpu: 'RTX 4090', status: 'running' }] },
  });
  const h = { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' };
  instanceT = (
    (await (await fetch(`${sim.url}/api/v1/instances/?limit=1`, { headers: h })).json()) as {
      instances: Record<string, unknown>[];
    }
  ).instances[0]!;
  offerT = (
    (await (
      await fetch(`${sim.url}/api/v0/bundles/`, { method: 'POST', headers: h, body: '{"limit": 1}' })
    ).json()) as { offers: Record<string, unknown>[] }
  ).offers[0]!;
  await sim.close();
  api = await startHostileApi({ instances: [instanceT], offers: [offerT], log: 'ok\n' });
});
after(async () => {
  await api?.close();
});

const SEED = Number(process.env.VASTDECK_PROPERTY_SEED ?? 20261202);
const flags = () => ['--api-url', api.url, '--api-key', KEY];

function check(what: string, r: { out: string; err: string }): void {
  const all = r.out + r.err;
  const m = UNSAFE.exec(all);
  if (m)
    assert.fail(
      `${what}: U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} left the process near ` +
        `${JSON.stringify(all.slice(Math.max(0, m.index - 40), m.index + 20))}`,
    );
  assert.ok(!(r.out + r.err).includes(KEY), `${what}: the API key was printed`);
}

describe('hostile text never leaves the process', () => {
  test('instance rows: table, --json, logs header path and errors', async () => {
    const rng = makeRng(SEED);
    for (let i = 0; i < 60; i++) {
      const { row, keys } = mutate(instanceT, rng, 1 + Math.floor(rng() * 4));
      api.world = { instances: [row], offers: [offerT], log: 'step 1\n' };
      const what = `seed ${SEED} instance case ${i} (fields ${keys.join(', ')})`;
      for (const argv of [['instances'], ['instances', '--json'], ['logs', String(instanceT.id), '--api']]) {
        const r = await capture([...argv, ...flags()]);
        check(`${what} ${argv.join(' ')}`, r);
        if (r.code === 0 && argv.includes('--json')) JSON.parse(r.out);
      }
    }
  });

  test('offers: table and --json', async () => {
    const rng = makeRng(SEED + 1);
    for (let i = 0; i < 60; i++) {
      const { row, keys } = mutate(offerT, rng, 1 + Math.floor(rng() * 4));
      api.world = { instances: [instanceT], offers: [row, offerT], log: '' };
      for (const argv of [['offers'], ['offers', '--json']]) {
        const r = await capture([...argv, ...flags()]);
        check(`seed ${SEED + 1} offer case ${i} (fields ${keys.join(', ')}) ${argv.join(' ')}`, r);
        if (r.code === 0 && argv.includes('--json')) JSON.parse(r.out);
      }
    }
  });

  test('log lines: logs --api prints none of it raw', async () => {
    const rng = makeRng(SEED + 2);
    for (let i = 0; i < 40; i++) {
      const log = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => hostile(rng)).join('\n');
      api.world = { instances: [instanceT], offers: [offerT], log };
      check(`seed ${SEED + 2} log case ${i}`, await capture(['logs', String(instanceT.id), '--api', ...flags()]));
    }
  });

  test('error bodies (JSON msg or plain text, the key echoed in them): one clean line on stderr', async () => {
    const rng = makeRng(SEED + 3);
    const statuses = [400, 401, 403, 404, 410, 500];
    for (let i = 0; i < 40; i++) {
      const text =
        `${hostile(rng)} ` + `${rng() < 0.5 ? JSON.stringify({ key: KEY }) : encodeURIComponent(KEY)} ${hostile(rng)}`;
      const body = rng() < 0.5 ? JSON.stringify({ error: hostile(rng), msg: text }) : text;
      api.world = {
        instances: [instanceT],
        offers: [offerT],
        log: '',
        error: { status: statuses[i % statuses.length]!, body },
      };
      const r = await capture(['instances', ...flags()]);
      assert.equal(r.code, 1);
      check(`seed ${SEED + 3} error case ${i}`, r);
      assert.equal(r.err.split('\n').length, 2, r.err);
    }
  });

  test('the reproduction, in a real process: an id holding OSC 52 and OSC 2 reaches stderr clean', async () => {
    api.world = { instances: [{ ...instanceT, id: '1\x1b]52;c;cHduZWQ=\x07\x1b]2;pwned\x07' }], offers: [], log: '' };
    const script = await bundleCli();
    const r = await runCli(['instances', ...flags()], {
      script,
      clean: true,
      env: { HOME: '/nonexistent-vastdeck-home' },
    });
    assert.equal(r.code, 1);
    assert.match(r.err, /^vastdeck: unexpected answer from Vast\.ai .*instance row/);
    check('instances with a hostile id', r);
  });
});
