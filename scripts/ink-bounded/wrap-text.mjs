// Replaces ink/build/wrap-text.js in the bundle: same wrapping and truncation, LRU-bounded cache (ink#986).
import wrapAnsi from 'wrap-ansi';
import cliTruncate from 'cli-truncate';
import { lruGet, lruSet } from './lru.mjs';

const cache = new Map();
const POSITIONS = { 'truncate-middle': 'middle', 'truncate-start': 'start' };

export default function wrapText(text, maxWidth, wrapType) {
  const key = `${maxWidth}\u0000${wrapType}\u0000${text}`;
  const hit = lruGet(cache, key);
  if (hit !== undefined) return hit;
  let out = text;
  if (wrapType === 'wrap') out = wrapAnsi(text, maxWidth, { trim: false, hard: true });
  else if (wrapType.startsWith('truncate'))
    out = cliTruncate(text, maxWidth, { position: POSITIONS[wrapType] ?? 'end' });
  lruSet(cache, key, out);
  return out;
}
