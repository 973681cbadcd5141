/**
 * A view's state that outlives the view: a tiny store (get, set, subscribe) App keeps per view, so a view is
 * mounted only while it shows and still finds its filter, selection or running work when it comes back.
 * Setting works while the view is unmounted (an async operation reporting after the user went back).
 */
import { useSyncExternalStore, type Dispatch, type SetStateAction } from 'react';

/** The store of one view's state. */
export interface ViewStore<S extends object> {
  get(): S;
  /** Merges the fields given (or returned for the current state); listeners hear of it only when one changed. */
  set(patch: Partial<S> | ((s: S) => Partial<S>)): void;
  subscribe(listener: () => void): () => void;
}

/** A store holding `init` until set. */
export function viewStore<S extends object>(init: S): ViewStore<S> {
  let state = init;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      const p = typeof patch === 'function' ? patch(state) : patch;
      if (!Object.keys(p).some((k) => !Object.is(p[k as keyof S], state[k as keyof S]))) return;
      state = { ...state, ...p };
      for (const l of [...listeners]) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
}

/** The store's state; re-renders when it changes. */
export function useViewStore<S extends object>(store: ViewStore<S>): S {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** One field of a store as a [value, setter] pair, like useState's (the setter is safe after unmount). */
export function fieldOf<S extends object, K extends keyof S>(
  store: ViewStore<S>,
  state: S,
  key: K,
): [S[K], Dispatch<SetStateAction<S[K]>>] {
  return [
    state[key],
    (next) =>
      store.set(
        (s) =>
          ({ [key]: typeof next === 'function' ? (next as (v: S[K]) => S[K])(s[key]) : next }) as unknown as Partial<S>,
      ),
  ];
}
