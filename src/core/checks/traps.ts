/**
 * The general traps of the Vast market, checked without any profile so the offer list can flag them:
 * 1–2 Mbps internet (a 10 GB image takes hours), little RAM behind big GPUs (dataloaders get OOM-killed),
 * tiny disks, unreliable hosts, old CUDA drivers, and GPUs the driver cannot actually serve.
 */
import type { Offer } from '../vast/types.js';
import { cudaBelow, minCudaForCompute } from './cuda.js';
import type { Reason } from './types.js';

/** Thresholds for the general traps; exported so the UI can explain them. */
export const TRAP_LIMITS = {
  /** Below this the host cannot pull an image in reasonable time. */
  inetUnusableMbps: 5,
  inetSlowMbps: 100,
  inetUpSlowMbps: 20,
  /** System RAM below this fraction of total VRAM starves multi-GPU dataloaders. */
  ramPerVram: 1,
  tinyDiskGb: 30,
  reliability: 0.9,
  oldCuda: 12.0,
} as const;

/** Hours to pull `gb` gigabytes at `mbps`. */
function pullHours(gb: number, mbps: number): number {
  return (gb * 8000) / Math.max(mbps, 0.001) / 3600;
}

/** The traps an offer falls into, whatever the job. */
export function offerTraps(o: Offer): Reason[] {
  const out: Reason[] = [];
  const L = TRAP_LIMITS;
  if (o.inetDownMbps < L.inetSlowMbps) {
    const h = pullHours(10, o.inetDownMbps);
    out.push({
      code: 'inet',
      level: o.inetDownMbps < L.inetUnusableMbps ? 'fail' : 'warn',
      short: `inet ${fmt(o.inetDownMbps)}Mbps`,
      message:
        `internet ${fmt(o.inetDownMbps)} Mbps down: a 10 GB image takes ` +
        `~${h >= 1 ? `${fmt(h)} h` : `${Math.ceil(h * 60)} min`} to pull`,
    });
  } else if (o.inetUpMbps < L.inetUpSlowMbps) {
    out.push({
      code: 'inet',
      level: 'warn',
      short: `up ${fmt(o.inetUpMbps)}Mbps`,
      message: `internet ${fmt(o.inetUpMbps)} Mbps up: checkpoint uploads will crawl`,
    });
  }
  const vram = o.gpuTotalRamGb || o.gpuRamGb * o.numGpus;
  if (o.numGpus >= 2 && o.cpuRamGb < vram * L.ramPerVram) {
    out.push({
      code: 'ram',
      level: 'warn',
      short: `RAM ${fmt(o.cpuRamGb)}G/${o.numGpus}GPU`,
      message:
        `only ${fmt(o.cpuRamGb)} GB system RAM behind ${o.numGpus} GPUs with ${fmt(vram)} GB VRAM: dataloaders ` +
        `may be OOM-killed`,
    });
  }
  if (o.diskGb < L.tinyDiskGb) {
    out.push({
      code: 'disk',
      level: 'warn',
      short: `disk ${fmt(o.diskGb)}G`,
      message: `only ${fmt(o.diskGb)} GB disk: an image, a model and checkpoints rarely fit`,
    });
  }
  if (o.reliability < L.reliability) {
    out.push({
      code: 'reliability',
      level: 'warn',
      short: `rel ${fmt(o.reliability * 100)}%`,
      message: `reliability ${fmt(o.reliability * 100)}% (below ${L.reliability * 100}%): expect interruptions`,
    });
  }
  const need = minCudaForCompute(o.computeCap);
  if (o.cudaMaxGood !== null && need !== null && cudaBelow(o.cudaMaxGood, need)) {
    out.push({
      code: 'gpu_unsupported',
      level: 'fail',
      short: `driver CUDA ${o.cudaMaxGood}<${need}`,
      message:
        `${o.gpuName} (compute ${o.computeCap}) needs CUDA ` + `${need}, but the driver only supports ${o.cudaMaxGood}`,
    });
  } else if (o.cudaMaxGood !== null && cudaBelow(o.cudaMaxGood, L.oldCuda)) {
    out.push({
      code: 'cuda',
      level: 'warn',
      short: `CUDA ${o.cudaMaxGood}`,
      message: `old driver (CUDA ${o.cudaMaxGood}): most current images need CUDA ≥ ${L.oldCuda}`,
    });
  } else if (need !== null && need >= 12.8) {
    out.push({
      code: 'gpu_unsupported',
      level: 'warn',
      short: `sm_${Math.round((o.computeCap ?? 0) * 10)} needs CUDA≥${need}`,
      message: `${o.gpuName} (compute ${o.computeCap}) runs only images built with CUDA ≥ ${need} (PyTorch ≥ 2.7)`,
    });
  }
  return out;
}

/** A number shown compactly: 1.4, 32, 0.35. */
export function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/** `have` for a "have<need" text: as fmt rounds it, but never shown as reaching `need` (31.6 of 32 is "31.6"). */
export function fmtBelow(have: number, need: number): string {
  const s = fmt(have);
  if (Number(s) < need) return s;
  const tenth = Math.floor(have * 10) / 10;
  return String(tenth < need ? tenth : Math.floor(have * 100) / 100);
}
