import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notifier, postWebhook, ringBell, webhookPayload } from '../../src/core/notify/notify.js';
import { formatMessage, MAX_MESSAGE, type NotifyEvent } from '../../src/core/notify/message.js';

interface Got {
  path: string;
  type: string | undefined;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering with the statuses given, in order ('hang' never answers). */
async function receiver(answers: Array<number | 'hang'>) {
  const got: Got[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = answers[Math.min(got.length, answers.length - 1)]!;
      got.push({ path: req.url ?? '', type: req.headers['content-type'], body });
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/webhookSecretPart`;
  return { got, url, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const API_KEY = 'sim-demo-key-0123456789abcdef';
const HF = 'hf_QWERTYuiopASDFGhjklZXCVBnm123456';
const crash: NotifyEvent = {
  kind: 'crash',
  title: 'crashed: CUDA out of memory',
  instanceId: 1001,
  label: 'zeb-large-1',
  at: 0,
  detail: `RuntimeError: bad auth with HF_TOKEN=${HF} and key ${API_KEY}`,
};
const fastSleep = { delays: [] as number[], sleep: async (ms: number) => void fastSleep.delays.push(ms) };

describe('webhook', () => {
  test('Slack/Discord payload: {text, content} as JSON, no secrets in it', async () => {
    const rx = await receiver([200]);
    const r = await postWebhook(rx.url, crash, { secrets: [API_KEY], sleep: fastSleep.sleep });
    await rx.close();
    assert.deepEqual(r, { channel: 'webhook', ok: true, attempts: 1 });
    assert.equal(rx.got.length, 1);
    assert.equal(rx.got[0]!.type, 'application/json');
    const body = JSON.parse(rx.got[0]!.body);
    assert.deepEqual(Object.keys(body).sort(), ['content', 'text']);
    assert.equal(body.text, body.content);
    assert.match(
      body.text,
      /^vastdeck \[CRASH\] instance 1001 \(zeb-large-1\): crashed: CUDA out of memory\nRuntimeError/,
    );
    for (const secret of [API_KEY, HF, 'webhookSecretPart'])
      assert.equal(rx.got[0]!.body.includes(secret), false, secret);
    assert.match(body.text, /HF_TOKEN=\*\*\*/);
  });

  test('one retry after a 5xx, then success', async () => {
    const rx = await receiver([503, 200]);
    fastSleep.delays.length = 0;
    const r = await postWebhook(rx.url, crash, { sleep: fastSleep.sleep, retryDelayMs: 1234 });
    await rx.close();
    assert.deepEqual([r.ok, r.attempts, rx.got.length], [true, 2, 2]);
    assert.deepEqual(fastSleep.delays, [1234]);
  });

  test('failure after the retry is reported, not thrown, and never names the URL', async () => {
    const rx = await receiver([500]);
    const r = await postWebhook(rx.url, crash, { sleep: fastSleep.sleep });
    await rx.close();
    assert.deepEqual([r.ok, r.attempts, rx.got.length], [false, 2, 2]);
    assert.equal(r.error, 'webhook answered HTTP 500');
  });

  test('a 4xx is not retried', async () => {
    const rx = await receiver([404]);
    const r = await postWebhook(rx.url, crash, { sleep: fastSleep.sleep });
    await rx.close();
    assert.deepEqual([r.ok, r.attempts, rx.got.length], [false, 1, 1]);
  });

  test('a receiver that never answers times out (twice) and is reported', async () => {
    const rx = await receiver(['hang']);
    const t0 = Date.now();
    const r = await postWebhook(rx.url, crash, { timeoutMs: 150, sleep: fastSleep.sleep });
    const took = Date.now() - t0;
    await rx.close();
    assert.deepEqual([r.ok, r.attempts], [false, 2]);
    assert.equal(r.error, 'webhook not reached: no answer within 150 ms');
    assert.ok(took < 5000, `took ${took} ms`);
  });

  test('a closed port is reported without the URL', async () => {
    const rx = await receiver([200]);
    await rx.close();
    const r = await postWebhook(rx.url, crash, { sleep: fastSleep.sleep });
    assert.equal(r.ok, false);
    assert.match(r.error!, /^webhook not reached: /);
    assert.equal(r.error!.includes('127.0.0.1') || r.error!.includes('webhookSecretPart'), false);
  });
});

describe('bell and messages', () => {
  test('the bell writes BEL; a broken terminal is reported', () => {
    const out: string[] = [];
    assert.deepEqual(ringBell({ write: (s) => out.push(s) }), { channel: 'bell', ok: true, attempts: 1 });
    assert.deepEqual(out, ['\x07']);
    const bad = ringBell({
      write: () => {
        throw new Error('EPIPE');
      },
    });
    assert.deepEqual([bad.ok, bad.error], [false, 'EPIPE']);
  });

  test('a Notifier sends to every channel and resolves even when the webhook is down', async () => {
    const out: string[] = [];
    const n = new Notifier({
      webhook: 'http://127.0.0.1:9/hook',
      bell: { write: (s) => out.push(s) },
      timeoutMs: 500,
      sleep: async () => {},
    });
    assert.equal(n.enabled, true);
    const results = await n.notify({ kind: 'complete', title: 'finished at step 300', at: 0 });
    assert.deepEqual(
      results.map((r) => [r.channel, r.ok]),
      [
        ['bell', true],
        ['webhook', false],
      ],
    );
    assert.equal(out.join(''), '\x07');
    assert.equal(new Notifier({}).enabled, false);
  });

  test('remote text is stripped of control sequences and clipped for Discord', () => {
    const msg = formatMessage({
      kind: 'stall',
      title: 'stalled \x1b]52;c;ZXZpbA==\x07\x1b[31mred',
      label: 'a\x1b[2Jb',
      instanceId: 4,
      at: 0,
      detail: 'x'.repeat(5000),
    });
    assert.equal(/[\x00-\x09\x0b-\x1f\x7f]/.test(msg), false);
    assert.match(msg, /^vastdeck \[STALL\] instance 4 \(ab\): stalled red\n/);
    assert.equal(msg.length, MAX_MESSAGE);
    assert.deepEqual(Object.keys(webhookPayload({ kind: 'budget', title: 'over', at: 0 })), ['text', 'content']);
  });
});
