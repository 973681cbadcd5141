import type { Offer } from '../../src/core/vast/types.js';

/** A healthy 1×RTX 3090 offer in domain units; tests override what they probe. */
export function offer(over: Partial<Offer> = {}): Offer {
  return {
    id: 1000, machineId: 1, hostId: 1, gpuName: 'RTX 3090', numGpus: 1, gpuRamGb: 24.6, gpuTotalRamGb: 24.6,
    cpuRamGb: 64, cpuCores: 16, cpuName: 'AMD EPYC', diskGb: 200, diskBwMBps: 2000, inetDownMbps: 800, inetUpMbps: 400,
    reliability: 0.99, dphTotal: 0.25, dphBase: 0.22, minBid: 0.12, storageCostGbMonth: 0.1, dlperf: 22, dlperfPerDph: 88,
    totalFlops: 35.6, cudaMaxGood: 12.4, computeCap: 8.6, driverVersion: '550.54.14', geolocation: 'Texas, US', country: 'US',
    verified: true, durationDays: 30, directPortCount: 10, pcieBwGBps: 24, score: 100,
    ...over,
  };
}
