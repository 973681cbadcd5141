// The slim request() (src/core/vast/undici-request.ts) against undici's own request(), on a local HTTP server:
// same status, headers, body and errors, for the call shapes vastdeck uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import { request } from '../../src/core/vast/undici-request.js';

let server: http.Server;
let base: string;
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('late'), 2000);
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'application/json', 'x-echo': req.headers['x-test'] ?? '' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const shapes: Array<[string, string | URL, Parameters<typeof request>[1]]> = [
  ['GET with a query string', '{base}/api/v0/instances/?owner=me&q=%7B%7D', { method: 'GET', headers: { accept: 'application/json', 'x-test': 'a' } }],
  ['GET by URL object', '{base}/api/v1/users/current/', { headers: { authorization: 'Bearer k' } }],
  ['POST with a JSON body', '{base}/api/v0/bundles/', { method: 'POST', body: '{"limit":5}', headers: { 'content-type': 'application/json' } }],
  ['PUT implied by a body', '{base}/api/v0/asks/1/', { body: '{}' }],
  ['a 404', '{base}/missing', { method: 'DELETE' }],
];

test('status, headers and body are what undici.request() gives', async () => {
  for (const [what, raw, opts] of shapes) {
    const url = String(raw).replace('{base}', base);
    const target = what === 'GET by URL object' ? new URL(url) : url;
    const [a, b] = await Promise.all([request(target, opts), undiciRequest(target, opts as never)]);
    assert.equal(a.statusCode, b.statusCode, what);
    assert.equal(a.headers['x-echo'], b.headers['x-echo'], what);
    assert.deepEqual(await a.body.json(), await b.body.json(), what);
  }
});

test('a timeout and a refused connection fail as undici.request() fails', async () => {
  const timeoutOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.name);
  assert.equal(
    await timeoutOf(request(`${base}/slow`, { signal: AbortSignal.timeout(100) })),
    await timeoutOf(undiciRequest(`${base}/slow`, { signal: AbortSignal.timeout(100) })),
  );
  const refused = (p: Promise<unknown>) => p.then(() => 'resolved', (e: NodeJS.ErrnoException) => e.code);
  assert.equal(await refused(request('http://127.0.0.1:9/')), 'ECONNREFUSED');
  assert.equal(await refused(request('http://127.0.0.1:9/')), await refused(undiciRequest('http://127.0.0.1:9/')));
});
