/**
 * The offer search a profile implies: its own query text plus filters from its minimums and needs, so the
 * server drops what cannot fit and the checks only judge the rest. Disk is priced at the profile's disk.
 */
import { defaultOfferQuery, parseOfferQuery, parseOrder, type OfferQuery } from '../vast/offer-query.js';
import { imageCuda } from '../checks/cuda.js';
import type { Profile } from './schema.js';

/** The offer query for a profile; `type` overrides the profile's search type. */
export function profileOfferQuery(p: Profile, type?: 'on-demand' | 'interruptible'): OfferQuery {
  const q = p.search.query ? parseOfferQuery(p.search.query, defaultOfferQuery()) : defaultOfferQuery();
  const atLeast = (field: string, v: number | undefined) => {
    if (v === undefined || v <= 0) return;
    const cur = q.filters[field]?.gte;
    q.filters[field] = { ...q.filters[field], gte: typeof cur === 'number' ? Math.max(cur, v) : v };
  };
  atLeast('cpu_ram', Math.max(p.needs.ramGb ?? 0, p.min.ramGb ?? 0));
  atLeast('gpu_ram', p.needs.vramGb);
  atLeast('disk_space', Math.max(p.diskGb, p.min.diskGb ?? 0, p.needs.modelGb + p.needs.checkpointsGb));
  atLeast('inet_down', p.min.inetDownMbps);
  atLeast('inet_up', p.min.inetUpMbps);
  atLeast('reliability', p.min.reliability);
  atLeast('cuda_max_good', Math.max(p.cuda ?? imageCuda(p.image) ?? 0, p.min.cuda ?? 0));
  if (p.excludeGpus.length) q.filters.gpu_name = { ...q.filters.gpu_name, notin: [...p.excludeGpus] };
  if (p.search.order) q.order = parseOrder(p.search.order);
  q.limit = p.search.limit;
  q.type = (type ?? p.search.type) === 'interruptible' ? 'bid' : 'on-demand';
  q.allocatedStorageGb = p.diskGb;
  return q;
}

/** The query that fetches one offer by id (to rent exactly it); disk priced like the profile. */
export function offerByIdQuery(
  id: number,
  diskGb: number,
  type: 'on-demand' | 'interruptible' = 'on-demand',
): OfferQuery {
  return {
    filters: { id: { eq: id } },
    order: [['score', 'desc']],
    type: type === 'interruptible' ? 'bid' : 'on-demand',
    limit: 1,
    allocatedStorageGb: diskGb,
  };
}
