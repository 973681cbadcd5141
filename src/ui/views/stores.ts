/** The state each view keeps across being hidden, one store per view, made once per App. */
import { DEFAULT_QUERY, type FleetQuery } from '../../core/fleet/row-filter.js';
import type { CostReport } from '../../core/cost/report.js';
import { viewStore, type ViewStore } from './store.js';
import { INITIAL_LOG_UI, type LogUiState } from '../logs/use-log-pane.js';
import { createOffersModel, type OffersModel } from '../offers/model.js';
import type { OffersDeps } from '../offers/deps.js';
import type { Running } from '../running.js';

/** The fleet table: what is shown, which row is selected, the detail pane. */
export interface FleetViewState {
  query: FleetQuery;
  selectedId: number | null;
  detail: boolean;
}

/** The cost panel's last report (the budget check reads its 24 h spend while the panel is closed). */
export interface CostViewState {
  report: CostReport | null;
  phase: 'quick' | 'full' | null;
  error: string | null;
}

/** The env vars view: the names last listed, the last status line. */
export interface EnvViewState {
  keys: string[] | null;
  status: { text: string; error: boolean } | null;
}

/** Every view's store. */
export interface AppStores {
  fleet: ViewStore<FleetViewState>;
  logs: ViewStore<LogUiState>;
  cost: ViewStore<CostViewState>;
  env: ViewStore<EnvViewState>;
  /** The offer browser (search, profile, provision); null without its collaborators. */
  offers: OffersModel | null;
}

/** The stores for one App. */
export function createStores(o: {
  offers?: OffersDeps;
  running: Running;
  refreshFleet: () => void;
  canProvision: boolean;
}): AppStores {
  return {
    fleet: viewStore<FleetViewState>({ query: DEFAULT_QUERY, selectedId: null, detail: false }),
    logs: viewStore<LogUiState>(INITIAL_LOG_UI),
    cost: viewStore<CostViewState>({ report: null, phase: null, error: null }),
    env: viewStore<EnvViewState>({ keys: null, status: null }),
    offers: o.offers
      ? createOffersModel({
          deps: o.offers,
          running: o.running,
          refreshFleet: o.refreshFleet,
          canProvision: o.canProvision,
        })
      : null,
  };
}
