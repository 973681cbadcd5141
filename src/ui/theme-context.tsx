/** Theme access for components, and the mapping from semantic levels to tokens. */
import { createContext, createElement, useContext, useState, type ReactNode } from 'react';
import type { StatusLevel } from '../core/fleet/status.js';
import { DARK, type Theme, type Token } from './theme.js';

/** The active theme. */
export const ThemeContext = createContext<Theme>(DARK);

/** Switches the theme while running (`:theme NAME`); null where nothing can switch it (tests' own providers). */
export const ThemeSwitchContext = createContext<((theme: Theme) => void) | null>(null);

/** Provides the theme and the switch: what run.tsx wraps the app in. */
export function ThemeRoot({ initial, children }: { initial: Theme; children: ReactNode }) {
  const [theme, setTheme] = useState(initial);
  return createElement(ThemeContext.Provider, { value: theme }, createElement(ThemeSwitchContext.Provider, { value: setTheme }, children));
}

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
