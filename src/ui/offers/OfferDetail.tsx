/** The detail pane of the selected offer: every field, and every reason of the checks in full (wrapped, not cut). */
import { Box, Text } from 'ink';
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import { checkCells } from '../../core/checks/check.js';
import { offerDetailLines } from './cells.js';
import { useTheme } from '../theme-context.js';
import { layoutOfferDetail, offerDetailHeight } from './detail-layout.js';

export { offerDetailHeight };

/** Fields in one or two columns (by width), then the check's reasons and estimate; `height` lines, border included. */
export function OfferDetail({
  offer,
  check,
  width,
  height,
}: {
  offer: Offer | undefined;
  check: CheckResult | undefined;
  width: number;
  height: number;
}) {
  const theme = useTheme();
  if (!offer) {
    return (
      <Box borderStyle="single" borderColor={theme.colors.border} height={height} width={width}>
        <Text color={theme.colors.muted}>no offer selected</Text>
      </Box>
    );
  }
  const cells = check ? checkCells(check) : null;
  const reasons = check?.reasons.map((r) => `${r.level === 'fail' ? '✗' : '!'} ${r.message}`) ?? [];
  const est = check?.estimate ? `to step: ${cells!.eta}, ${cells!.cost} (${check.estimate.note})` : null;
  const notes = [...(reasons.length ? reasons : check ? ['✓ no trap found'] : []), ...(est ? [est] : [])];
  const layout = layoutOfferDetail(offerDetailLines(offer), notes, width, height);
  const noteColor =
    check?.verdict === 'fails'
      ? theme.colors['status.error']
      : check?.verdict === 'warns'
        ? theme.colors['status.warn']
        : theme.colors['status.running'];
  const colWidth = layout.columns.length > 1 ? Math.floor((width - 2) / 2) : width - 2;
  return (
    <Box
      borderStyle="single"
      borderColor={theme.colors.border}
      height={height}
      width={width}
      flexDirection="column"
      overflow="hidden"
    >
      <Box flexDirection="row">
        {layout.columns.map((col, c) => (
          <Box key={c} flexDirection="column" width={colWidth}>
            {col.map((l, i) => (
              <Text key={i} wrap="wrap">
                <Text color={theme.colors.muted}>{l.slice(0, 9)}</Text>
                {l.slice(9)}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      {layout.notes.map((t, i) => (
        <Text key={i} wrap="wrap" color={noteColor}>
          {t}
        </Text>
      ))}
      {layout.hiddenNote.map((t, i) => (
        <Text key={`h${i}`} wrap="wrap" color={theme.colors.muted}>
          {t}
        </Text>
      ))}
    </Box>
  );
}
