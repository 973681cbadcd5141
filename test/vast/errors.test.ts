import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VastClient } from '../../src/core/vast/client.js';
import { VastError } from '../../src/core/vast/errors.js';
import { json, recordingSleep, serve, text, type Handler } from './helpers.js';

const KEY = 'fake-key-0123456789';

async function failWith(
  handler: Handler,
  call: (c: VastClient) => Promise<unknown> = (c) => c.listInstances(),
): Promise<VastError> {
  const srv = await serve(handler);
  try {
    const { sleep } = recordingSleep();
    const c = new VastClient({ apiKey: KEY, baseUrl: srv.url, attempts: 2, sleep, logPollAttempts: 2 });
    const err = await call(c).then(
      () => assert.fail('expected a VastError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof VastError, `got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return err;
  } finally {
    await srv.close();
  }
}

describe('error classes', () => {
  test('404 "Invalid user key" is auth, with the fix in the message', async () => {
    const e = await failWith((_r, res) =>
      json(res, 404, { success: false, error: 'auth_error', msg: 'Invalid user key' }),
    );
    assert.equal(e.kind, 'auth');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'Vast.ai rejected the API key (404 Invalid user key): check --api-key / VAST_API_KEY');
  });

  test('401 JSON and 401 non-JSON are auth', async () => {
    const a = await failWith((_r, res) => json(res, 401, { error: 'auth_error', msg: 'Invalid user key' }));
    assert.equal(a.kind, 'auth');
    assert.equal(a.message, 'Vast.ai rejected the API key (401 Invalid user key): check --api-key / VAST_API_KEY');
    const b = await failWith((_r, res) => text(res, 401, ''));
    assert.equal(b.kind, 'auth');
    assert.match(b.message, /401 Please log in or sign up/);
    const c = await failWith((_r, res) => text(res, 401, '<html><body>Unauthorized</body></html>'));
    assert.equal(c.kind, 'auth');
  });

  test('403 "This action requires login." is auth; 404 session expired is auth', async () => {
    assert.equal((await failWith((_r, res) => json(res, 403, { msg: 'This action requires login.' }))).kind, 'auth');
    assert.equal(
      (await failWith((_r, res) => json(res, 404, { msg: 'Session expired. Please log in again.' }))).kind,
      'auth',
    );
  });

  test('a plain 404 is not_found and carries the server code', async () => {
    const e = await failWith(
      (_r, res) => json(res, 404, { success: false, error: 'no_such_instance', msg: 'Instance 4040 not found.' }),
      (c) => c.destroyInstance(4040),
    );
    assert.equal(e.kind, 'not_found');
    assert.equal(e.code, 'no_such_instance');
    assert.equal(e.endpoint, 'DELETE /api/v0/instances/4040/');
    assert.match(e.message, /404 Instance 4040 not found\./);
  });

  test('showInstance with {"instances": null} is not_found', async () => {
    const e = await failWith(
      (_r, res) => json(res, 200, { instances: null }),
      (c) => c.showInstance(5),
    );
    assert.equal(e.kind, 'not_found');
    assert.match(e.message, /instance 5 does not exist/);
  });

  test('400 is bad_request; a 200 with success:false is bad_request with its msg', async () => {
    const a = await failWith(
      (_r, res) => json(res, 400, { success: false, error: 'invalid_args', msg: 'disk too small' }),
      (c) => c.createInstance(1, { image: 'x', diskGb: 1 }),
    );
    assert.equal(a.kind, 'bad_request');
    assert.match(a.message, /400 disk too small/);
    const b = await failWith(
      (_r, res) => json(res, 200, { success: false, error: 'label_too_long', msg: 'label is too long' }),
      (c) => c.labelInstance(1, 'x'.repeat(2000)),
    );
    assert.equal(b.kind, 'bad_request');
    assert.equal(b.code, 'label_too_long');
    assert.match(b.message, /label is too long/);
  });

  test('429 with a non-JSON body is rate_limited', async () => {
    const e = await failWith((_r, res) => text(res, 429, 'API requests too frequent'));
    assert.equal(e.kind, 'rate_limited');
  });

  test('malformed: non-JSON 200, empty 200, no instances array, wrong row type', async () => {
    const cases: Array<[Handler, RegExp]> = [
      [(_r, res) => text(res, 200, '<html>maintenance</html>'), /body is not JSON \(starts with "<html>maintenance/],
      [(_r, res) => text(res, 200, ''), /empty body/],
      [(_r, res) => json(res, 200, { success: true }), /no "instances" list/],
      [(_r, res) => json(res, 200, { instances: 'nope' }), /no "instances" list/],
      [(_r, res) => json(res, 200, { instances: [{ id: 'x' }] }), /instance row x: id/],
      [(_r, res) => json(res, 200, []), /no "instances" list/],
    ];
    for (const [h, re] of cases) {
      const e = await failWith(h);
      assert.equal(e.kind, 'malformed');
      assert.match(e.message, re);
    }
  });

  test('the API key never appears in any message, even when the server echoes it back', async () => {
    const echo =
      (status: number, asJson: boolean): Handler =>
      (req, res) => {
        const said = `bad key ${req.headers.authorization} (${KEY})`;
        if (asJson) json(res, status, { success: false, error: `auth_error ${KEY}`, msg: said });
        else text(res, status, said);
      };
    const handlers: Handler[] = [
      echo(401, true),
      echo(401, false),
      echo(403, true),
      echo(404, true),
      echo(400, true),
      echo(429, false),
      echo(500, true),
      echo(502, false),
      echo(200, true),
      echo(200, false),
      (_r, res) => text(res, 200, `${KEY}${KEY}`), // a non-JSON body made of the key: the excerpt must not show it
    ];
    for (const h of handlers) {
      for (const call of [(c: VastClient) => c.listInstances(), (c: VastClient) => c.labelInstance(1, 'L')]) {
        const e = await failWith(h, call);
        for (const s of [e.message, String(e), e.stack ?? '', JSON.stringify(e), e.code ?? '']) {
          assert.ok(!s.includes(KEY), `key leaked in ${e.kind}: ${s}`);
          assert.ok(!s.includes(KEY.slice(0, 12)), `key prefix leaked in ${e.kind}: ${s}`);
        }
      }
    }
  });

  test('an env-var value echoed in an error is scrubbed too', async () => {
    const e = await failWith(
      (req, res) =>
        json(res, 400, { success: false, error: 'invalid_characters', msg: `bad value ${JSON.parse(req.body).value}` }),
      (c) => c.createEnvVar('HF_TOKEN', 'hf_supersecret/+='),
    );
    assert.equal(e.kind, 'bad_request');
    assert.ok(!e.message.includes('hf_supersecret'), e.message);
  });

  test('control sequences in server messages are stripped', async () => {
    const e = await failWith((_r, res) => json(res, 500, { msg: 'boom\x1b]0;pwned\x07\x1b[2J' }));
    assert.equal(e.kind, 'server');
    assert.ok(!e.message.includes('\x1b'));
  });
});
