/**
 * Domain types of the Vast.ai client. Everything above src/core/vast sees only these:
 * units are converted once, in src/core/vast/units.ts, so nothing above this layer guesses.
 *
 * Units: memory and disk in GB (decimal, as Vast shows them), network in Mbps, reliability as a
 * fraction 0–1, utilisation in percent 0–100, money in $/hour, times in epoch milliseconds.
 */

/** Container state as Vast reports it in `actual_status` (null on the wire becomes "provisioning"). */
export type InstanceStatus =
  | 'provisioning'
  | 'created'
  | 'loading'
  | 'running'
  | 'stopped'
  | 'frozen'
  | 'exited'
  | 'rebooting'
  | 'unknown'
  | 'offline';

/** One rentable offer (an "ask") from `POST /api/v0/bundles/`. */
export interface Offer {
  /** Ask id: what `PUT /api/v0/asks/{id}/` takes. */
  id: number;
  machineId: number;
  hostId: number;
  gpuName: string;
  numGpus: number;
  /** VRAM per GPU, GB. */
  gpuRamGb: number;
  /** VRAM over all GPUs, GB. */
  gpuTotalRamGb: number;
  /** System RAM, GB. */
  cpuRamGb: number;
  cpuCores: number;
  cpuName: string | null;
  /** Disk available on the offer, GB. */
  diskGb: number;
  diskBwMBps: number | null;
  inetDownMbps: number;
  inetUpMbps: number;
  /** 0–1. */
  reliability: number;
  /** $/hr including storage priced at the query's allocated_storage. */
  dphTotal: number;
  /** $/hr of the GPUs alone. */
  dphBase: number;
  /** Interruptible floor price $/hr, when known. */
  minBid: number | null;
  /** Storage price $/GB/month. */
  storageCostGbMonth: number | null;
  dlperf: number | null;
  dlperfPerDph: number | null;
  totalFlops: number | null;
  /** Highest CUDA version the driver supports, e.g. 12.4. */
  cudaMaxGood: number | null;
  /** Compute capability as a decimal, e.g. 8.9 (wire: 890). */
  computeCap: number | null;
  driverVersion: string | null;
  /** Free-form location, e.g. "Texas, US". */
  geolocation: string | null;
  /** Two-letter country code taken from geolocation, when it ends in one. */
  country: string | null;
  verified: boolean;
  /** How long the machine stays available, in days. */
  durationDays: number | null;
  directPortCount: number;
  pcieBwGBps: number | null;
  score: number | null;
}

/** A port mapping as published in `ports`, e.g. "22/tcp" → 40001. */
export type PortMap = Record<string, number[]>;

/** One rented instance, from `GET /api/v1/instances/` or `GET /api/v0/instances/{id}/`. */
export interface Instance {
  id: number;
  label: string | null;
  status: InstanceStatus;
  intendedStatus: string | null;
  /** Free text from Vast, control sequences already stripped. */
  statusMsg: string | null;
  machineId: number | null;
  hostId: number | null;
  gpuName: string;
  numGpus: number;
  gpuRamGb: number | null;
  gpuUtilPct: number | null;
  gpuTempC: number | null;
  cpuRamGb: number | null;
  cpuCores: number | null;
  cpuUtilPct: number | null;
  /** Disk allocated, GB. */
  diskGb: number | null;
  /** Disk used, GB; null when Vast says unknown (-1). */
  diskUsedGb: number | null;
  inetDownMbps: number | null;
  inetUpMbps: number | null;
  reliability: number | null;
  /** $/hr while running, storage included. */
  dphTotal: number;
  /** $/hr of storage alone: what a stopped instance still costs. */
  storageDph: number;
  isBid: boolean;
  minBid: number | null;
  image: string | null;
  cudaMaxGood: number | null;
  driverVersion: string | null;
  geolocation: string | null;
  verified: boolean;
  /** Names of the instance's env entries. Values are never kept: they may be secrets. */
  envKeys: string[];
  /** vastdeck's rental nonce (the VASTDECK_NONCE env entry, the one env value kept), when it has one. */
  nonce?: string | null;
  sshHost: string | null;
  sshPort: number | null;
  publicIp: string | null;
  ports: PortMap;
  /** The image_runtype tokens, e.g. ["ssh", "ssh_direc", "ssh_proxy"]. */
  runtype: string[];
  /** Epoch ms. */
  startedAt: number | null;
}

/** The account, from `GET /api/v0/users/current`. The api_key field is never kept. */
export interface User {
  id: number;
  username: string | null;
  email: string | null;
  /** Spendable credit, $. */
  credit: number;
  balance: number | null;
}

/** One charge line, from `GET /api/v0/charges/`. */
export interface Charge {
  /** e.g. "instance-1001". */
  source: string;
  instanceId: number | null;
  type: string;
  description: string;
  amount: number;
  /** Epoch ms. */
  start: number;
  end: number;
}

/** What `createInstance` sends; see vast-api.md §3. */
export interface CreateRequest {
  image: string;
  diskGb: number;
  label?: string | null;
  /** Env vars and docker-style port/host keys, as the wire object. */
  env?: Record<string, string>;
  onstart?: string | null;
  /** A bid makes the rental interruptible; null or absent means on-demand. */
  price?: number | null;
  /** "ssh" (proxy), or "ssh_direc ssh_proxy" for direct ports. */
  runtype?: string;
  cancelUnavail?: boolean;
}

/** Options for the logs flow (request_logs → result_url). */
export interface LogsRequest {
  tail?: number;
  filter?: string;
  daemon?: boolean;
}
