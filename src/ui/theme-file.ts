/**
 * Theme files: YAML validated with zod, turned into a Theme (theme.ts). Loaded only for a theme given as a path
 * or looked up in a themes folder, never for the first frame of the built-in themes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { DARK, TOKENS, type Theme, type Token } from './theme.js';

const NAMED = new Set([
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'gray',
  'grey',
  'blackBright',
  'redBright',
  'greenBright',
  'yellowBright',
  'blueBright',
  'magentaBright',
  'cyanBright',
  'whiteBright',
]);
const HEX = /^#[0-9a-fA-F]{6}$/;
const COLOUR_HELP = 'a palette name, a colour name (red, cyanBright, …), #rrggbb or "default"';

const colour = z.string({ error: `expected ${COLOUR_HELP}` });
const FIELDS = ['name', 'mono', 'palette', 'tokens'] as const;
const schema = z.strictObject(
  {
    name: z.string({ error: 'expected a name (text)' }),
    mono: z.boolean({ error: 'expected true or false' }).optional(),
    palette: z
      .record(z.string(), z.string().regex(HEX, { error: 'expected a colour as #rrggbb' }), {
        error: 'expected a map of name: "#rrggbb"',
      })
      .optional(),
    tokens: z.strictObject(Object.fromEntries(TOKENS.map((t) => [t, colour])) as Record<Token, typeof colour>, {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `unknown token; known tokens: ${TOKENS.join(', ')}`
          : 'expected a map of token: colour',
    }),
  } satisfies Record<(typeof FIELDS)[number], z.ZodType>,
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown field; known fields: ${FIELDS.join(', ')}`
        : 'expected a map of name, palette and tokens',
  },
);

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
    const field = [...iss.path, ...(iss.code === 'unrecognized_keys' ? [iss.keys[0]] : [])].map(String).join('.');
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

/** Loads theme `name` from `themesDir` (the themes/ folder of the install by default), or the file `name`. */
export function loadThemeFile(name: string, themesDir?: string): { theme: Theme; warning: string | null } {
  const isPath = name.includes('/') || name.endsWith('.yaml') || name.endsWith('.yml');
  const dir = themesDir ?? defaultThemesDir();
  const file = isPath ? name : dir ? path.join(dir, `${name}.yaml`) : undefined;
  if (!file || !existsSync(file)) {
    if (name === 'dark') return { theme: DARK, warning: null };
    return { theme: DARK, warning: `theme "${name}" not found${file ? ` (${file})` : ''}; using dark` };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      theme: DARK,
      warning: `${path.basename(file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); using dark`,
    };
  }
  const res = parseTheme(text, file);
  return 'theme' in res ? { theme: res.theme, warning: null } : { theme: DARK, warning: `${res.error}; using dark` };
}
