/** Small domain fixtures for the cost, watch and notify tests. */
import type { Charge, Instance } from '../../src/core/vast/types.js';

/** An instance with sensible defaults; override what the test is about. */
export function inst(id: number, over: Partial<Instance> = {}): Instance {
  return {
    id,
    label: `run-${id}`,
    status: 'running',
    intendedStatus: 'running',
    statusMsg: null,
    machineId: 1,
    hostId: 1,
    gpuName: 'RTX 4090',
    numGpus: 1,
    gpuRamGb: 24,
    gpuUtilPct: 90,
    gpuTempC: 60,
    cpuRamGb: 64,
    cpuCores: 8,
    cpuUtilPct: 20,
    diskGb: 50,
    diskUsedGb: 10,
    inetDownMbps: 900,
    inetUpMbps: 400,
    reliability: 0.99,
    dphTotal: 0.5,
    storageDph: 0.02,
    isBid: false,
    minBid: null,
    image: 'img',
    cudaMaxGood: 12.4,
    driverVersion: '550',
    geolocation: 'Texas, US',
    verified: true,
    envKeys: [],
    sshHost: null,
    sshPort: null,
    publicIp: null,
    ports: {},
    runtype: ['ssh'],
    startedAt: 0,
    ...over,
  };
}

/** A charge row for instance `id` over [start, end] (epoch ms). */
export function charge(id: number, amount: number, start: number, end: number, label?: string): Charge {
  return {
    source: `instance-${id}`,
    instanceId: id,
    type: 'instance',
    amount,
    start,
    end,
    description: `Instance ${id}${label ? ` (${label})` : ''}`,
  };
}

/** A clock whose sleep advances time at once, recording each requested delay. */
export function fakeClock(start = 1_700_000_000_000): {
  now(): number;
  sleep(ms: number): Promise<void>;
  sleeps: number[];
  t: number;
} {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}
