/** Result types of the pre-rental checks, shaped so an offer table can render them as columns. */

/** How an offer fares: fits, fits with warnings, or should not be rented for this job. */
export type Verdict = 'fits' | 'warns' | 'fails';

/** What a reason is about; tables may colour or filter by it. */
export type ReasonCode =
  | 'ram'
  | 'vram'
  | 'disk'
  | 'inet'
  | 'gpu_excluded'
  | 'gpu_unsupported'
  | 'cuda'
  | 'reliability'
  | 'price';

/** One reason an offer warns or fails. `short` fits a narrow column ("RAM 32<64G"); `message` is the full sentence. */
export interface Reason {
  code: ReasonCode;
  level: 'warn' | 'fail';
  short: string;
  message: string;
}

/** Low / base / high figures. */
export interface Range {
  optimistic: number;
  base: number;
  pessimistic: number;
}

/** Time and cost to reach the profile's target step on one offer. */
export interface Estimate {
  /** 'measured': from the profile's throughput for this GPU type; 'dlperf': scaled from another GPU type by DLPerf. */
  basis: 'measured' | 'dlperf';
  /** Says where the figure comes from, e.g. "scaled by DLPerf from RTX 3090". */
  note: string;
  steps: number;
  stepsPerHour: Range;
  hours: Range;
  /** $ at the offer's price with the profile's disk. */
  cost: Range;
  dph: number;
}

/** The checks' verdict on one offer. */
export interface CheckResult {
  offerId: number;
  verdict: Verdict;
  /** Failures first, then warnings. */
  reasons: Reason[];
  /** The shorts joined, e.g. "RAM 32<64G; inet 1.4Mbps": fits a WHY column. */
  summary: string;
  estimate: Estimate | null;
}
