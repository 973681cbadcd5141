/**
 * Pure renderers for the offer table: column metadata, offer → cells, and the detail lines. No Ink here, so
 * they are unit-tested and benchmarked on their own. Remote text (GPU, CPU names, location) is sanitized.
 */
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import { checkCells } from '../../core/checks/check.js';
import type { OfferSortKey } from '../../core/offers/view.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { fit, formatRate } from '../format.js';

/** An offer column id. */
export type OfferColumnId = 'fit' | 'id' | 'gpu' | 'count' | 'vram' | 'ram' | 'disk' | 'down' | 'up' | 'rel' | 'price' | 'dlperf' | 'location' | 'cuda' | 'eta' | 'cost' | 'why';

/** Column after layout. */
export interface OfferColumn {
  id: OfferColumnId;
  header: string;
  width: number;
  align: 'left' | 'right';
  /** The sort key this column sorts by, if any. */
  sort?: OfferSortKey;
}

interface Spec {
  id: OfferColumnId;
  header: string;
  min: number;
  grow: number;
  align: 'left' | 'right';
  /** Lower is dropped first on narrow terminals. */
  keep: number;
  sort?: OfferSortKey;
  /** Only with an active profile. */
  profile?: boolean;
}

const SPECS: readonly Spec[] = [
  { id: 'fit', header: 'FIT', min: 3, grow: 0, align: 'left', keep: 20, sort: 'fit' },
  { id: 'id', header: 'ID', min: 8, grow: 0, align: 'right', keep: 21, sort: 'id' }, // last to go: what P and the CLI need
  { id: 'gpu', header: 'GPU', min: 11, grow: 1, align: 'left', keep: 19, sort: 'gpu' },
  { id: 'count', header: 'N', min: 2, grow: 0, align: 'right', keep: 18, sort: 'count' },
  { id: 'vram', header: 'VRAM', min: 5, grow: 0, align: 'right', keep: 17, sort: 'vram' },
  { id: 'ram', header: 'RAM', min: 5, grow: 0, align: 'right', keep: 16, sort: 'ram' },
  { id: 'disk', header: 'DISK', min: 6, grow: 0, align: 'right', keep: 12, sort: 'disk' },
  { id: 'down', header: 'DOWN', min: 5, grow: 0, align: 'right', keep: 15, sort: 'down' },
  { id: 'up', header: 'UP', min: 5, grow: 0, align: 'right', keep: 9, sort: 'up' },
  { id: 'rel', header: 'REL', min: 5, grow: 0, align: 'right', keep: 13, sort: 'rel' },
  { id: 'price', header: '$/HR', min: 6, grow: 0, align: 'right', keep: 18, sort: 'price' },
  { id: 'dlperf', header: 'DLP/$', min: 5, grow: 0, align: 'right', keep: 5, sort: 'dlperf' },
  { id: 'location', header: 'LOCATION', min: 9, grow: 1, align: 'left', keep: 4, sort: 'location' },
  { id: 'cuda', header: 'CUDA', min: 4, grow: 0, align: 'right', keep: 8, sort: 'cuda' },
  { id: 'eta', header: 'ETA', min: 16, grow: 0, align: 'left', keep: 7, profile: true },
  { id: 'cost', header: 'COST', min: 14, grow: 0, align: 'left', keep: 6, profile: true },
  { id: 'why', header: 'WHY', min: 12, grow: 3, align: 'left', keep: 10 },
];

/** Columns that fit in `width`; ETA and COST only with a profile. Spare width goes to GPU, location and WHY. */
export function layoutOfferColumns(width: number, withProfile: boolean): OfferColumn[] {
  let specs = SPECS.filter((s) => withProfile || !s.profile);
  const need = (s: readonly Spec[]) => s.reduce((n, c) => n + c.min, 0) + s.length - 1;
  while (specs.length > 1 && need(specs) > width) {
    const drop = specs.reduce((lo, c) => (c.keep < lo.keep ? c : lo));
    specs = specs.filter((c) => c !== drop);
  }
  const spare = Math.max(0, width - need(specs));
  const grow = specs.reduce((n, c) => n + c.grow, 0);
  let given = 0;
  const cols: OfferColumn[] = specs.map((c) => {
    const extra = grow ? Math.floor((spare * c.grow) / grow) : 0;
    given += extra;
    return { id: c.id, header: c.header, width: c.min + extra, align: c.align, sort: c.sort };
  });
  const last = [...cols].reverse().find((c) => SPECS.find((s) => s.id === c.id)!.grow > 0);
  if (last) last.width += spare - given;
  return cols;
}

/** A number compactly: 24, 1.4, 1200. */
function n0(v: number | null, digits = 0): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return digits && Math.abs(v) < 10 ? v.toFixed(digits) : String(Math.round(v));
}

/** Display cells of one offer with its check. */
export function offerCells(o: Offer, check: CheckResult | undefined): Readonly<Record<OfferColumnId, string>> {
  const c = check ? checkCells(check) : null;
  return {
    fit: c ? c.fit : ' ',
    id: String(o.id),
    gpu: sanitizeLine(o.gpuName),
    count: String(o.numGpus),
    vram: `${n0(o.gpuRamGb)}G`,
    ram: `${n0(o.cpuRamGb)}G`,
    disk: `${n0(o.diskGb)}G`,
    down: n0(o.inetDownMbps, 1),
    up: n0(o.inetUpMbps, 1),
    rel: `${(o.reliability * 100).toFixed(1)}`,
    price: formatRate(o.dphTotal),
    dlperf: n0(o.dlperfPerDph),
    location: o.geolocation ? sanitizeLine(o.geolocation) : '–',
    cuda: o.cudaMaxGood === null ? '–' : o.cudaMaxGood.toFixed(1),
    eta: c?.eta ?? '',
    cost: c?.cost ?? '',
    why: c?.why ? c.why : c ? 'ok' : '',
  };
}

/** The row text, columns joined by one space. */
export function offerRowText(cells: Readonly<Record<OfferColumnId, string>>, columns: readonly OfferColumn[]): string {
  return columns.map((col) => fit(cells[col.id], col.width, col.align)).join(' ');
}

/** The header line; the sorted column carries ↑ or ↓. */
export function offerHeaderLine(columns: readonly OfferColumn[], sort: OfferSortKey, desc: boolean): string {
  return columns.map((c) => fit(c.sort === sort ? `${c.header}${desc ? '↓' : '↑'}` : c.header, c.width, c.align)).join(' ');
}

/** Every field of an offer as label/value pairs for the detail pane. */
export function offerDetailLines(o: Offer): [string, string][] {
  const s = (v: string | null) => (v ? sanitizeLine(v) : '–');
  return [
    ['offer', `${o.id}  machine ${o.machineId}  host ${o.hostId}${o.verified ? '  verified' : '  unverified'}`],
    ['GPU', `${o.numGpus}× ${s(o.gpuName)}  ${n0(o.gpuRamGb, 1)} GB each, ${n0(o.gpuTotalRamGb)} GB total`],
    ['compute', `cap ${o.computeCap ?? '–'}  CUDA ${o.cudaMaxGood ?? '–'}  driver ${s(o.driverVersion)}`],
    ['perf', `DLPerf ${n0(o.dlperf, 1)}  ${n0(o.dlperfPerDph, 1)}/$  ${n0(o.totalFlops, 1)} TFLOPS  PCIe ${n0(o.pcieBwGBps, 1)} GB/s`],
    ['CPU', `${s(o.cpuName)}  ${o.cpuCores} cores  ${n0(o.cpuRamGb)} GB RAM`],
    ['disk', `${n0(o.diskGb)} GB  ${n0(o.diskBwMBps)} MB/s`],
    ['inet', `↓ ${n0(o.inetDownMbps, 1)}  ↑ ${n0(o.inetUpMbps, 1)} Mbps  ${o.directPortCount} direct ports`],
    ['price', `${formatRate(o.dphTotal)}/hr (GPU ${formatRate(o.dphBase)})  min bid ${o.minBid === null ? '–' : formatRate(o.minBid)}  storage ${o.storageCostGbMonth === null ? '–' : `$${o.storageCostGbMonth.toFixed(3)}/GB/mo`}`],
    ['host', `reliability ${(o.reliability * 100).toFixed(2)}%  ${o.durationDays === null ? '' : `available ${n0(o.durationDays, 1)} d  `}score ${n0(o.score)}`],
    ['location', s(o.geolocation)],
  ];
}
