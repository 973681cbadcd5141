/**
 * Pre-rental checks: each offer judged against a profile (fits / warns / fails, with reasons) and, when the
 * profile has a target step, a time and cost estimate. Pure: no I/O, so the offer browser can run it on every
 * refresh and tests can run it on any offer list.
 */
import type { Offer } from '../vast/types.js';
import type { Profile } from '../profiles/schema.js';
import { cudaBelow, imageCuda, minCudaForCompute } from './cuda.js';
import { dlperfReference, estimateRun, gpuKey } from './estimate.js';
import { fmt, fmtBelow, offerTraps } from './traps.js';
import type { CheckResult, Reason, Verdict } from './types.js';

/** Options of checkOffers. */
export interface CheckOptions {
  /** Step the run is already at (a resumed run needs fewer steps). */
  fromStep?: number;
}

/** The reasons an offer does not suit a profile (hard failures of the job's own needs). */
export function profileReasons(o: Offer, p: Profile): Reason[] {
  const out: Reason[] = [];
  const fail = (code: Reason['code'], short: string, message: string) =>
    out.push({ code, level: 'fail', short, message });
  if (p.excludeGpus.some((g) => gpuKey(g) === gpuKey(o.gpuName)))
    fail('gpu_excluded', `${o.gpuName} excluded`, `${o.gpuName} is excluded by the profile`);
  const cuda = p.cuda ?? imageCuda(p.image);
  const needCuda = minCudaForCompute(o.computeCap);
  if (cuda !== null && needCuda !== null && cudaBelow(cuda, needCuda)) {
    fail(
      'gpu_unsupported',
      `${o.gpuName} needs CUDA≥${needCuda}`,
      `${o.gpuName} (compute ${o.computeCap}) needs an image built with CUDA ≥ ${needCuda}; ${p.image} is ` +
        `built with ${cuda}`,
    );
  }
  const wantCuda = Math.max(cuda ?? 0, p.min.cuda ?? 0);
  if (wantCuda > 0 && o.cudaMaxGood !== null && cudaBelow(o.cudaMaxGood, wantCuda)) {
    fail(
      'cuda',
      `CUDA ${o.cudaMaxGood}<${wantCuda}`,
      `driver supports CUDA ${o.cudaMaxGood}, the image needs ${wantCuda}`,
    );
  }
  if (p.needs.vramGb !== undefined && o.gpuRamGb < p.needs.vramGb) {
    fail(
      'vram',
      `VRAM ${fmtBelow(o.gpuRamGb, p.needs.vramGb)}<${fmt(p.needs.vramGb)}G`,
      `${fmtBelow(o.gpuRamGb, p.needs.vramGb)} GB VRAM per GPU, the job needs ${fmt(p.needs.vramGb)} GB`,
    );
  }
  const ram = Math.max(p.needs.ramGb ?? 0, p.min.ramGb ?? 0);
  if (ram > 0 && o.cpuRamGb < ram)
    fail(
      'ram',
      `RAM ${fmtBelow(o.cpuRamGb, ram)}<${fmt(ram)}G`,
      `${fmtBelow(o.cpuRamGb, ram)} GB system RAM, the job needs ${fmt(ram)} GB`,
    );
  const disk = Math.max(p.diskGb, p.min.diskGb ?? 0, p.needs.modelGb + p.needs.checkpointsGb);
  if (o.diskGb < disk) {
    fail(
      'disk',
      `disk ${fmtBelow(o.diskGb, disk)}<${fmt(disk)}G`,
      `${fmtBelow(o.diskGb, disk)} GB disk available, the profile needs ${fmt(disk)} GB (model ` +
        `${fmt(p.needs.modelGb)} + checkpoints ${fmt(p.needs.checkpointsGb)}, disk ${fmt(p.diskGb)})`,
    );
  }
  if (p.min.inetDownMbps !== undefined && o.inetDownMbps < p.min.inetDownMbps) {
    fail(
      'inet',
      `inet ${fmtBelow(o.inetDownMbps, p.min.inetDownMbps)}<${fmt(p.min.inetDownMbps)}Mbps`,
      `internet ${fmtBelow(o.inetDownMbps, p.min.inetDownMbps)} Mbps down, the profile's minimum is ` +
        `${fmt(p.min.inetDownMbps)}`,
    );
  }
  if (p.min.inetUpMbps !== undefined && o.inetUpMbps < p.min.inetUpMbps) {
    fail(
      'inet',
      `up ${fmtBelow(o.inetUpMbps, p.min.inetUpMbps)}<${fmt(p.min.inetUpMbps)}Mbps`,
      `internet ${fmtBelow(o.inetUpMbps, p.min.inetUpMbps)} Mbps up, the profile's minimum is ${fmt(p.min.inetUpMbps)}`,
    );
  }
  if (p.min.reliability !== undefined && o.reliability < p.min.reliability) {
    fail(
      'reliability',
      `rel ${fmtBelow(o.reliability * 100, p.min.reliability * 100)}%<${fmt(p.min.reliability * 100)}%`,
      `reliability ${fmtBelow(o.reliability * 100, p.min.reliability * 100)}%, the profile's minimum is ` +
        `${fmt(p.min.reliability * 100)}%`,
    );
  }
  return out;
}

/** Verdict from reasons: any failure fails, any warning warns. */
export function verdictOf(reasons: readonly Reason[]): Verdict {
  if (reasons.some((r) => r.level === 'fail')) return 'fails';
  return reasons.length ? 'warns' : 'fits';
}

/** Judges each offer (same order as given). Without a profile only the general traps are checked. */
export function checkOffers(
  offers: readonly Offer[],
  profile?: Profile | null,
  opts: CheckOptions = {},
): CheckResult[] {
  const ref = profile ? dlperfReference(offers, profile) : null;
  return offers.map((o) => {
    const own = profile ? profileReasons(o, profile) : [];
    // A general trap is only added when the profile did not already judge the same thing.
    const seen = new Set(own.map((r) => r.code));
    const reasons = [...own, ...offerTraps(o).filter((r) => !seen.has(r.code))];
    reasons.sort((a, b) => (a.level === b.level ? 0 : a.level === 'fail' ? -1 : 1));
    return {
      offerId: o.id,
      verdict: verdictOf(reasons),
      reasons,
      summary: reasons.map((r) => r.short).join('; '),
      estimate: profile ? estimateRun(o, profile, ref, opts.fromStep) : null,
    };
  });
}

/** One-character mark for a verdict column. */
export function verdictMark(v: Verdict): string {
  return v === 'fits' ? '✓' : v === 'warns' ? '!' : '✗';
}

/** Hours as a short duration: "45m", "7.5h", "3.2d". */
export function formatHours(h: number): string {
  if (!Number.isFinite(h)) return '∞';
  if (h < 1) return `${Math.max(1, Math.round(h * 60))}m`;
  if (h < 48) return `${fmt(h)}h`;
  return `${fmt(h / 24)}d`;
}

/** Cells for an offer table: FIT mark, WHY summary, ETA and COST as "base (optimistic–pessimistic)". */
export function checkCells(r: CheckResult): { fit: string; why: string; eta: string; cost: string; basis: string } {
  const e = r.estimate;
  return {
    fit: verdictMark(r.verdict),
    why: r.summary,
    eta: e
      ? `${formatHours(e.hours.base)} (${formatHours(e.hours.optimistic)}–${formatHours(e.hours.pessimistic)})`
      : '',
    cost: e ? `$${Math.round(e.cost.base)} ($${Math.round(e.cost.optimistic)}–${Math.round(e.cost.pessimistic)})` : '',
    basis: e ? (e.basis === 'measured' ? 'measured' : 'DLPerf') : '',
  };
}
