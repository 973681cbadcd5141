/**
 * The destroy confirmation: what would be lost (newest checkpoint step on the host against the newest verified
 * off it), then y/n when nothing would be lost, or the instance's label typed in full when something would.
 */
import { Box, Text } from 'ink';
import type { DestroyPlan } from '../../core/ops/destroy.js';
import { confirmTarget } from '../../core/ops/destroy-confirm.js';
import { useTheme } from '../theme-context.js';

/** Where the confirmation is. */
export type DestroyStage =
  | { kind: 'checking'; id: number; label: string }
  | { kind: 'plan'; plan: DestroyPlan; typed: string }
  | { kind: 'running'; plan: DestroyPlan };

/** The name the user must type to force a destroy: the label as shown, else (empty label) the id. */
export function confirmName(plan: DestroyPlan): string {
  return confirmTarget(plan.label, plan.instanceId).text;
}

const step = (n: number | null) => (n === null ? 'none' : `step ${n}`);

/** The overlay's lines (pure, so frame tests and the tmux test read the same words); long lines wrap, never cut. */
export function DestroyOverlay({ stage, width }: { stage: DestroyStage; width: number }) {
  const theme = useTheme();
  if (stage.kind === 'checking') {
    return (
      <Text wrap="wrap">
        {`Destroy ${stage.id} ${stage.label}: checking the ` + `newest checkpoint on the host and in the store…`}
      </Text>
    );
  }
  const { plan } = stage;
  const head = `Destroy ${plan.instanceId} ${confirmName(plan)} (${plan.status})`;
  const facts =
    `newest checkpoint on the host: ${step(plan.hostStep)}   ` + `newest verified off it: ${step(plan.verifiedStep)}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap" bold>
        {head}
      </Text>
      <Text wrap="wrap">{facts}</Text>
      <Text wrap="wrap" color={plan.safe ? theme.colors['status.running'] : theme.colors['status.error']}>
        {plan.safe ? plan.summary : `NOT VERIFIED: ${plan.summary}`}
      </Text>
      {stage.kind === 'running' ? (
        <Text wrap="truncate">destroying…</Text>
      ) : plan.safe ? (
        <Text wrap="truncate" color={theme.colors['status.warn']} bold>
          destroy it? [y/n]
        </Text>
      ) : (
        <>
          <Text wrap="wrap" color={theme.colors['status.warn']} bold>
            {`Type the ${confirmTarget(plan.label, plan.instanceId).what} "${confirmName(plan)}" and Enter to ` +
              `destroy anyway; Esc keeps it`}
          </Text>
          <Text wrap="truncate">{`> ${stage.typed}`}</Text>
        </>
      )}
    </Box>
  );
}
