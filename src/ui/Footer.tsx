/**
 * Footer: a BUDGET mark while a budget rule is broken, counts by state, burn $/hr and $/day, balance and runway, a
 * stale mark when the API fails (the last good snapshot stays on screen), then key hints generated from the keymap, or
 * a message when there is one. When the line is wider than the terminal, the money (burn, credit, runway) comes before
 * the counts, so the counts are what gets cut: the table shows every status anyway.
 */
import { Text } from 'ink';
import type { FleetSnapshot } from '../core/fleet/store.js';
import { figuresAt } from '../core/fleet/figures.js';
import { statusLevel } from '../core/fleet/status.js';
import { formatAge } from '../core/present/ages.js';
import { formatHours } from '../core/present/durations.js';
import { formatMoney } from '../core/present/money.js';
import { formatCount } from '../core/present/numbers.js';
import { levelColor, useTheme } from './theme-context.js';

/** Lines the footer takes. */
export const FOOTER_HEIGHT = 2;

/** Props of Footer. */
export interface FooterProps {
  snap: FleetSnapshot;
  now: number;
  hints: string;
  message: { text: string; level: 'info' | 'error' } | null;
  /** Budget breaches now (config.yaml budget:); a BUDGET mark when any. */
  breaches?: number;
  /** Terminal columns; when the line does not fit, the money moves ahead of the counts. */
  width?: number;
}

/** The two footer lines. */
export function Footer({ snap, now, hints, message, breaches = 0, width = Infinity }: FooterProps) {
  const theme = useTheme();
  // Counts, burn and runway were computed once for this snapshot by the store (figures.ts): nothing here walks the
  // fleet.
  const { burn, counts } = figuresAt(snap, now);
  const sep = <Text color={theme.colors.border}> │ </Text>;
  const runway = burn.runwayHours !== null ? `runway ${formatHours(burn.runwayHours)}` : '';
  // Before the first listing the burn is unknown, not $0.00 (and the first frame needs no number formatter).
  let burnText = snap.loaded ? `burn ${formatMoney(burn.perHour)}/h ${formatMoney(burn.perDay)}/d` : 'burn –';
  let creditText = snap.user ? `credit ${formatMoney(snap.user.credit)}${runway ? ` ${runway}` : ''}` : null;
  // Narrow terminals: the money drops $/day, then the credit amount, so "runway 11h" is never cut to "runway 1…".
  const marks = (snap.error ? 20 : 0) + (breaches > 0 ? 22 : 0);
  const moneyWidth = () => burnText.length + (creditText ? 3 + creditText.length : 0) + marks;
  if (moneyWidth() > width && snap.loaded) burnText = `burn ${formatMoney(burn.perHour)}/h`;
  if (moneyWidth() > width && snap.user && runway) creditText = runway;
  // While the first listing fills in: "412 of 1,000 loaded" ahead of the counts.
  const fill = snap.filling
    ? `${formatCount(snap.filling.loaded)}` +
      `${snap.filling.total !== null ? ` of ${formatCount(snap.filling.total)}` : ''} ` +
      `loaded`
    : '';
  const countsText = [
    fill,
    counts.length === 0 ? (snap.loaded ? 'no instances' : 'loading…') : counts.map(([s, n]) => `${n} ${s}`).join(' '),
  ]
    .filter(Boolean)
    .join(' ');
  const staleMark = snap.error
    ? `STALE ${snap.lastOkAt === null ? 'no data yet' : formatAge(now - snap.lastOkAt) + ' old'}`
    : '';
  const staleWhy = snap.error ? ` ${snap.error.kind}: ${snap.error.message}` : '';
  const budgetText = breaches > 0 ? `BUDGET ${breaches} ($ for details)` : '';
  const lineWidth = [staleMark + staleWhy, budgetText, countsText, burnText, creditText ?? '']
    .filter(Boolean)
    .join(' │ ').length;
  const moneyFirst = lineWidth > width;
  const countsNode = (
    <>
      {fill ? (
        <Text color={theme.colors.muted}>
          {fill}
          {counts.length ? ' ' : ''}
        </Text>
      ) : null}
      {counts.length === 0 && !fill ? <Text color={theme.colors.muted}>{countsText}</Text> : null}
      {counts.map(([s, n], i) => (
        <Text key={s} color={levelColor(theme, statusLevel(s))}>
          {i ? ' ' : ''}
          {n} {s}
        </Text>
      ))}
    </>
  );
  const money = (
    <>
      {burnText}
      {creditText ? (
        <>
          {sep}
          {creditText}
        </>
      ) : null}
    </>
  );
  return (
    <>
      <Text wrap="truncate">
        {/* The stale mark comes first: on a narrow terminal it must not be the part that is cut. */}
        {snap.error ? (
          <>
            <Text color={theme.colors['status.warn']} bold inverse={theme.mono}>
              {staleMark}
            </Text>
            <Text color={theme.colors['status.warn']}>{staleWhy}</Text>
            {sep}
          </>
        ) : null}
        {breaches > 0 ? (
          <>
            <Text color={theme.colors['status.error']} bold inverse={theme.mono}>
              BUDGET {breaches}
            </Text>
            <Text color={theme.colors['status.error']}> ($ for details)</Text>
            {sep}
          </>
        ) : null}
        {moneyFirst ? money : countsNode}
        {sep}
        {moneyFirst ? countsNode : money}
      </Text>
      {message ? (
        <Text wrap="truncate" color={message.level === 'error' ? theme.colors['status.error'] : theme.colors.accent}>
          {message.text}
        </Text>
      ) : (
        <Text wrap="truncate" color={theme.colors.muted}>
          {hints}
        </Text>
      )}
    </>
  );
}
