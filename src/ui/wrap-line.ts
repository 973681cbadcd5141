/** Word wrap for dialog lines: a line that fits is kept as is (its spacing too); a longer one breaks at spaces. */

/**
 * `text` in lines of at most `width` code points: breaks at the last space that fits (a word longer than the
 * width is split), continuation lines indented by `indent`. Always at least one line.
 */
export function wrapLine(text: string, width: number, indent = 0): string[] {
  const w = Math.max(1, width);
  const pad = ' '.repeat(Math.min(indent, Math.max(0, w - 8)));
  const out: string[] = [];
  let rest = Array.from(text);
  let room = w;
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = room;
    out.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest.shift();
    room = w - pad.length;
  }
  out.push(rest.join(''));
  return out.map((l, i) => (i > 0 ? pad + l : l));
}
