/**
 * VastClient: the VastApi over HTTP (vast-api.md). Every answer is validated with zod (schemas.ts)
 * and converted once (units.ts). Failures are VastErrors (errors.ts) that never contain the API key.
 */
import { sanitizeLine, sanitizeText } from '../util/sanitize.js';
import { lastRedraw } from '../logs/ring.js';
import type { VastApi } from './api.js';
import { VastError, errorFromRefusal, malformed } from './errors.js';
import { VastHttp, parseJsonBody, realSleep, type CallSpec, type HttpOptions } from './http.js';
import { CHUNK_THRESHOLD, decodeOffers, decodeOffersBody } from './offer-decode.js';
import { toWireBody, type OfferQuery } from './offer-query.js';
import {
  ActionResponse,
  ApiKeyCreated,
  ChargesPage,
  CreateResponse,
  GpuNamesResponse,
  InstancesPage,
  LogsResponse,
  SecretsResponse,
  ShowInstanceResponse,
  WireCharge,
  WireInstance,
  WireUser,
  OffersResponse,
} from './schemas.js';
import type { Charge, CreateRequest, Instance, LogsRequest, Offer, User } from './types.js';
import { createBody } from './create-body.js';
import { chargeFromWire, instanceFromWire, userFromWire } from './units.js';
import type * as z from 'zod/mini';
import {
  AccountKeysResponse,
  CreateKeyResponse,
  InstanceKeysResponse,
  instanceKeysFromWire,
  keyFromWire,
  type AccountSshKey,
} from './ssh-keys.js';

/** Options of VastClient: the HTTP layer's (key, base URL, retries, timeout, sleep, User-Agent) plus log polling. */
export interface VastClientOptions extends HttpOptions {
  /** Polls of a logs result_url before giving up (default 30, like the CLI). */
  logPollAttempts?: number;
  /** Pause between log polls in ms (default 300, like the CLI). */
  logPollIntervalMs?: number;
}

/** Pages followed at most: 800 × 25 = 20,000 instances; past that something loops. */
const MAX_PAGES = 800;

/**
 * The columns of an instance row the domain type reads (schemas.ts WireInstance): the listing asks for these only
 * (select_cols, vast-api.md §4), a third of a full row. A column the server does not know comes back null.
 */
export const INSTANCE_COLUMNS: readonly string[] = [
  'id',
  'label',
  'actual_status',
  'intended_status',
  'status_msg',
  'machine_id',
  'host_id',
  'gpu_name',
  'num_gpus',
  'gpu_ram',
  'gpu_util',
  'gpu_temp',
  'cpu_ram',
  'cpu_cores',
  'cpu_cores_effective',
  'cpu_util',
  'disk_space',
  'disk_usage',
  'inet_down',
  'inet_up',
  'reliability',
  'reliability2',
  'dph_total',
  'storage_total_cost',
  'is_bid',
  'min_bid',
  'image_uuid',
  'cuda_max_good',
  'driver_version',
  'geolocation',
  'verification',
  'extra_env',
  'ssh_host',
  'ssh_port',
  'public_ipaddr',
  'ports',
  'image_runtype',
  'start_date',
];

/** One page of the instance listing, validated and converted. */
export interface InstancePage {
  rows: Instance[];
  /** total_instances of the answer (the count matching the filters), when the API gives it. */
  total: number | null;
  /** True on the last page. */
  last: boolean;
}

/** Rows seen before, by id, with their wire JSON: an unchanged row is reused without validation. */
export type InstanceRowCache = Map<number, { key: string; inst: Instance }>;

/** Options of listInstancePages. */
export interface ListPagesOptions {
  /** select_filters on stored columns (vast-api.md §4). */
  filters?: Record<string, unknown>;
  cache?: InstanceRowCache;
  /** Ask only for INSTANCE_COLUMNS (select_cols), as the package CLI does for its table. */
  narrow?: boolean;
  /** Highest ids first (order_by id desc): the newest rentals. */
  newestFirst?: boolean;
  /** Sent beside the endpoint's other calls, not behind them (CallSpec.lane). */
  lane?: string;
}

/** The Vast.ai REST client. */
export class VastClient implements VastApi {
  private readonly http: VastHttp;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logPollAttempts: number;
  private readonly logPollIntervalMs: number;
  /** Counts of the last searchOffers: rows received, and rows skipped because they failed validation. */
  lastOfferStats = { received: 0, skipped: 0 };

  constructor(opts: VastClientOptions) {
    this.http = new VastHttp({ ...opts, userAgent: opts.userAgent ?? 'vastdeck/0.1' });
    this.sleep = opts.sleep ?? realSleep;
    this.logPollAttempts = Math.max(1, opts.logPollAttempts ?? 30);
    this.logPollIntervalMs = opts.logPollIntervalMs ?? 300;
  }

  /** The API's clock minus the local clock, ms (HTTP Date header of the last answer); null before any answer. */
  clockOffsetMs(): number | null {
    return this.http.clockOffsetMs();
  }

  /** Search offers; invalid rows are skipped and counted in lastOfferStats (see offer-decode.ts for why). */
  async searchOffers(query: OfferQuery): Promise<Offer[]> {
    const spec: CallSpec = { method: 'POST', path: '/bundles/', body: toWireBody(query), binary: true };
    const res = await this.http.call(spec);
    const bytes = res.bytes ?? new Uint8Array();
    // Big answers are scanned, parsed and converted batch by batch so the TUI keeps drawing (offer-decode.ts).
    const big = bytes.length >= CHUNK_THRESHOLD ? await decodeOffersBody(bytes) : null;
    if (big) {
      this.lastOfferStats = { received: big.received, skipped: big.skipped };
      return big.offers;
    }
    const text = new TextDecoder().decode(bytes);
    const rows = this.check(
      OffersResponse,
      parseJsonBody({ status: res.status, text }, 'POST /api/v0/bundles/', this.http.redact),
      spec,
      'no "offers" list',
    ).offers;
    const { offers, skipped } = await decodeOffers(rows);
    this.lastOfferStats = { received: rows.length, skipped };
    return offers;
  }

  /** Every instance, following next_token with limit=25 like both CLIs. A bad row fails the whole call. */
  async listInstances(): Promise<Instance[]> {
    const out: Instance[] = [];
    await this.listInstancePages({}, (page) => {
      for (const r of page.rows) out.push(r);
    });
    return out;
  }

  /**
   * The listing page by page (vast-api.md §4): `onPage` gets each page as soon as it is validated, so a caller can
   * show the first 25 rows while the rest arrive; returning false stops after that page. Ordered by id (highest
   * first with `newestFirst`); `filters`
   * are select_filters on stored columns (e.g. `{id: {gt: 1234}}` continues a sweep); `narrow` asks only for the
   * columns the domain type reads (select_cols). Without either the request is the CLI's, byte for byte. With a
   * `cache`, a row whose JSON equals the cached one is reused without validation or conversion. A bad row fails the
   * call. Rate limits are the HTTP layer's (backoff on 429).
   */
  async listInstancePages(
    opts: ListPagesOptions,
    // biome-ignore lint/suspicious/noConfusingVoidType: callers pass callbacks that return nothing.
    onPage: (page: InstancePage) => boolean | void | Promise<boolean | void>,
  ): Promise<void> {
    const endpoint = 'GET /api/v1/instances/';
    const seen = new Set<string>();
    let token: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const cols = opts.narrow ? { select_cols: INSTANCE_COLUMNS } : {};
      const query = {
        select_filters: opts.filters ?? {},
        order_by: [{ col: 'id', dir: opts.newestFirst ? 'desc' : 'asc' }],
        ...cols,
        limit: 25,
        after_token: token,
      };
      const body = await this.get(
        InstancesPage,
        // label_counts (a count per label on the account, on every page: ~190 KB at 10,000 labels) is never read.
        { method: 'GET', path: '/api/v1/instances/', query, omit: 'label_counts', lane: opts.lane },
        'no "instances" list',
      );
      const rows = body.instances.map((row) => this.cachedRow(row, endpoint, opts.cache));
      const next = body.next_token;
      const last = !next;
      if ((await onPage({ rows, total: body.total_instances ?? null, last })) === false || last) return;
      if (seen.has(next)) throw malformed(endpoint, 'next_token repeats; the list never ends');
      seen.add(next);
      token = next;
    }
    throw malformed(endpoint, `more than ${MAX_PAGES} pages`);
  }

  /** One instance; `{"instances": null}` means gone or not yours, a not_found error. */
  async showInstance(id: number): Promise<Instance> {
    const path = `/instances/${id}/`;
    const body = await this.get(
      ShowInstanceResponse,
      { method: 'GET', path, query: { owner: 'me' } },
      'no "instances" field',
    );
    if (body.instances == null) {
      throw new VastError('not_found', `instance ${id} does not exist or is not yours: refresh the list`, {
        endpoint: `GET /api/v0${path}`,
      });
    }
    return this.instanceRow(body.instances, `GET /api/v0${path}`);
  }

  /**
   * Rent an offer with the CLI's full body. Never retried here (only a refused connection): it may have rented already.
   */
  async createInstance(offerId: number, req: CreateRequest): Promise<{ instanceId: number }> {
    const body = createBody(req);
    const secrets = Object.values(req.env ?? {});
    const res = await this.get(
      CreateResponse,
      { method: 'PUT', path: `/asks/${offerId}/`, body, idempotent: false, secrets },
      'no "new_contract"',
    );
    return { instanceId: res.new_contract };
  }

  /** Destroy (irreversible; stops all billing). */
  destroyInstance(id: number): Promise<void> {
    return this.act({ method: 'DELETE', path: `/instances/${id}/` });
  }

  /** Set the label. */
  labelInstance(id: number, label: string): Promise<void> {
    return this.act({ method: 'PUT', path: `/instances/${id}/`, body: { label } });
  }

  /** Stop (storage keeps billing). */
  stopInstance(id: number): Promise<void> {
    return this.act({ method: 'PUT', path: `/instances/${id}/`, body: { state: 'stopped' } });
  }

  /** Start a stopped instance. */
  startInstance(id: number): Promise<void> {
    return this.act({ method: 'PUT', path: `/instances/${id}/`, body: { state: 'running' } });
  }

  /** Reboot without losing the GPU. */
  rebootInstance(id: number): Promise<void> {
    return this.act({ method: 'PUT', path: `/instances/reboot/${id}/` });
  }

  /**
   * Change an interruptible instance's bid (`PUT /instances/bid_price/{id}/`); an outbid instance restarts on its disk.
   */
  changeBid(id: number, price: number): Promise<void> {
    return this.act({ method: 'PUT', path: `/instances/bid_price/${id}/`, body: { client_id: 'me', price } });
  }

  /** A new API key with restricted permissions (`create api-key`); its secret is the caller's to keep. */
  async createApiKey(name: string, permissions: unknown): Promise<{ id: number; key: string }> {
    const r = await this.get(
      ApiKeyCreated,
      { method: 'POST', path: '/auth/apikeys/', body: { name, permissions, key_params: null } },
      'no "id" and "key"',
    );
    return { id: r.id, key: r.key };
  }

  /** Revokes an API key by id. */
  deleteApiKey(id: number): Promise<void> {
    return this.act({ method: 'DELETE', path: `/auth/apikeys/${id}/` });
  }

  /** request_logs, then poll result_url without auth; blank lines dropped, control sequences stripped. */
  async getLogs(id: number, req: LogsRequest = {}): Promise<string> {
    const body: Record<string, string> = {};
    if (req.filter) body.filter = req.filter;
    if (req.tail != null) body.tail = String(req.tail); // a string on the wire (vast-api.md §6)
    if (req.daemon) body.daemon_logs = 'true';
    const path = `/instances/request_logs/${id}/`;
    const res = await this.get(LogsResponse, { method: 'PUT', path, body }, 'no "result_url"');
    const url = safeUrl(res.result_url);
    if (!url) throw malformed(`PUT /api/v0${path}`, 'result_url is not an http(s) URL');
    let lastError: VastError | undefined;
    for (let i = 0; i < this.logPollAttempts; i++) {
      if (i > 0) await this.sleep(this.logPollIntervalMs);
      try {
        const r = await this.http.getPlain(url);
        if (r.status === 200) return cleanLog(r.text);
      } catch (err) {
        lastError = err as VastError; // the upload may still be racing; keep polling within the budget
      }
    }
    const secs = Math.round((this.logPollAttempts * this.logPollIntervalMs) / 100) / 10;
    const why = lastError ? ` (last poll: ${lastError.message})` : '';
    throw new VastError(
      'server',
      `logs of instance ${id} were not ready after ${this.logPollAttempts} polls (~${secs} s)${why}: try again ` +
        `in a moment`,
      {
        endpoint: 'GET result_url',
      },
    );
  }

  /** Account env vars, values in clear text (callers mask them). */
  async listEnvVars(): Promise<Record<string, string>> {
    const body = await this.get(SecretsResponse, { method: 'GET', path: '/secrets/' }, 'no "secrets" object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body.secrets)) out[k] = v == null ? '' : String(v);
    return out;
  }

  /** Create an account env var. */
  createEnvVar(key: string, value: string): Promise<void> {
    return this.act({ method: 'POST', path: '/secrets/', body: { key, value }, secrets: [value] });
  }

  /** Change an account env var. */
  updateEnvVar(key: string, value: string): Promise<void> {
    return this.act({ method: 'PUT', path: '/secrets/', body: { key, value }, secrets: [value] });
  }

  /** Delete an account env var. */
  deleteEnvVar(key: string): Promise<void> {
    return this.act({ method: 'DELETE', path: '/secrets/', body: { key } });
  }

  /** The account; api_key is dropped by the schema and never kept. */
  async currentUser(): Promise<User> {
    return userFromWire(await this.get(WireUser, { method: 'GET', path: '/users/current' }, 'not a user object'));
  }

  /** Charges whose day falls in [fromMs, toMs], every page. A bad row fails the call: money must add up. */
  charges(fromMs: number, toMs: number): Promise<Charge[]> {
    const endpoint = 'GET /api/v0/charges/';
    const day = { gte: Math.floor(fromMs / 1000), lte: Math.ceil(toMs / 1000) };
    return paginate(endpoint, async (token) => {
      const query = { select_filters: { day }, latest_first: false, limit: 100, format: 'table', after_token: token };
      const body = await this.get(ChargesPage, { method: 'GET', path: '/charges/', query }, 'no "results" list');
      const rows = body.results.map((row, i) => {
        const r = WireCharge.safeParse(row);
        if (!r.success) throw malformed(endpoint, `charge row ${i}: ${issue(r.error)}`);
        return chargeFromWire(r.data);
      });
      return { rows, next: body.next_token };
    });
  }

  /** The account's SSH keys (`vastai show ssh-keys`). */
  async listSshKeys(): Promise<AccountSshKey[]> {
    const body = await this.get(AccountKeysResponse, { method: 'GET', path: '/ssh/' }, 'not a list of SSH keys');
    return body.map(keyFromWire);
  }

  /**
   * Registers a public key on the account (`vastai create ssh-key`); new instances get it, running ones need attach.
   */
  async createSshKey(publicKey: string): Promise<AccountSshKey> {
    const spec = { method: 'POST', path: '/ssh/', body: { ssh_key: publicKey } } as const;
    const body = await this.get(CreateKeyResponse, spec, 'no "key" in the answer');
    return body.key ? keyFromWire(body.key) : { id: 0, key: publicKey };
  }

  /** The keys an instance accepts (`GET /instances/{id}/ssh/`). */
  async instanceSshKeys(id: number): Promise<AccountSshKey[]> {
    const spec = { method: 'GET', path: `/instances/${id}/ssh/` } as const;
    const body = await this.get(InstanceKeysResponse, spec, 'no "ssh_keys"');
    try {
      return instanceKeysFromWire(body);
    } catch (err) {
      throw malformed(
        `GET /api/v0/instances/{id}/ssh/`,
        `ssh_keys is not a JSON list of keys (${(err as Error).message.split('\n')[0]})`,
      );
    }
  }

  /** Attaches a public key to one instance (`vastai attach ssh ID KEY`); it works on a running host at once. */
  attachSshKey(id: number, publicKey: string): Promise<void> {
    return this.act({ method: 'POST', path: `/instances/${id}/ssh/`, body: { ssh_key: publicKey } });
  }

  /** GPU model names, e.g. "RTX 4090" (a public endpoint: no auth sent). */
  async gpuNames(): Promise<string[]> {
    const body = await this.get(
      GpuNamesResponse,
      { method: 'GET', path: '/gpu_names/unique/', auth: false },
      'no "gpu_names" list',
    );
    return body.gpu_names.map((n) => sanitizeText(n).replace(/\n/g, ' '));
  }

  /** A call whose JSON answer must match `schema`; a 200 with success:false is a refusal. */
  private async get<S extends z.ZodMiniType>(schema: S, spec: CallSpec, what: string): Promise<z.infer<S>> {
    return this.check(schema, await this.http.json(spec), spec, what);
  }

  /** Checks a parsed answer: success:false is a refusal, then it must match `schema`. */
  private check<S extends z.ZodMiniType>(schema: S, json: unknown, spec: CallSpec, what: string): z.infer<S> {
    const endpoint = `${spec.method} ${endpointPath(spec.path)}`;
    refusalCheck(json, endpoint, this.http.redactFor(spec));
    const r = schema.safeParse(json);
    if (!r.success) throw malformed(endpoint, `${what} (${issue(r.error)})`);
    return r.data;
  }

  /** An action whose answer is `{success, msg}`; an empty 2xx body is taken as success. */
  private async act(spec: CallSpec): Promise<void> {
    const endpoint = `${spec.method} ${endpointPath(spec.path)}`;
    const res = await this.http.call(spec);
    if (!res.text.trim()) return;
    const json = parseJsonBody(res, endpoint, this.http.redactFor(spec));
    refusalCheck(json, endpoint, this.http.redactFor(spec));
    if (!ActionResponse.safeParse(json).success) throw malformed(endpoint, 'not a {success, msg} object');
  }

  /** A listed row: the cached instance when its JSON is unchanged, else validated and converted (and cached). */
  private cachedRow(row: unknown, endpoint: string, cache: InstanceRowCache | undefined): Instance {
    if (!cache) return this.instanceRow(row, endpoint);
    const id = row && typeof row === 'object' ? (row as { id?: unknown }).id : undefined;
    const key = JSON.stringify(row);
    const hit = typeof id === 'number' ? cache.get(id) : undefined;
    if (hit && hit.key === key) return hit.inst;
    const inst = this.instanceRow(row, endpoint);
    cache.set(inst.id, { key, inst });
    return inst;
  }

  private instanceRow(row: unknown, endpoint: string): Instance {
    const r = WireInstance.safeParse(row);
    if (!r.success) {
      const id =
        row && typeof row === 'object' && 'id' in row ? ` ${String((row as { id: unknown }).id).slice(0, 20)}` : '';
      throw malformed(endpoint, `instance row${id}: ${issue(r.error)}`);
    }
    return instanceFromWire(r.data);
  }
}

/** Follows next_token (sent back as after_token) to the end; a repeating token or endless list is malformed. */
async function paginate<T>(
  endpoint: string,
  page: (token?: string) => Promise<{ rows: T[]; next?: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const { rows, next } = await page(token);
    for (const r of rows) out.push(r);
    if (!next) return out;
    if (seen.has(next)) throw malformed(endpoint, 'next_token repeats; the list never ends');
    seen.add(next);
    token = next;
  }
  throw malformed(endpoint, `more than ${MAX_PAGES} pages`);
}

function refusalCheck(json: unknown, endpoint: string, redact: (t: string) => string): void {
  if (json && typeof json === 'object' && !Array.isArray(json) && (json as { success?: unknown }).success === false) {
    throw errorFromRefusal(json as Record<string, unknown>, endpoint, redact);
  }
}

function endpointPath(path: string): string {
  return /^\/api\/v\d+\//.test(path) ? path : `/api/v0${path}`;
}

/** The first zod issue as "field.path: message"; zod 4 messages carry no input values, so no secrets. */
function issue(err: z.core.$ZodError): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  return `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`;
}

function safeUrl(s: string): string | null {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The CLI prints logs with blank lines removed; we also keep only the last state of a line redrawn with \r
 * (a tqdm bar), as the SSH path's LogRing does, and strip control sequences.
 */
function cleanLog(text: string): string {
  return text
    .split('\n')
    .map((l) => sanitizeLine(lastRedraw(l)))
    .filter((l) => l.trim().length > 0)
    .join('\n');
}
