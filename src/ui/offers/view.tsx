/**
 * The offer browser's screen and keys, mounted while it shows. Its state is the model's (model.ts), the offers
 * the OffersStore's; the checks against the profile and the sort prefetch run only while it shows.
 */
import { useEffect, useLayoutEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../keymap/dispatch.js';
import { checkOffers } from '../../core/checks/check.js';
import type { CheckResult, Verdict } from '../../core/checks/types.js';
import type { Offer } from '../../core/vast/types.js';
import { useSpinner } from '../spinner.js';
import {
  compileOfferFilter,
  OFFER_SORT_KEYS,
  selectOffers,
  sortedOffers,
  type OfferSortKey,
} from '../../core/offers/offer-filter.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { layoutOfferColumns } from './cells.js';
import { OfferTable } from './OfferTable.js';
import { OfferDetail, offerDetailHeight } from './OfferDetail.js';
import { ProvisionConfirm, provisionConfirmHeight } from './ProvisionConfirm.js';
import { BootCountdown } from './BootCountdown.js';
import { OFFER_SORT_KEYS_BOUND } from '../keymap/offer-keys.js';
import { useTheme } from '../theme-context.js';
import { useWindowedList } from '../list/use-windowed.js';
import { fieldOf, useViewStore } from '../views/store.js';
import type { ViewDef, ViewProps } from '../views/types.js';
import { baseQuery, type OffersModel } from './model.js';
import { askProvision, runProvision, stopWaiting } from './provision-run.js';

/** Sort keys bound to shift+letter (or a symbol) in the offers scope. */
export const OFFER_SORT_BINDINGS = OFFER_SORT_KEYS_BOUND as readonly [OfferSortKey, string, string][];

const offerId = (o: Offer) => o.id;

/** The checks of every offer against the profile, and their verdicts. */
function useChecks(offers: readonly Offer[], m: OffersModel) {
  const profile = m.state.get().profile;
  const checks = useMemo(() => {
    const list = checkOffers(offers, profile?.profile ?? null);
    return new Map<number, CheckResult>(list.map((c) => [c.offerId, c]));
  }, [offers, profile]);
  const verdicts = useMemo(() => new Map<number, Verdict>([...checks].map(([id, c]) => [id, c.verdict])), [checks]);
  return { checks, verdicts };
}

/**
 * Sort orders are computed in idle time after a result arrives, one per turn of the loop, so a sort keystroke on
 * 10,000 offers is a cache lookup (the keystroke → frame target is independent of N).
 */
function useSortPrefetch(offers: readonly Offer[], verdicts: ReadonlyMap<number, Verdict>) {
  useEffect(() => {
    if (!offers.length) return;
    const todo = OFFER_SORT_KEYS.flatMap(
      (k) =>
        [
          [k, false],
          [k, true],
        ] as const,
    );
    let handle: ReturnType<typeof setTimeout> | null = null;
    const next = () => {
      const job = todo.shift();
      if (!job) return;
      sortedOffers(offers, job[0], job[1], verdicts as Map<number, Verdict>);
      handle = setTimeout(next, 5);
    };
    handle = setTimeout(next, 50);
    return () => {
      if (handle) clearTimeout(handle);
    };
  }, [offers, verdicts]);
}

function OffersView(p: ViewProps) {
  const m = p.stores.offers!;
  const store = m.deps.store;
  const theme = useTheme();
  const width = p.width;
  const height = Math.max(4, p.height);
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const st = useViewStore(m.state);
  const { view, allHosts, detail, input, plan, profile, bootWait, working } = st;
  const status = m.status();
  const setInput = fieldOf(m.state, st, 'input')[1];
  const spin = useSpinner(working);
  useEffect(() => m.loadGpuNames(), [m]);
  useEffect(() => m.firstSearch(), [m, snap]);

  const { checks, verdicts } = useChecks(snap.offers, m);
  useSortPrefetch(snap.offers, verdicts);
  const filterText = input ?? view.filter;
  const compiled = useMemo(() => compileOfferFilter(filterText), [filterText]);
  const [lastGood, setLastGood] = useState(compiled);
  if (compiled.ok && compiled !== lastGood) setLastGood(compiled);
  const rows = useMemo(
    () => selectOffers(snap.offers, view, compiled.ok ? compiled : lastGood, verdicts),
    [snap.offers, view, compiled, lastGood, verdicts],
  );

  const confirmLines = plan ? provisionConfirmHeight(plan.lines, width) : 0;
  const bottom = (plan ? confirmLines : 1) + (bootWait ? 1 : 0);
  // The detail pane leaves the table at least 3 rows and shrinks by its fields' priority; with no room left (a
  // provision confirmation on a short terminal) it steps aside.
  const detailRoom = height - 2 - bottom - 3;
  const detailHeight = detail && detailRoom >= 4 ? offerDetailHeight(width, detailRoom) : 0;
  const tableRows = Math.max(1, height - 2 - bottom - detailHeight);
  const columns = useMemo(() => layoutOfferColumns(width - 1, !!profile), [width, profile]);
  const list = useWindowedList(rows, offerId, tableRows, { selection: fieldOf(m.state, st, 'selectedId') });
  const selected = list.selected;
  const provisionSelected = () => askProvision(m, selected, selected ? checks.get(selected.id) : undefined);

  const handlers: Record<string, () => void> = {
    'offers.back': () => p.show('fleet'),
    'offers.down': () => list.move('down'),
    'offers.up': () => list.move('up'),
    'offers.pageDown': () => list.move('pageDown'),
    'offers.pageUp': () => list.move('pageUp'),
    'offers.top': () => list.move('first'),
    'offers.bottom': () => list.move('last'),
    'offers.detail': () => m.state.set((s) => ({ detail: !s.detail })),
    'offers.filter': () => setInput(view.filter),
    'offers.refresh': () => m.search(snap.query ?? baseQuery(profile?.profile ?? null, allHosts)),
    'offers.verified': () => m.toggleHosts(),
    'offers.hideFails': () => m.state.set((s) => ({ view: { ...s.view, hideFails: !s.view.hideFails } })),
    'offers.provision': provisionSelected,
  };
  for (const [key] of OFFER_SORT_BINDINGS) handlers[`offers.sort.${key}`] = () => m.sortBy(key);

  /** Command-line handlers by command id (`:profile NAME`, and `:sort`/`:filter` while this view shows). */
  const lineHandlers: Record<string, (arg: string) => void> = {
    'offers.profile': (arg) => void m.chooseProfile(arg),
    'offers.provision': provisionSelected,
    'fleet.sort': (arg) => {
      if (!(OFFER_SORT_KEYS as readonly string[]).includes(arg))
        return m.say(`sort offers by one of: ${OFFER_SORT_KEYS.join(', ')}`, 'error');
      m.sortBy(arg as OfferSortKey);
    },
    'fleet.filter': (arg) => m.applyFilter(arg),
  };

  const layers: Layer[] = [];
  if (plan) {
    const close = () => m.state.set({ plan: null });
    layers.push({
      scope: 'overlay',
      modal: true,
      handlers: {
        'confirm.yes': () => (close(), void runProvision(m, plan)),
        'confirm.no': close,
        'overlay.close': close,
      },
    });
  }
  // `x` stops waiting for the rental at once (the key that stops a migration's wait); other keys fall through.
  if (working && m.stop) layers.push({ scope: 'overlay', handlers: { 'migrate.abort': () => stopWaiting(m) } });
  if (input !== null) {
    layers.push({
      scope: 'input',
      onText: (t) => (setInput(input + t), true),
      handlers: {
        'input.submit': () => {
          setInput(null);
          m.applyFilter(input);
        },
        'input.cancel': () => setInput(null),
        'input.erase': () => setInput(input.slice(0, -1)),
        'input.clear': () => setInput(''),
        'input.complete': () => {},
      },
    });
  }
  layers.push({ scope: 'offers', handlers });
  useLayoutEffect(() => p.publish({ layers, lineHandlers, handlers }));

  // The store's clock, not the app's: under --demo the app runs on the simulator's sped-up clock, while searches
  // (and their rate limit) happen in real time.
  const ageMs = store.ageMs();
  const age = ageMs === null ? '' : `${Math.round(ageMs / 1000)}s ago`;
  const state = snap.loading
    ? 'searching…'
    : snap.queued
      ? `next search in ${Math.max(1, Math.ceil(store.waitMs() / 1000))} s`
      : age
        ? `searched ${age}`
        : '';
  const empty =
    snap.loading && !snap.offers.length
      ? 'searching offers…'
      : snap.error && !snap.offers.length
        ? `no offers: ${snap.error.message}`
        : 'no offer matches the filter';
  return (
    <>
      {p.cover ? (
        p.cover.node(height)
      ) : (
        <Box flexDirection="column" width={width} height={height}>
          <Text wrap="truncate">
            <Text bold color={theme.colors.accent}>
              offers
            </Text>
            <Text color={theme.colors.muted}>{'  profile '}</Text>
            {profile ? profile.name : 'none'}
            {filterText ? (
              <>
                <Text color={theme.colors.muted}>{'  filter '}</Text>
                {sanitizeLine(filterText)}
              </>
            ) : null}
            <Text color={allHosts ? theme.colors['status.warn'] : theme.colors.muted}>
              {'  '}
              {allHosts ? 'all hosts' : 'verified hosts'}
            </Text>
            {view.hideFails ? <Text color={theme.colors.accent}>{'  no-fails'}</Text> : null}
            <Text color={theme.colors.muted}>
              {'  '}
              {rows.length === snap.offers.length ? snap.offers.length : `${rows.length}/${snap.offers.length}`}
              {' offers  '}
              {state}
            </Text>
            {snap.error ? (
              <Text color={theme.colors['status.warn']}>
                {'  STALE '}
                {snap.error.kind}: {snap.error.message}
              </Text>
            ) : null}
          </Text>
          <OfferTable
            rows={rows}
            checks={checks}
            columns={columns}
            top={list.top}
            height={tableRows}
            selectedId={selected?.id ?? null}
            sort={view.sort}
            desc={view.desc}
            empty={empty}
          />
          <Box flexGrow={1} />
          {detailHeight ? (
            <OfferDetail
              offer={selected}
              check={selected ? checks.get(selected.id) : undefined}
              width={width}
              height={detailHeight}
            />
          ) : null}
          {bootWait ? <BootCountdown wait={bootWait} now={m.deps.now} /> : null}
          {plan ? (
            <ProvisionConfirm lines={plan.lines} width={width} />
          ) : input !== null ? (
            <Text wrap="truncate">
              <Text color={theme.colors.accent} bold>
                /
              </Text>
              {input}
              <Text inverse> </Text>
              {!compiled.ok ? (
                <Text color={theme.colors['status.error']}>
                  {'  '}
                  {compiled.error}
                </Text>
              ) : null}
            </Text>
          ) : (
            <Text
              wrap="truncate"
              color={
                status?.level === 'error'
                  ? theme.colors['status.error']
                  : status?.level === 'warn'
                    ? theme.colors['status.warn']
                    : theme.colors.accent
              }
            >
              {spin ? `${spin} ` : ''}
              {status ? status.text : ''}
            </Text>
          )}
        </Box>
      )}
      <Box flexGrow={1} />
      {p.below}
    </>
  );
}

/** The offer browser's row in the view table (it needs its collaborators). */
export const offersView: ViewDef = {
  Component: OffersView,
  hints: () => ['offers', 'global'],
  available: (app) => !!app.offers,
};
