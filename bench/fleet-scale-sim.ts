// The simulator for bench/fleet-scale.mjs, in its own process so its CPU is not the TUI's: the scenario
// bench/scenarios/fleet-N.yaml, Vast's rate limits on (the listing: 1 call a second, burst 5), no simulated hosts.
// Every instance's SSH endpoint points at one local port that drops connections, so the TUI's health monitor
// fails fast and never dials anything else on the machine. Prints one JSON line {url, apiKey, n}, then serves.
// With FLEET_SIM_TIMINGS=FILE, each answer appends a line {at, ms, path}: when the request came (epoch ms) and how
// long the simulator took to answer it, so the bench can tell the server's time from the TUI's.
// Usage: npx tsx bench/fleet-scale-sim.ts N
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';

const n = Number(process.argv[2] ?? 10);
const timings = process.env.FLEET_SIM_TIMINGS;
if (timings) {
  const epoch = () => performance.timeOrigin + performance.now();
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const at = epoch();
      const path = (req.url ?? '').split('?')[0];
      res.on('finish', () => appendFileSync(timings, `${JSON.stringify({ at, ms: epoch() - at, path })}\n`));
    }
    return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof emit;
}
const dir = path.dirname(fileURLToPath(import.meta.url));
const sink = net.createServer((sock) => sock.destroy());
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkPort = (sink.address() as AddressInfo).port;
const sim = await startSimulator({
  scenario: path.join(dir, 'scenarios', `fleet-${n}.yaml`),
  hosts: false,
  rateLimit: true,
  speed: 1,
});
for (const rec of sim.world.instances.values()) rec.sshPort = sinkPort;
const firstId = Math.min(...sim.world.instances.keys());
process.stdout.write(JSON.stringify({ url: sim.url, apiKey: sim.apiKey, n: sim.world.instances.size, firstId }) + '\n');
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
