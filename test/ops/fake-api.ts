/**
 * An in-memory VastApi for op tests: a market of offers, instances with a scripted boot, and create faults
 * that mirror what the network can do (fail before the server acted, or after it did).
 */
import { VastError } from '../../src/core/vast/errors.js';
import type { VastApi } from '../../src/core/vast/api.js';
import type { CreateRequest, Instance, InstanceStatus, Offer } from '../../src/core/vast/types.js';

/** What the next create call does. */
export type CreateFault =
  | { kind: 'timeout'; afterHandling: boolean }
  | { kind: 'status'; status: number; afterHandling: boolean }
  | { kind: 'taken' }
  | { kind: 'late'; afterLists: number };

export class FakeVast implements VastApi {
  instances: Instance[] = [];
  created: Array<{ offerId: number; req: CreateRequest }> = [];
  createFaults: CreateFault[] = [];
  listFaults = 0;
  secrets: Record<string, string> = {};
  /** Statuses an instance reports on successive showInstance calls (last one repeats). */
  bootScript: InstanceStatus[] = ['loading', 'running'];
  billedExtra = 0;
  calls: string[] = [];
  private nextId = 5000;
  private polls = new Map<number, number>();
  private pendingLate: Array<{ offerId: number; req: CreateRequest; afterLists: number }> = [];
  private rented = new Set<number>();

  constructor(public offers: Offer[] = []) {}

  private rent(offerId: number, req: CreateRequest): number {
    const o = this.offers.find((x) => x.id === offerId)!;
    this.rented.add(offerId);
    const id = this.nextId++;
    this.instances.push(instanceFrom(id, o, req, this.billedExtra));
    this.created.push({ offerId, req });
    return id;
  }

  async createInstance(offerId: number, req: CreateRequest): Promise<{ instanceId: number }> {
    this.calls.push(`create ${offerId}`);
    const f = this.createFaults.shift();
    if (this.rented.has(offerId) || f?.kind === 'taken') {
      throw new VastError('not_found', `Vast.ai: not found (410 no longer available) on PUT /api/v0/asks/${offerId}/`, {
        endpoint: 'PUT /asks/{id}/',
        status: 410,
        code: 'no_such_ask',
      });
    }
    if (f?.kind === 'late') {
      this.pendingLate.push({ offerId, req, afterLists: f.afterLists });
      this.rented.add(offerId);
      throw new VastError('network', 'no answer within 1 s on PUT /api/v0/asks/{id}/', { endpoint: 'PUT /asks/{id}/' });
    }
    if (f && !f.afterHandling) throw faultError(f);
    const id = this.rent(offerId, req);
    if (f) throw faultError(f);
    return { instanceId: id };
  }

  async listInstances(): Promise<Instance[]> {
    this.calls.push('list');
    for (const p of this.pendingLate) {
      if (--p.afterLists < 0) {
        this.rented.delete(p.offerId);
        this.rent(p.offerId, p.req);
      }
    }
    this.pendingLate = this.pendingLate.filter((p) => p.afterLists >= 0);
    if (this.listFaults > 0) {
      this.listFaults--;
      throw new VastError('server', 'Vast.ai server error (502 bad gateway)', {
        endpoint: 'GET /api/v1/instances/',
        status: 502,
      });
    }
    return this.instances.map((i) => ({ ...i }));
  }

  async showInstance(id: number): Promise<Instance> {
    const inst = this.instances.find((i) => i.id === id);
    if (!inst) throw new VastError('not_found', 'not found', { endpoint: 'GET /instances/{id}/', status: 404 });
    const n = this.polls.get(id) ?? 0;
    this.polls.set(id, n + 1);
    inst.status = this.bootScript[Math.min(n, this.bootScript.length - 1)]!;
    return { ...inst };
  }

  async destroyInstance(id: number): Promise<void> {
    this.calls.push(`destroy ${id}`);
    this.instances = this.instances.filter((i) => i.id !== id);
  }

  async listEnvVars(): Promise<Record<string, string>> {
    return { ...this.secrets };
  }
  async createEnvVar(key: string, value: string): Promise<void> {
    if (key in this.secrets)
      throw new VastError('bad_request', 'existing_key', { endpoint: 'POST /secrets/', status: 400 });
    this.calls.push(`env create ${key}`);
    this.secrets[key] = value;
  }
  async updateEnvVar(key: string, value: string): Promise<void> {
    if (!(key in this.secrets))
      throw new VastError('bad_request', 'nonexistent_key', { endpoint: 'PUT /secrets/', status: 400 });
    this.calls.push(`env update ${key}`);
    this.secrets[key] = value;
  }
  async deleteEnvVar(key: string): Promise<void> {
    this.calls.push(`env delete ${key}`);
    delete this.secrets[key];
  }

  searchOffers = async () => this.offers.filter((o) => !this.rented.has(o.id));
  labelInstance = async () => {};
  stopInstance = async () => {};
  startInstance = async () => {};
  rebootInstance = async () => {};
  getLogs = async () => '';
  currentUser = async () => ({ id: 1, username: 'u', email: null, credit: 100, balance: null });
  charges = async () => [];
  gpuNames = async () => [];
  /** Its timestamps are on the test's clock. */
  clockOffsetMs = () => 0;
}

function faultError(f: { kind: 'timeout' } | { kind: 'status'; status: number }): VastError {
  if (f.kind === 'timeout')
    return new VastError('network', 'no answer within 1 s on PUT /api/v0/asks/{id}/', { endpoint: 'PUT /asks/{id}/' });
  if (f.status === 429)
    return new VastError('rate_limited', 'Vast.ai rate limit (429)', { endpoint: 'PUT /asks/{id}/', status: 429 });
  return new VastError('server', `Vast.ai server error (${f.status} boom)`, {
    endpoint: 'PUT /asks/{id}/',
    status: f.status,
  });
}

function instanceFrom(id: number, o: Offer, req: CreateRequest, extra: number): Instance {
  const storage = ((o.storageCostGbMonth ?? 0) * req.diskGb) / 720;
  return {
    id,
    label: req.label ?? null,
    status: 'provisioning',
    intendedStatus: 'running',
    statusMsg: null,
    machineId: o.machineId,
    hostId: o.hostId,
    gpuName: o.gpuName,
    numGpus: o.numGpus,
    gpuRamGb: o.gpuRamGb,
    gpuUtilPct: null,
    gpuTempC: null,
    cpuRamGb: o.cpuRamGb,
    cpuCores: o.cpuCores,
    cpuUtilPct: null,
    diskGb: req.diskGb,
    diskUsedGb: null,
    inetDownMbps: o.inetDownMbps,
    inetUpMbps: o.inetUpMbps,
    reliability: o.reliability,
    dphTotal: (req.price ?? o.dphBase) + storage + extra,
    storageDph: storage,
    isBid: req.price != null,
    minBid: o.minBid,
    image: req.image,
    cudaMaxGood: o.cudaMaxGood,
    driverVersion: o.driverVersion,
    geolocation: o.geolocation,
    verified: true,
    envKeys: Object.keys(req.env ?? {}),
    sshHost: null,
    sshPort: null,
    publicIp: null,
    ports: {},
    runtype: ['ssh'],
    startedAt: null,
    nonce: req.env?.VASTDECK_NONCE ?? null,
  };
}
