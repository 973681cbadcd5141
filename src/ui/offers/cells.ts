/**
 * The offer browser's layout (the shared offer columns, core/present/offer-columns.ts, fitted by the one
 * fitting algorithm) and the detail lines. Pure, no Ink. Remote text (GPU, CPU names, location) is sanitized.
 */
import type { Offer } from '../../core/vast/types.js';
import type { OfferSortKey } from '../../core/offers/offer-filter.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { formatRate } from '../../core/present/money.js';
import { formatCompact as n0 } from '../../core/present/numbers.js';
import { columnsFor, fitColumns, headerLine, type Fitted } from '../../core/present/columns.js';
import { offerColumns, type OfferColumn } from '../../core/present/offer-columns.js';

/** An offer column after layout. */
export type FittedOfferColumn = Fitted<OfferColumn>;

/** Spaces between the offer browser's columns. */
export const GAP = 1;

/** Columns that fit in `width`; ETA and COST only with a profile. Spare width goes to GPU, location and WHY. */
export function layoutOfferColumns(width: number, withProfile: boolean): FittedOfferColumn[] {
  return fitColumns(columnsFor(offerColumns(withProfile), 'tui'), width, { gap: GAP });
}

/** The header line; the sorted column carries ↑ or ↓. */
export function offerHeaderLine(columns: readonly FittedOfferColumn[], sort: OfferSortKey, desc: boolean): string {
  return headerLine(columns, GAP, (c) => (c.sort === sort ? `${c.header}${desc ? '↓' : '↑'}` : c.header));
}

/** Every field of an offer as label/value pairs for the detail pane. */
export function offerDetailLines(o: Offer): [string, string][] {
  const s = (v: string | null) => (v ? sanitizeLine(v) : '–');
  return [
    ['offer', `${o.id}  machine ${o.machineId}  host ${o.hostId}${o.verified ? '  verified' : '  unverified'}`],
    ['GPU', `${o.numGpus}× ${s(o.gpuName)}  ${n0(o.gpuRamGb, 1)} GB each, ${n0(o.gpuTotalRamGb)} GB total`],
    ['compute', `cap ${o.computeCap ?? '–'}  CUDA ${o.cudaMaxGood ?? '–'}  driver ${s(o.driverVersion)}`],
    [
      'perf',
      `DLPerf ${n0(o.dlperf, 1)}  ${n0(o.dlperfPerDph, 1)}/$  ${n0(o.totalFlops, 1)} TFLOPS  PCIe ` +
        `${n0(o.pcieBwGBps, 1)} GB/s`,
    ],
    ['CPU', `${s(o.cpuName)}  ${o.cpuCores} cores  ${n0(o.cpuRamGb)} GB RAM`],
    ['disk', `${n0(o.diskGb)} GB  ${n0(o.diskBwMBps)} MB/s`],
    ['inet', `↓ ${n0(o.inetDownMbps, 1)}  ↑ ${n0(o.inetUpMbps, 1)} Mbps  ${o.directPortCount} direct ports`],
    [
      'price',
      `${formatRate(o.dphTotal)}/hr (GPU ${formatRate(o.dphBase)})  min bid ` +
        `${o.minBid === null ? '–' : formatRate(o.minBid)}  storage ` +
        `${o.storageCostGbMonth === null ? '–' : `$${o.storageCostGbMonth.toFixed(3)}/GB/mo`}`,
    ],
    [
      'host',
      `reliability ${(o.reliability * 100).toFixed(2)}%  ` +
        `${o.durationDays === null ? '' : `available ${n0(o.durationDays, 1)} d  `}score ${n0(o.score)}`,
    ],
    ['location', s(o.geolocation)],
  ];
}
