/**
 * The API's clock, for every comparison of "now" with an API timestamp (an instance's start_date, a charge's
 * time): the local clock moved by the offset the last HTTP Date header showed (VastClient.clockOffsetMs). With
 * the local clock an hour off, ages, "stuck", maxRuntime and spend windows still measure what the API measures.
 * Before the first answer the offset is unknown and the local clock is used as it is.
 */
import type { VastApi } from './api.js';

/** A `now()` on the API's clock (epoch ms). `local` is the machine's clock (Date.now by default). */
export function serverClock(api: Pick<VastApi, 'clockOffsetMs'>, local: () => number = Date.now): () => number {
  return () => {
    const offset = api.clockOffsetMs?.();
    return local() + (typeof offset === 'number' && Number.isFinite(offset) ? offset : 0);
  };
}
