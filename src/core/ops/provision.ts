/**
 * Provisioning: rent one offer for a profile, wait for it to boot, check what it is billed, and journal every
 * step. Collaborators (api, journal, clock) come in as arguments and progress goes out as events, so the CLI,
 * the TUI and the tests drive the same code. The create itself is in provision-create.ts (never two rentals).
 */
import type { VastApi } from '../vast/api.js';
import type { CreateRequest, Instance, InstanceStatus, Offer } from '../vast/types.js';
import type { JournalWriter } from '../journal/journal.js';
import type { Profile } from '../profiles/schema.js';
import { newNonce } from '../profiles/label.js';
import { RUN_ID_ENV, runIdFromNonce } from '../checkpoints/run-id.js';
import {
  createReconciled,
  inFlight,
  journalAppend,
  JournalWriteError,
  unjournaledRental,
  withNonceTag,
  type CreateOptions,
} from './provision-create.js';
import { describeFinished, finishOpenProvisions, type Finished } from './provision-recover.js';
import {
  checkBilledPrice,
  waitForBoot,
  type BootOptions,
  type BootOutcome,
  type PriceCheck,
} from './provision-boot.js';
import type { SpeedtestResult } from './speedtest.js';
import { describeMismatches, type HostMismatch, type PostBootReport } from './postboot.js';
import type { BlacklistEntry } from '../offers/blacklist.js';
import {
  buildCreateRequest,
  choosePrice,
  maskRequest,
  ProvisionError,
  resolveEnv,
  vastEnvRefs,
  type PriceChoice,
} from './provision-request.js';

/** Collaborators of a provision. */
export interface ProvisionDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Source of nonces (tests fix it). */
  nonce?: () => string;
  /** Where { fromEnv } references are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Progress of a provision. Requests in events are masked; no env value ever appears. */
export type ProvisionEvent =
  | { type: 'request'; offerId: number; label: string; request: CreateRequest; dryRun: boolean }
  | { type: 'create-failed'; offerId: number; attempt: number; ambiguous: boolean; message: string }
  | { type: 'reconcile'; offerId: number; attempt: number; found: number | null; final: boolean }
  | { type: 'watching'; offerId: number; attempt: number; until: number; nonce: string }
  | { type: 'recovered'; finished: Finished; adopted: boolean; message: string }
  | { type: 'created'; offerId: number; instanceId: number; reconciled: boolean }
  | { type: 'skip-offer'; offerId: number; reason: string }
  | { type: 'status'; instanceId: number; status: InstanceStatus; elapsedMs: number; msg: string | null }
  | { type: 'boot-failed'; instanceId: number; outcome: Exclude<BootOutcome, 'running'>; elapsedMs: number }
  | { type: 'destroyed'; instanceId: number; reason: string }
  | { type: 'price'; instanceId: number; check: PriceCheck }
  | { type: 'speed'; instanceId: number; result: SpeedtestResult }
  | { type: 'host-check'; instanceId: number; report: PostBootReport }
  | { type: 'host-mismatch'; instanceId: number; machineId: number; mismatches: HostMismatch[] }
  | { type: 'blacklisted'; machineId: number; reason: string }
  | { type: 'warning'; message: string };

/** What to provision. */
export interface ProvisionInput {
  profile: Profile;
  profileName?: string;
  /** Offers to try, best first; --offer-id gives one. */
  candidates: Offer[];
  price: PriceChoice;
  dryRun?: boolean;
  /** On a taken offer or a bid that does not fit, go on to the next candidate (--best). */
  nextOnTaken?: boolean;
  /** Destroy an instance stuck in loading (or dead) and try the next candidate (--retry-stuck). */
  retryStuck?: boolean;
  /** Wait for boot (default true). */
  wait?: boolean;
  /** Candidates tried at most (default 5). */
  maxOffers?: number;
  create?: Omit<CreateOptions, 'onFailed' | 'onReconcile' | 'onWarning' | 'onWatching'>;
  /** Take over an unfinished provision of the same profile found in the journal instead of renting (default true). */
  adoptOpen?: boolean;
  boot?: Omit<BootOptions, 'onStatus' | 'onPollError'>;
  onEvent?: (e: ProvisionEvent) => void;
  /** After boot, measure the host's download speed (the profile's speedtest URLs); absent: not measured. */
  speedtest?: (instance: Instance, offer: Offer) => Promise<SpeedtestResult>;
  /**
   * After boot, check the host against the offer and the profile (postboot.ts). On a mismatch the instance is
   * destroyed (nothing is on it yet), its machine blacklisted, and the next candidate rented.
   */
  postBoot?: (instance: Instance, offer: Offer) => Promise<PostBootReport>;
  /** Persists a blacklisted machine (blacklist.ts); absent: remembered for this provision only. */
  blacklist?: (entry: BlacklistEntry) => Promise<void>;
}

/** How a provision ended. */
export interface ProvisionResult {
  /** `rejected`: every host rented failed the post-boot check and was destroyed. */
  outcome: 'dry-run' | 'created' | BootOutcome | 'rejected';
  offer: Offer;
  label: string;
  nonce: string;
  /** The request as sent, env values masked. */
  request: CreateRequest;
  instanceId?: number;
  instance?: Instance;
  priceCheck?: PriceCheck;
  /** The post-boot download test, when one ran. */
  speed?: SpeedtestResult;
  /** The post-boot check of the host, when one ran. */
  postBoot?: PostBootReport;
  /** Machines blacklisted by this provision's post-boot checks. */
  blacklisted?: number[];
  /** Instances this provision destroyed (stuck ones with --retry-stuck, late duplicates). */
  destroyed: number[];
  /** True when the rental is one an interrupted earlier provision made (found through the journal). */
  recovered?: boolean;
}

/** Rents one instance for the profile. Throws a ProvisionError with a clear message when it cannot. */
export async function provision(deps: ProvisionDeps, input: ProvisionInput): Promise<ProvisionResult> {
  const emit = input.onEvent ?? (() => {});
  const { profile } = input;
  if (input.candidates.length === 0)
    throw new ProvisionError('no_offers', 'no offer to rent: none matched the profile');
  // Only the names of account env vars are needed; the values are dropped at once.
  const vastKeys = vastEnvRefs(profile).length ? Object.keys(await deps.api.listEnvVars()) : null;
  const { env } = resolveEnv(profile, deps.env ?? process.env, vastKeys);
  const candidates = input.candidates.slice(0, Math.max(1, input.maxOffers ?? 5));
  const destroyed: number[] = [];
  const blacklisted: number[] = [];
  let lastResult: ProvisionResult | null = null;
  // Finish what an interrupted provision left open before renting anything (it may have rented).
  const adopt = input.dryRun ? null : await finishOpen(deps, input, emit);
  if (adopt) {
    const { instance, open } = adopt;
    const offer = candidates.find((c) => c.id === open.offerId) ?? candidates[0]!;
    const req = buildCreateRequest(profile, offer, {
      env,
      price: null,
      nonce: open.nonce,
      profileName: input.profileName,
    });
    const base: ProvisionResult = {
      outcome: 'created',
      offer,
      label: instance.label ?? open.label,
      nonce: open.nonce,
      request: maskRequest(req),
      destroyed,
      instanceId: instance.id,
      recovered: true,
    };
    emit({ type: 'created', offerId: open.offerId ?? offer.id, instanceId: instance.id, reconciled: true });
    if (input.wait === false) return (await end(deps, base, instance.dphTotal), base);
    return afterCreate(deps, input, base, instance.id, null, instance.dphTotal, false, emit, blacklisted);
  }

  for (let i = 0; i < candidates.length; i++) {
    const offer = candidates[i]!;
    const hasNext = i < candidates.length - 1;
    if (blacklisted.includes(offer.machineId)) {
      emit({ type: 'skip-offer', offerId: offer.id, reason: `machine ${offer.machineId} failed the post-boot check` });
      continue;
    }
    let price: number | null;
    try {
      price = choosePrice(input.price, offer);
    } catch (err) {
      if (input.nextOnTaken && hasNext) {
        emit({ type: 'skip-offer', offerId: offer.id, reason: (err as Error).message });
        continue;
      }
      throw err;
    }
    const nonce = (deps.nonce ?? newNonce)();
    // The run id (checkpoint binding, src/core/checkpoints/run-id.ts) goes into the instance env.
    const req = buildCreateRequest(profile, offer, {
      env: { ...env, [RUN_ID_ENV]: runIdFromNonce(nonce) },
      price,
      nonce,
      profileName: input.profileName,
    });
    const masked = maskRequest(req);
    const label = req.label ?? '';
    emit({ type: 'request', offerId: offer.id, label, request: masked, dryRun: !!input.dryRun });
    const base: ProvisionResult = { outcome: 'dry-run', offer, label, nonce, request: masked, destroyed };
    if (input.dryRun) return base;

    let created: { instanceId: number; reconciled: boolean };
    inFlight.add(nonce);
    try {
      created = await createReconciled(deps, offer, req, masked, nonce, {
        ...input.create,
        journalDetails: {
          ...input.create?.journalDetails,
          ...(input.profileName ? { profile: input.profileName } : {}),
        },
        onFailed: (e) => emit({ type: 'create-failed', offerId: offer.id, ...e }),
        onReconcile: (e) => emit({ type: 'reconcile', offerId: offer.id, ...e }),
        onWatching: (e) => emit({ type: 'watching', offerId: offer.id, ...e }),
        onWarning: (message) => emit({ type: 'warning', message }),
      });
    } catch (err) {
      inFlight.delete(nonce);
      if (err instanceof ProvisionError && err.code === 'offer_taken' && input.nextOnTaken && hasNext) {
        emit({ type: 'skip-offer', offerId: offer.id, reason: err.message });
        continue;
      }
      throw err;
    }
    const instanceId = created.instanceId;
    const dph = price ?? offer.dphTotal;
    emit({ type: 'created', offerId: offer.id, instanceId, reconciled: created.reconciled });
    if (input.wait === false) {
      try {
        await removeDuplicates(deps, nonce, instanceId, destroyed, emit);
        const r: ProvisionResult = { ...base, outcome: 'created', instanceId };
        await end(deps, r, dph);
        return r;
      } finally {
        inFlight.delete(nonce);
      }
    }
    let result: ProvisionResult;
    try {
      result = await afterCreate(
        deps,
        input,
        { ...base, instanceId },
        instanceId,
        offer,
        dph,
        input.retryStuck === true && hasNext,
        emit,
        blacklisted,
      );
    } finally {
      inFlight.delete(nonce);
    }
    if (result.outcome === 'rejected') {
      lastResult = result;
      continue;
    }
    if (result.outcome === 'running' || result.outcome === 'stopped' || !(input.retryStuck && hasNext)) return result;
    lastResult = result;
  }
  if (lastResult) return lastResult;
  throw new ProvisionError('no_offers', `none of the ${candidates.length} offers could be rented`);
}

/** Finishes the journal's open provisions; returns one to adopt (same profile, still alive), reporting the rest. */
async function finishOpen(
  deps: ProvisionDeps,
  input: ProvisionInput,
  emit: (e: ProvisionEvent) => void,
): Promise<Extract<Finished, { outcome: 'found' }> | null> {
  const finished = await finishOpenProvisions(deps, {
    reconcilePauseMs: input.create?.reconcilePauseMs,
    onWarning: (message) => emit({ type: 'warning', message }),
    onWatching: (o) =>
      emit({ type: 'watching', offerId: o.offerId ?? 0, attempt: 0, until: o.deadline, nonce: o.nonce }),
  });
  let chosen: Extract<Finished, { outcome: 'found' }> | null = null;
  for (const f of finished) {
    const usable =
      f.outcome === 'found' &&
      input.adoptOpen !== false &&
      !chosen &&
      f.open.profile !== null &&
      f.open.profile === input.profileName &&
      !['exited', 'offline', 'unknown', 'stopped'].includes(f.instance.status);
    if (usable) chosen = f as Extract<Finished, { outcome: 'found' }>;
    const tail = usable
      ? ': taking it over instead of renting again'
      : f.outcome === 'found'
        ? `: it is still rented; destroy it with \`vastdeck destroy ${f.instance.id}\` if you do not want it`
        : '';
    emit({ type: 'recovered', finished: f, adopted: usable, message: `${describeFinished(f)}${tail}` });
  }
  return chosen;
}

/** Closes the provision in the journal; a write that fails names the rental and how to destroy it. */
async function end(deps: ProvisionDeps, r: ProvisionResult, dph: number): Promise<void> {
  try {
    await journalAppend(deps.journal, {
      op: 'provision.end',
      phase: 'after',
      ids: {
        nonce: r.nonce,
        label: r.label,
        offerId: r.offer.id,
        ...(r.instanceId !== undefined ? { instanceId: r.instanceId } : {}),
      },
      details: { outcome: r.outcome },
    });
  } catch (err) {
    if (r.instanceId !== undefined) throw unjournaledRental(r.instanceId, r.label, dph, err);
    throw err;
  }
}

/** Boot wait, duplicate check, billed price and speed test of a rental; journal failures name the rental. */
async function afterCreate(
  deps: ProvisionDeps,
  input: ProvisionInput,
  base: ProvisionResult,
  instanceId: number,
  offerArg: Offer | null,
  dph: number,
  willRetry: boolean,
  emit: (e: ProvisionEvent) => void,
  blacklisted: number[],
): Promise<ProvisionResult> {
  try {
    return await bootAndCheck(deps, input, base, instanceId, offerArg, willRetry, emit, dph, blacklisted);
  } catch (err) {
    if (err instanceof JournalWriteError) throw unjournaledRental(instanceId, base.label, dph, err);
    throw err;
  }
}

async function bootAndCheck(
  deps: ProvisionDeps,
  input: ProvisionInput,
  base: ProvisionResult,
  instanceId: number,
  offerArg: Offer | null,
  willRetry: boolean,
  emit: (e: ProvisionEvent) => void,
  dph: number,
  blacklisted: number[],
): Promise<ProvisionResult> {
  const { profile } = input;
  const offer = base.offer;
  const { nonce, label, destroyed } = base;
  const price = base.request.price ?? null;
  const ids = { offerId: offer.id, instanceId, nonce, label };
  await journalAppend(deps.journal, {
    op: 'provision.boot',
    phase: 'before',
    ids,
    details: { trainRunId: runIdFromNonce(nonce) },
  });
  const boot = await waitForBoot(deps, instanceId, {
    ...input.boot,
    onStatus: (status, elapsedMs, msg) => emit({ type: 'status', instanceId, status, elapsedMs, msg }),
    onPollError: (err) => emit({ type: 'warning', message: `polling instance ${instanceId}: ${err.message}` }),
  });
  await journalAppend(deps.journal, {
    op: 'provision.boot',
    phase: 'after',
    ids,
    details: { outcome: boot.outcome, status: boot.instance?.status ?? null, elapsedMs: boot.elapsedMs },
  });
  // The boot wait gave a lost create time to surface: make sure only one rental carries this nonce.
  await removeDuplicates(deps, nonce, instanceId, destroyed, emit);
  const result: ProvisionResult = { ...base, outcome: boot.outcome, instanceId, instance: boot.instance ?? undefined };

  if (boot.outcome === 'running' && boot.instance) {
    if (offerArg) result.priceCheck = checkBilledPrice(boot.instance, offerArg, profile.diskGb, price);
    if (result.priceCheck) {
      emit({ type: 'price', instanceId, check: result.priceCheck });
      if (!result.priceCheck.ok) {
        emit({
          type: 'warning',
          message:
            `instance ${instanceId} is billed $${result.priceCheck.billed.toFixed(3)}/hr, the offer said ` +
            `$${result.priceCheck.expected.toFixed(3)}/hr`,
        });
      }
    }
    if (input.speedtest) {
      try {
        result.speed = await input.speedtest(boot.instance, offer);
        emit({ type: 'speed', instanceId, result: result.speed });
        if (result.speed.warning) emit({ type: 'warning', message: `instance ${instanceId}: ${result.speed.warning}` });
      } catch (err) {
        // A failed measurement never fails a rental that is up and billed: it is reported and the result stands.
        emit({
          type: 'warning',
          message: `instance ${instanceId}: download speed test failed: ${(err as Error).message}`,
        });
      }
    }
    if (
      input.postBoot &&
      (await checkAfterBoot(deps, input, boot.instance, offer, ids, result, destroyed, blacklisted, emit))
    ) {
      // Destroyed and blacklisted: the caller rents the next offer.
      const rejected: ProvisionResult = { ...result, outcome: 'rejected', blacklisted: [...blacklisted] };
      await end(deps, rejected, dph);
      return rejected;
    }
    await end(deps, result, dph);
    return result;
  }
  if (boot.outcome === 'stopped') {
    // The user stopped waiting: the rental stays as it is (rented, billed) and the provision is closed as stopped,
    // so a later start does not adopt it or rent again for it; the caller names it and how to destroy it.
    await end(deps, result, dph);
    return result;
  }
  emit({
    type: 'boot-failed',
    instanceId,
    outcome: boot.outcome as Exclude<BootOutcome, 'running'>,
    elapsedMs: boot.elapsedMs,
  });
  if (willRetry) await destroyJournaled(deps, instanceId, ids, `boot ${boot.outcome}`, destroyed, emit);
  await end(deps, result, dph);
  return result;
}

/**
 * The post-boot check of one rental; true when the host failed it and was destroyed (and its machine
 * blacklisted). A check that cannot run (SSH down) is a warning: the rental stands, as with the speed test.
 */
async function checkAfterBoot(
  deps: ProvisionDeps,
  input: ProvisionInput,
  instance: Instance,
  offer: Offer,
  ids: Record<string, unknown>,
  result: ProvisionResult,
  destroyed: number[],
  blacklisted: number[],
  emit: (e: ProvisionEvent) => void,
): Promise<boolean> {
  const instanceId = instance.id;
  let report: PostBootReport;
  try {
    report = await input.postBoot!(instance, offer);
  } catch (err) {
    emit({
      type: 'warning',
      message: `instance ${instanceId}: the post-boot host check could not run: ${(err as Error).message}`,
    });
    return false;
  }
  result.postBoot = report;
  emit({ type: 'host-check', instanceId, report });
  await journalAppend(deps.journal, {
    op: 'provision.host-check',
    phase: 'after',
    ids,
    details: { ok: report.ok, mismatches: report.mismatches, cuda: report.cuda.state },
  });
  if (report.ok) return false;
  const machineId = offer.machineId;
  emit({ type: 'host-mismatch', instanceId, machineId, mismatches: report.mismatches });
  const reason = `host is not what was paid for: ${describeMismatches(report)}`;
  await destroyJournaled(deps, instanceId, ids, reason, destroyed, emit);
  blacklisted.push(machineId);
  try {
    await input.blacklist?.({ machineId, reason, at: deps.now(), instanceId, offerId: offer.id });
  } catch (err) {
    emit({
      type: 'warning',
      message: `could not save machine ${machineId} to the blacklist: ${(err as Error).message}`,
    });
  }
  emit({ type: 'blacklisted', machineId, reason });
  return true;
}

async function destroyJournaled(
  deps: ProvisionDeps,
  instanceId: number,
  ids: Record<string, unknown>,
  reason: string,
  destroyed: number[],
  emit: (e: ProvisionEvent) => void,
): Promise<void> {
  await journalAppend(deps.journal, {
    op: 'provision.destroy',
    phase: 'before',
    ids: { ...ids, instanceId },
    details: { reason },
  });
  try {
    await deps.api.destroyInstance(instanceId);
  } catch (err) {
    await journalAppend(deps.journal, {
      op: 'provision.destroy',
      phase: 'error',
      ids: { ...ids, instanceId },
      details: { reason, message: (err as Error).message },
    });
    throw err;
  }
  await journalAppend(deps.journal, {
    op: 'provision.destroy',
    phase: 'after',
    ids: { ...ids, instanceId },
    details: { reason },
  });
  destroyed.push(instanceId);
  emit({ type: 'destroyed', instanceId, reason });
}

/** Safety net: a create whose answer was lost AND that surfaced only after a retry leaves a twin; destroy it. */
async function removeDuplicates(
  deps: ProvisionDeps,
  nonce: string,
  keep: number,
  destroyed: number[],
  emit: (e: ProvisionEvent) => void,
): Promise<void> {
  let mine: Instance[];
  try {
    mine = withNonceTag(await deps.api.listInstances(), nonce);
  } catch (err) {
    emit({ type: 'warning', message: `could not list instances to check for duplicates: ${(err as Error).message}` });
    return;
  }
  for (const twin of mine.filter((i) => i.id !== keep)) {
    await destroyJournaled(deps, twin.id, { nonce }, `duplicate of ${keep}`, destroyed, emit);
  }
}
