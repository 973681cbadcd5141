/**
 * Themes (k9s "skins"): a palette mapped onto semantic tokens, loaded from YAML and validated with zod. A bad
 * file never stops the app: the problem (file, field, what was expected) becomes one line in the footer and
 * the built-in dark theme is used. NO_COLOR (https://no-color.org) forces the mono theme.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Semantic colour tokens every theme defines. */
export const TOKENS = [
  'header', 'border', 'muted', 'accent', 'selection', 'selection.text',
  'status.running', 'status.loading', 'status.stopped', 'status.warn', 'status.error',
] as const;

/** One semantic token. */
export type Token = (typeof TOKENS)[number];

/** A resolved theme: token → colour (undefined = terminal default). Mono themes draw selection inverse. */
export interface Theme {
  name: string;
  colors: Readonly<Record<Token, string | undefined>>;
  mono: boolean;
}

const NAMED = new Set([
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey',
  'blackBright', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright',
]);
const HEX = /^#[0-9a-fA-F]{6}$/;
const COLOUR_HELP = 'a palette name, a colour name (red, cyanBright, …), #rrggbb or "default"';

const colour = z.string({ error: `expected ${COLOUR_HELP}` });
const schema = z.object({
  name: z.string({ error: 'expected a name (text)' }),
  mono: z.boolean({ error: 'expected true or false' }).optional(),
  palette: z
    .record(z.string(), z.string().regex(HEX, { error: 'expected a colour as #rrggbb' }), { error: 'expected a map of name: "#rrggbb"' })
    .optional(),
  tokens: z.strictObject(
    Object.fromEntries(TOKENS.map((t) => [t, colour])) as Record<Token, typeof colour>,
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown token; known tokens: ${TOKENS.join(', ')}` : 'expected a map of token: colour') },
  ),
});

/** The built-in default, also shipped as themes/dark.yaml. */
export const DARK: Theme = {
  name: 'dark',
  mono: false,
  colors: {
    header: 'cyanBright', border: 'gray', muted: 'gray', accent: 'cyan', selection: '#264f78', 'selection.text': 'whiteBright',
    'status.running': 'green', 'status.loading': 'cyan', 'status.stopped': 'gray', 'status.warn': 'yellow', 'status.error': 'red',
  },
};

/** No colour at all; selection is drawn inverse. */
export const MONO: Theme = {
  name: 'mono',
  mono: true,
  colors: Object.fromEntries(TOKENS.map((t) => [t, undefined])) as Record<Token, undefined>,
};

/** Turns a validated file into a Theme; returns an error text for a token naming an unknown colour. */
function resolve(data: z.infer<typeof schema>): Theme | string {
  const colors = {} as Record<Token, string | undefined>;
  for (const t of TOKENS) {
    const v = data.tokens[t];
    const fromPalette = data.palette?.[v];
    if (fromPalette) colors[t] = fromPalette;
    else if (v === 'default') colors[t] = undefined;
    else if (NAMED.has(v) || HEX.test(v)) colors[t] = v;
    else return `tokens.${t}: expected ${COLOUR_HELP}, got "${v.slice(0, 40)}"`;
  }
  return { name: data.name, mono: data.mono ?? false, colors };
}

/** Parses theme YAML text; returns the theme or a one-line problem naming the field. */
export function parseTheme(text: string, file: string): { theme: Theme } | { error: string } {
  const label = path.basename(file);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { error: `${label}: not valid YAML (${String((err as Error).message).split('\n')[0]})` };
  }
  const res = schema.safeParse(raw);
  if (!res.success) {
    const iss = res.error.issues[0]!;
    const keys = iss.code === 'unrecognized_keys' ? `.${iss.keys[0]}` : '';
    const field = iss.path.map(String).join('.') + keys;
    return { error: `${label}: ${field || '(top level)'}: ${iss.message}` };
  }
  const theme = resolve(res.data);
  return typeof theme === 'string' ? { error: `${label}: ${theme}` } : { theme };
}

/** The themes/ folder next to the sources or the bundle, if found. */
export function defaultThemesDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(path.join(dir, 'themes', 'dark.yaml'))) return path.join(dir, 'themes');
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Loads a theme by name (from themesDir) or path; problems come back as `warning` with the default theme. */
export function loadTheme(opts: { name?: string; themesDir?: string; noColor?: boolean }): { theme: Theme; warning: string | null } {
  if (opts.noColor || opts.name === 'mono') return { theme: MONO, warning: null };
  const name = opts.name ?? 'dark';
  const isPath = name.includes('/') || name.endsWith('.yaml') || name.endsWith('.yml');
  const dir = opts.themesDir ?? defaultThemesDir();
  const file = isPath ? name : dir ? path.join(dir, `${name}.yaml`) : undefined;
  if (!file || !existsSync(file)) {
    if (name === 'dark') return { theme: DARK, warning: null };
    return { theme: DARK, warning: `theme "${name}" not found${file ? ` (${file})` : ''}; using dark` };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { theme: DARK, warning: `${path.basename(file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); using dark` };
  }
  const res = parseTheme(text, file);
  return 'theme' in res ? { theme: res.theme, warning: null } : { theme: DARK, warning: `${res.error}; using dark` };
}
