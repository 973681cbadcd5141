/** The detail pane of the selected instance. Env values are never known here: only keys, shown masked. */
import { Box, Text } from 'ink';
import type { Instance } from '../core/vast/types.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import { formatNum } from '../core/present/numbers.js';
import { sshCommand } from '../core/present/ssh-command.js';
import { FieldColumns } from './FieldColumns.js';
import { healthColor, useTheme } from './theme-context.js';
import type { InstanceHealth } from '../core/fleet/store.js';
import { sparkline } from './sparkline.js';
import { wrapLine } from './wrap-line.js';

/** Lines the pane takes, border included: the title, three health lines, six lines of fields. */
export const DETAIL_HEIGHT = 12;

/** Width of each sparkline. */
const SPARK = 16;

/**
 * The health lines the pane leads with: why (the reason behind the HEALTH word), the last error line in the log,
 * and the step history with rate and loss sparklines. Pure (tested without Ink).
 */
export function healthLines(h: InstanceHealth | undefined): [string, string][] {
  if (!h) return [['health', 'not read yet (the monitor reads each host every ~30 s)']];
  const lines: [string, string][] = [['health', `${h.text}${h.reason ? ` — ${sanitizeLine(h.reason)}` : ''}`]];
  if (h.error && h.error !== h.reason) lines.push(['error', sanitizeLine(h.error)]);
  else if (h.level === 'error' || h.level === 'warn')
    lines.push(['error', h.error ? 'the health line is the last error in the log' : 'no error line in the log']);
  const steps = h.steps ?? [];
  if (steps.length) {
    const parts = [`${steps.length > 1 ? `${steps[0]} → ` : ''}${steps[steps.length - 1]}`];
    const rates = h.rates ?? [];
    const losses = h.losses ?? [];
    if (rates.length) parts.push(`rate ${sparkline(rates, SPARK)} ${formatNum(rates[rates.length - 1]!, 2)} it/s`);
    if (losses.length) parts.push(`loss ${sparkline(losses, SPARK)} ${formatNum(losses[losses.length - 1]!, 4)}`);
    lines.push(['steps', parts.join('  ')]);
  } else lines.push(['steps', h.step !== null ? String(h.step) : 'no step in the log yet']);
  return lines;
}

/** Key/value lines of the detail pane, pure (tested without Ink). */
export function detailLines(inst: Instance): [string, string][] {
  const disk = `${formatNum(inst.diskUsedGb, 1)} / ${formatNum(inst.diskGb, 0)} GB`;
  const env = inst.envKeys.length ? inst.envKeys.map((k) => `${sanitizeLine(k)}=*****`).join(' ') : '–';
  return [
    ['machine', `${inst.machineId ?? '–'} (host ${inst.hostId ?? '–'})${inst.verified ? ' verified' : ''}`],
    ['location', inst.geolocation ? sanitizeLine(inst.geolocation) : '–'],
    [
      'CUDA',
      `${formatNum(inst.cudaMaxGood, 1)}  driver ${inst.driverVersion ? sanitizeLine(inst.driverVersion) : '–'}`,
    ],
    ['disk', disk],
    ['RAM', `${formatNum(inst.cpuRamGb, 0, ' GB')}  ${inst.cpuCores ?? '–'} cpu`],
    ['inet', `↓ ${formatNum(inst.inetDownMbps, 0)}  ↑ ${formatNum(inst.inetUpMbps, 0)} Mbps`],
    ['reliab.', inst.reliability === null ? '–' : `${(inst.reliability * 100).toFixed(1)}%`],
    ['ssh', sshCommand(inst) ?? '–'],
    ['image', inst.image ? sanitizeLine(inst.image) : '–'],
    ['status', inst.statusMsg ? sanitizeLine(inst.statusMsg) : '–'],
    ['env', env],
  ];
}

/** The fields that go first when a wrapped health reason needs their rows, first to go first. */
export const FIELD_DROP_ORDER: readonly string[] = [
  'inet',
  'RAM',
  'reliab.',
  'disk',
  'CUDA',
  'env',
  'image',
  'location',
  'machine',
  'status',
];

/** Below this width the fields stack in one column (two would cut the ssh command). */
export const DETAIL_TWO_COLUMN_MIN_WIDTH = 80;

/** `lines` without the fields of lowest priority, until they fit `rows` rows of `columns` columns. */
export function fitFields(lines: [string, string][], rows: number, columns = 2): [string, string][] {
  let kept = lines;
  for (const name of FIELD_DROP_ORDER) {
    if (Math.ceil(kept.length / columns) <= Math.max(1, rows)) break;
    kept = kept.filter(([k]) => k !== name);
  }
  return kept;
}

/** Props of DetailPane. */
export interface DetailPaneProps {
  inst: Instance | undefined;
  width: number;
  /** The instance's training health from the monitor, with its reason and history. */
  health?: InstanceHealth;
}

/** Two columns of fields in a bordered box, DETAIL_HEIGHT lines tall. */
export function DetailPane({ inst, width, health: healthIn }: DetailPaneProps) {
  const theme = useTheme();
  if (!inst) {
    return (
      <Box borderStyle="single" borderColor={theme.colors.border} height={DETAIL_HEIGHT} width={width}>
        <Text color={theme.colors.muted}>no instance selected</Text>
      </Box>
    );
  }
  // The reason and the error line wrap (up to 3 and 2 lines) so they read whole at 80 columns; the fields make
  // room by FIELD_DROP_ORDER, within the pane's fixed height.
  const inner = Math.max(20, width - 2);
  const health = healthLines(healthIn).map(
    ([k, v], i) => [k, wrapLine(v, inner - 9).slice(0, i === 0 ? 3 : 2)] as const,
  );
  const healthRows = health.reduce((n, [, ls]) => n + ls.length, 0);
  const two = width >= DETAIL_TWO_COLUMN_MIN_WIDTH;
  const lines = fitFields(detailLines(inst), DETAIL_HEIGHT - 3 - healthRows, two ? 2 : 1);
  // The health lines are emphasised in their severity's colour, except ok (the usual case stays quiet).
  const level = healthIn && healthIn.level !== 'ok' ? healthColor(theme, healthIn.level) : undefined;
  return (
    <Box
      borderStyle="single"
      borderColor={theme.colors.border}
      height={DETAIL_HEIGHT}
      width={width}
      flexDirection="column"
    >
      <Text wrap="truncate" bold color={theme.colors.accent}>
        {inst.id} {inst.label ? sanitizeLine(inst.label) : ''}
      </Text>
      {health.flatMap(([k, vs], i) =>
        vs.map((v, j) => (
          <Text key={`${k}${j}`} wrap="truncate">
            <Text color={theme.colors.muted}>{(j === 0 ? k : '').padEnd(9)}</Text>
            <Text color={i < 2 ? level : undefined} bold={i === 0 && level !== undefined}>
              {v}
            </Text>
          </Text>
        )),
      )}
      {two ? (
        <FieldColumns lines={lines} width={width} />
      ) : (
        lines.map(([k, v]) => (
          <Text key={k} wrap="truncate">
            <Text color={theme.colors.muted}>{k.padEnd(9)}</Text>
            {v}
          </Text>
        ))
      )}
    </Box>
  );
}
