// A recording proxy in front of the fleet simulator, for `bench/fleet-scale.mjs --replay`: the first answer to each
// GET (method and full URL) that came back 200 is kept and served again from memory for the same request, with a
// fresh Date header; everything else goes to the simulator. The TUI then reads the very bytes the simulator wrote,
// but the answers cost this machine next to nothing, as a remote server's would: at 10,000 instances the simulator
// spends ~25 ms of CPU on the first screen, on the two cores the TUI is starting on.
// Usage: node bench/replay-proxy.mjs URL   prints {"url": "http://127.0.0.1:PORT"} on its first line.
import http from 'node:http';

const upstream = new URL(process.argv[2]);
const kept = new Map();
const DROP = new Set(['transfer-encoding', 'connection', 'keep-alive', 'date', 'content-length']);

const server = http.createServer((req, res) => {
  const key = `${req.method} ${req.url}`;
  const hit = req.method === 'GET' ? kept.get(key) : undefined;
  if (hit) {
    res.writeHead(200, { ...hit.headers, date: new Date().toUTCString(), 'content-length': hit.body.length });
    res.end(hit.body);
    return;
  }
  const sent = [];
  req.on('data', (c) => sent.push(c));
  req.on('end', () => {
    const up = http.request(new URL(req.url, upstream), { method: req.method, headers: req.headers }, (r) => {
      const got = [];
      r.on('data', (c) => got.push(c));
      r.on('end', () => {
        const body = Buffer.concat(got);
        const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !DROP.has(k)));
        if (r.statusCode === 200 && req.method === 'GET') kept.set(key, { headers, body });
        res.writeHead(r.statusCode ?? 502, { ...headers, date: r.headers.date, 'content-length': body.length });
        res.end(body);
      });
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    up.end(Buffer.concat(sent));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
