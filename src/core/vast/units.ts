/**
 * The ONE place where wire values become domain values (types.ts): MB→GB (÷1000, decimal like Vast's
 * own display), compute_cap 890→8.9, seconds→days, epoch s→ms, -1 → null, HostPort strings → numbers,
 * env values dropped. Remote text (labels, status messages) is stripped of control sequences here.
 */
import { sanitizeLine } from '../util/sanitize.js';
import type { WireCharge, WireInstance, WireOffer, WireUser } from './schemas.js';
import type { Charge, Instance, InstanceStatus, Offer, PortMap, User } from './types.js';

const STATUSES = new Set<InstanceStatus>([
  'created',
  'loading',
  'running',
  'stopped',
  'frozen',
  'exited',
  'rebooting',
  'unknown',
  'offline',
]);

const gb = (mb: number | null | undefined): number | null => (mb == null ? null : mb / 1000);
const orNull = <T>(v: T | null | undefined): T | null => (v == null ? null : v);
const text = (v: string | null | undefined): string | null => (v == null ? null : sanitizeLine(v));

/** The two-letter country code a geolocation ends with ("Texas, US" → "US"), or null. */
export function countryOf(geo: string | null | undefined): string | null {
  const m = geo ? /(?:^|[,\s])([A-Z]{2})\s*$/.exec(geo) : null;
  return m ? m[1]! : null;
}

/** Vast status → domain status: null means still provisioning; an unheard-of value is treated as unknown. */
export function statusOf(s: string | null | undefined): InstanceStatus {
  if (s == null) return 'provisioning';
  return STATUSES.has(s as InstanceStatus) ? (s as InstanceStatus) : 'unknown';
}

/** Wire offer → domain Offer. */
export function offerFromWire(w: WireOffer): Offer {
  const gpuRamGb = gb(w.gpu_ram) ?? 0;
  const numGpus = w.num_gpus ?? 0;
  return {
    id: w.id,
    machineId: w.machine_id ?? 0,
    hostId: w.host_id ?? 0,
    gpuName: sanitizeLine(w.gpu_name ?? '?'),
    numGpus,
    gpuRamGb,
    gpuTotalRamGb: gb(w.gpu_total_ram) ?? gpuRamGb * numGpus,
    cpuRamGb: gb(w.cpu_ram) ?? 0,
    cpuCores: w.cpu_cores_effective ?? w.cpu_cores ?? 0,
    cpuName: text(w.cpu_name),
    diskGb: w.disk_space ?? 0,
    diskBwMBps: orNull(w.disk_bw),
    inetDownMbps: w.inet_down ?? 0,
    inetUpMbps: w.inet_up ?? 0,
    reliability: w.reliability2 ?? w.reliability ?? 0,
    dphTotal: w.dph_total ?? 0,
    dphBase: w.dph_base ?? w.dph_total ?? 0,
    minBid: orNull(w.min_bid),
    storageCostGbMonth: orNull(w.storage_cost),
    dlperf: orNull(w.dlperf),
    dlperfPerDph: orNull(w.dlperf_per_dphtotal),
    totalFlops: orNull(w.total_flops),
    cudaMaxGood: orNull(w.cuda_max_good),
    computeCap: w.compute_cap == null ? null : w.compute_cap / 100,
    driverVersion: text(w.driver_version),
    geolocation: text(w.geolocation),
    country: countryOf(w.geolocation),
    verified: w.verification != null ? w.verification === 'verified' : Boolean(w.verified),
    durationDays: w.duration == null ? null : w.duration / 86400,
    directPortCount: w.direct_port_count ?? 0,
    pcieBwGBps: orNull(w.pcie_bw),
    score: orNull(w.score),
  };
}

/** `ports` object → "22/tcp" → [40001]; HostPort is a string on the wire. */
export function portsOf(p: WireInstance['ports']): PortMap {
  const out: PortMap = {};
  if (!p || Array.isArray(p)) return out;
  for (const [name, bindings] of Object.entries(p)) {
    const nums = (bindings ?? []).map((b) => Number(b.HostPort)).filter((n) => Number.isInteger(n) && n > 0);
    if (nums.length) out[name] = nums;
  }
  return out;
}

/** extra_env → its keys only. Values may be secrets (HF_TOKEN), so they never leave this function. */
export function envKeysOf(e: WireInstance['extra_env']): string[] {
  if (!e) return [];
  const keys = Array.isArray(e)
    ? e.map((pair) => pair[0]).filter((k): k is string => typeof k === 'string')
    : Object.keys(e);
  return keys.map((k) => sanitizeLine(k));
}

/** The env entry that carries vastdeck's rental nonce (not a secret: it only finds the rental again). */
export const NONCE_ENV = 'VASTDECK_NONCE';

/** The VASTDECK_NONCE value of extra_env, if it is a well-formed nonce; no other value is read. */
export function nonceOf(e: WireInstance['extra_env']): string | null {
  if (!e) return null;
  const v = Array.isArray(e) ? e.find((pair) => pair[0] === NONCE_ENV)?.[1] : (e as Record<string, unknown>)[NONCE_ENV];
  return typeof v === 'string' && /^[a-z0-9]{8}$/.test(v) ? v : null;
}

/** Wire instance → domain Instance. */
export function instanceFromWire(w: WireInstance): Instance {
  return {
    id: w.id,
    label: text(w.label),
    status: statusOf(w.actual_status),
    intendedStatus: text(w.intended_status),
    statusMsg: text(w.status_msg),
    machineId: orNull(w.machine_id),
    hostId: orNull(w.host_id),
    gpuName: sanitizeLine(w.gpu_name ?? '?'),
    numGpus: w.num_gpus ?? 0,
    gpuRamGb: gb(w.gpu_ram),
    // The CLI formats gpu_util as a percent already (vast-api.md §4); cpu_util is a fraction.
    gpuUtilPct: orNull(w.gpu_util),
    gpuTempC: orNull(w.gpu_temp),
    cpuRamGb: gb(w.cpu_ram),
    cpuCores: w.cpu_cores_effective ?? w.cpu_cores ?? null,
    cpuUtilPct: w.cpu_util == null ? null : w.cpu_util * 100,
    diskGb: orNull(w.disk_space),
    diskUsedGb: w.disk_usage == null || w.disk_usage < 0 ? null : w.disk_usage,
    inetDownMbps: orNull(w.inet_down),
    inetUpMbps: orNull(w.inet_up),
    reliability: w.reliability2 ?? w.reliability ?? null,
    dphTotal: w.dph_total ?? 0,
    storageDph: w.storage_total_cost ?? 0,
    isBid: Boolean(w.is_bid),
    minBid: orNull(w.min_bid),
    image: text(w.image_uuid),
    cudaMaxGood: orNull(w.cuda_max_good),
    driverVersion: text(w.driver_version),
    geolocation: text(w.geolocation),
    verified: w.verification === 'verified',
    envKeys: envKeysOf(w.extra_env),
    nonce: nonceOf(w.extra_env),
    sshHost: text(w.ssh_host),
    sshPort: orNull(w.ssh_port),
    publicIp: text(w.public_ipaddr),
    ports: portsOf(w.ports),
    runtype: (w.image_runtype ?? '').split(/\s+/).filter(Boolean),
    startedAt: w.start_date == null ? null : Math.round(w.start_date * 1000),
  };
}

/** Wire user → domain User (api_key was already stripped by the schema). */
export function userFromWire(w: WireUser): User {
  return {
    id: w.id,
    username: text(w.username),
    email: text(w.email),
    credit: w.credit ?? 0,
    balance: orNull(w.balance),
  };
}

/** Wire charge → domain Charge; "instance-1001" → instanceId 1001. */
export function chargeFromWire(w: WireCharge): Charge {
  const source = sanitizeLine(w.source ?? '');
  const m = /^instance-(\d+)$/.exec(source);
  return {
    source,
    instanceId: m ? Number(m[1]) : null,
    type: sanitizeLine(w.type ?? ''),
    description: sanitizeLine(w.description ?? ''),
    amount: w.amount,
    start: Math.round(w.start * 1000),
    end: Math.round(w.end * 1000),
  };
}

/** Where to SSH (vast-api.md §7). */
export interface SshEndpoint {
  host: string;
  port: number;
  /** direct: the host's own IP and mapped port 22; proxy: Vast's sshN.vast.ai. */
  kind: 'direct' | 'proxy';
}

/**
 * The SSH endpoint of an instance, as both CLIs compute it: direct when ports["22/tcp"] is mapped,
 * else the proxy ssh_host:ssh_port, +1 when the runtype includes jupyter (the proxy's first port
 * then belongs to jupyter). Null when neither is known yet.
 */
export function sshEndpoint(
  inst: Pick<Instance, 'ports' | 'publicIp' | 'sshHost' | 'sshPort' | 'runtype'>,
): SshEndpoint | null {
  const direct = inst.ports['22/tcp']?.[0];
  if (direct !== undefined && inst.publicIp) return { host: inst.publicIp, port: direct, kind: 'direct' };
  if (!inst.sshHost || inst.sshPort == null) return null;
  const jupyter = inst.runtype.some((t) => t.includes('jupyter'));
  return { host: inst.sshHost, port: inst.sshPort + (jupyter ? 1 : 0), kind: 'proxy' };
}
