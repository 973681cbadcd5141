/**
 * Pure renderers for the fleet table (k9s style: column metadata + instance → cells). No Ink here, so they
 * are unit-tested and benchmarked on their own. Remote text is sanitized again: renderers never assume the
 * client did it.
 */
import type { Instance } from '../core/vast/types.js';
import type { InstanceHealth } from '../core/fleet/store.js';
import { instanceView, STATUS, type DisplayStatus, type StatusLevel } from '../core/fleet/status.js';
import type { ColourLevel } from './theme.js';
import { sshEndpoint } from '../core/vast/units.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import { fit, formatAge, formatGpu, formatRate } from './format.js';

/** A fleet column id. */
export type ColumnId = 'id' | 'label' | 'gpu' | 'status' | 'price' | 'ssh' | 'age' | 'step' | 'health';

/** Column metadata. */
export interface Column {
  id: ColumnId;
  header: string;
  /** Width after layout. */
  width: number;
  align: 'left' | 'right';
}

interface ColumnSpec {
  id: ColumnId;
  header: string;
  min: number;
  /** Share of spare width (0: fixed). */
  grow: number;
  /** Widest the column grows to: past it, spare width is left blank at the end of the row. Wide columns
   * of padding cost bytes on every redraw of a row (ENGINEERING.md: ≤ 300 B per selection move). */
  max?: number;
  align: 'left' | 'right';
  /** Lower is dropped first when the terminal is narrow. */
  keep: number;
}

const SPECS: readonly ColumnSpec[] = [
  { id: 'id', header: 'ID', min: 8, grow: 0, align: 'left', keep: 9 },
  { id: 'label', header: 'LABEL', min: 12, grow: 3, align: 'left', keep: 9, max: 36 },
  { id: 'gpu', header: 'GPU', min: 14, grow: 1, align: 'left', keep: 8, max: 20 },
  { id: 'status', header: 'STATUS', min: 10, grow: 0, align: 'left', keep: 9 },
  { id: 'price', header: '$/HR', min: 7, grow: 0, align: 'right', keep: 7 },
  { id: 'ssh', header: 'SSH', min: 30, grow: 1, align: 'left', keep: 1, max: 36 },
  { id: 'age', header: 'AGE', min: 4, grow: 0, align: 'right', keep: 6 },
  { id: 'step', header: 'STEP', min: 8, grow: 0, align: 'right', keep: 4 },
  { id: 'health', header: 'HEALTH', min: 8, grow: 0, align: 'left', keep: 5 },
];

/** Columns that fit in `width` (one space between columns); spare width goes to label, GPU and SSH, up to their max. */
export function layoutColumns(width: number): Column[] {
  let specs = [...SPECS];
  const need = (s: readonly ColumnSpec[]) => s.reduce((n, c) => n + c.min, 0) + s.length - 1;
  while (specs.length > 1 && need(specs) > width) {
    const drop = specs.reduce((lo, c) => (c.keep < lo.keep ? c : lo));
    specs = specs.filter((c) => c !== drop);
  }
  let spare = Math.max(0, width - need(specs));
  const cols = specs.map((c) => ({ id: c.id, header: c.header, width: c.min, align: c.align }));
  // Spare width is shared out by `grow`, a column at a time up to its `max`; what no column can take stays blank.
  for (let open = specs.filter((c) => c.grow > 0); spare > 0 && open.length; ) {
    const grow = open.reduce((n, c) => n + c.grow, 0);
    let given = 0;
    for (const spec of open) {
      const col = cols[specs.indexOf(spec)]!;
      const room = (spec.max ?? Infinity) - col.width;
      const extra = Math.min(room, Math.max(1, Math.floor((spare * spec.grow) / grow)), spare - given);
      col.width += extra;
      given += extra;
    }
    spare -= given;
    open = open.filter((spec) => cols[specs.indexOf(spec)]!.width < (spec.max ?? Infinity));
    if (given === 0) break;
  }
  return cols;
}

/** Display cells of one instance. */
export interface RowCells {
  readonly text: Readonly<Record<ColumnId, string>>;
  readonly status: DisplayStatus;
  readonly level: StatusLevel;
  readonly healthLevel: InstanceHealth['level'] | null;
}

/** The ssh command for an instance ("ssh -p PORT root@HOST"), direct when mapped, else the proxy. */
export function sshCommand(inst: Instance): string | null {
  const ep = sshEndpoint(inst);
  return ep ? `ssh -p ${ep.port} root@${sanitizeLine(ep.host)}` : null;
}

/** instance → cells. `since` is when the store saw it enter its status; `health` from the health map. */
export function instanceCells(inst: Instance, now: number, since: number | undefined, health: InstanceHealth | undefined): RowCells {
  const { status, level, dph } = instanceView(inst, now, since);
  return {
    status,
    level,
    healthLevel: health?.level ?? null,
    text: {
      id: String(inst.id),
      label: inst.label ? sanitizeLine(inst.label) : '–',
      gpu: formatGpu(inst.numGpus, sanitizeLine(inst.gpuName)),
      status: STATUS[status].label,
      price: formatRate(dph),
      ssh: sshCommand(inst) ?? '–',
      age: inst.startedAt === null ? '–' : formatAge(now - inst.startedAt),
      step: health?.step != null ? String(health.step) : '–',
      health: health ? sanitizeLine(health.text) : '–',
    },
  };
}

/** A run of row text, coloured by a level when set. */
export interface Segment {
  text: string;
  level?: ColourLevel;
}

/** The row as segments: plain text merged, status and health cells separate so they can be coloured. */
export function rowSegments(cells: RowCells, columns: readonly Column[]): Segment[] {
  const out: Segment[] = [];
  let plain = '';
  columns.forEach((col, i) => {
    const sep = i === 0 ? '' : ' ';
    const text = fit(cells.text[col.id], col.width, col.align);
    const level =
      col.id === 'status' ? cells.level
      : col.id === 'health' && cells.healthLevel && cells.healthLevel !== 'unknown' ? (`health-${cells.healthLevel}` as const)
      : undefined;
    if (level) {
      out.push({ text: plain + sep });
      out.push({ text, level });
      plain = '';
    } else plain += sep + text;
  });
  if (plain) out.push({ text: plain });
  return out.filter((s) => s.text.length > 0);
}

/** The header line for the columns. */
export function headerLine(columns: readonly Column[]): string {
  return columns.map((c) => fit(c.header, c.width, c.align)).join(' ');
}
