// Replaces ink/build/measure-text.js in the bundle: same result, LRU-bounded cache (ink#986).
import widestLine from 'widest-line';
import { lruGet, lruSet } from './lru.mjs';

const cache = new Map();

export default function measureText(text) {
  if (text.length === 0) return { width: 0, height: 0 };
  const hit = lruGet(cache, text);
  if (hit) return hit;
  const dimensions = { width: widestLine(text), height: text.split('\n').length };
  lruSet(cache, text, dimensions);
  return dimensions;
}
