// The node:http transport under VastHttp (src/core/vast/transport.ts), on a local server: whole answers,
// kept-alive sockets, one deadline over headers and body, drops and refusals as socket errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { bodyText, send } from '../../src/core/vast/transport.js';

let server: http.Server;
let base: string;
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url.startsWith('/stall')) {
        res.writeHead(200, { 'content-length': '100' });
        return void res.write('{"half":');
      }
      if (url.startsWith('/drop')) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"half":');
        return void setTimeout(() => req.socket.destroy(), 20);
      }
      if (url.startsWith('/bom')) return void res.end('\ufeff{"a":1}');
      res.writeHead(url.startsWith('/missing') ? 404 : 200, {
        'content-type': 'application/json',
        date: 'Wed, 02 Dec 2026 10:00:00 GMT',
      });
      res.end(
        JSON.stringify({
          method: req.method,
          url,
          body,
          port: req.socket.remotePort,
          len: req.headers['content-length'] ?? null,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const json = (b: Uint8Array) => JSON.parse(bodyText(b)) as Record<string, unknown>;

test('a GET with a query and a POST with a body come back whole, with status and headers', async () => {
  const a = await send(new URL(`${base}/api/v0/instances/?owner=me&q=%7B%7D`), {
    method: 'GET',
    headers: { accept: 'application/json' },
    timeoutMs: 2000,
  });
  assert.equal(a.status, 200);
  assert.equal(a.headers.date, 'Wed, 02 Dec 2026 10:00:00 GMT');
  assert.deepEqual(
    { ...json(a.bytes), port: 0 },
    { method: 'GET', url: '/api/v0/instances/?owner=me&q=%7B%7D', body: '', port: 0, len: null },
  );
  const body = '{"label":"é"}';
  const b = await send(new URL(`${base}/api/v0/asks/1/`), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body,
    timeoutMs: 2000,
  });
  assert.equal(json(b.bytes).body, body);
  assert.equal(json(b.bytes).len, String(Buffer.byteLength(body)), 'content-length counts bytes, not characters');
  const c = await send(new URL(`${base}/missing`), { method: 'DELETE', headers: {}, body: '{}', timeoutMs: 2000 });
  assert.equal(c.status, 404);
});

test('consecutive calls reuse one kept-alive connection', async () => {
  const ports = [];
  for (let i = 0; i < 3; i++)
    ports.push(json((await send(new URL(`${base}/x`), { method: 'GET', headers: {}, timeoutMs: 2000 })).bytes).port);
  assert.equal(new Set(ports).size, 1, `ports ${ports.join(', ')}`);
});

test('the deadline covers the body; a drop mid-body and a refused connection are socket errors', async () => {
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: NodeJS.ErrnoException) => `${e.name} ${e.code ?? ''}`.trim(),
    );
  const t = Date.now();
  assert.equal(
    await failure(send(new URL(`${base}/stall`), { method: 'GET', headers: {}, timeoutMs: 150 })),
    'TimeoutError',
  );
  assert.ok(Date.now() - t < 1500);
  assert.equal(
    await failure(send(new URL(`${base}/drop`), { method: 'GET', headers: {}, timeoutMs: 2000 })),
    'Error ECONNRESET',
  );
  assert.equal(
    await failure(send(new URL('http://127.0.0.1:9/'), { method: 'GET', headers: {}, timeoutMs: 2000 })),
    'Error ECONNREFUSED',
  );
});

test('a byte-order mark is dropped from text bodies', async () => {
  const r = await send(new URL(`${base}/bom`), { method: 'GET', headers: {}, timeoutMs: 2000 });
  assert.deepEqual(JSON.parse(bodyText(r.bytes)), { a: 1 });
});

test('an idle kept-alive socket does not hold a finished process open', async () => {
  const script = `import { send } from './src/core/vast/transport.ts';
    const r = await send(new URL('${base}/x'), { method: 'GET', headers: {}, timeoutMs: 2000 });
    console.log(r.status);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let answered = 0;
  child.stdout.on('data', (b: Buffer) => ((out += b), (answered ||= Date.now())));
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(out.trim(), '200');
  assert.equal(code, 0);
  // The agent's idle timeout is 4 s: an exit well before it means the idle socket was unref'd, not waited out.
  assert.ok(Date.now() - answered < 2000, `exited ${Date.now() - answered} ms after the answer`);
});

test('https: loaded only when an https URL is used, then a real TLS exchange (a local server, its certificate trusted)', async () => {
  const dir = path.resolve('test/fixtures/tls');
  const tls = https.createServer(
    { key: readFileSync(path.join(dir, 'localhost.key')), cert: readFileSync(path.join(dir, 'localhost.crt')) },
    (req, res) => res.end(JSON.stringify({ tls: (req.socket as { encrypted?: boolean }).encrypted === true })),
  );
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  const tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/x`;
  const mod = JSON.stringify(path.resolve('src/core/vast/transport.ts'));
  const script = `
    const { send, bodyText } = await import(${mod});
    const opts = { method: 'GET', headers: {}, timeoutMs: 5000 };
    const loaded = () => process.moduleLoadList.some((m) => m === 'NativeModule https' || m === 'NativeModule tls');
    const plain = await send(new URL(${JSON.stringify(`${base}/x`)}), opts);
    const before = loaded();
    const secure = await send(new URL(${JSON.stringify(tlsUrl)}), opts);
    console.log(JSON.stringify({ plain: plain.status, before, after: loaded(), body: bodyText(secure.bytes) }));
  `;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'localhost.crt') },
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    assert.equal(await new Promise((r) => child.on('exit', r)), 0);
    assert.deepEqual(JSON.parse(out), { plain: 200, before: false, after: true, body: '{"tls":true}' });
  } finally {
    tls.close();
  }
});
