/**
 * A stand-in Vast.ai API on 127.0.0.1 that answers with whatever rows a test gives it: an instance list, one
 * instance, an offer search, a log, or an error body. For tests that feed hostile text (escape sequences,
 * bidi controls, NUL, huge strings) through the real client into every output path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers; tests change it between runs. */
export interface HostileWorld {
  instances: unknown[];
  offers: unknown[];
  log: string;
  /** When set, every /api/ call answers this status with this body. */
  error?: { status: number; body: string };
}

/** A running stand-in. */
export interface HostileApi {
  url: string;
  world: HostileWorld;
  close(): Promise<void>;
}

export async function startHostileApi(world: HostileWorld): Promise<HostileApi> {
  const api = { world } as HostileApi;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    req.resume();
    req.on('end', () => {
      const w = api.world;
      if (u.pathname === '/log.txt') return send(200, w.log, 'text/plain');
      if (w.error) return send(w.error.status, w.error.body, 'text/plain');
      if (u.pathname === '/api/v1/instances/') return send(200, JSON.stringify({ instances: w.instances }));
      const one = /^\/api\/v0\/instances\/(\d+)\/$/.exec(u.pathname);
      if (one) return send(200, JSON.stringify({ instances: w.instances[0] ?? null }));
      if (u.pathname.startsWith('/api/v0/instances/request_logs/'))
        return send(200, JSON.stringify({ success: true, result_url: `${api.url}/log.txt` }));
      if (u.pathname === '/api/v0/bundles/') return send(200, JSON.stringify({ offers: w.offers }));
      send(404, JSON.stringify({ error: 'not_found', msg: `no route ${u.pathname}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return api;
}
