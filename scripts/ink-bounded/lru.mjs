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
