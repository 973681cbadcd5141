/** Theme access for components, and the mapping from semantic levels to tokens. */
import { createContext, useContext } from 'react';
import type { StatusLevel } from '../core/fleet/status.js';
import { DARK, type Theme, type Token } from './theme.js';

/** The active theme. */
export const ThemeContext = createContext<Theme>(DARK);

/** The active theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

const LEVEL_TOKEN: Record<string, Token> = {
  ok: 'status.running',
  busy: 'status.loading',
  idle: 'status.stopped',
  warn: 'status.warn',
  error: 'status.error',
  'health-ok': 'status.running',
  'health-warn': 'status.warn',
  'health-error': 'status.error',
};

/** Colour for a status/health level under a theme (undefined in mono). */
export function levelColor(theme: Theme, level: StatusLevel | string): string | undefined {
  const token = LEVEL_TOKEN[level];
  return token ? theme.colors[token] : undefined;
}
