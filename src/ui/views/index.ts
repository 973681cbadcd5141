/**
 * The view table App reads: one row per view (its component, its footer hint scopes, whether App's props allow
 * it). A new view is a folder with a component taking ViewProps and one row here. App mounts only the row that
 * shows; what must outlive it lives in that view's store (stores.ts).
 */
import type { ViewDef, ViewId } from './types.js';
import { fleetView } from '../fleet/view.js';
import { offersView } from '../offers/view.js';
import { envView } from '../env/view.js';
import { costView } from '../cost/view.js';

/** Every view, by id. */
export const VIEWS = {
  fleet: fleetView,
  offers: offersView,
  env: envView,
  cost: costView,
} as const satisfies Record<ViewId, ViewDef>;

export type { ViewDef, ViewId, ViewKeys, ViewProps, Cover } from './types.js';
