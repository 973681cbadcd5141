// Writes bench/scenarios/fleet-{10,40,100,1000,10000}.yaml: the fleet-size bench's simulator worlds. One mix at every
// size (≈ 80 % running, 8 % stopped, 4 % loading, 4 % exited, 4 % outbid), spread over every GPU model and count
// of the catalogue so the market has an offer for each rental. Usage: npx tsx bench/scenarios/gen-fleet.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPU_CATALOGUE } from '../../src/sim/gpus.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const STATUSES = [
  ...Array<string>(20).fill('status: running'),
  'status: stopped',
  'status: stopped',
  'status: loading, stuck: true',
  'status: exited',
  'status: stopped, outbid: true',
];
const pairs = GPU_CATALOGUE.flatMap((g) => g.counts.map((c) => [g.name, c] as const));

for (const n of [10, 40, 100, 1000, 10000]) {
  const lines = [
    `# The fleet-size bench's world (bench/fleet-scale.mjs): ${n.toLocaleString('en-US')} instances. Generated ` +
      `by gen-fleet.ts.`,
    'seed: 16',
    'balance: 25000',
    'market: { size: 50000, traps: false }',
    // New rentals are not part of the bench; the starting fleet does not change by itself.
    'lifecycle: { stuckRate: 0, exitRate: 0, outbidMeanHours: 0 }',
    'fleet:',
  ];
  // Entries of up to 20 replicas, cycling statuses and GPU pairs.
  let left = n;
  for (let i = 0; left > 0; i++) {
    const replicas = Math.min(left, Math.max(1, Math.min(20, Math.ceil(n / 25))));
    const [gpu, count] = pairs[i % pairs.length]!;
    const age = ['3h', '20h', '2d', '45m'][i % 4];
    lines.push(
      `  - { label: "fs-${i}-{n}", gpu: "${gpu}", count: ${count}, replicas: ${replicas}, ` +
        `${STATUSES[i % STATUSES.length]}, age: ${age}, runtype: ssh_proxy }`,
    );
    left -= replicas;
  }
  writeFileSync(path.join(dir, `fleet-${n}.yaml`), lines.join('\n') + '\n');
}
