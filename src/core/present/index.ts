/**
 * The presentation layer every view and command prints through: ages, durations, money, GPU, the SSH
 * command, status and price (through fleet/status.ts), and the column model with the fleet and offer columns.
 */
export { formatAge, ageSince } from './ages.js';
export { parseDuration, parseDurationWithUnit, formatDuration, formatHours } from './durations.js';
export { formatMoney, formatRate, formatRateExact, formatPerDay } from './money.js';
export { formatNum, formatCompact } from './numbers.js';
export { formatGpu } from './gpu.js';
export { sshCommand } from './ssh-command.js';
export { statusAndPrice, type StatusAndPrice } from './status.js';
export {
  fitColumns,
  columnsFor,
  fitCell,
  textWidth,
  headerLine,
  rowSegments,
  headCount,
  type ColumnDef,
  type ColumnSurface,
  type Fitted,
  type FitOptions,
  type Segment,
} from './columns.js';
export { FLEET_COLUMNS, fleetRow, type FleetRow, type FleetColumn } from './fleet-columns.js';
export {
  OFFER_COLUMNS,
  offerColumns,
  offerRow,
  type OfferRow,
  type OfferColumn,
  type OfferColumnId,
} from './offer-columns.js';
