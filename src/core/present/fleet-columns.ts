/**
 * THE fleet columns: one table for `vastdeck instances` and the TUI's fleet table. Adding a column is one row
 * here (see docs/ARCHITECTURE.md, "How to add… / A column"). Renderers are pure and sanitize remote text.
 */
import type { Instance } from '../vast/types.js';
import type { InstanceHealth } from '../fleet/store.js';
import { STATUS } from '../fleet/status.js';
import { sanitizeLine } from '../util/sanitize.js';
import { SEVERITY_LEVEL, type ColumnDef } from './columns.js';
import { ageSince } from './ages.js';
import { formatGpu } from './gpu.js';
import { sshCommand } from './ssh-command.js';
import { statusAndPrice, type StatusAndPrice } from './status.js';

/** One fleet row: the instance with what the columns read, worked out once per row. */
export interface FleetRow {
  readonly inst: Instance;
  readonly now: number;
  /** Status, level and price through the one status function. */
  readonly view: StatusAndPrice;
  /** From the health monitor (the TUI); absent in the CLI. */
  readonly health: InstanceHealth | undefined;
}

/** The row of an instance. `since` is when the store saw it enter its status (the CLI has none). */
export function fleetRow(
  inst: Instance,
  now: number,
  since: number | undefined,
  health: InstanceHealth | undefined,
): FleetRow {
  return { inst, now, view: statusAndPrice(inst, now, since), health };
}

/** A fleet column. */
export type FleetColumn = ColumnDef<FleetRow>;

/*
 * Widths: `min` is what the TUI shows first; `grow` shares spare width (label, GPU, SSH) up to `max`, past
 * which it is left blank (wide padding costs bytes on every redraw of a row: ENGINEERING.md, ≤ 300 B per
 * selection move). Priorities: SSH goes first on a narrow terminal, ID, label and status last.
 */
export const FLEET_COLUMNS: readonly FleetColumn[] = [
  { id: 'id', header: 'ID', min: 8, priority: 9, align: 'left', head: true, render: (r) => String(r.inst.id) },
  {
    id: 'label',
    header: 'LABEL',
    min: 12,
    grow: 3,
    max: 36,
    priority: 9,
    align: 'left',
    head: true,
    render: (r) => (r.inst.label ? sanitizeLine(r.inst.label) : '–'),
  },
  {
    id: 'gpu',
    header: 'GPU',
    min: 14,
    grow: 1,
    max: 20,
    priority: 8,
    align: 'left',
    render: (r) => formatGpu(r.inst.numGpus, r.inst.gpuName),
  },
  {
    id: 'status',
    header: 'STATUS',
    min: 10,
    priority: 9,
    align: 'left',
    render: (r) => STATUS[r.view.status].label,
    style: (r) => r.view.level,
  },
  { id: 'price', header: '$/HR', min: 7, priority: 7, align: 'right', render: (r) => r.view.price },
  {
    id: 'ssh',
    header: 'SSH',
    min: 30,
    grow: 1,
    max: 36,
    priority: 1,
    align: 'left',
    render: (r) => sshCommand(r.inst) ?? '–',
  },
  { id: 'age', header: 'AGE', min: 4, priority: 6, align: 'right', render: (r) => ageSince(r.inst.startedAt, r.now) },
  {
    id: 'step',
    header: 'STEP',
    min: 8,
    priority: 4,
    align: 'right',
    only: 'tui',
    render: (r) => (r.health?.step != null ? String(r.health.step) : '–'),
  },
  {
    id: 'health',
    header: 'HEALTH',
    min: 8,
    priority: 5,
    align: 'left',
    only: 'tui',
    render: (r) => (r.health ? sanitizeLine(r.health.text) : '–'),
    style: (r) => (r.health ? SEVERITY_LEVEL[r.health.level] : undefined),
  },
  {
    id: 'disk',
    header: 'DISK',
    // Wider than its text on purpose: it shows only where the label, GPU and SSH columns have grown too (at 120
    // columns it would otherwise take the width that keeps "zeb-large-main" whole).
    min: 12,
    priority: 0,
    align: 'right',
    render: (r) =>
      r.inst.diskGb === null
        ? '–'
        : `${r.inst.diskUsedGb === null ? '' : `${Math.round(r.inst.diskUsedGb)}/`}${Math.round(r.inst.diskGb)}G`,
  },
  {
    id: 'message',
    header: 'MESSAGE',
    min: 7,
    grow: 1,
    max: 40,
    priority: 0,
    align: 'left',
    only: 'cli',
    render: (r) => (r.inst.statusMsg ? sanitizeLine(r.inst.statusMsg) : ''),
  },
];
