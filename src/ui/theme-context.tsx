/** Theme access for components, and the mapping from semantic levels to tokens. */
import { createContext, createElement, useContext, useState, type ReactNode } from 'react';
import type { HealthSeverity } from '../core/fleet/health.js';
import { DARK, type ColourLevel, type Theme, type Token } from './theme.js';

/** The active theme. */
export const ThemeContext = createContext<Theme>(DARK);

/** Switches the theme while running (`:theme NAME`); null where nothing can switch it (tests' own providers). */
export const ThemeSwitchContext = createContext<((theme: Theme) => void) | null>(null);

/** Provides the theme and the switch: what run.tsx wraps the app in. */
export function ThemeRoot({ initial, children }: { initial: Theme; children: ReactNode }) {
  const [theme, setTheme] = useState(initial);
  return createElement(
    ThemeContext.Provider,
    { value: theme },
    createElement(ThemeSwitchContext.Provider, { value: setTheme }, children),
  );
}

/** The active theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/**
 * The theme token of every colour level: each status level and each health severity (unknown health is drawn
 * uncoloured, never in ok's colour). `satisfies` makes a new level a compile error until it has its token here.
 */
export const LEVEL_TOKEN = {
  ok: 'status.running',
  busy: 'status.loading',
  idle: 'status.stopped',
  warn: 'status.warn',
  error: 'status.error',
  'health-ok': 'status.running',
  'health-warn': 'status.warn',
  'health-error': 'status.error',
  'health-unknown': null,
} as const satisfies Record<ColourLevel, Token | null>;

/** Colour for a status level or health severity under a theme (undefined in mono, and for unknown health). */
export function levelColor(theme: Theme, level: ColourLevel): string | undefined {
  const token = LEVEL_TOKEN[level];
  return token ? theme.colors[token] : undefined;
}

/** Colour of a health severity. */
export function healthColor(theme: Theme, severity: HealthSeverity): string | undefined {
  return levelColor(theme, `health-${severity}`);
}
