/**
 * The offer browser as a hook: its view state, its key handlers (as dispatcher layers) and its screen.
 * App calls it unconditionally and shows `node` / pushes `layers` while the offers view is active, so App
 * only gains a few lines. Provisioning runs core's provision() with progress in the status line.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../keymap/dispatch.js';
import type { Keymap } from '../keymap/registry.js';
import { checkOffers } from '../../core/checks/check.js';
import type { CheckResult, Verdict } from '../../core/checks/types.js';
import { useSpinner } from '../spinner.js';
import { resolveGpuNames } from '../../core/offers/gpu-names.js';
import { compileOfferFilter, sortView, DEFAULT_OFFER_VIEW, OFFER_SORT_KEYS, selectOffers, serverQuery, sortedOffers, type OfferSortKey, type OfferView } from '../../core/offers/view.js';
import { defaultOfferQuery, type OfferQuery } from '../../core/vast/query.js';
import { profileOfferQuery } from '../../core/profiles/query.js';
import type { Profile } from '../../core/profiles/schema.js';
import { provision } from '../../core/ops/provision.js';
import { formatMbps } from '../../core/ops/speedtest.js';
import { waitValidation } from '../../core/watch/validate.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { compileProgressCounter } from '../../core/logs/progress.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { OffersSnapshot } from '../../core/offers/store.js';
import { layoutOfferColumns } from './cells.js';
import { OfferTable } from './OfferTable.js';
import { OfferDetail, offerDetailHeight } from './OfferDetail.js';
import { ProvisionConfirm, provisionConfirmHeight } from './ProvisionConfirm.js';
import { BootCountdown, type BootWait } from './BootCountdown.js';
import { formatRate } from '../format.js';
import { eventLine, planProvision, provisionRefusal, type ProvisionPlan } from './provision-flow.js';
import type { OffersDeps } from './deps.js';
import { OFFER_SORT_KEYS_BOUND } from '../keymap/offers.js';
import { useTheme } from '../theme-context.js';
import type { Running } from '../running.js';

/** Sort keys bound to shift+letter (or a symbol) in the offers scope. */
export const OFFER_SORT_BINDINGS = OFFER_SORT_KEYS_BOUND as readonly [OfferSortKey, string, string][];

/** Props of the hook. */
export interface UseOffersProps {
  deps: OffersDeps | undefined;
  /** Operations running now: a rental registers itself so quitting asks first. */
  running?: Running;
  keymap: Keymap;
  active: boolean;
  width: number;
  /** Lines available to the screen. */
  height: number;
  now: number;
  onBack: () => void;
  /** Refresh the fleet (a new instance shows up there). */
  refreshFleet: () => void;
}

const EMPTY_SNAP: OffersSnapshot = { offers: [], query: null, loading: false, queued: false, error: null, fetchedAt: null, nextAllowedAt: 0, generation: 0 };
const noop = () => () => {};
const BROWSE_LIMIT = 2000;

/** The base search: the active profile's query, else verified offers cheapest first; `allHosts` drops `verified`. */
export function baseQuery(profile: Profile | null, allHosts = false): OfferQuery {
  const q: OfferQuery = profile ? profileOfferQuery(profile) : { ...defaultOfferQuery(), order: [['dph_total', 'asc']], limit: BROWSE_LIMIT };
  if (!allHosts) return q;
  const filters = { ...q.filters };
  delete filters.verified;
  return { ...q, filters };
}

/** State, handlers and screen of the offer browser. */
export function useOffers(p: UseOffersProps) {
  const theme = useTheme();
  const store = p.deps?.store;
  const snap = useSyncExternalStore(store?.subscribe ?? noop, store?.getSnapshot ?? (() => EMPTY_SNAP));
  const [view, setView] = useState<OfferView>(DEFAULT_OFFER_VIEW);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [allHosts, setAllHosts] = useState(false);
  const [detail, setDetail] = useState(false);
  const [input, setInput] = useState<string | null>(null);
  const [plan, setPlan] = useState<ProvisionPlan | null>(null);
  const [profile, setProfile] = useState<{ name: string; profile: Profile } | null>(null);
  const [status, setStatus] = useState<{ text: string; level: 'info' | 'error' | 'warn'; query?: boolean } | null>(null);
  // Vast's GPU names, to match gpu_name as Vast does (case, `_` or space) and name the closest to a typo.
  const [gpuNames, setGpuNames] = useState<readonly string[] | null>(null);
  const deps = p.deps;
  useEffect(() => {
    if (p.active && deps && gpuNames === null) deps.api.gpuNames().then(setGpuNames, () => setGpuNames([]));
  }, [p.active, deps, gpuNames]);
  // A query's error is over once a later search has answered.
  useEffect(() => setStatus((s) => (s?.query ? null : s)), [snap.generation]);
  const busy = useRef(false);
  // The running provision's stop switch and its boot wait (for the countdown and `x`).
  const stopProvision = useRef<AbortController | null>(null);
  const [bootWait, setBootWait] = useState<BootWait | null>(null);
  const [working, setWorking] = useState(false);
  const spin = useSpinner(working);
  const topRef = useRef(0);
  // The "next search in N s" note is over once that search has answered.
  useEffect(() => setStatus((s) => (s?.text.startsWith('search limit') ? null : s)), [snap.generation]);

  // The first visit searches; later visits show the last result at once (rule 5: paint first, fetch later).
  useEffect(() => {
    if (p.active && store && snap.generation === 0 && !snap.loading && !snap.queued && !snap.error) void store.search(baseQuery(profile?.profile ?? null));
  }, [p.active, store, snap, profile]);

  const checks = useMemo(() => {
    const list = checkOffers(snap.offers, profile?.profile ?? null);
    return new Map<number, CheckResult>(list.map((c) => [c.offerId, c]));
  }, [snap.offers, profile]);
  const verdicts = useMemo(() => new Map<number, Verdict>([...checks].map(([id, c]) => [id, c.verdict])), [checks]);
  // Sort orders are computed in idle time after a result arrives, one per turn of the loop, so a sort
  // keystroke on 10,000 offers is a cache lookup (the keystroke → frame target is independent of N).
  useEffect(() => {
    if (!snap.offers.length) return;
    const todo = OFFER_SORT_KEYS.flatMap((k) => [[k, false], [k, true]] as const);
    let handle: ReturnType<typeof setTimeout> | null = null;
    const next = () => {
      const job = todo.shift();
      if (!job) return;
      sortedOffers(snap.offers, job[0], job[1], verdicts);
      handle = setTimeout(next, 5);
    };
    handle = setTimeout(next, 50);
    return () => {
      if (handle) clearTimeout(handle);
    };
  }, [snap.offers, verdicts]);
  const filterText = input ?? view.filter;
  const compiled = useMemo(() => compileOfferFilter(filterText), [filterText]);
  const [lastGood, setLastGood] = useState(compiled);
  if (compiled.ok && compiled !== lastGood) setLastGood(compiled);
  const rows = useMemo(() => selectOffers(snap.offers, view, compiled.ok ? compiled : lastGood, verdicts), [snap.offers, view, compiled, lastGood, verdicts]);

  const confirmLines = plan ? provisionConfirmHeight(plan.lines, p.width) : 0;
  const bottom = (plan ? confirmLines : 1) + (bootWait ? 1 : 0);
  // The detail pane leaves the table at least 3 rows and shrinks by its fields' priority; with no room left (a
  // provision confirmation on a short terminal) it steps aside.
  const detailRoom = p.height - 2 - bottom - 3;
  const detailHeight = detail && detailRoom >= 4 ? offerDetailHeight(p.width, detailRoom) : 0;
  const tableRows = Math.max(1, p.height - 2 - bottom - detailHeight);
  const columns = useMemo(() => layoutOfferColumns(p.width - 1, !!profile), [p.width, profile]);

  let cursor = selectedId === null ? 0 : rows.findIndex((o) => o.id === selectedId);
  if (cursor < 0) cursor = 0;
  cursor = Math.min(cursor, Math.max(0, rows.length - 1));
  const selected = rows[cursor];
  let top = Math.min(topRef.current, Math.max(0, rows.length - tableRows));
  if (cursor < top) top = cursor;
  if (cursor >= top + tableRows) top = cursor - tableRows + 1;
  topRef.current = top;

  const moveTo = (i: number) => {
    if (!rows.length) return;
    setSelectedId(rows[Math.max(0, Math.min(rows.length - 1, i))]!.id);
  };
  const sortBy = (sort: OfferSortKey) => setView((v) => sortView(v, sort));
  const search = (q: OfferQuery) => {
    if (!store) return;
    if (store.waitMs() > 0) setStatus({ text: `search limit: next search in ${Math.ceil(store.waitMs() / 1000)} s (Vast allows 10 a minute)`, level: 'info' });
    void store.search(q);
  };
  const applyFilter = (typed: string) => {
    const names = gpuNames?.length ? resolveGpuNames(typed, gpuNames) : { ok: true as const, text: typed };
    if (!names.ok) return setStatus({ text: names.error, level: 'error', query: true });
    const text = names.text;
    const c = compileOfferFilter(text);
    if (!c.ok) return setStatus({ text: c.error, level: 'error', query: true });
    setStatus((s) => (s?.query ? null : s));
    setView((v) => ({ ...v, filter: text }));
    // Clauses also go to the server, so the filter reaches offers beyond the loaded ones; a filter whose clauses
    // were removed searches with the base query again (else the last, narrower result would stay on screen).
    const base = baseQuery(profile?.profile ?? null, allHosts);
    const target = c.fields.length ? serverQuery(text, base) : base;
    if (JSON.stringify(target) !== JSON.stringify(snap.query)) search(target);
  };

  const chooseProfile = async (name: string) => {
    if (!p.deps) return;
    try {
      const { file, profiles } = await p.deps.loadProfiles();
      const names = Object.keys(profiles);
      if (!name) return setStatus({ text: profile ? `profile ${profile.name} (from ${file}); profiles: ${names.join(', ')}` : `profiles in ${file}: ${names.join(', ') || 'none'}`, level: 'info' });
      const found = profiles[name];
      if (!found) return setStatus({ text: `no profile "${sanitizeLine(name).slice(0, 40)}" in ${file}; profiles: ${names.join(', ')}`, level: 'error' });
      setProfile({ name, profile: found });
      setStatus({ text: `profile ${name}: offers checked against it; searching with its query`, level: 'info' });
      search(view.filter ? serverQuery(view.filter, baseQuery(found, allHosts)) : baseQuery(found, allHosts));
    } catch (err) {
      setStatus({ text: sanitizeLine(String((err as Error).message ?? err)), level: 'error' });
    }
  };

  const askProvision = () => {
    if (!selected || !p.deps || !p.keymap.get('offers.provision')) return;
    if (busy.current) return setStatus({ text: 'a provision is already running', level: 'error' });
    if (!profile) return void chooseProfile('').then(() => setStatus((s) => ({ text: `choose a profile first (:profile NAME). ${s?.text ?? ''}`, level: 'error' })));
    const check = checks.get(selected.id);
    const refusal = provisionRefusal(profile.name, selected, check, profile.profile);
    if (refusal) return setStatus({ text: refusal, level: 'error' });
    try {
      setPlan(planProvision(profile.profile, profile.name, selected, check));
    } catch (err) {
      setStatus({ text: sanitizeLine((err as Error).message), level: 'error' });
    }
  };

  const runProvision = async (pl: ProvisionPlan) => {
    const d = p.deps;
    if (!d) return;
    busy.current = true;
    let release!: () => void;
    const ended = new Promise<void>((r) => (release = r));
    const stop = new AbortController();
    stopProvision.current = stop;
    const end = p.running?.add({
      what: 'a rental is in progress', onQuit: 'the exit stops waiting for its boot (it stays rented); it is journaled',
      stop: () => (stop.abort('the app closed'), ended),
    }) ?? (() => {});
    const timeoutMs = d.stuckAfterMs * 2;
    setWorking(true);
    const st = pl.profile.speedtest;
    let warned = false;
    try {
      const result = await provision(
        { api: d.api, journal: d.journal, sleep: d.sleep, now: d.now },
        {
          profile: pl.profile, profileName: pl.profileName, candidates: [pl.offer], price: pl.price,
          boot: { pollMs: d.bootPollMs, stuckAfterMs: d.stuckAfterMs, timeoutMs, signal: stop.signal },
          postBoot: d.hostCheck ? (inst, offer) => {
            setStatus({ text: `instance ${inst.id} running; checking the host against the offer (GPU, disk, CUDA${st ? ', download speed' : ''})…`, level: 'info' });
            return d.hostCheck!(inst, offer, pl.profile);
          } : undefined,
          blacklist: d.blacklist,
          speedtest: st && d.speedtest && !d.hostCheck ? (inst, offer) => {
            setStatus({ text: `instance ${inst.id} running; measuring its download speed…`, level: 'info' });
            return d.speedtest!(inst, st.urls, st.seconds, offer.inetDownMbps);
          } : undefined,
          onEvent: (e) => {
            const line = eventLine(e);
            if (e.type === 'warning') warned = true;
            if (line) setStatus({ text: line, level: e.type === 'warning' || e.type === 'boot-failed' || e.type === 'host-mismatch' ? 'warn' : 'info' });
            if (e.type === 'created' || e.type === 'status') p.refreshFleet();
            if (e.type === 'created') setBootWait({ instanceId: e.instanceId, startMs: d.now(), totalMs: timeoutMs });
            if (e.type === 'boot-failed' || e.type === 'price' || e.type === 'destroyed') setBootWait(null);
          },
        },
      );
      p.refreshFleet();
      const speed = result.speed ?? result.postBoot?.speed;
      if (result.outcome === 'stopped') {
        const dph = result.instance?.dphTotal ?? pl.offer.dphTotal;
        setStatus({ text: `stopped waiting; instance ${result.instanceId} stays rented (${formatRate(dph)}/hr) — D destroys it (journal: provision closed as stopped)`, level: 'warn' });
        return;
      }
      if (result.outcome === 'rejected') {
        setStatus({ text: `the host was not what was paid for: destroyed, machine ${(result.blacklisted ?? []).join(', ')} blacklisted; pick another offer`, level: 'warn' });
        return;
      }
      if (result.outcome === 'running' && speed) {
        const got = speed.bestMbps === null ? 'unknown' : formatMbps(speed.bestMbps);
        setStatus(
          speed.warning
            ? { text: `instance ${result.instanceId} running; ${speed.warning}`, level: 'warn' }
            : { text: `instance ${result.instanceId} running; downloads at ${got} (advertised ${formatMbps(pl.offer.inetDownMbps)})`, level: 'info' },
        );
      } else if (result.outcome === 'running' && !warned) {
        setStatus({ text: `instance ${result.instanceId} running (${sanitizeLine(result.label)})`, level: 'info' });
      }
      // The profile's validation window: pass/fail on the status line before hours are spent on the run.
      const spec = pl.profile.validate;
      if (result.outcome === 'running' && spec && result.instanceId !== undefined) {
        const id = result.instanceId;
        const counter = pl.profile.progress && compileProgressCounter(pl.profile.progress);
        void waitValidation({
          api: d.api, id, spec, counter, everyMs: d.bootPollMs * 6, clock: { now: d.now, sleep: d.sleep },
          health: new ApiLogHealth(d.api, { now: d.now, counter }),
          onPoll: (v) => setStatus({ text: `instance ${id} validation ${sanitizeLine(v.summary)}`, level: v.state === 'fail' ? 'error' : 'info' }),
        }).catch((err) => setStatus({ text: `instance ${id} validation could not run: ${sanitizeLine(String((err as Error).message ?? err))}`, level: 'warn' }));
      }
    } catch (err) {
      setStatus({ text: `provision failed: ${sanitizeLine(String((err as Error).message ?? err))}`, level: 'error' });
    } finally {
      busy.current = false;
      stopProvision.current = null;
      setBootWait(null);
      release();
      end();
      setWorking(false);
      p.refreshFleet();
      void store?.refresh();
    }
  };

  const handlers: Record<string, () => void> = {
    'offers.back': () => p.onBack(),
    'offers.down': () => moveTo(cursor + 1),
    'offers.up': () => moveTo(cursor - 1),
    'offers.pageDown': () => moveTo(cursor + tableRows),
    'offers.pageUp': () => moveTo(cursor - tableRows),
    'offers.top': () => moveTo(0),
    'offers.bottom': () => moveTo(rows.length - 1),
    'offers.detail': () => setDetail((v) => !v),
    'offers.filter': () => setInput(view.filter),
    'offers.refresh': () => {
      const q = snap.query ?? baseQuery(profile?.profile ?? null, allHosts);
      search(q);
    },
    'offers.verified': () => {
      // The base search asks for verified hosts only; `v` searches again with unverified hosts too, or back.
      const all = !allHosts;
      setAllHosts(all);
      const base = baseQuery(profile?.profile ?? null, all);
      search(view.filter ? serverQuery(view.filter, base) : base);
      setStatus({ text: all ? 'searching verified and unverified hosts (v: verified only)' : 'searching verified hosts only (v: all hosts)', level: 'info', query: true });
    },
    'offers.hideFails': () => setView((v) => ({ ...v, hideFails: !v.hideFails })),
    'offers.provision': askProvision,
  };
  for (const [key] of OFFER_SORT_BINDINGS) handlers[`offers.sort.${key}`] = () => sortBy(key);

  /** Command-line handlers by command id (`:profile NAME`, and `:sort`/`:filter` while this view shows). */
  const lineHandlers: Record<string, (arg: string) => void> = {
    'offers.profile': (arg) => void chooseProfile(arg),
    'offers.provision': () => askProvision(),
    'fleet.sort': (arg) => {
      if (!(OFFER_SORT_KEYS as readonly string[]).includes(arg)) return setStatus({ text: `sort offers by one of: ${OFFER_SORT_KEYS.join(', ')}`, level: 'error' });
      sortBy(arg as OfferSortKey);
    },
    'fleet.filter': (arg) => applyFilter(arg),
  };

  const layers: Layer[] = [];
  if (plan) {
    layers.push({
      scope: 'overlay', modal: true,
      handlers: {
        'confirm.yes': () => {
          setPlan(null);
          void runProvision(plan);
        },
        'confirm.no': () => setPlan(null),
        'overlay.close': () => setPlan(null),
      },
    });
  }
  if (working && stopProvision.current) {
    // `x` stops waiting for the rental at once (the key that stops a migration's wait); other keys fall through.
    const ctl = stopProvision.current;
    layers.push({
      scope: 'overlay',
      handlers: {
        'migrate.abort': () => {
          if (ctl.signal.aborted) return;
          ctl.abort('stopped with x');
          setStatus({ text: 'stopping the wait…', level: 'info' });
        },
      },
    });
  }
  if (input !== null) {
    layers.push({
      scope: 'input',
      onText: (t) => (setInput(input + t), true),
      handlers: {
        'input.submit': () => {
          setInput(null);
          applyFilter(input);
        },
        'input.cancel': () => setInput(null),
        'input.erase': () => setInput(input.slice(0, -1)),
        'input.clear': () => setInput(''),
        'input.complete': () => {},
      },
    });
  }
  layers.push({ scope: 'offers', handlers });

  // The store's clock, not the app's: under --demo the app runs on the simulator's sped-up clock, while searches
  // (and their rate limit) happen in real time.
  const ageMs = store?.ageMs() ?? null;
  const age = ageMs === null ? '' : `${Math.round(ageMs / 1000)}s ago`;
  const state = snap.loading ? 'searching…' : snap.queued ? `next search in ${Math.max(1, Math.ceil((store?.waitMs() ?? 0) / 1000))} s` : age ? `searched ${age}` : '';
  const empty = snap.loading && !snap.offers.length ? 'searching offers…' : snap.error && !snap.offers.length ? `no offers: ${snap.error.message}` : 'no offer matches the filter';
  const node: ReactNode = p.active ? (
    <Box flexDirection="column" width={p.width} height={p.height}>
      <Text wrap="truncate">
        <Text bold color={theme.colors.accent}>offers</Text>
        <Text color={theme.colors.muted}>  profile </Text>
        {profile ? profile.name : 'none'}
        {filterText ? (
          <>
            <Text color={theme.colors.muted}>  filter </Text>
            {sanitizeLine(filterText)}
          </>
        ) : null}
        <Text color={allHosts ? theme.colors['status.warn'] : theme.colors.muted}>  {allHosts ? 'all hosts' : 'verified hosts'}</Text>
        {view.hideFails ? <Text color={theme.colors.accent}>  no-fails</Text> : null}
        <Text color={theme.colors.muted}>  {rows.length === snap.offers.length ? snap.offers.length : `${rows.length}/${snap.offers.length}`} offers  {state}</Text>
        {snap.error ? <Text color={theme.colors['status.warn']}>  STALE {snap.error.kind}: {snap.error.message}</Text> : null}
      </Text>
      <OfferTable rows={rows} checks={checks} columns={columns} top={top} height={tableRows} selectedId={selected?.id ?? null} sort={view.sort} desc={view.desc} empty={empty} />
      <Box flexGrow={1} />
      {detailHeight ? <OfferDetail offer={selected} check={selected ? checks.get(selected.id) : undefined} width={p.width} height={detailHeight} /> : null}
      {bootWait && deps ? <BootCountdown wait={bootWait} now={deps.now} /> : null}
      {plan ? (
        <ProvisionConfirm lines={plan.lines} width={p.width} />
      ) : input !== null ? (
        <Text wrap="truncate">
          <Text color={theme.colors.accent} bold>/</Text>
          {input}
          <Text inverse> </Text>
          {!compiled.ok ? <Text color={theme.colors['status.error']}>  {compiled.error}</Text> : null}
        </Text>
      ) : (
        <Text wrap="truncate" color={status?.level === 'error' ? theme.colors['status.error'] : status?.level === 'warn' ? theme.colors['status.warn'] : theme.colors.accent}>
          {spin ? `${spin} ` : ''}
          {status ? status.text : ''}
        </Text>
      )}
    </Box>
  ) : null;

  return { layers, node, lineHandlers, profileName: profile?.name ?? null };
}
