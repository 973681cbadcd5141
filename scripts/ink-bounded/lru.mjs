// A small LRU map: Ink 6.8 keeps every distinct string it ever measured or wrapped (ink#986, ~75 MB/h for a
// busy log pane); the bundle swaps those caches for this bounded one (see scripts/build.mjs).
export const LIMIT = 4000;

export function lruGet(map, key) {
  const value = map.get(key);
  if (value !== undefined) {
    // Re-insert so the entry becomes the newest in Map's insertion order.
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

export function lruSet(map, key, value) {
  map.set(key, value);
  if (map.size > LIMIT) map.delete(map.keys().next().value);
}

/** A Map that keeps at most `limit` (default LIMIT) entries, dropping the least recently used (get re-inserts). */
export class BoundedMap extends Map {
  constructor(limit = LIMIT) {
    super();
    this.limit = limit;
  }
  get(key) {
    const value = super.get(key);
    if (value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }
  set(key, value) {
    super.set(key, value);
    if (this.size > this.limit) super.delete(this.keys().next().value);
    return this;
  }
}
