/** Small local HTTP servers on 127.0.0.1 for the Vast client tests (never the real Vast.ai). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface Seen {
  method: string;
  url: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A scripted handler: n is the 0-based index of this request. */
export type Handler = (req: Seen, res: http.ServerResponse, n: number) => void | Promise<void>;

/** A running test server. */
export interface TestServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 that records every request and answers with `handler`. */
export async function serve(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const s: Seen = {
        method: req.method ?? '',
        url,
        path: q < 0 ? url : url.slice(0, q),
        query: q < 0 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const n = seen.push(s) - 1;
      void Promise.resolve(handler(s, res, n)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers JSON with an exact `application/json` content type, like Vast. */
export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers plain text. */
export function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

/** A sleep that records the requested delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** An instance row shaped like vast-api.md §4 (the fields the CLI needs plus the ones we convert). */
export function wireInstance(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    label: `run-${id}`,
    actual_status: 'running',
    intended_status: 'running',
    status_msg: 'success, running img/ssh',
    machine_id: 9000 + id,
    host_id: 77,
    gpu_name: 'RTX 4090',
    num_gpus: 1,
    gpu_ram: 24564,
    gpu_util: 87.5,
    gpu_temp: 64,
    cpu_ram: 64000,
    cpu_cores_effective: 8,
    cpu_util: 0.25,
    disk_space: 50,
    disk_usage: 12.3,
    inet_down: 900.5,
    inet_up: 400.2,
    reliability2: 0.991,
    dph_total: 0.412,
    storage_total_cost: 0.012,
    is_bid: false,
    image_uuid: 'pytorch/pytorch',
    cuda_max_good: 12.4,
    driver_version: '550.54.14',
    geolocation: 'Texas, US',
    verification: 'verified',
    extra_env: [
      ['HF_TOKEN', 'hf_secret_value'],
      ['-p 8080:8080', '1'],
    ],
    ssh_host: 'ssh5.vast.ai',
    ssh_port: 31000 + id,
    public_ipaddr: '203.0.113.9',
    ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '40001' }] },
    image_runtype: 'ssh ssh_direc ssh_proxy',
    start_date: 1767225600.5,
    ...extra,
  };
}
