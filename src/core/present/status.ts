/** Status and price text of an instance, through the one status function (fleet/status.ts `instanceView`). */
import type { Instance } from '../vast/types.js';
import { instanceView, type InstanceView } from '../fleet/status.js';
import { formatRate } from './money.js';

/** What a row shows for status and price: instanceView's answer plus the $/hr as text. */
export interface StatusAndPrice extends InstanceView {
  /** The current $/hr as formatRate prints it ("$0.300"; storage only when not running). */
  price: string;
}

/** Status, colour level and current price of one instance, as every table and command shows them. */
export function statusAndPrice(inst: Instance, now: number, since: number | undefined): StatusAndPrice {
  const view = instanceView(inst, now, since);
  return { ...view, price: formatRate(view.dph) };
}
