/**
 * THE offer columns: one table for `vastdeck offers` and the TUI's offer browser. Renderers are pure and
 * sanitize remote text (GPU names, locations).
 */
import type { Offer } from '../vast/types.js';
import type { CheckResult } from '../checks/types.js';
import { checkCells } from '../checks/check.js';
import type { OfferSortKey } from '../offers/offer-filter.js';
import { sanitizeLine } from '../util/sanitize.js';
import type { ColumnDef } from './columns.js';
import { formatRate } from './money.js';
import { formatCompact as n0 } from './numbers.js';

/** One offer row: the offer, its check and the check's cells, worked out once per row. */
export interface OfferRow {
  readonly offer: Offer;
  readonly check: CheckResult | undefined;
  readonly cells: ReturnType<typeof checkCells> | null;
}

/** The row of an offer with its check (the TUI may not have checked it yet). */
export function offerRow(offer: Offer, check: CheckResult | undefined): OfferRow {
  return { offer, check, cells: check ? checkCells(check) : null };
}

/** An offer column id. */
export type OfferColumnId =
  | 'fit'
  | 'id'
  | 'gpu'
  | 'count'
  | 'vram'
  | 'ram'
  | 'disk'
  | 'down'
  | 'up'
  | 'rel'
  | 'price'
  | 'dlperf'
  | 'location'
  | 'cuda'
  | 'eta'
  | 'cost'
  | 'why';

/** An offer column: the sort key it sorts by in the browser, and whether it needs a profile (ETA, COST). */
export interface OfferColumn extends ColumnDef<OfferRow, OfferColumnId> {
  sort?: OfferSortKey;
  profile?: boolean;
}

/** FIT and WHY are coloured by the verdict. */
const verdict = (r: OfferRow) => (r.check?.verdict === 'fits' ? 'ok' : r.check?.verdict === 'warns' ? 'warn' : 'error');

export const OFFER_COLUMNS: readonly OfferColumn[] = [
  {
    id: 'fit',
    header: 'FIT',
    min: 3,
    priority: 20,
    align: 'left',
    sort: 'fit',
    head: true,
    style: verdict,
    render: (r) => (r.cells ? r.cells.fit : ' '),
  },
  // The ID goes last: what P and the CLI need.
  {
    id: 'id',
    header: 'ID',
    min: 8,
    priority: 21,
    align: 'right',
    sort: 'id',
    head: true,
    render: (r) => String(r.offer.id),
  },
  {
    id: 'gpu',
    header: 'GPU',
    min: 11,
    grow: 1,
    priority: 19,
    align: 'left',
    sort: 'gpu',
    head: true,
    render: (r) => sanitizeLine(r.offer.gpuName),
  },
  {
    id: 'count',
    header: 'N',
    min: 2,
    priority: 18,
    align: 'right',
    sort: 'count',
    render: (r) => String(r.offer.numGpus),
  },
  {
    id: 'vram',
    header: 'VRAM',
    min: 5,
    priority: 17,
    align: 'right',
    sort: 'vram',
    render: (r) => `${n0(r.offer.gpuRamGb)}G`,
  },
  {
    id: 'ram',
    header: 'RAM',
    min: 5,
    priority: 16,
    align: 'right',
    sort: 'ram',
    render: (r) => `${n0(r.offer.cpuRamGb)}G`,
  },
  {
    id: 'disk',
    header: 'DISK',
    min: 6,
    priority: 12,
    align: 'right',
    sort: 'disk',
    render: (r) => `${n0(r.offer.diskGb)}G`,
  },
  {
    id: 'down',
    header: 'DOWN',
    min: 5,
    priority: 15,
    align: 'right',
    sort: 'down',
    render: (r) => n0(r.offer.inetDownMbps, 1),
  },
  { id: 'up', header: 'UP', min: 5, priority: 9, align: 'right', sort: 'up', render: (r) => n0(r.offer.inetUpMbps, 1) },
  {
    id: 'rel',
    header: 'REL',
    min: 5,
    priority: 13,
    align: 'right',
    sort: 'rel',
    render: (r) => (r.offer.reliability * 100).toFixed(1),
  },
  {
    id: 'price',
    header: '$/HR',
    min: 6,
    priority: 18,
    align: 'right',
    sort: 'price',
    render: (r) => formatRate(r.offer.dphTotal),
  },
  {
    id: 'dlperf',
    header: 'DLP/$',
    min: 5,
    priority: 5,
    align: 'right',
    sort: 'dlperf',
    render: (r) => n0(r.offer.dlperfPerDph),
  },
  {
    id: 'location',
    header: 'LOCATION',
    min: 9,
    grow: 1,
    priority: 4,
    align: 'left',
    sort: 'location',
    render: (r) => (r.offer.geolocation ? sanitizeLine(r.offer.geolocation) : '–'),
  },
  {
    id: 'cuda',
    header: 'CUDA',
    min: 4,
    priority: 8,
    align: 'right',
    sort: 'cuda',
    render: (r) => (r.offer.cudaMaxGood === null ? '–' : r.offer.cudaMaxGood.toFixed(1)),
  },
  { id: 'eta', header: 'ETA', min: 16, priority: 7, align: 'left', profile: true, render: (r) => r.cells?.eta ?? '' },
  {
    id: 'cost',
    header: 'COST',
    min: 14,
    priority: 6,
    align: 'left',
    profile: true,
    render: (r) => r.cells?.cost ?? '',
  },
  {
    id: 'why',
    header: 'WHY',
    min: 12,
    grow: 3,
    priority: 10,
    align: 'left',
    style: verdict,
    render: (r) => (r.cells?.why ? r.cells.why : r.cells ? 'ok' : ''),
  },
];

/** The offer columns shown: ETA and COST only with a profile. */
export function offerColumns(withProfile: boolean): OfferColumn[] {
  return OFFER_COLUMNS.filter((c) => withProfile || !c.profile);
}
