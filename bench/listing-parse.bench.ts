/**
 * Parsing one page of the instance listing at 10,000 instances: the simulator's page 1 of bench/scenarios/
 * fleet-10000.yaml (25 rows; label_counts holds all 10,000 labels, as Vast's does for an account), parsed whole
 * against parsed after withoutMember cuts label_counts out (src/core/vast/json-omit.ts), in one run, alternating.
 * Run: npx tsx bench/listing-parse.bench.ts   → prints and writes bench/results/listing-parse.json
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';
import { withoutMember } from '../src/core/vast/json-omit.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const sim = await startSimulator({ scenario: path.join(dir, 'scenarios', 'fleet-10000.yaml'), hosts: false });
const query = new URLSearchParams({ select_filters: '{}', order_by: '[{"col":"id","dir":"asc"}]', limit: '25' });
const res = await fetch(`${sim.url}/api/v1/instances/?${query}`, {
  headers: { authorization: `Bearer ${sim.apiKey}` },
});
const text = await res.text();
await sim.close();

const per = (f: () => unknown, n: number) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t) / n;
};
const whole = () => JSON.parse(text);
const cut = () => JSON.parse(withoutMember(text, 'label_counts'));
per(whole, 50);
per(cut, 50);
const rounds: Array<{ wholeMs: number; cutMs: number }> = [];
for (let r = 0; r < 7; r++) rounds.push({ wholeMs: per(whole, 200), cutMs: per(cut, 200) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wholeMs = median(rounds.map((r) => r.wholeMs));
const cutMs = median(rounds.map((r) => r.cutMs));
const out = {
  date: new Date().toISOString(),
  node: process.version,
  pageBytes: text.length,
  rowsOnPage: (JSON.parse(text) as { instances: unknown[] }).instances.length,
  wholeParseMs: Math.round(wholeMs * 1000) / 1000,
  cutAndParseMs: Math.round(cutMs * 1000) / 1000,
  ratio: Math.round((wholeMs / cutMs) * 10) / 10,
  note: 'medians of 7 rounds of 200 parses; a fill at 10,000 instances parses 400 such pages',
};
console.log(JSON.stringify(out, null, 2));
writeFileSync(path.join(dir, 'results', 'listing-parse.json'), `${JSON.stringify(out, null, 2)}\n`);
