/** Semantic colour tokens every theme defines. */
export const TOKENS = [
  'header',
  'border',
  'muted',
  'accent',
  'selection',
  'selection.text',
  'status.running',
  'status.loading',
  'status.stopped',
  'status.warn',
  'status.error',
] as const;

/** One semantic token. */
export type Token = (typeof TOKENS)[number];

/** What can be coloured (defined with the column model); theme-context maps each to a token. */
export type { ColourLevel } from '../core/present/columns.js';

/** A resolved theme: token → colour (undefined = terminal default). Mono themes draw selection inverse. */
export interface Theme {
  name: string;
  colors: Readonly<Record<Token, string | undefined>>;
  mono: boolean;
}

/** The built-in default, also shipped as themes/dark.yaml. */
export const DARK: Theme = {
  name: 'dark',
  mono: false,
  colors: {
    header: 'cyanBright',
    border: 'gray',
    muted: 'gray',
    accent: 'cyan',
    selection: '#264f78',
    'selection.text': 'whiteBright',
    'status.running': 'green',
    'status.loading': 'cyan',
    'status.stopped': 'gray',
    'status.warn': 'yellow',
    'status.error': 'red',
  },
};

/** No colour at all; selection is drawn inverse. */
export const MONO: Theme = {
  name: 'mono',
  mono: true,
  colors: Object.fromEntries(TOKENS.map((t) => [t, undefined])) as Record<Token, undefined>,
};

/** For light terminal backgrounds; also shipped as themes/light.yaml. */
export const LIGHT: Theme = {
  name: 'light',
  mono: false,
  colors: {
    header: '#0969da',
    border: '#6e7781',
    muted: '#6e7781',
    accent: '#0969da',
    selection: '#ddf4ff',
    'selection.text': '#1f2328',
    'status.running': '#1a7f37',
    'status.loading': '#0969da',
    'status.stopped': '#6e7781',
    'status.warn': '#9a6700',
    'status.error': '#cf222e',
  },
};

/** The compiled-in themes by name. */
export const BUILTIN_THEMES = { dark: DARK, light: LIGHT, mono: MONO } as const satisfies Record<string, Theme>;

/** A built-in theme's name. */
export type BuiltinThemeName = keyof typeof BUILTIN_THEMES;

/** The built-in theme called `name`, if there is one. */
export function builtinTheme(name: string): Theme | undefined {
  return Object.hasOwn(BUILTIN_THEMES, name) ? BUILTIN_THEMES[name as BuiltinThemeName] : undefined;
}

/**
 * A theme by name or path. Built-in names resolve without touching the disk unless `themesDir` says where to
 * look; a path (or a name in `themesDir`) is read and checked by theme-file.ts. Problems come back as `warning`
 * with the default theme.
 */
export async function loadTheme(opts: {
  name?: string;
  themesDir?: string;
  noColor?: boolean;
}): Promise<{ theme: Theme; warning: string | null }> {
  if (opts.noColor || opts.name === 'mono') return { theme: MONO, warning: null };
  const name = opts.name ?? 'dark';
  const builtin = builtinTheme(name);
  if (builtin && !opts.themesDir) return { theme: builtin, warning: null };
  const { loadThemeFile } = await import('./theme-file.js');
  return loadThemeFile(name, opts.themesDir);
}
