// Replaces ink/build/colorize.js (Ink 6.8) in the bundle: the same colours, with each chalk styler built once per
// colour instead of on every call. Ink's <Text> colours its text on every squash of it, twice a frame (layout and
// output), and chalk.hex() parses its colour and builds a new styler each time, as chalk[name] builds one on every
// property read. chalk.hex() picks its escape code for the level of the moment (truecolor, 256, 16), so the level is
// part of each styler's key.
import chalk from 'chalk';
import { BoundedMap } from './lru.mjs';

const rgbRegex = /^rgb\(\s?(\d+),\s?(\d+),\s?(\d+)\s?\)$/;
const ansiRegex = /^ansi256\(\s?(\d+)\s?\)$/;
const stylers = new BoundedMap(500);

/** The styler Ink's colorize applies for `color`, or null where it returns the text unchanged. */
function stylerFor(color, type) {
  const fg = type === 'foreground';
  if (color in chalk) return fg ? chalk[color] : chalk[`bg${color[0].toUpperCase() + color.slice(1)}`];
  if (color.startsWith('#')) return fg ? chalk.hex(color) : chalk.bgHex(color);
  if (color.startsWith('ansi256')) {
    const m = ansiRegex.exec(color);
    if (!m) return null;
    return fg ? chalk.ansi256(Number(m[1])) : chalk.bgAnsi256(Number(m[1]));
  }
  if (color.startsWith('rgb')) {
    const m = rgbRegex.exec(color);
    if (!m) return null;
    const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return fg ? chalk.rgb(r, g, b) : chalk.bgRgb(r, g, b);
  }
  return null;
}

const colorize = (str, color, type) => {
  if (!color) return str;
  const key = `${chalk.level}\u0000${type}\u0000${color}`;
  let styler = stylers.get(key);
  if (styler === undefined) stylers.set(key, (styler = stylerFor(color, type)));
  return styler === null ? str : styler(str);
};

export default colorize;
