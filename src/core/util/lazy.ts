/**
 * A value built on first use behind a stand-in that forwards every property read to it. The Vast schemas
 * (core/vast/schemas.ts, ssh-keys.ts) are each wrapped in one: building every zod schema at module
 * load cost ~50 ms at every start, though a command checks two or three.
 * Callers use the stand-in exactly like the schema (WireOffer.safeParse(row), `instanceof`, z.infer types).
 */
export function lazy<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  return new Proxy(Object.create(null) as T, {
    get: (_t, key) => Reflect.get(real(), key),
    has: (_t, key) => key in real(),
    getPrototypeOf: () => Object.getPrototypeOf(real()),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      return d && { ...d, configurable: true };
    },
  });
}
