/**
 * The offer browser's state outside React: what is shown (filter, sort, selection, detail), the profile, the
 * search scheduling and the status line. App makes one per session, so the browser finds its results and filter
 * again when it comes back, and a provision (provision-run.ts) reports here after the view was left.
 */
import {
  compileOfferFilter,
  DEFAULT_OFFER_VIEW,
  serverQuery,
  sortView,
  type OfferSortKey,
  type OfferView,
} from '../../core/offers/offer-filter.js';
import { defaultOfferQuery, type OfferQuery } from '../../core/vast/offer-query.js';
import { profileOfferQuery } from '../../core/profiles/profile-search.js';
import type { Profile } from '../../core/profiles/schema.js';
import { resolveGpuNames } from '../../core/offers/gpu-names.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { viewStore, type ViewStore } from '../views/store.js';
import type { ProvisionPlan } from './provision-flow.js';
import type { BootWait } from './BootCountdown.js';
import type { OffersDeps } from './deps.js';
import type { Running } from '../running.js';

const BROWSE_LIMIT = 2000;

/** The base search: the active profile's query, else verified offers cheapest first; `allHosts` drops `verified`. */
export function baseQuery(profile: Profile | null, allHosts = false): OfferQuery {
  const q: OfferQuery = profile
    ? profileOfferQuery(profile)
    : { ...defaultOfferQuery(), order: [['dph_total', 'asc']], limit: BROWSE_LIMIT };
  if (!allHosts) return q;
  const filters = { ...q.filters };
  delete filters.verified;
  return { ...q, filters };
}

/** The status line; `untilGen`: it is over once a search newer than that generation has answered. */
export interface OfferStatus {
  text: string;
  level: 'info' | 'error' | 'warn';
  untilGen?: number;
}

/** Everything the browser shows besides the offers themselves (those are the OffersStore's). */
export interface OffersState {
  view: OfferView;
  selectedId: number | null;
  allHosts: boolean;
  detail: boolean;
  /** The filter being typed, or null. */
  input: string | null;
  /** A provision waiting for y/n. */
  plan: ProvisionPlan | null;
  profile: { name: string; profile: Profile } | null;
  status: OfferStatus | null;
  /** Vast's GPU names, to match gpu_name as Vast does (case, `_` or space) and name the closest to a typo. */
  gpuNames: readonly string[] | null;
  /** The running provision's boot wait (for the countdown). */
  bootWait: BootWait | null;
  working: boolean;
}

/** The browser's store and its actions. */
export interface OffersModel {
  state: ViewStore<OffersState>;
  deps: OffersDeps;
  running: Running;
  refreshFleet: () => void;
  /** Whether renting is allowed (not read-only). */
  canProvision: boolean;
  /** The running provision's stop switch; null when none runs. */
  stop: AbortController | null;
  say(text: string, level: OfferStatus['level'], untilSearch?: boolean): void;
  /** The status line as it stands after the searches that answered since it was set. */
  status(): OfferStatus | null;
  search(q: OfferQuery): void;
  /** The first visit searches; later visits show the last result at once (paint first, fetch later). */
  firstSearch(): void;
  loadGpuNames(): void;
  applyFilter(typed: string): void;
  chooseProfile(name: string): Promise<void>;
  toggleHosts(): void;
  sortBy(key: OfferSortKey): void;
}

/** The model for one App. */
export function createOffersModel(o: {
  deps: OffersDeps;
  running: Running;
  refreshFleet: () => void;
  canProvision: boolean;
}): OffersModel {
  const state = viewStore<OffersState>({
    view: DEFAULT_OFFER_VIEW,
    selectedId: null,
    allHosts: false,
    detail: false,
    input: null,
    plan: null,
    profile: null,
    status: null,
    gpuNames: null,
    bootWait: null,
    working: false,
  });
  const store = o.deps.store;
  const gen = () => store.getSnapshot().generation;
  let gpuLoading = false;
  const m: OffersModel = {
    state,
    deps: o.deps,
    running: o.running,
    refreshFleet: o.refreshFleet,
    canProvision: o.canProvision,
    stop: null,
    say: (text, level, untilSearch) =>
      state.set({ status: { text, level, ...(untilSearch ? { untilGen: gen() } : {}) } }),
    status() {
      const s = state.get().status;
      return s && s.untilGen !== undefined && gen() > s.untilGen ? null : s;
    },
    search(q) {
      if (store.waitMs() > 0)
        m.say(
          `search limit: next search in ${Math.ceil(store.waitMs() / 1000)} s (Vast allows 10 a minute)`,
          'info',
          true,
        );
      void store.search(q);
    },
    firstSearch() {
      const snap = store.getSnapshot();
      if (snap.generation === 0 && !snap.loading && !snap.queued && !snap.error)
        void store.search(baseQuery(state.get().profile?.profile ?? null));
    },
    loadGpuNames() {
      if (state.get().gpuNames !== null || gpuLoading) return;
      gpuLoading = true;
      o.deps.api.gpuNames().then(
        (gpuNames) => state.set({ gpuNames }),
        () => state.set({ gpuNames: [] }),
      );
    },
    applyFilter(typed) {
      const { gpuNames, profile, allHosts } = state.get();
      const names = gpuNames?.length ? resolveGpuNames(typed, gpuNames) : { ok: true as const, text: typed };
      if (!names.ok) return m.say(names.error, 'error', true);
      const text = names.text;
      const c = compileOfferFilter(text);
      if (!c.ok) return m.say(c.error, 'error', true);
      if (state.get().status?.untilGen !== undefined) state.set({ status: null });
      state.set((s) => ({ view: { ...s.view, filter: text } }));
      // Clauses also go to the server, so the filter reaches offers beyond the loaded ones; a filter whose clauses
      // were removed searches with the base query again (else the last, narrower result would stay on screen).
      const base = baseQuery(profile?.profile ?? null, allHosts);
      const target = c.fields.length ? serverQuery(text, base) : base;
      if (JSON.stringify(target) !== JSON.stringify(store.getSnapshot().query)) m.search(target);
    },
    async chooseProfile(name) {
      try {
        const { file, profiles } = await o.deps.loadProfiles();
        const names = Object.keys(profiles);
        const current = state.get().profile;
        if (!name)
          return m.say(
            current
              ? `profile ${current.name} (from ${file}); profiles: ${names.join(', ')}`
              : `profiles in ${file}: ${names.join(', ') || 'none'}`,
            'info',
          );
        const found = profiles[name];
        if (!found)
          return m.say(
            `no profile "${sanitizeLine(name).slice(0, 40)}" in ${file}; profiles: ${names.join(', ')}`,
            'error',
          );
        state.set({ profile: { name, profile: found } });
        m.say(`profile ${name}: offers checked against it; searching with its query`, 'info');
        const { view, allHosts } = state.get();
        m.search(view.filter ? serverQuery(view.filter, baseQuery(found, allHosts)) : baseQuery(found, allHosts));
      } catch (err) {
        m.say(sanitizeLine(String((err as Error).message ?? err)), 'error');
      }
    },
    toggleHosts() {
      // The base search asks for verified hosts only; `v` searches again with unverified hosts too, or back.
      const all = !state.get().allHosts;
      state.set({ allHosts: all });
      const { view, profile } = state.get();
      const base = baseQuery(profile?.profile ?? null, all);
      m.search(view.filter ? serverQuery(view.filter, base) : base);
      m.say(
        all
          ? 'searching verified and unverified hosts (v: verified only)'
          : 'searching verified hosts only (v: all hosts)',
        'info',
        true,
      );
    },
    sortBy: (key) => state.set((s) => ({ view: sortView(s.view, key) })),
  };
  return m;
}
