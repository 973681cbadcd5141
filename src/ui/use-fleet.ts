/** React access to the core fleet store (useSyncExternalStore: the store's snapshot is immutable). */
import { useSyncExternalStore } from 'react';
import type { FleetSnapshot } from '../core/fleet/store.js';

/** What the UI needs from the fleet store; FleetStore implements it. */
export interface FleetSource {
  subscribe(listener: () => void): () => void;
  getSnapshot(): FleetSnapshot;
  refresh(): Promise<void>;
  /** The clock the snapshot's times are on (FleetStore: the API's); App's default clock. */
  readonly now?: () => number;
}

/** The current fleet snapshot; re-renders only when the store emits a new one. */
export function useFleet(store: FleetSource): FleetSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
