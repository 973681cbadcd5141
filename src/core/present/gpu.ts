/** GPU name and count as every view shows them. */
import { sanitizeLine } from '../util/sanitize.js';

/** "4× RTX 3090"; the name comes from the host's listing, so it is sanitized. */
export function formatGpu(numGpus: number, gpuName: string): string {
  return `${numGpus}× ${sanitizeLine(gpuName)}`;
}
