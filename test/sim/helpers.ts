/** Test helpers: a tiny client for the simulator (plain fetch, as the brief asks). */
import { startSimulator, type SimHandle, type SimOptions } from '../../src/sim/index.js';

/** A response with its body read both ways. */
export interface Res {
  status: number;
  type: string | null;
  headers: Headers;
  text: string;
  json: any;
}

/** Call the simulator with the account key (or `key`, or none when key is null). */
export async function call(
  sim: SimHandle,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = sim.apiKey,
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  const r = await fetch(sim.url + path, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, type: r.headers.get('content-type'), headers: r.headers, text, json };
}

/** Encode a query the way the CLI does (JSON values URL-encoded). */
export function qs(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
}

/** Start a simulator without rate limiting (most tests), with a smaller market unless asked. */
export function quietSim(opts: SimOptions = {}): Promise<SimHandle> {
  return startSimulator({ rateLimit: false, scenario: { market: { size: 3000 } }, ...opts });
}

/** Rent the best available offer matching a query; returns the new instance id and the offer. */
export async function rentOne(
  sim: SimHandle,
  extra: Record<string, unknown> = {},
  query: Record<string, unknown> = {},
): Promise<{ id: number; offer: any }> {
  const s = await call(sim, 'POST', '/api/v0/bundles/', {
    verified: { eq: true },
    disk_space: { gte: 60 },
    limit: 1,
    ...query,
  });
  const offer = s.json.offers[0];
  const c = await call(sim, 'PUT', `/api/v0/asks/${offer.id}/`, {
    client_id: 'me',
    image: 'img:1',
    env: {},
    price: null,
    disk: 20,
    label: 'L',
    runtype: 'ssh',
    ...extra,
  });
  if (c.status !== 200) throw new Error(`create failed ${c.status} ${c.text}`);
  return { id: c.json.new_contract, offer };
}

/** The instance row by id (GET /api/v0/instances/{id}/). */
export async function show(sim: SimHandle, id: number): Promise<any> {
  return (await call(sim, 'GET', `/api/v0/instances/${id}/`)).json.instances;
}

/** Poll a result_url like the CLI (no auth), at most `max` times; returns the statuses seen and the text. */
export async function pollLog(url: string, max = 10): Promise<{ statuses: number[]; text: string }> {
  const statuses: number[] = [];
  for (let i = 0; i < max; i++) {
    const g = await fetch(url);
    const text = await g.text();
    statuses.push(g.status);
    if (g.status === 200) return { statuses, text };
  }
  throw new Error(`log never ready: ${statuses.join(',')}`);
}

/** The JSON answer of a call with the account key (tests that only need the body). */
export async function callJson(sim: SimHandle, method: string, path: string, body?: unknown): Promise<any> {
  return (await call(sim, method, path, body)).json;
}

/**
 * Rents the first offer matching `search` (verified, ≥ 40 GB disk by default) with `disk` GB and `label`,
 * through the raw API; returns the new instance id.
 */
export async function rentOn(
  sim: SimHandle,
  label: string,
  disk = 20,
  search: Record<string, unknown> = { verified: { eq: true }, disk_space: { gte: 40 }, limit: 1 },
): Promise<number> {
  const s = await callJson(sim, 'POST', '/api/v0/bundles/', search);
  const c = await callJson(sim, 'PUT', `/api/v0/asks/${s.offers[0].id}/`, {
    client_id: 'me',
    image: 'img:1',
    env: {},
    price: null,
    disk,
    label,
    runtype: 'ssh',
  });
  return c.new_contract as number;
}
