/**
 * Generates the seeded market: offer rows in wire units (MB, Mbps, 0–1, ×100 compute_cap, seconds, epoch s),
 * including the trap hosts operators keep hitting (1–2 Mbps links, 32 GB RAM behind 4 big GPUs, tiny disks,
 * low reliability, CUDA 11 drivers; RTX 5090 rows are sm_120 by nature).
 */
import { GPU_CATALOGUE, type GpuModel } from './gpus.js';
import { between, intBetween, makeRng, pick, round, weighted, type Rng } from './prng.js';

/** One offer as it goes on the wire (the price fields are re-derived per query). */
export interface OfferRow {
  id: number;
  gpu_name: string;
  num_gpus: number;
  dph_base: number;
  min_bid: number;
  storage_cost: number;
  dlperf: number;
  total_flops: number;
  reliability: number;
  disk_space: number;
  credit_discount_max: number;
  score: number;
  [field: string]: unknown;
}

/** Per-GPU market tweaks from a scenario. */
export interface GpuTweak {
  /** Multiplies the model's share of offers (0 removes it). */
  weight?: number;
  /** Multiplies its prices. */
  priceFactor?: number;
}

/** How to build the market. */
export interface MarketConfig {
  seed: number;
  size: number;
  /** Include trap hosts (default true). */
  traps: boolean;
  gpus: Record<string, GpuTweak>;
  /** Epoch ms the market is generated at (start_date of rows). */
  nowMs: number;
}

const PLACES = [
  'Texas, US',
  'California, US',
  'Virginia, US',
  'Oregon, US',
  'Nevada, US',
  'Quebec, CA',
  'Ontario, CA',
  'Bavaria, DE',
  'Hesse, DE',
  'Noord-Holland, NL',
  'Île-de-France, FR',
  'England, GB',
  'Stockholm, SE',
  'Helsinki, FI',
  'Tokyo, JP',
  'Seoul, KR',
  'Taiwan, TW',
  'Singapore, SG',
  'New South Wales, AU',
  'Czechia, CZ',
  'Poland, PL',
  'Norway, NO',
  'Iceland, IS',
  'Brazil, BR',
] as const;
const CPUS = [
  ['AMD EPYC 7742 64-Core Processor', 128],
  ['AMD EPYC 9554 64-Core Processor', 128],
  ['Intel Xeon Gold 6338', 64],
  ['AMD Ryzen 9 7950X 16-Core Processor', 32],
  ['AMD Ryzen Threadripper PRO 5975WX', 64],
  ['Intel Core i9-13900K', 32],
  ['AMD EPYC 7B13 64-Core Processor', 128],
  ['Intel Xeon Platinum 8480+', 224],
] as const;
const DISKS = [
  'Samsung SSD 990 PRO 2TB',
  'SAMSUNG MZQL23T8HCLS',
  'WD_BLACK SN850X 4000GB',
  'INTEL SSDPE2KX040T8',
  'KINGSTON SNV2S2000G',
];
/** CUDA version → a driver that reports it (old 11.x drivers are the trap). */
const DRIVERS: ReadonlyArray<readonly [number, string]> = [
  [11.4, '470.256.02'],
  [11.8, '520.61.05'],
  [12.2, '535.183.01'],
  [12.4, '550.127.05'],
  [12.6, '560.35.03'],
  [12.8, '570.172.08'],
  [12.9, '575.64.03'],
  [13.0, '580.82.07'],
];

function driverInt(v: string): number {
  const [a = '0', b = '0', c = '0'] = v.split('.');
  return Number(a) * 1_000_000 + Number(b) * 1000 + Number(c);
}

/** Build the whole market, sorted by score descending (the default search order). */
export function generateOffers(cfg: MarketConfig): OfferRow[] {
  const rng = makeRng(cfg.seed);
  const models = GPU_CATALOGUE.map((g) => [g, g.weight * (cfg.gpus[g.name]?.weight ?? 1)] as const).filter(
    ([, w]) => w > 0,
  );
  const rows: OfferRow[] = [];
  let id = 31_000_000;
  for (let i = 0; i < cfg.size; i++) {
    id += intBetween(rng, 1, 9);
    const gpu = weighted(rng, models);
    rows.push(makeOffer(rng, gpu, id, i, cfg));
  }
  rows.sort((a, b) => b.score - a.score || a.id - b.id);
  return rows;
}

// Constant choices, hoisted so generating a market allocates only the rows (the rng sequence is unchanged).
const VERIFICATIONS = [
  ['verified', 90],
  ['unverified', 7],
  ['deverified', 3],
] as const;
const PCI_GENS = [3, 4, 4, 5];
const DISCOUNTS = [0, 0.1, 0.2, 0.25, 0.4];
const driverChoices = new Map<string, ReadonlyArray<readonly [number, string]>>();

/** The drivers an offer may carry: CUDA < 12 for an old-CUDA trap, else at least the GPU's minimum (and 12.2). */
function driversFor(oldCuda: boolean, minCuda: number): ReadonlyArray<readonly [number, string]> {
  const key = `${oldCuda}|${minCuda}`;
  let list = driverChoices.get(key);
  if (!list)
    driverChoices.set(key, (list = DRIVERS.filter(([v]) => (oldCuda ? v < 12 : v >= Math.max(12.2, minCuda)))));
  return list;
}

function makeOffer(rng: Rng, gpu: GpuModel, id: number, i: number, cfg: MarketConfig): OfferRow {
  const traps = cfg.traps;
  const n = pick(rng, gpu.counts);
  const vram = pick(rng, gpu.vramMb);
  const big = vram >= 40000;
  const priceFactor = cfg.gpus[gpu.name]?.priceFactor ?? 1;
  const perGpu = gpu.price * priceFactor * Math.exp(between(rng, -0.3, 0.35));
  const dphBase = round(perGpu * n, 4);
  const lowNet = traps && rng() < 0.03;
  const inetDown = lowNet
    ? round(between(rng, 1, 2), 1)
    : round(Math.exp(between(rng, Math.log(80), Math.log(8000))), 1);
  const inetUp = lowNet ? round(between(rng, 1, 2), 1) : round(inetDown * between(rng, 0.3, 1.0), 1);
  const ramTrap = traps && n === 4 && big && rng() < 0.3;
  const ramGb = ramTrap
    ? 32
    : Math.round(((vram / 1000) * n * between(rng, gpu.datacenter ? 1.5 : 1, gpu.datacenter ? 4 : 2.5)) / 8) * 8 + 16;
  const cpuRam = Math.round(ramGb * 1024 * between(rng, 0.96, 0.99));
  const tinyDisk = traps && rng() < 0.03;
  const disk = tinyDisk
    ? round(between(rng, 5, 16), 1)
    : round(between(rng, 40, 60 * n + 400) * (rng() < 0.2 ? 4 : 1), 1);
  const lowRel = traps && rng() < 0.05;
  const reliability = lowRel
    ? round(between(rng, 0.55, 0.895), 4)
    : round(1 - Math.exp(between(rng, Math.log(0.0004), Math.log(0.09))), 4);
  const oldCuda = traps && gpu.minCuda < 12 && rng() < 0.05;
  const [cuda, driver] = pick(rng, driversFor(oldCuda, gpu.minCuda));
  const [cpuName, maxCores] = pick(rng, CPUS);
  const cpuCores = Math.min(maxCores, intBetween(rng, 8, 32) * Math.max(1, n / 2));
  const eff = round(Math.min(cpuCores, (cpuCores / Math.max(n, 1)) * n * between(rng, 0.5, 1)), 1);
  const storageCost = round(between(rng, 0.05, 0.35), 4);
  const dlperf = round(gpu.dlperf * n * between(rng, 0.85, 1.05), 4);
  const totalFlops = round(gpu.tflops * n, 2);
  const durationS = round(between(rng, 3, 200) * 86400, 1);
  const verification = weighted(rng, VERIFICATIONS);
  const machineId = 20_000 + i * 3 + intBetween(rng, 0, 2);
  const startS = cfg.nowMs / 1000 - between(rng, 1, 120) * 86400;
  const dph5 = dphBase + (storageCost * 5) / 720;
  const score = round((dlperf / dph5) * reliability ** 4, 4);
  return {
    id,
    ask_contract_id: id,
    bundle_id: id + 1_000_000_000,
    machine_id: machineId,
    host_id: 100_000 + (machineId % 4099),
    num_gpus: n,
    gpu_name: gpu.name,
    gpu_ram: vram,
    gpu_total_ram: vram * n,
    gpu_frac: 1,
    gpu_mem_bw: gpu.memBw,
    bw_nvlink: n > 1 ? gpu.nvlink : 0,
    gpu_max_power: gpu.power,
    gpu_max_temp: gpu.datacenter ? 85 : 83,
    gpu_arch: 'nvidia',
    gpu_display_active: !gpu.datacenter && rng() < 0.2,
    gpu_lanes: 16,
    compute_cap: gpu.computeCap,
    cuda_max_good: cuda,
    driver_version: driver,
    driver_vers: driverInt(driver),
    cpu_name: cpuName,
    cpu_arch: 'amd64',
    cpu_cores: cpuCores,
    cpu_cores_effective: eff,
    cpu_ghz: round(between(rng, 2.2, 5.5), 1),
    cpu_ram: cpuRam,
    has_avx: 1,
    disk_space: disk,
    disk_bw: round(between(rng, 500, 6500), 1),
    disk_name: pick(rng, DISKS),
    inet_down: inetDown,
    inet_up: inetUp,
    inet_down_cost: round(between(rng, 0, 0.02), 4),
    inet_up_cost: round(between(rng, 0, 0.02), 4),
    internet_down_cost_per_tb: 0,
    internet_up_cost_per_tb: 0,
    direct_port_count: rng() < 0.85 ? intBetween(rng, 2, 400) : 0,
    pcie_bw: round(between(rng, 3, 25), 1),
    pci_gen: pick(rng, PCI_GENS),
    mobo_name: 'ROMED8-2T',
    dph_base: dphBase,
    dph_total: 0,
    min_bid: round(dphBase * between(rng, 0.3, 0.7), 4),
    storage_cost: storageCost,
    storage_total_cost: 0,
    vram_costperhour: round(dphBase / ((vram * n) / 1000), 6),
    credit_discount_max: pick(rng, DISCOUNTS),
    dlperf,
    dlperf_per_dphtotal: 0,
    total_flops: totalFlops,
    flops_per_dphtotal: 0,
    score,
    reliability,
    reliability2: reliability,
    duration: durationS,
    start_date: round(startS, 3),
    end_date: round(cfg.nowMs / 1000 + durationS, 3),
    geolocation: pick(rng, PLACES),
    geolocode: null,
    verification,
    rentable: true,
    rented: false,
    external: rng() < 0.03,
    static_ip: rng() < 0.4,
    vms_enabled: rng() < 0.3,
    public_ipaddr: '127.0.0.1',
    hosting_type: gpu.datacenter && rng() < 0.4 ? 1 : 0,
    is_bid: false,
    cluster_id: null,
    avail_vol_ask_id: null,
    avail_vol_dph: null,
    avail_vol_size: null,
    nw_disk_min_bw: null,
    nw_disk_max_bw: null,
    nw_disk_avg_bw: null,
    os_version: '22.04',
    logo: '/static/logos/vastai_small2.png',
    webpage: null,
    time_remaining: '',
    time_remaining_isbid: '',
    host_run_time: 0,
    client_run_time: 1.1,
  };
}
