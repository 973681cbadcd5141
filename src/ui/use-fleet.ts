/** React access to the core fleet store (useSyncExternalStore: the store's snapshot is immutable). */
import { useSyncExternalStore } from 'react';
import type { FleetSnapshot } from '../core/fleet/store.js';

/** What the UI needs from the fleet store; FleetStore implements it. */
export interface FleetSource {
  subscribe(listener: () => void): () => void;
  getSnapshot(): FleetSnapshot;
  refresh(): Promise<void>;
}

/** The current fleet snapshot; re-renders only when the store emits a new one. */
export function useFleet(store: FleetSource): FleetSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
