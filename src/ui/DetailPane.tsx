/** The detail pane of the selected instance. Env values are never known here: only keys, shown masked. */
import { Box, Text } from 'ink';
import type { Instance } from '../core/vast/types.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import { formatNum } from './format.js';
import { sshCommand } from './cells.js';
import { FieldColumns } from './FieldColumns.js';
import { useTheme } from './theme-context.js';

/** Lines the pane takes, border included. */
export const DETAIL_HEIGHT = 9;

/** Key/value lines of the detail pane, pure (tested without Ink). */
export function detailLines(inst: Instance): [string, string][] {
  const disk = `${formatNum(inst.diskUsedGb, 1)} / ${formatNum(inst.diskGb, 0)} GB`;
  const env = inst.envKeys.length ? inst.envKeys.map((k) => `${sanitizeLine(k)}=*****`).join(' ') : '–';
  return [
    ['machine', `${inst.machineId ?? '–'} (host ${inst.hostId ?? '–'})${inst.verified ? ' verified' : ''}`],
    ['location', inst.geolocation ? sanitizeLine(inst.geolocation) : '–'],
    ['CUDA', `${formatNum(inst.cudaMaxGood, 1)}  driver ${inst.driverVersion ? sanitizeLine(inst.driverVersion) : '–'}`],
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

/** Props of DetailPane. */
export interface DetailPaneProps {
  inst: Instance | undefined;
  width: number;
}

/** Two columns of fields in a bordered box, DETAIL_HEIGHT lines tall. */
export function DetailPane({ inst, width }: DetailPaneProps) {
  const theme = useTheme();
  if (!inst) {
    return (
      <Box borderStyle="single" borderColor={theme.colors.border} height={DETAIL_HEIGHT} width={width}>
        <Text color={theme.colors.muted}>no instance selected</Text>
      </Box>
    );
  }
  const lines = detailLines(inst);
  return (
    <Box borderStyle="single" borderColor={theme.colors.border} height={DETAIL_HEIGHT} width={width} flexDirection="column">
      <Text wrap="truncate" bold color={theme.colors.accent}>
        {inst.id} {inst.label ? sanitizeLine(inst.label) : ''}
      </Text>
      <FieldColumns lines={lines} width={width} />
    </Box>
  );
}
