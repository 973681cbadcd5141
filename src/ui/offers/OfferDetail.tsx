/** The detail pane of the selected offer: every field, and every reason of the checks in full. */
import { Box, Text } from 'ink';
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import { checkCells } from '../../core/checks/check.js';
import { offerDetailLines } from './cells.js';
import { useTheme } from '../theme-context.js';
import { FieldColumns } from '../FieldColumns.js';

/** Lines the pane takes, border included. */
export const OFFER_DETAIL_HEIGHT = 10;

/** Two columns of fields, then the check's reasons and estimate. */
export function OfferDetail({ offer, check, width }: { offer: Offer | undefined; check: CheckResult | undefined; width: number }) {
  const theme = useTheme();
  if (!offer) {
    return (
      <Box borderStyle="single" borderColor={theme.colors.border} height={OFFER_DETAIL_HEIGHT} width={width}>
        <Text color={theme.colors.muted}>no offer selected</Text>
      </Box>
    );
  }
  const lines = offerDetailLines(offer);
  const half = Math.ceil(lines.length / 2);
  const cells = check ? checkCells(check) : null;
  const reasons = check?.reasons.map((r) => `${r.level === 'fail' ? '✗' : '!'} ${r.message}`) ?? [];
  const est = check?.estimate ? `to step: ${cells!.eta}, ${cells!.cost} (${check.estimate.note})` : null;
  const extra = [...(reasons.length ? reasons : check ? ['✓ no trap found'] : []), ...(est ? [est] : [])].slice(0, OFFER_DETAIL_HEIGHT - 2 - half);
  return (
    <Box borderStyle="single" borderColor={theme.colors.border} height={OFFER_DETAIL_HEIGHT} width={width} flexDirection="column">
      <FieldColumns lines={lines} width={width} />
      {extra.map((t, i) => (
        <Text key={i} wrap="truncate" color={check?.verdict === 'fails' ? theme.colors['status.error'] : check?.verdict === 'warns' ? theme.colors['status.warn'] : theme.colors['status.running']}>
          {t}
        </Text>
      ))}
    </Box>
  );
}
