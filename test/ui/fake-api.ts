/**
 * An in-memory VastApi for UI and store tests: deterministic instances, a user, call counters, injectable
 * failures (by VastError kind) and an optional gate that holds listInstances open (for single-flight tests).
 */
import type { VastApi } from '../../src/core/vast/api.js';
import type { Instance, User } from '../../src/core/vast/types.js';

const GPUS = ['RTX 3090', 'RTX 4090', 'A100 SXM4', 'H100 SXM', 'RTX A5000', 'L40S'];
const STATUSES: Instance['status'][] = ['running', 'running', 'running', 'loading', 'stopped', 'exited'];
const PREFIXES = ['zeb-large', 'zeb-small', 'ablation', 'eval'];

/** Fixed "now" for frames: 2026-08-10T12:00:00Z. */
export const FAKE_NOW = Date.UTC(2026, 7, 10, 12, 0, 0);

/** One deterministic instance; `i` picks GPU, status, label and price. */
export function makeInstance(i: number, over: Partial<Instance> = {}): Instance {
  const id = 1001 + i;
  const status = STATUSES[i % STATUSES.length]!;
  const direct = i % 2 === 0;
  return {
    id,
    label: `${PREFIXES[i % PREFIXES.length]}-${String(i).padStart(3, '0')}`,
    status,
    intendedStatus: status === 'stopped' ? 'stopped' : 'running',
    statusMsg: status === 'exited' ? 'container exited with code 137' : 'success, running pytorch/pytorch/ssh',
    machineId: 5000 + i,
    hostId: 700 + (i % 9),
    gpuName: GPUS[i % GPUS.length]!,
    numGpus: [1, 2, 4, 8][i % 4]!,
    gpuRamGb: 24,
    gpuUtilPct: status === 'running' ? 97 : 0,
    gpuTempC: 61,
    cpuRamGb: 128 + (i % 3) * 64,
    cpuCores: 32,
    cpuUtilPct: 40,
    diskGb: 200,
    diskUsedGb: 41.5 + (i % 10),
    inetDownMbps: 850 + i,
    inetUpMbps: 420 + i,
    reliability: 0.991 - (i % 5) / 1000,
    dphTotal: Math.round((0.3 + (i % 7) * 0.21) * 1000) / 1000,
    storageDph: 0.028,
    isBid: i % 10 === 4,
    minBid: null,
    image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-devel',
    cudaMaxGood: 12.4,
    driverVersion: '550.54.14',
    geolocation: ['Texas, US', 'Quebec, CA', 'Bavaria, DE'][i % 3]!,
    verified: true,
    envKeys: ['HF_TOKEN', 'WANDB_API_KEY', 'TZ'],
    sshHost: `ssh${(i % 9) + 1}.vast.ai`,
    sshPort: 20000 + i,
    publicIp: direct ? `203.0.113.${(i % 250) + 1}` : null,
    ports: direct ? { '22/tcp': [40000 + i] } : {},
    runtype: direct ? ['ssh_direc', 'ssh_proxy'] : ['ssh_proxy'],
    startedAt: FAKE_NOW - (i % 4 === 0 ? 3 * 60_000 : i % 4 === 1 ? 5 * 3_600_000 : (2 + (i % 3)) * 86_400_000),
    ...over,
  };
}

/** `n` deterministic instances. */
export function makeFleet(n: number): Instance[] {
  return Array.from({ length: n }, (_, i) => makeInstance(i));
}

/** An error shaped like VastError (kind + message). */
export class FakeVastError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** The in-memory API. */
export class FakeApi implements VastApi {
  instances: Instance[];
  user: User = { id: 7, username: 'ops', email: null, credit: 412.5, balance: 0 };
  calls = { listInstances: 0, currentUser: 0, stop: 0, start: 0 };
  /** Failures to throw from the next listInstances calls, in order. */
  failures: FakeVastError[] = [];
  /** When set, listInstances waits on it (to hold a poll in flight). */
  gate: Promise<void> | null = null;

  constructor(instances: Instance[] = makeFleet(6)) {
    this.instances = instances;
  }

  /** Makes the next `count` listInstances calls fail with `kind`. */
  failNext(kind: string, count = 1, message = `fake ${kind}`): void {
    for (let i = 0; i < count; i++) this.failures.push(new FakeVastError(kind, message));
  }

  async listInstances(): Promise<Instance[]> {
    this.calls.listInstances++;
    if (this.gate) await this.gate;
    const err = this.failures.shift();
    if (err) throw err;
    // A fresh copy every call, as a real client returns freshly parsed objects.
    return this.instances.map((i) => structuredClone(i));
  }
  async currentUser(): Promise<User> {
    this.calls.currentUser++;
    return { ...this.user };
  }
  async stopInstance(id: number): Promise<void> {
    this.calls.stop++;
    this.instances = this.instances.map((i) => (i.id === id ? { ...i, status: 'stopped' } : i));
  }
  async startInstance(id: number): Promise<void> {
    this.calls.start++;
    this.instances = this.instances.map((i) => (i.id === id ? { ...i, status: 'loading' } : i));
  }
  async showInstance(id: number): Promise<Instance> {
    const found = this.instances.find((i) => i.id === id);
    if (!found) throw new FakeVastError('not_found', `instance ${id} not found`);
    return structuredClone(found);
  }
  searchOffers = async (): Promise<never[]> => [];
  createInstance = async (): Promise<{ instanceId: number }> => {
    throw new FakeVastError('unsupported', 'not in the fake');
  };
  destroyInstance = async (): Promise<void> => {};
  labelInstance = async (): Promise<void> => {};
  rebootInstance = async (): Promise<void> => {};
  getLogs = async (): Promise<string> => '';
  listEnvVars = async (): Promise<Record<string, string>> => ({});
  createEnvVar = async (): Promise<void> => {};
  updateEnvVar = async (): Promise<void> => {};
  deleteEnvVar = async (): Promise<void> => {};
  charges = async (): Promise<never[]> => [];
  gpuNames = async (): Promise<string[]> => GPUS;
}
